// Runs one change of one session: read, decide (a pure rules function), write (SessionStore), and after a lost
// race read and decide again. The first attempt is conditioned on the version, so an uncontended change knows
// the exact version it produced; retries are conditioned on the decision's facts, so a stampede of compatible
// changes commits side by side, and the ETag is read back after the write (docs/architecture.md, "Concurrency and ETags").
import { ApiError } from '../../errors/api-error.js';
import type { ConditionMode, SessionReads, SessionChanges } from '../store.js';
import type { Change, Decision } from '../model/change.js';
import { etagOf } from '../model/etag.js';
import { cullMayBeDue } from '../model/presence.js';
import type { Player, Session } from '../model/session.js';
import { sameData } from '../rules/toolkit.js';
import { backoff } from './backoff.js';
import { culledFirst, notePresence } from './cull.js';

export interface ChangeOptions {
  /** The client named the state to change (If-Match): whether the ETag of the state read is one it named. */
  ifMatch?: (etag: string) => boolean;
  /** The client named states not to change (If-None-Match): whether the ETag of the state read is one of them. */
  ifNoneMatch?: (etag: string) => boolean;
  maxAttempts?: number;
  /** Give up (409) once this much time has passed, well inside the Lambda timeout. */
  budgetMs?: number;
  clock?: () => Date;
  /** How writes are conditioned: "hybrid" (the default, above), or one way throughout, for measurements. */
  strategy?: 'hybrid' | ConditionMode;
  /** After a facts-conditioned write, read the version back for the ETag (default true). */
  readBack?: boolean;
  /** refresh_ttl: false leaves the session's life as it is (default true: every write extends it). */
  refreshTtl?: boolean;
  /** The player whose own request this is, when it counts as their query of the session (docs/culling.md). */
  presenceOf?: string;
}

export interface ChangeOutcome<T> {
  result: T;
  /** Absent when the session is gone after the change (deleted), or vanished before its version was read back. */
  etag?: string;
  attempts: number;
  /** The session as read for the decision that was written (or found unchanged). */
  read: Session;
  written: boolean;
  /** The change deleted the session. */
  deleted: boolean;
  /** How the written change was conditioned: on the exact version read, or on the decision's facts only. */
  conditionedOn?: ConditionMode;
  /** Players culled before the decision (docs/culling.md). */
  culled?: number;
}

export interface ChangeSpec<S extends { session?: Session }, T> {
  read: (now: Date) => Promise<S>;
  /** The same state read as one snapshot, when `read` is not one (items read in one round trip may straddle a change). */
  snapshot?: (now: Date) => Promise<S>;
  decide: (state: S, now: Date) => Decision<T>;
  /** The state after a lost race, from what the failed transaction handed back; without it, read again. */
  refresh?: (state: S, session: Session | undefined, players: ReadonlyMap<string, Player | undefined>) => S;
  /** Changes of the team layout must be written under the version condition. */
  versionOnly?: boolean;
  /**
   * The players a decision on a state rests on as far as culls go (see culledFirst): with none of them due, it stands
   * on the state as read although a cull may be due. Without it, or absent for a decision, the culls come first.
   */
  restsOn?: (state: S, decision: Decision<T>) => readonly string[] | undefined;
}

