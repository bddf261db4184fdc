// DELETE /session/v1/session/{session_id}/player/me — Leave Session By Id Self.
import * as validate from '../schemas/generated/validators/leave_session_by_id_self.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { actorOf } from '../src/http/actor.js';
import { removePlayer } from '../src/sessions/operations/player-operations.js';
import { recordChange } from '../src/observability/metrics.js';

export const handler = httpOperation({
  operationId: 'leave_session_by_id_self',
  permissions: ['session:*', 'session:update:self'],
  playerOnly: true,
  validators: validate,
  run: async (event, { services, caller, input }) => {
    const outcome = await removePlayer(services.store, String(input.path.session_id), actorOf(caller, ['session:*']), caller.playerUuid, {
      ifMatch: headerOf(event, 'if-match'),
    });
    recordChange('leave_session_by_id_self', outcome);
    return noContent(outcome.etag);
  },
});
