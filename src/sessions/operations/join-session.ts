// A join: the caller's membership and the session, read in one round trip, decided by rules/join.ts.ts.
import type { SessionCommits, SessionReads } from '../store.js';
import { decideJoin } from '../rules/join.js';
import type { JoinRequest, Player } from '../model/session.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export async function joinSession(
  store: SessionReads & SessionCommits,
  sessionId: string,
  req: JoinRequest,
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<Player>> {
  return runChange(
    store,
    {
      read: async (now) => {
        const { session, players } = await store.readSessionAndPlayers(sessionId, [req.playerUuid], now);
        return { session, player: players.get(req.playerUuid) };
      },
      decide: ({ session, player }, now) => decideJoin(session, player, req, now.toISOString()),
      refresh: (state, session, players) => ({ session, player: players.has(req.playerUuid) ? players.get(req.playerUuid) : state.player }),
      sameState: (a, b) => a.player?.revision === b.player?.revision,
    },
    opts,
  );
}