export async function runChange<S extends { session?: Session }, T>(
  store: SessionChanges,
  spec: ChangeSpec<S, T>,
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<T>> {
  const notes: Notes = { culled: 0, seatedNow: false };
  const outcome = { ...(await decideAndWrite(store, spec, opts, notes)), culled: notes.culled };
  // A player the change seated just now has that as their last query already.
  if (opts.presenceOf !== undefined && !outcome.deleted && !notes.seatedNow)
    // The caller's request counted as their query; a change already written never fails for it.
    await notePresence(store, outcome.read, opts.presenceOf, (opts.clock ?? (() => new Date()))()).catch(() => undefined);
  return outcome;
}

async function decideAndWrite<S extends { session?: Session }, T>(
  store: SessionChanges,
  spec: ChangeSpec<S, T>,
  opts: ChangeOptions,
  notes: Notes,
): Promise<ChangeOutcome<T>> {
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 8;
  const deadline = Date.now() + (opts.budgetMs ?? 4000);

  let state: S | undefined;
  /** Whether `state` is one snapshot: then an unchanged decision on it can be answered with its ETag at once. */
  let snapshot = false;
  for (let attempt = 1; attempt <= maxAttempts && Date.now() < deadline; attempt++) {
    const now = clock();
    /** The decision on the state as read, when it was made to know whether the culls could change it, and stands. */
    let standing: Decision<T> | undefined;
    if (!state) {
      // Every decision is the one the session as its due culls leave it gives: they are written first (nothing to
      // do, and no read, while the session's cull floor has not passed), unless they could not change it.
      // A precondition names a state: it is checked on the state the culls leave, as a read at the same time answers.
      const preconditions = opts.ifMatch !== undefined || opts.ifNoneMatch !== undefined;
      const read = await spec.read(now);
      let early: Decision<T> | undefined;
      const restsOn = spec.restsOn && !preconditions ? (s: S) => spec.restsOn!(s, (early = spec.decide(s, now))) : undefined;
      const first = await culledFirst(store, read, () => spec.read(clock()), clock, restsOn);
      state = first.state;
      if (state === read) standing = early;
      notes.culled += first.culled;
      snapshot = !spec.snapshot;
    }
    const decision = standing ?? spec.decide(state, now);
    const read = state.session;
    if (!read || (decision.kind === 'reject' && decision.code === 'session_not_found')) throw new ApiError('session_not_found');
    const current = etagOf(read);
    if ((opts.ifMatch && !opts.ifMatch(current)) || opts.ifNoneMatch?.(current)) throw new ApiError('precondition_failed');
    // The items read did not describe one state (a player moved on between the reads): read again.
    if (decision.kind === 'reject' && decision.code === 'session_conflict') {
      state = undefined;
      await backoff(attempt);
      continue;
    }
    if (decision.kind === 'reject') throw new ApiError(decision.code);
    if (decision.kind === 'unchanged') {
      // BatchGetItem is not a snapshot: the items read may straddle a change. An unchanged answer is decided again
      // on a snapshot, whose ETag names a state in which it holds, however many unrelated changes landed meanwhile.
      if (snapshot) return { result: decision.result, etag: current, attempts: attempt, read, written: false, deleted: false };
      state = await spec.snapshot!(clock());
      snapshot = true;
      continue;
    }

    // With If-Match the client named a state, so only that exact state may be changed.
    const strategy = opts.ifMatch !== undefined || spec.versionOnly ? 'version' : (opts.strategy ?? 'hybrid');
    const mode: ConditionMode = strategy === 'hybrid' ? (attempt === 1 ? 'version' : 'facts') : strategy;
    const change = opts.refreshTtl === false ? { ...decision.change, keepExpiry: true } : decision.change;
    const outcome = await store.commitChange(read, change, mode, now);
    if (outcome.ok) {
      notes.seatedNow = change.players.some(
        (w) => w.kind === 'put' && w.player.playerUuid === opts.presenceOf && w.player.joined === now.toISOString(),
      );
      const done = {
        result: decision.result,
        attempts: attempt,
        read,
        written: true,
        deleted: decision.change.deleteSession === true,
        conditionedOn: mode,
      };
      if (decision.change.deleteSession) return done;
      if (mode === 'version') return { ...done, etag: etagOf({ ...read, version: read.version + 1 }) };
      if (opts.readBack === false) return done;
      return { ...done, etag: await etagStandingBehind(store, read, decision.change, clock()) };
    }
    if (opts.ifMatch !== undefined && outcome.retry !== 'conflict') throw new ApiError('precondition_failed');
    if (outcome.retry === 'conflict') await backoff(attempt);
    state = outcome.retry === 'decide' && spec.refresh ? spec.refresh(state, outcome.session, outcome.players) : undefined;
    // A state handed back past its cull floor is read again, so that the culls due are written first.
    if (state?.session && cullMayBeDue(state.session, clock().getTime())) state = undefined;
    snapshot = false;
  }
  throw new ApiError('session_conflict', `gave up after ${maxAttempts} attempts or the time budget`);
}

/** What a run noticed on the way: the culls it wrote first, and whether it seated the caller just now. */
interface Notes {
  culled: number;
  seatedNow: boolean;
}

/**
 * After a write conditioned on the facts, the version it produced is not known: other changes may have landed
 * before and after it. A snapshot read shows a later state; its ETag names a state in which the answer holds only
 * while every player the change wrote is still as written (a put's membership, a delete's absence). Otherwise the
 * answer carries no ETag: it cannot name a state it stands behind.
 */
async function etagStandingBehind(store: SessionReads, read: Session, change: Change, now: Date): Promise<string | undefined> {
  const uuids = change.players.map((w) => (w.kind === 'put' ? w.player.playerUuid : w.playerUuid));
  // The change is written: a read-back that cannot get a snapshot answers without an ETag, never with an error.
  const after = await store.readSnapshot(read.sessionId, uuids, now).catch((e: unknown) => {
    if (e instanceof ApiError && e.code === 'session_conflict') return undefined;
    throw e;
  });
  if (!after?.session || after.session.incarnation !== read.incarnation) return undefined;
  const asWritten = change.players.every((w) => {
    const found = after.players.get(w.kind === 'put' ? w.player.playerUuid : w.playerUuid);
    return w.kind === 'put' ? found !== undefined && sameMembership(found, w.player) : found === undefined;
  });
  return asWritten ? etagOf(after.session) : undefined;
}

/** The same membership in the same state: revisions restart with a new membership, so what it is counts too. */
const sameMembership = (a: Player, b: Player) =>
  a.revision === b.revision &&
  a.status === b.status &&
  a.teamId === b.teamId &&
  a.joined === b.joined &&
  a.invited === b.invited &&
  sameData(a.customData, b.customData);
