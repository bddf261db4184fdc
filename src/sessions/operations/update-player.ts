// Acting on a player of a session (update_session_player_by_uuid_v2): read what the rules need, decide
// (rules/player.ts), write (run-change.ts).
import type { Actor } from '../model/actor.js';
import type { Player } from '../model/session.js';
import { decidePlayerUpdate, type PlayerUpdate } from '../rules/player.js';
import type { SessionReads, SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/** update_session_player_by_uuid_v2. A promotion also needs the current leader's membership, read alongside. */
export function updatePlayer(
  store: SessionChanges,
  sessionId: string,
  actor: Actor,
  targetUuid: string,
  req: PlayerUpdate,
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<Player>> {
  const readWith = (read: SessionReads['readSnapshot']) => async (now: Date) => {
    let state = await read(sessionId, [targetUuid, actor.playerUuid], now);
    const leader = state.session?.leader;
    if (req.status === 'leader' && leader && !state.players.has(leader)) state = await read(sessionId, [targetUuid, leader], now);
    return state;
  };
  return runChange(
    store,
    {
      read: readWith((...args) => store.readSessionAndPlayers(...args)),
      snapshot: readWith((...args) => store.readSnapshot(...args)),
      decide: ({ session, players }, now) =>
        decidePlayerUpdate(
          session,
          actor,
          { playerUuid: targetUuid, current: players.get(targetUuid) },
          session?.leader ? players.get(session.leader) : undefined,
          req,
          now.toISOString(),
          players.get(actor.playerUuid),
        ),
    },
    opts,
  );
}
