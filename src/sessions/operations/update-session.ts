// update_session_by_id: read the session, decide (rules/session.ts), write under the version condition, then read
// the session back with its players, which is what the answer shows.
import type { Actor } from '../model/actor.js';
import { etagOf } from '../model/etag.js';
import type { Player, Session } from '../model/session.js';
import { decideSessionUpdate, mayUpdateSession, type SessionUpdate } from '../rules/session.js';
import type { SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export interface SessionUpdateOutcome extends ChangeOutcome<Session> {
  /** The session as the answer shows it: read back after the change. */
  shown: { session: Session; players: Player[]; etag?: string };
}

/** A session update as asked: a password in the clear (null removes it), hashed here. */
export type SessionUpdateRequest = Omit<SessionUpdate, 'passwordHash'> & { password?: string | null };

export async function updateSession(
  store: SessionChanges,
  sessionId: string,
  actor: Actor,
  { password, ...rest }: SessionUpdateRequest,
  opts: ChangeOptions = {},
): Promise<SessionUpdateOutcome> {
  const update: SessionUpdate = { ...rest, ...(password === null ? { passwordHash: null } : {}) };
  const outcome = await runChange(
    store,
    {
      read: async (now) => {
        const session = await store.readSession(sessionId, now);
        // Hashed once, and only for a caller who may set it: the hash costs real CPU time.
        if (typeof password === 'string' && update.passwordHash === undefined && session && mayUpdateSession(session, actor)) {
          update.passwordHash = await (await import('../../security/password-hash.js')).hashPassword(password);
        }
        return { session };
      },
      decide: ({ session }) => decideSessionUpdate(session, actor, update),
      versionOnly: true,
    },
    opts,
  );
  const found = await store.readSessionWithPlayers(sessionId, opts.clock?.() ?? new Date());
  // Gone already (its last player left just now, or the id was created again since): the update did commit, so the
  // answer is the session it wrote. Its players are not known then, so no ETag: the answer names no state that exists.
  if (!found || found.session.incarnation !== outcome.read.incarnation) return { ...outcome, shown: { session: outcome.result, players: [] } };
  // Read back as one state, its version's ETag names what is shown; otherwise no ETag names it.
  return { ...outcome, shown: { session: found.session, players: found.players, ...(found.consistent ? { etag: etagOf(found.session) } : {}) } };
}
