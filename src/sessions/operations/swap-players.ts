// swap_players_in_session: read the session and both players, decide (rules/swap.ts), write (run-change.ts).
import type { Actor } from '../model/actor.js';
import type { Player } from '../model/session.js';
import { decideSwap } from '../rules/swap.js';
import type { SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export function swapPlayers(
  store: SessionChanges,
  sessionId: string,
  actor: Actor,
  pair: readonly [string, string],
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<Player[]>> {
  // The same player twice is read once (a batch read refuses a key twice) and refused by the rules.
  const uuids = [...new Set(pair)];
  return runChange(
    store,
    {
      read: (now) => store.readSessionAndPlayers(sessionId, uuids, now),
      snapshot: (now) => store.readSnapshot(sessionId, uuids, now),
      decide: ({ session, players }) => decideSwap(session, actor, [players.get(pair[0]), players.get(pair[1])]),
    },
    opts,
  );
}
