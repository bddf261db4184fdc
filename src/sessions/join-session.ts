// Runs a join: read, decide (join-rules.ts), write (SessionStore), and on a lost race decide again with the
// state that beat us. The first attempt is conditioned on the version, so an uncontended join knows the exact
// version it produced; retries are conditioned on the decision's facts, so a stampede of compatible joins
// commits side by side, and the ETag is read back after the write (see README, "Concurrency and ETags").
import { ApiError } from '../errors/api-error.js';
import type { ConditionMode, SessionStore } from '../store/session-store.js';
import { etagOf, ifMatchHolds } from './etag.js';
import { decideJoin } from './join-rules.js';
import type { JoinRequest, Player, Session } from './model.js';

export interface JoinOutcome {
  player: Player;
  /** Absent only when the session vanished between our write and the read-back of its version. */
  etag?: string;
  attempts: number;
}

export interface JoinOptions {
  ifMatch?: string;
  maxAttempts?: number;
  /** Give up (409) once this much time has passed, well inside the Lambda timeout. */
  budgetMs?: number;
  clock?: () => Date;
  /** How writes are conditioned: "hybrid" (the default, above), or one way throughout, for measurements. */
  strategy?: 'hybrid' | ConditionMode;
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 5 * 2 ** attempt)));

export async function joinSession(store: SessionStore, sessionId: string, req: JoinRequest, opts: JoinOptions = {}): Promise<JoinOutcome> {
  const clock = opts.clock ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 8;
  const deadline = Date.now() + (opts.budgetMs ?? 4000);

  let { session, player } = await store.readForJoin(sessionId, req.playerUuid, clock());
  for (let attempt = 1; attempt <= maxAttempts && Date.now() < deadline; attempt++) {
    const now = clock();
    const decision = decideJoin(session, player, req, now.toISOString());
    if (decision.kind === 'reject' && decision.code === 'session_not_found') throw new ApiError('session_not_found');
    const read = session as Session;
    if (opts.ifMatch !== undefined && !ifMatchHolds(opts.ifMatch, etagOf(read))) throw new ApiError('precondition_failed');
    if (decision.kind === 'reject') throw new ApiError(decision.code);
    if (decision.kind === 'unchanged') return { player: decision.player, etag: etagOf(read), attempts: attempt };

    // With If-Match the client named a state, so only that exact state may be changed.
    const strategy = opts.ifMatch !== undefined ? 'version' : (opts.strategy ?? 'hybrid');
    const mode: ConditionMode = strategy === 'hybrid' ? (attempt === 1 ? 'version' : 'facts') : strategy;
    const result = await store.commitJoin(read, decision, mode, now);
    if (result.ok) {
      if (mode === 'version') return { player: decision.player, etag: etagOf({ ...read, version: read.version + 1 }), attempts: attempt };
      const after = await store.readSession(sessionId, clock());
      const etag = after && after.incarnation === read.incarnation ? etagOf(after) : undefined;
      return { player: decision.player, etag, attempts: attempt };
    }
    if (opts.ifMatch !== undefined && result.retry !== 'conflict') throw new ApiError('precondition_failed');
    if (result.retry === 'decide') {
      session = result.session;
      if (result.playerChanged) player = result.player;
    } else {
      if (result.retry === 'conflict') await backoff(attempt);
      ({ session, player } = await store.readForJoin(sessionId, req.playerUuid, clock()));
    }
  }
  throw new ApiError('session_conflict', `gave up after ${maxAttempts} attempts or the time budget`);
}
