// What create-or-join searches and how it places a stampede (README, "Create or join").
// - The open-session index: for each session type whose template auto-joins, one entry per open session
//   (joinable, a free seat), in its own partition, read with one strongly consistent Query and never a scan.
//   The same transactions that change a session put or delete its entry when they open or fill it.
// - Seat tickets: a counter per type. A player who finds no open session with room takes the next ticket;
//   ticket t belongs to block floor(t / seats), and a block is one session whose id follows from the block, so
//   the players of a stampede fill sessions one after another instead of each starting their own.
import { isOpen, type Session } from '../sessions/model/session.js';

export const openPartition = (type: string) => `OPEN#${type}`;
export const openEntryKey = (s: Pick<Session, 'type' | 'created' | 'sessionId'>) => ({
  pk: openPartition(s.type),
  sk: `E#${s.created}#${s.sessionId}`,
});
export const ticketKey = (type: string) => ({ pk: openPartition(type), sk: '#TICKET' });

export interface OpenEntry {
  session_id: string;
  inc: string;
  created: string;
}

/** A seat ticket: its number, and the counter's epoch (random at the counter's creation, so ids never repeat). */
export interface Ticket {
  n: number;
  epoch: string;
}

/** How the change moves the session in or out of the index: nothing, in (put the entry), or out (delete it). */
export function openTransition(before: Session, after: Pick<Session, 'teams' | 'joinable' | 'autoJoin'> | undefined): 'none' | 'in' | 'out' {
  if (!before.autoJoin) return 'none';
  const was = isOpen(before);
  const is = after !== undefined && isOpen(after);
  return was === is ? 'none' : is ? 'in' : 'out';
}
