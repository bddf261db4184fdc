// Acting on a player of a session: read what the rules need, then run the change (run-change.ts).
import type { SessionCleanup, SessionCommits, SessionReads } from '../store.js';
import { log } from '../../observability/logger.js';
import type { Player } from '../model/session.js';
import { decidePlayerUpdate, decideRemoval, earliestMember, type Actor, type PlayerUpdate } from '../rules/player.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/** update_session_player_by_uuid_v2. A promotion also needs the current leader's membership, read alongside. */
export function updatePlayer(store: SessionReads & SessionCommits, sessionId: string, actor: Actor, targetUuid: string, req: PlayerUpdate, opts: ChangeOptions = {}): Promise<ChangeOutcome<Player>> {
  return runChange(
    store,
    {
      read: async (now) => {
        let state = await store.readSessionAndPlayers(sessionId, [targetUuid, actor.playerUuid], now);
        const leader = state.session?.leader;
        if (req.status === 'leader' && leader && !state.players.has(leader)) {
          state = await store.readSessionAndPlayers(sessionId, [targetUuid, leader], now);
        }
        return state;
      },
      decide: ({ session, players }, now) =>
        decidePlayerUpdate(session, actor, { playerUuid: targetUuid, current: players.get(targetUuid) }, session?.leader ? players.get(session.leader) : undefined, req, now.toISOString()),
      sameState: (a, b) => a.players.get(targetUuid)?.revision === b.players.get(targetUuid)?.revision,
    },
    opts,
  );
}

/**
 * leave_session_by_id_self and kick_player_from_session_by_uuid_v2. Removing the leader of a session with other
 * members reads them all to find the one who joined earliest; a session left without members is deleted, and
 * the player items it still had (invited, reserved) are removed afterwards.
 */
export async function removePlayer(store: SessionReads & SessionCommits & SessionCleanup, sessionId: string, actor: Actor, targetUuid: string, opts: ChangeOptions = {}): Promise<ChangeOutcome<null>> {
  const outcome = await runChange(
    store,
    {
      read: async (now) => {
        const state = await store.readSessionAndPlayers(sessionId, [targetUuid], now);
        const target = state.players.get(targetUuid);
        if (!state.session || target?.status !== 'leader' || state.session.activeCount <= 1) return { ...state, successor: undefined as Player | undefined };
        const all = await store.readSessionWithPlayers(sessionId, now);
        if (!all) return { session: undefined, players: state.players, successor: undefined };
        return { session: all.session, players: new Map(all.players.map((p) => [p.playerUuid, p])), successor: earliestMember(all.players, targetUuid) };
      },
      decide: ({ session, players, successor }) => decideRemoval(session, actor, { playerUuid: targetUuid, current: players.get(targetUuid) }, successor),
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
