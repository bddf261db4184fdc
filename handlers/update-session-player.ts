// POST /session/v1/session/{session_id}/player/{player_uuid} — Update Session Player By Uuid V2: invite,
// reserve, add, move or promote a player.
import { update_session_player_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_player_by_uuid_v2.js';
import { headerOf } from '../src/http/api-event.js';
import { toUpdateResponse } from '../src/http/join-request.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { updatePlayer } from '../src/sessions/operations/player-operations.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table) }),
  ...validators,
  run: async (event, { store, actor, input: { path, body } }) => {
    const target = String(path.player_uuid).toLowerCase();
    const outcome = await updatePlayer(
      store,
      String(path.session_id),
      actor,
      target,
      { status: body.status, teamId: body.team_id, customData: { ...body.custom_data }, overflowAction: body.overflow_action },
      { ifMatch: headerOf(event, 'if-match') },
    );
    recordChange(operation.operationId, outcome);
    return json(200, toUpdateResponse(outcome.result), outcome.etag ? { etag: outcome.etag } : {});
  },
});
