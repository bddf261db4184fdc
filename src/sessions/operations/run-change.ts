// Runs one change of one session: read, decide (a pure rules function), write (SessionStore), and after a lost
// race read and decide again. The first attempt is conditioned on the version, so an uncontended change knows
// the exact version it produced; retries are conditioned on the decision's facts, so a stampede of compatible
// changes commits side by side, and the ETag is read back after the write (docs/architecture.md, "Concurrency and ETags").
import { ApiError } from '../../errors/api-error.js';
import type { ConditionMode, SessionCommits, SessionReads } from '../store.js';
import type { Decision } from '../model/change.js';
import { etagOf } from '../model/etag.js';
import type { Player, Session } from '../model/session.js';

export interface ChangeOptions {
  /** The client named the state to change (If-Match): whether the ETag of the state read is one it named. */
  ifMatch?: (etag: string) => boolean;
  maxAttempts?: number;
  /** Give up (409) once this much time has passed, well inside the Lambda timeout. */
  budgetMs?: number;
  clock?: () => Date;
  /** How writes are conditioned: "hybrid" (the default, above), or one way throughout, for measurements. */
  strategy?: 'hybrid' | ConditionMode;
  /** After a facts-conditioned write, read the version back for the ETag (default true). */
  readBack?: boolean;
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
}

export interface ChangeSpec<S extends { session?: Session }, T> {
  read: (now: Date) => Promise<S>;
  decide: (state: S, now: Date) => Decision<T>;
  /** The state after a lost race, from what the failed transaction handed back; without it, read again. */
  refresh?: (state: S, session: Session | undefined, players: ReadonlyMap<string, Player | undefined>) => S;
  /** Changes of the team layout must be written under the version condition. */
  versionOnly?: boolean;
  /** Whether two reads show the same players (the session's version is compared already). */
  sameState?: (a: S, b: S) => boolean;
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 5 * 2 ** attempt)));

export async function runChange<S extends { session?: Session }, T>(
  store: SessionReads & SessionCommits,
  spec: ChangeSpec<S, T>,
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<T>> {
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 8;
  const deadline = Date.now() + (opts.budgetMs ?? 4000);

  let state: S | undefined;
  for (let attempt = 1; attempt <= maxAttempts && Date.now() < deadline; attempt++) {
    const now = clock();
    state ??= await spec.read(now);
    const decision = spec.decide(state, now);
    const read = state.session;
    if (!read || (decision.kind === 'reject' && decision.code === 'session_not_found')) throw new ApiError('session_not_found');
    if (opts.ifMatch && !opts.ifMatch(etagOf(read))) throw new ApiError('precondition_failed');
    // The items read did not describe one state (a player moved on between the reads): read again.
    if (decision.kind === 'reject' && decision.code === 'session_conflict') {
      state = undefined;
      await backoff(attempt);
      continue;
    }
    if (decision.kind === 'reject') throw new ApiError(decision.code);
    if (decision.kind === 'unchanged') {
      // BatchGetItem is not a snapshot: the items read may straddle a change. Answer "unchanged" only when a
      // second read finds the same state (same version, same players), so the ETag names a state that holds it.
      const again = await spec.read(clock());
      const same =
        again.session?.incarnation === read.incarnation && again.session.version === read.version && (spec.sameState?.(state, again) ?? true);
      if (same) return { result: decision.result, etag: etagOf(read), attempts: attempt, read, written: false, deleted: false };
      state = again;
      continue;
    }

    // With If-Match the client named a state, so only that exact state may be changed.
    const strategy = opts.ifMatch !== undefined || spec.versionOnly ? 'version' : (opts.strategy ?? 'hybrid');
    const mode: ConditionMode = strategy === 'hybrid' ? (attempt === 1 ? 'version' : 'facts') : strategy;
    const outcome = await store.commitChange(read, decision.change, mode, now);
    if (outcome.ok) {
      const done = { result: decision.result, attempts: attempt, read, written: true, deleted: decision.change.deleteSession === true };
      if (decision.change.deleteSession) return done;
      if (mode === 'version') return { ...done, etag: etagOf({ ...read, version: read.version + 1 }) };
      if (opts.readBack === false) return done;
      const after = await store.readSession(read.sessionId, clock());
      return { ...done, etag: after && after.incarnation === read.incarnation ? etagOf(after) : undefined };
    }
    if (opts.ifMatch !== undefined && outcome.retry !== 'conflict') throw new ApiError('precondition_failed');
    if (outcome.retry === 'conflict') await backoff(attempt);
    state = outcome.retry === 'decide' && spec.refresh ? spec.refresh(state, outcome.session, outcome.players) : undefined;
  }
  throw new ApiError('session_conflict', `gave up after ${maxAttempts} attempts or the time budget`);
}
