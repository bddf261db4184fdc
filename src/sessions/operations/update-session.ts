// update_session_by_id: read the session, decide (rules/session.ts), write under the version condition, then read
// the session back with its players, which is what the answer shows.
import type { Actor } from '../model/actor.js';
import { etagOf } from '../model/etag.js';
import type { Player, Session } from '../model/session.js';
import { decideSessionUpdate, type SessionUpdate } from '../rules/session.js';
import type { SessionCommits, SessionReads } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export interface SessionUpdateOutcome extends ChangeOutcome<Session> {
  /** The session as the answer shows it: read back after the change. */
  shown: { session: Session; players: Player[]; etag?: string };
}

export async function updateSession(
  store: SessionReads & SessionCommits,
  sessionId: string,
  actor: Actor,
  update: SessionUpdate,
  opts: ChangeOptions = {},
): Promise<SessionUpdateOutcome> {
  const outcome = await runChange(
    store,
    {
      read: async (now) => ({ session: await store.readSession(sessionId, now) }),
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
