// Player culling (the template's player_culling_timeout, T seconds): a leader or member who has not queried the
// session for T is culled, removed as a leave removes them (the lead handed on, the session ended when no one
// active is left). Invited and reserved players are not culled: they have not joined, so there is nothing of theirs
// to query yet; their seats go when they decline, are kicked or the session ends. Pure functions over plain data and
// a clock (epoch milliseconds); docs/culling.md explains presence and the sweep.
import type { Change, Decision, Guard } from '../model/change.js';
import { cullingMs, isDue, nextCullOf, type PresenceTimes } from '../model/presence.js';
import type { Player, Session } from '../model/session.js';
import { removalOf } from './removal.js';
import { reject } from './toolkit.js';

/**
 * The culls due in `session` (every player of it in `players`): at most `limit` removed at once, the leader last,
 * so that who stays, and so who leads next, is known when they go. Each rests on the player being as read and their
 * presence still as old, so a player who queried in the meantime keeps their seat. With none due: unchanged, with
 * the floor the session should carry (`nextCullAt`).
 */
export function decideCull(
  session: Session | undefined,
  players: readonly Player[],
  presence: PresenceTimes,
  nowMs: number,
  limit: number,
): Decision<{ culled: Player[]; remaining: number; nextCullAt?: number }> {
  if (!session) return reject('session_not_found');
  const t = cullingMs(session);
  const due = players
    .filter((p) => isDue(session, p, presence, nowMs))
    .sort((a, b) => Number(a.status === 'leader') - Number(b.status === 'leader') || a.playerUuid.localeCompare(b.playerUuid));
  if (due.length === 0) {
    const next = nextCullOf(session, players, presence);
    return { kind: 'unchanged', result: { culled: [], remaining: 0, ...(next === undefined ? {} : { nextCullAt: next }) } };
  }
  const batch = due.slice(0, limit);
  const removal = removalOf(session, players, batch);
  if (!removal) return reject('session_conflict');
  const gone = new Set(batch.map((p) => p.playerUuid));
  const next = nextCullOf(
    session,
    players.filter((p) => !gone.has(p.playerUuid)),
    presence,
  );
  const stale: Guard[] = batch.map((p) => ({ kind: 'presenceBefore', playerUuid: p.playerUuid, atMost: nowMs - t }));
  const only = batch.length === 1 ? batch[0] : undefined;
  const change: Change = {
    ...removal,
    event: removal.deleteSession ? 'Session Deleted' : only ? 'Session Player Left' : 'Session Updated',
    ...(only ? { subject: { playerUuid: only.playerUuid, teamId: only.teamId, status: 'left' as const } } : {}),
    reason: 'culled',
    guards: [...removal.guards, ...stale],
    nextCullAt: next ?? null,
  };
  return {
    kind: 'write',
    change,
    result: { culled: batch, remaining: due.length - batch.length, ...(next === undefined ? {} : { nextCullAt: next }) },
  };
}
