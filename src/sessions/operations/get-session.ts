// get_session_by_id: the session with its players, or "not modified" when the caller already holds its ETag (one
// item read, no players); a read extends the session's life when it asks to (rules/expiry.ts). A session whose cull
// floor has passed is read whole and its due culls written first, so no answer shows a culled player, and no ETag
// held from before a cull is answered "not modified". A player's read counts as their query (docs/culling.md).
import { ApiError } from '../../errors/api-error.js';
import { etagOf } from '../model/etag.js';
import { cullMayBeDue } from '../model/presence.js';
import { isActive, type Session } from '../model/session.js';
import { needsExtension } from '../rules/expiry.js';
import type { SessionChanges, SessionExpiry, SessionWithPlayers } from '../store.js';
import { notePresence, wholeAfterCulls } from './cull.js';

/** Not modified, with the session's ETag; or the session as read (whose ETag is its version's when it is one state). */
export type SessionRead = { notModified: true; etag: string } | ({ notModified: false; culled: number } & SessionWithPlayers);

export interface ReadOptions {
  /** Extend the session's life (refresh_ttl). */
  refreshTtl: boolean;
  /** If-None-Match: whether the caller already holds this ETag. */
  held?: (etag: string) => boolean;
  /** The player whose own read this is, when it counts as their query of the session. */
  presenceOf?: string;
}

export type GetSessionStore = SessionChanges & SessionExpiry;

export async function getSession(store: GetSessionStore, sessionId: string, opts: ReadOptions, now = new Date()): Promise<SessionRead> {
  const refresh = (session: Session) => (opts.refreshTtl && needsExtension(session, now) ? store.extendExpiry(session, now) : Promise.resolve());
  // Recording a query never fails the read it came with.
  const counted = (session: Session, recorded?: { seen?: number }) =>
    opts.presenceOf === undefined ? Promise.resolve() : notePresence(store, session, opts.presenceOf, now, recorded).catch(() => undefined);
  if (opts.held) {
    // The cheap check first: one item, no players.
    const session = await store.readSession(sessionId, now);
    if (!session) throw new ApiError('session_not_found');
    if (!cullMayBeDue(session, now.getTime()) && opts.held(etagOf(session))) {
      await Promise.all([refresh(session), counted(session)]);
      return { notModified: true, etag: etagOf(session) };
    }
  }
  const { found, culled } = await wholeAfterCulls(store, sessionId, now);
  if (!found) throw new ApiError('session_not_found');
  const caller = opts.presenceOf;
  const seated = caller !== undefined && found.players.some((p) => p.playerUuid === caller && isActive(p.status));
  await Promise.all([refresh(found.session), seated ? counted(found.session, { seen: found.presence.get(caller) }) : undefined]);
  return { notModified: false, culled, ...found };
}
