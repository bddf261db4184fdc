// update_session_by_id: read the session, decide (session-rules.ts), write under the version condition.
import type { SessionCommits, SessionReads } from '../store.js';
import type { Session } from '../model/session.js';
import type { Actor } from '../rules/player.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';
import { decideSessionUpdate, type SessionUpdate } from '../rules/session.js';

export function updateSession(store: SessionReads & SessionCommits, sessionId: string, actor: Actor, update: SessionUpdate, opts: ChangeOptions = {}): Promise<ChangeOutcome<Session>> {
  return runChange(
    store,
    {
      read: async (now) => ({ session: await store.readSession(sessionId, now) }),
      decide: ({ session }) => decideSessionUpdate(session, actor, update),
      versionOnly: true,
    },
    opts,
  );
}
