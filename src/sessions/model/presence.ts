// Presence, as culling reads it (the template's player_culling_timeout, T seconds): when each leader and member last
// queried the session, and from that when they fall due. Plain data and a clock (epoch milliseconds).
import { isActive, type Player, type Session } from './session.js';

/** When players last queried the session (epoch ms), as recorded; a player with no record has only their joining. */
export type PresenceTimes = ReadonlyMap<string, number>;

/** T in milliseconds; 0 when the session's players are never culled. */
export const cullingMs = (s: Pick<Session, 'cullAfterSeconds'>) => (s.cullAfterSeconds ?? 0) * 1000;

/**
 * A player's last query: their recorded presence or their joining, whichever is later. Joining themselves is a
 * query; a player seated by someone else (a trusted server) has T from then to query the session.
 */
export function lastQueryOf(player: Pick<Player, 'playerUuid' | 'joined'>, presence: PresenceTimes): number {
  const joined = player.joined === undefined ? 0 : Date.parse(player.joined);
  return Math.max(presence.get(player.playerUuid) ?? 0, Number.isNaN(joined) ? 0 : joined);
}

/**
 * Whether a query should be recorded: presence is written at most once per T/4. So the record lags a query by less
 * than T/4: a player querying at least every 3T/4 is never T behind, and a silent one is culled T after their
 * recorded query at the latest, so no later than T after their last query.
 */
export function presenceWriteDue(session: Pick<Session, 'cullAfterSeconds'>, recorded: number | undefined, nowMs: number): boolean {
  const t = cullingMs(session);
  return t > 0 && (recorded === undefined || nowMs - recorded >= t / 4);
}

/** A leader or member T or more past their last query. */
export function isDue(session: Pick<Session, 'cullAfterSeconds'>, player: Player, presence: PresenceTimes, nowMs: number): boolean {
  const t = cullingMs(session);
  return t > 0 && isActive(player.status) && nowMs - lastQueryOf(player, presence) >= t;
}

/**
 * The earliest a cull can fall due: the oldest last query among the leaders and members plus T; none without any.
 * Kept on the session item as a floor: presence only moves later, so the floor never passes a real due time, and
 * until it passes, reading the session item alone shows that no one is due.
 */
export function nextCullOf(session: Pick<Session, 'cullAfterSeconds'>, players: readonly Player[], presence: PresenceTimes): number | undefined {
  const t = cullingMs(session);
  const active = players.filter((p) => isActive(p.status));
  if (t === 0 || active.length === 0) return undefined;
  return Math.min(...active.map((p) => lastQueryOf(p, presence))) + t;
}

/**
 * Whether none of these players is due, each of them a leader or member as read (`players`): a player not read is
 * not known to be anything, so it counts as possibly due.
 */
export function noneDue(
  session: Pick<Session, 'cullAfterSeconds'>,
  playerUuids: readonly string[],
  players: ReadonlyMap<string, Player>,
  presence: PresenceTimes,
  nowMs: number,
): boolean {
  return playerUuids.every((uuid) => {
    const player = players.get(uuid);
    return player !== undefined && isActive(player.status) && !isDue(session, player, presence, nowMs);
  });
}

/** Whether a cull may be due: the session's floor has passed (then its players and presence are read to know). */
export const cullMayBeDue = (session: Pick<Session, 'cullAfterSeconds' | 'nextCullAt'>, nowMs: number) =>
  cullingMs(session) > 0 && session.nextCullAt !== undefined && nowMs >= session.nextCullAt;
