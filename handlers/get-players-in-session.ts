// GET /session/v1/session/{session_id}/player — Get Players In Session, a page at a time.
import { get_players_in_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_players_in_session.js';
import * as query from '../schemas/generated/validators/get_players_in_session.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionExpiry } from '../src/dynamodb/expiry.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { weakContentEtag } from '../src/http/content-etag.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordCulls } from '../src/observability/metrics.js';
import { etagOf } from '../src/sessions/model/etag.js';
import { getPlayersPage } from '../src/sessions/operations/read-players.js';
import { toPlayersPage } from '../src/sessions/views/players-page.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionExpiry(table), ...presence(table) })),
  run: async (_event, { store, input: { path, query } }) => {
    const page = await getPlayersPage(
      store,
      String(path.session_id),
      { cursor: Number(query.cursor), pageSize: Number(query.page_size) },
      query.refresh_ttl !== false,
    );
    recordCulls(page.culled);
    const body = toPlayersPage(page);
    // A busy session read in pages that never settled on one state: a weak ETag of what is shown, as Get Session By Id.
    return json(200, body, { etag: page.consistent ? etagOf(page.session) : weakContentEtag(body) });
  },
});
