// get_session_by_id: the session with its players, or "not modified" when the caller already holds its ETag (one
// item read, no players); a read extends the session's life when it asks to (rules/expiry.ts).
import { ApiError } from '../../errors/api-error.js';
import { etagOf } from '../model/etag.js';
import type { Session } from '../model/session.js';
import { needsExtension } from '../rules/expiry.js';
import type { SessionExpiry, SessionReads, SessionWithPlayers } from '../store.js';

/** Not modified, with the session's ETag; or the session as read (whose ETag is its version's when it is one state). */
export type SessionRead = { notModified: true; etag: string } | ({ notModified: false } & SessionWithPlayers);

export interface ReadOptions {
  /** Extend the session's life (refresh_ttl). */
  refreshTtl: boolean;
  /** If-None-Match: whether the caller already holds this ETag. */
  held?: (etag: string) => boolean;
}

export async function getSession(store: SessionReads & SessionExpiry, sessionId: string, opts: ReadOptions, now = new Date()): Promise<SessionRead> {
  const refresh = (session: Session) => (opts.refreshTtl && needsExtension(session, now) ? store.extendExpiry(session, now) : Promise.resolve());
  if (opts.held) {
    // The cheap check first: one item, no players.
    const session = await store.readSession(sessionId, now);
    if (!session) throw new ApiError('session_not_found');
    if (opts.held(etagOf(session))) {
      await refresh(session);
      return { notModified: true, etag: etagOf(session) };
    }
  }
  const found = await store.readSessionWithPlayers(sessionId, now);
  if (!found) throw new ApiError('session_not_found');
  await refresh(found.session);
  return { notModified: false, ...found };
}
