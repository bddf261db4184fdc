// POST /session/v1/session/{session_id}:generate-short-code — Generate Session Short Code.
import { generate_session_short_code as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/generate_session_short_code.js';
import * as query from '../schemas/generated/validators/generate_session_short_code.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { generateShortCode } from '../src/sessions/operations/generate-short-code.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
  run: async (_event, { store, actor, services, input: { path, query } }) => {
    const outcome = await generateShortCode(store, String(path.session_id), actor, {
      length: services.config.shortCodeLength,
      refreshTtl: query.refresh_ttl !== false,
    });
    recordChange(operation.operationId, outcome);
    return json(200, { short_code: outcome.result }, { etag: outcome.etag });
  },
});
