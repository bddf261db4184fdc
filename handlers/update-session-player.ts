// POST /session/v1/session/{session_id}/player/{player_uuid} — Update Session Player By Uuid V2: invite,
// reserve, add, move or promote a player.
import * as validate from '../schemas/generated/validators/update_session_player_by_uuid_v2.js';
import type { components } from '../schemas/generated/types.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { actorOf } from '../src/http/actor.js';
import { toUpdateResponse } from '../src/http/join-request.js';
import { updatePlayer } from '../src/sessions/operations/player-operations.js';
import { recordChange } from '../src/observability/metrics.js';

type Body = components['schemas']['SessionPlayerUpdateRequest'];

export const handler = httpOperation<Body>({
  operationId: 'update_session_player_by_uuid_v2',
  permissions: ['session:*', 'session:promote:any', 'session:promote:self'],
  validators: validate,
  run: async (event, { services, caller, input }) => {
    const body = input.body as Body;
    const actor = actorOf(caller, ['session:*', 'session:promote:any']);
    const target = String(input.path.player_uuid).toLowerCase();
    const outcome = await updatePlayer(
      services.store,
      String(input.path.session_id),
      actor,
      target,
      { status: body.status, teamId: body.team_id, customData: { ...body.custom_data }, overflowAction: body.overflow_action },
      { ifMatch: headerOf(event, 'if-match') },
    );
    recordChange('update_session_player_by_uuid_v2', outcome);
    return json(200, toUpdateResponse(outcome.result), outcome.etag ? { etag: outcome.etag } : {});
  },
});
