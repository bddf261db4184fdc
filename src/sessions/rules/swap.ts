// The rules of swap_players_in_session: two players of the session, on different teams, trade places in one write.
// Leaders cannot be swapped (upstream). Seats per team stay as they are, so only the two players' items and, for a
// leader acting, their leadership are facts the write relies on.
import type { Actor } from '../model/actor.js';
import type { Decision } from '../model/change.js';
import type { Player, Session } from '../model/session.js';
import { reject, revisionOf } from './toolkit.js';
import { mayUpdateSession } from './session.js';

export function decideSwap(
  session: Session | undefined,
  actor: Actor,
  players: readonly [Player | undefined, Player | undefined],
): Decision<Player[]> {
  if (!session) return reject('session_not_found');
  if (!mayUpdateSession(session, actor)) return reject('not_session_leader');
  const [a, b] = players;
  if (!a || !b) return reject('player_not_in_session');
  if (a.playerUuid === b.playerUuid || a.teamId === b.teamId) return reject('players_on_same_team');
  if (a.status === 'leader' || b.status === 'leader') return reject('leader_not_swappable');
  const swapped = [
    { ...a, teamId: b.teamId, revision: a.revision + 1 },
    { ...b, teamId: a.teamId, revision: b.revision + 1 },
  ];
  return {
    kind: 'write',
    result: swapped,
    change: {
      event: 'Session Player Updated',
      subject: { playerUuid: swapped[0]!.playerUuid, teamId: swapped[0]!.teamId, status: swapped[0]!.status },
      guards: [revisionOf(a), revisionOf(b), ...(actor.trusted ? [] : [{ kind: 'leaderIs' as const, playerUuid: actor.playerUuid }])],
      players: swapped.map((player) => ({ kind: 'put' as const, player })),
    },
  };
}
