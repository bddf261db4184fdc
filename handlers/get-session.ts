// GET /session/v1/session/{session_id} — Get Session By Id, with ETag / If-None-Match.
import { get_session_by_id as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_session_by_id.js';
import { query } from '../schemas/generated/validators/get_session_by_id.query.js';
import { ApiError } from '../src/errors/api-error.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json, notModified } from '../src/http/responses.js';
import { etagOf, ifNoneMatchHits } from '../src/sessions/model/etag.js';
import type { Session } from '../src/sessions/model/session.js';
import type { SessionExpiry } from '../src/sessions/store.js';
import { needsExtension, toSessionResource } from '../src/sessions/views/session-view.js';
import { sessionExpiry } from '../src/dynamodb/expiry.js';
import { sessionReads } from '../src/dynamodb/reads.js';

const refresh = (store: SessionExpiry, session: Session, wanted: boolean, now: Date) =>
  wanted && needsExtension(session, now) ? store.extendExpiry(session, now) : Promise.resolve();

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionExpiry(table) }),
  ...validators,
  query,
  run: async (event, { store, input }) => {
    const sessionId = String(input.path.session_id);
    const refreshTtl = input.query.refresh_ttl !== false;
    const now = new Date();
    const ifNoneMatch = headerOf(event, 'if-none-match');
    if (ifNoneMatch !== undefined) {
      // The cheap check first: one item, no players.
      const session = await store.readSession(sessionId, now);
      if (!session) throw new ApiError('session_not_found');
      if (ifNoneMatchHits(ifNoneMatch, etagOf(session))) {
        await refresh(store, session, refreshTtl, now);
        return notModified(etagOf(session));
      }
    }
    const found = await store.readSessionWithPlayers(sessionId, now);
    if (!found) throw new ApiError('session_not_found');
    await refresh(store, found.session, refreshTtl, now);
    return json(200, toSessionResource(found.session, found.players), { etag: etagOf(found.session) });
  },
});
