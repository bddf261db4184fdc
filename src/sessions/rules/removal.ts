// Removing several players from a session in one change: their seats, aggregates and memberships, the leader's
// hand-off to the member who joined earliest of those who stay, and the session's end when no leader or member is
// left (unless its template keeps it alive). Shared by a party's kick and by culling.
import type { Change } from '../model/change.js';
import { contribution, profileOf } from '../model/crossplay.js';
import { isActive, type Player, type Session } from '../model/session.js';
import { earliestMember } from './player.js';
import { counterDeltas, revisionOf } from './toolkit.js';

/** The players' removal, each conditioned on being as read; undefined when a leaving leader would have no successor. */
export function removalOf(session: Session, players: readonly Player[], leaving: readonly Player[]): Omit<Change, 'event'> | undefined {
  const active = leaving.filter((p) => isActive(p.status));
  const seats: Record<number, number> = {};
  for (const p of leaving) seats[p.teamId] = (seats[p.teamId] ?? 0) - 1;
  const change: Omit<Change, 'event'> = {
    guards: leaving.map(revisionOf),
    players: leaving.map((p) => ({ kind: 'delete', playerUuid: p.playerUuid })),
    seats,
    counters: counterDeltas(
      active.flatMap((p) => contribution(profileOf(p))),
      [],
    ),
    active: -active.length,
  };
  const leader = leaving.find((p) => p.status === 'leader');
  if (session.activeCount - active.length === 0 && active.length > 0) {
    change.guards.push({ kind: 'activeCount', equals: session.activeCount });
    if (leader) change.leader = { remove: true };
    if (!session.keepAliveOnEmpty) change.deleteSession = true;
  } else if (leader) {
    const gone = new Set(leaving.map((p) => p.playerUuid));
    const successor = earliestMember(
      players.filter((p) => !gone.has(p.playerUuid)),
      leader.playerUuid,
    );
    if (!successor) return undefined;
    change.guards.push(revisionOf(successor));
    change.players.push({ kind: 'put', player: { ...successor, status: 'leader', revision: successor.revision + 1 } });
    change.leader = { set: successor.playerUuid };
  }
  return change;
}
