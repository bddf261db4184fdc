// POST /session/v2/session/{session_id}/player/{player_uuid}[:invite|:promote|:move] — the v2 player operations:
// Update Player By Uuid V2 (custom data), Invite, Promote and Move Player By Uuid V2. One route, one function: each
// request goes to the operation its suffix names (src/http/route-dispatch.ts).
import {
  invite_player_by_uuid_v2 as invite,
  move_player_by_uuid_v2 as move,
  promote_player_by_uuid_v2 as promote,
  update_player_by_uuid_v2 as update,
} from '../schemas/generated/operations.js';
import * as inviteValidators from '../schemas/generated/validators/invite_player_by_uuid_v2.js';
import * as inviteQuery from '../schemas/generated/validators/invite_player_by_uuid_v2.query.js';
import * as moveValidators from '../schemas/generated/validators/move_player_by_uuid_v2.js';
import * as moveQuery from '../schemas/generated/validators/move_player_by_uuid_v2.query.js';
import * as promoteValidators from '../schemas/generated/validators/promote_player_by_uuid_v2.js';
import * as promoteQuery from '../schemas/generated/validators/promote_player_by_uuid_v2.query.js';
import * as updateValidators from '../schemas/generated/validators/update_player_by_uuid_v2.js';
import * as updateQuery from '../schemas/generated/validators/update_player_by_uuid_v2.query.js';
import { playerChangeOperation } from '../src/http/player-operations.js';
import { routeBySuffix } from '../src/http/route-dispatch.js';

export const handler = routeBySuffix([
  [
    update,
    playerChangeOperation(update, { ...updateValidators, ...updateQuery }, (body) => ({
      customData: { ...body.custom_data },
      overflowAction: 'fail',
      present: true,
    })),
  ],
  [
    invite,
    playerChangeOperation(invite, { ...inviteValidators, ...inviteQuery }, (body) => ({
      status: 'invited',
      teamId: body.team_id,
      customData: { ...body.custom_data },
      overflowAction: body.overflow_action,
    })),
  ],
  [
    promote,
    playerChangeOperation(promote, { ...promoteValidators, ...promoteQuery }, () => ({ status: 'leader', overflowAction: 'fail', present: true })),
  ],
  [
    move,
    playerChangeOperation(move, { ...moveValidators, ...moveQuery }, (body) => ({ teamId: body.team_id, overflowAction: 'fail', present: true })),
  ],
]);
