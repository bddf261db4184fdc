// Culls written: whoever finds a session's cull floor passed (a read, a change, the scheduled sweep) reads its players
// and presence, and writes the culls due (rules/culling.ts) as changes under the version condition, in batches of
// CULL_PLAYERS_PER_TRANSACTION, until none is due; with none due it moves the floor on, which is not a change.
import { ApiError } from '../../errors/api-error.js';
import { cullMayBeDue, noneDue, presenceWriteDue } from '../model/presence.js';
import { isActive, type Session } from '../model/session.js';
import { decideCull } from '../rules/culling.js';
import { backoff } from './backoff.js';
import { CULL_PLAYERS_PER_TRANSACTION, type Culling, type SessionWithPlayers, type SessionChanges } from '../store.js';

export interface CullOutcome {
  /** Players culled by this call. */
  culled: number;
  /** The session as read once no cull was due (with its floor moved on); absent when it ended or is gone. */
  after?: SessionWithPlayers;
}

export interface CullOptions {
  clock?: () => Date;
  budgetMs?: number;
  /** The session with its players and presence, as the caller just read it: the first attempt decides on it. */
  read?: SessionWithPlayers;
}

export async function cullDue(store: SessionChanges, sessionId: string, opts: CullOptions = {}): Promise<CullOutcome> {
  const clock = opts.clock ?? (() => new Date());
  const deadline = Date.now() + (opts.budgetMs ?? 3000);
  let culled = 0;
  let given = opts.read;
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const now = clock();
    const found = given ?? (await store.readSessionWithPlayers(sessionId, now));
    given = undefined;
    if (!found) return { culled };
    const decision = decideCull(found.session, found.players, found.presence, now.getTime(), CULL_PLAYERS_PER_TRANSACTION);
    if (decision.kind === 'reject') {
      if (decision.code !== 'session_conflict') throw new ApiError(decision.code);
      await backoff(attempt);
      continue;
    }
    if (decision.kind === 'unchanged') {
      const next = decision.result.nextCullAt;
      if (found.session.cullAfterSeconds && found.session.nextCullAt !== next) await store.setNextCull(found.session, next);
      const { nextCullAt: _, ...session } = found.session;
      return { culled, after: { ...found, session: { ...session, ...(next === undefined ? {} : { nextCullAt: next }) } } };
    }
    const outcome = await store.commitChange(found.session, decision.change, 'version', now);
    if (outcome.ok) {
      culled += decision.result.culled.length;
      if (decision.change.deleteSession) return { culled };
    } else if (outcome.retry === 'conflict') await backoff(attempt);
  }
  throw new ApiError('session_conflict', 'culls due kept losing races within the time budget');
}

/**
 * Before a decision rests on a session: when a cull may be due, the culls are written and the session read again,
 * unless the decision names the players it rests on (`restsOn`) and none of them is due: then the culls could not
 * change it, and are left to the next read or the sweep.
 */
export async function culledFirst<S extends { session?: Session }>(
  store: SessionChanges,
  state: S,
  reread: () => Promise<S>,
  clock: () => Date,
  restsOn?: (state: S) => readonly string[] | undefined,
): Promise<{ state: S; culled: number }> {
  if (!state.session || !cullMayBeDue(state.session, clock().getTime())) return { state, culled: 0 };
  const witnesses = restsOn?.(state);
  if (witnesses) {
    const { players, seen } = await store.readPresence(state.session, witnesses);
    if (noneDue(state.session, witnesses, players, seen, clock().getTime())) return { state, culled: 0 };
  }
  const { culled } = await cullDue(store, state.session.sessionId, { clock });
  return { state: await reread(), culled };
}

/** The session with every player, as the culls due leave it (a read's answer); absent when it is gone or ended. */
export async function wholeAfterCulls(store: SessionChanges, sessionId: string, now: Date): Promise<{ found?: SessionWithPlayers; culled: number }> {
  const found = await store.readSessionWithPlayers(sessionId, now);
  if (!found || !cullMayBeDue(found.session, now.getTime())) return { found, culled: 0 };
  const { after, culled } = await cullDue(store, sessionId, { clock: () => now, read: found });
  return { found: after, culled };
}

/** A snapshot of the session and these players, read again after the culls due were written (a read's answer). */
export async function snapshotAfterCulls(store: SessionChanges, sessionId: string, playerUuids: readonly string[], now: Date) {
  const first = await store.readSnapshot(sessionId, playerUuids, now);
  if (!first.session || !cullMayBeDue(first.session, now.getTime())) return { ...first, culled: 0 };
  const { culled } = await cullDue(store, sessionId, { clock: () => now });
  return { ...(await store.readSnapshot(sessionId, playerUuids, now)), culled };
}

/**
 * A player's own request about a session counts as their query of it (docs/culling.md, "Presence"): recorded when
 * the session culls, the player is a leader or member, and the record is T/4 old. `recorded`: the caller already
 * read the record, with the player seated; otherwise both are read.
 */
export async function notePresence(store: Culling, session: Session, playerUuid: string, now: Date, recorded?: { seen?: number }): Promise<void> {
  if (!session.cullAfterSeconds) return;
  // Only a leader's or member's query is recorded: read with the record when the caller did not read both.
  const known = recorded ? { ...recorded, seated: true } : await presenceOf(store, session, playerUuid);
  if (known.seated && presenceWriteDue(session, known.seen, now.getTime())) await store.recordPresence(session, playerUuid, now);
}

async function presenceOf(store: Culling, session: Session, playerUuid: string): Promise<{ seen?: number; seated: boolean }> {
  const { players, seen } = await store.readPresence(session, [playerUuid]);
  const status = players.get(playerUuid)?.status;
  return { seen: seen.get(playerUuid), seated: status !== undefined && isActive(status) };
}
