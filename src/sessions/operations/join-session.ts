// A join: the caller's membership and the session, read in one round trip, decided by rules/join.ts.
import type { JoinRequest, Player, Session } from '../model/session.js';
import { decideJoin } from '../rules/join.js';
import type { SessionCommits, SessionReads } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export async function joinSession(
  store: SessionReads & SessionCommits,
  sessionId: string,
  req: JoinRequest,
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<Player>> {
  const stateOf = ({ session, players }: { session?: Session; players: Map<string, Player> }): JoinState => ({
    session,
    player: players.get(req.playerUuid),
  });
  return runChange(
    store,
    {
      read: async (now) => stateOf(await store.readSessionAndPlayers(sessionId, [req.playerUuid], now)),
      snapshot: async (now) => stateOf(await store.readSnapshot(sessionId, [req.playerUuid], now)),
      decide: ({ session, player }, now) => decideJoin(session, player, req, now.toISOString()),
      refresh: (state, session, players) => ({ session, player: players.has(req.playerUuid) ? players.get(req.playerUuid) : state.player }),
    },
    opts,
  );
}

interface JoinState {
  session?: Session;
  player?: Player;
}
