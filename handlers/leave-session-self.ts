// DELETE /session/v1/session/{session_id}/player/me — Leave Session By Id Self.
import { leave_session_by_id_self as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/leave_session_by_id_self.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { removePlayer } from '../src/sessions/operations/player-operations.js';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionCleanup(table) }),
  ...validators,
  run: async (event, { store, actor, input }) => {
    const outcome = await removePlayer(store, String(input.path.session_id), actor, actor.playerUuid, { ifMatch: headerOf(event, 'if-match') });
    recordChange(operation.operationId, outcome);
    return noContent(outcome.etag);
  },
});
