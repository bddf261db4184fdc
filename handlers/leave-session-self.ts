// DELETE /session/v1/session/{session_id}/player/me — Leave Session By Id Self.
import { leave_session_by_id_self as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/leave_session_by_id_self.js';
import * as query from '../schemas/generated/validators/leave_session_by_id_self.query.js';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { removePlayer } from '../src/sessions/operations/remove-player.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table), ...sessionCleanup(table) })),
  run: async (event, { store, actor, input: { path, query } }) => {
    const options = { ...preconditionsOf(event), refreshTtl: query.refresh_ttl !== false };
    const outcome = await removePlayer(store, String(path.session_id), actor, actor.playerUuid, options, query.reason as string | undefined);
    recordChange(operation.operationId, outcome);
    return noContent(outcome.etag);
  },
});
