// DELETE /session/v1/session/{session_id}/player/{player_uuid} — Kick Player From Session By Uuid V2.
import * as validate from '../schemas/generated/validators/kick_player_from_session_by_uuid_v2.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { actorOf } from '../src/http/actor.js';
import { removePlayer } from '../src/sessions/operations/player-operations.js';
import { recordChange } from '../src/observability/metrics.js';

export const handler = httpOperation({
  operationId: 'kick_player_from_session_by_uuid_v2',
  permissions: ['session:*', 'session:update-player:any', 'session:update-player:self'],
  validators: validate,
  run: async (event, { services, caller, input }) => {
    const actor = actorOf(caller, ['session:*', 'session:update-player:any']);
    const target = String(input.path.player_uuid).toLowerCase();
    const outcome = await removePlayer(services.store, String(input.path.session_id), actor, target, { ifMatch: headerOf(event, 'if-match') });
    recordChange('kick_player_from_session_by_uuid_v2', outcome);
    return noContent(outcome.etag);
  },
});
