// GET /session/v1/session/{session_id}/player/{player_uuid} — Get Player In Session.
import { get_player_in_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_player_in_session.js';
import * as query from '../schemas/generated/validators/get_player_in_session.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionExpiry } from '../src/dynamodb/expiry.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordCulls } from '../src/observability/metrics.js';
import { canonicalUuid } from '../src/http/uuid.js';
import { getPlayerInSession } from '../src/sessions/operations/read-players.js';
import { toPlayerResource } from '../src/sessions/views/session-view.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionExpiry(table), ...presence(table) })),
  run: async (_event, { store, input: { path, query } }) => {
    const target = canonicalUuid(String(path.player_uuid));
    const { player, etag, culled } = await getPlayerInSession(store, String(path.session_id), target, query.refresh_ttl !== false);
    recordCulls(culled);
    return json(200, toPlayerResource(player), { etag });
  },
});
