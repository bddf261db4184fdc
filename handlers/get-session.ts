// GET /session/v1/session/{session_id} — Get Session By Id, with ETag / If-None-Match.
import { get_session_by_id as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_session_by_id.js';
import * as query from '../schemas/generated/validators/get_session_by_id.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionExpiry } from '../src/dynamodb/expiry.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { ifNoneMatchOf } from '../src/http/conditional.js';
import { weakContentEtag } from '../src/http/content-etag.js';
import { httpOperation } from '../src/http/operation.js';
import { presenceOfCaller } from '../src/http/presence.js';
import { recordCulls } from '../src/observability/metrics.js';
import { json, notModified } from '../src/http/responses.js';
import { etagOf } from '../src/sessions/model/etag.js';
import { getSession } from '../src/sessions/operations/get-session.js';
import { toSessionResource } from '../src/sessions/views/session-view.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionExpiry(table), ...presence(table) })),
  run: async (event, { store, input, actor }) => {
    const held = ifNoneMatchOf(event);
    const refreshTtl = input.query.refresh_ttl !== false;
    const read = await getSession(store, String(input.path.session_id), { refreshTtl, held, ...presenceOfCaller(actor, refreshTtl) });
    if (read.notModified) return notModified(read.etag);
    recordCulls(read.culled);
    const body = toSessionResource(read.session, read.players);
    // A busy session read in pages that never settled on one state: a weak ETag of what is shown (docs/api.md).
    const etag = read.consistent ? etagOf(read.session) : weakContentEtag(body);
    return held?.(etag) ? notModified(etag) : json(200, body, { etag });
  },
});
