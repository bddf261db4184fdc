// DELETE /session/v1/session/{session_id} — Delete Session.
import { delete_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/delete_session.js';
import * as query from '../schemas/generated/validators/delete_session.query.js';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { deleteSession } from '../src/sessions/operations/delete-session.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table), ...sessionCleanup(table) })),
  run: async (event, { store, actor, input: { path } }) => {
    // refresh_ttl is accepted as upstream's contract has it; a deleted session has no life left to extend.
    const outcome = await deleteSession(store, String(path.session_id), actor, preconditionsOf(event));
    recordChange(operation.operationId, outcome);
    return noContent();
  },
});
