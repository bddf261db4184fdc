// DELETE /session/v1/session/{session_id}/kicked-session/{kicked_session_id} — Kick Session From Session
// (RallyHere's KickOtherSession).
import { kick_session_from_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/kick_session_from_session.js';
import * as query from '../schemas/generated/validators/kick_session_from_session.query.js';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { noContent } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { kickSession } from '../src/sessions/operations/party.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table), ...sessionCleanup(table) })),
  run: async (event, { store, actor, input: { path, query } }) => {
    const outcome = await kickSession(store, String(path.session_id), String(path.kicked_session_id), actor, {
      ...preconditionsOf(event),
      refreshTtl: query.refresh_ttl !== false,
    });
    recordChange(operation.operationId, outcome);
    return noContent(outcome.etag);
  },
});
