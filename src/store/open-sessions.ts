// The index create-or-join searches: for each session type whose template auto-joins, one entry per open session
// (joinable, a free seat), kept in its own partition so that it is read with one strongly consistent Query and
// never a scan. The same transactions that change a session maintain its entry: a change that opens or fills the
// session puts or deletes the entry, and adjusts the type's count of open sessions, which bounds how many sessions
// a stampede may start at once (see README, "Create or join").
import { isOpen, type Session } from '../sessions/model.js';

export const openPartition = (type: string) => `OPEN#${type}`;
export const OPEN_COUNT_SK = '#COUNT';
export const openEntryKey = (s: Pick<Session, 'type' | 'created' | 'sessionId'>) => ({
  pk: openPartition(s.type),
  sk: `E#${s.created}#${s.sessionId}`,
});
export const countKey = (type: string) => ({ pk: openPartition(type), sk: OPEN_COUNT_SK });

export interface OpenEntry {
  session_id: string;
  inc: string;
  created: string;
}

/** How the change moves the session in or out of the index: nothing, in (put the entry), or out (delete it). */
export function openTransition(before: Session, after: Pick<Session, 'teams' | 'joinable' | 'autoJoin'> | undefined): 'none' | 'in' | 'out' {
  if (!before.autoJoin) return 'none';
  const was = isOpen(before);
  const is = after !== undefined && isOpen(after);
  return was === is ? 'none' : is ? 'in' : 'out';
}
