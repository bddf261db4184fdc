// delete_session: read the session (and its players, when they fit in the deleting transaction), decide
// (rules/session.ts), write (run-change.ts), then remove the memberships the transaction could not hold.
import { log } from '../../observability/logger.js';
import type { Actor } from '../model/actor.js';
import { decideDeletion } from '../rules/session.js';
import { PLAYERS_IN_DELETION, type SessionCleanup, type SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/** How long a request spends removing memberships after the deletion; the expiry reaper finishes what is left. */
const CLEANUP_BUDGET_MS = 3000;

export interface DeletionOutcome extends ChangeOutcome<{ membershipsLeft: boolean }> {
  /** Memberships were left to remove after the transaction, and all of them are gone now. */
  cleanedUp: boolean;
}

export async function deleteSession(
  store: SessionChanges & SessionCleanup,
  sessionId: string,
  actor: Actor,
  opts: ChangeOptions = {},
): Promise<DeletionOutcome> {
  const outcome = await runChange(
    store,
    {
      read: async (now) => {
        const session = await store.readSession(sessionId, now);
        const seats = session?.teams.reduce((n, t) => n + t.occupied, 0) ?? 0;
        if (!session || seats > PLAYERS_IN_DELETION) return { session, players: undefined };
        // The players with the session, as one state: the memberships the transaction removes are all there are.
        const all = await store.readSessionWithPlayers(sessionId, now);
        return all?.consistent && all.players.length <= PLAYERS_IN_DELETION
          ? { session: all.session, players: all.players }
          : { session, players: undefined };
      },
      decide: ({ session, players }) => decideDeletion(session, actor, players),
    },
    opts,
  );
  // Written on the decision's facts alone, a player may have joined between the read and the write.
  const left = outcome.result.membershipsLeft || outcome.conditionedOn !== 'version';
  if (!left) return { ...outcome, cleanedUp: false };
  const cleanedUp = await store.deleteOrphanPlayers(sessionId, outcome.read.incarnation, Date.now() + CLEANUP_BUDGET_MS).catch((e: unknown) => {
    // Readers ignore the players of a deleted session; the expiry reaper removes what is left once TTL removes the item.
    log('warn', 'could not delete the players of a deleted session', { sessionId, error: (e as Error).message });
    return false;
  });
  return { ...outcome, cleanedUp };
}
