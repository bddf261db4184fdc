// A player leaving or removed (leave_session_by_id_self, kick_player_from_session_by_uuid_v2): read what the
// rules need, decide (rules/player.ts), write (run-change.ts), then tidy up after a session that ended.
import { log } from '../../observability/logger.js';
import type { Actor } from '../model/actor.js';
import type { Player } from '../model/session.js';
import { decideRemoval, earliestMember } from '../rules/player.js';
import type { SessionCleanup, SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/**
 * leave_session_by_id_self and kick_player_from_session_by_uuid_v2. Removing the leader of a session with other
 * members reads them all to find the one who joined earliest; a session left without members is deleted, and
 * the player items it still had (invited, reserved) are removed afterwards.
 */
export async function removePlayer(
  store: SessionChanges & SessionCleanup,
  sessionId: string,
  actor: Actor,
  targetUuid: string,
  opts: ChangeOptions = {},
  reason?: string,
): Promise<ChangeOutcome<null>> {
  const outcome = await runChange(
    store,
    {
      read: async (now) => {
        // The caller's own membership too: a member may kick by the session permission `kick`.
        const state = await store.readSessionAndPlayers(sessionId, actor.trusted ? [targetUuid] : [targetUuid, actor.playerUuid], now);
        const target = state.players.get(targetUuid);
        if (!state.session || target?.status !== 'leader' || state.session.activeCount <= 1)
          return { ...state, successor: undefined as Player | undefined };
        const all = await store.readSessionWithPlayers(sessionId, now);
        if (!all) return { session: undefined, players: state.players, successor: undefined };
        return {
          session: all.session,
          players: new Map(all.players.map((p) => [p.playerUuid, p])),
          successor: earliestMember(all.players, targetUuid),
        };
      },
      decide: ({ session, players, successor }) =>
        decideRemoval(session, actor, { playerUuid: targetUuid, current: players.get(targetUuid) }, successor, reason, players.get(actor.playerUuid)),
    },
    opts,
  );
  if (outcome.deleted) {
    await store.deleteOrphanPlayers(sessionId, outcome.read.incarnation).catch((e: unknown) =>
      // Readers ignore the players of a deleted session; cleaning them up is tidiness, not correctness.
      log('warn', 'could not delete the players of a deleted session', { sessionId, error: (e as Error).message }),
    );
  }
  return outcome;
}
