// generate_session_short_code: read the session and the caller's membership, decide (rules/short-code.ts) with a
// freshly drawn code, write. A code another session holds cancels the write, and the next attempt draws another;
// when every attempt found its code taken (or lost a race), the answer is 409, as upstream's.
import { randomBytes } from 'node:crypto';
import { ApiError } from '../../errors/api-error.js';
import type { Actor } from '../model/actor.js';
import { shortCodeFrom } from '../model/short-code.js';
import { decideShortCode } from '../rules/short-code.js';
import type { SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/** How many codes one request draws before it answers 409. */
const DRAWS = 5;

export interface ShortCodeOptions extends ChangeOptions {
  /** Characters per code (SHORT_CODE_LENGTH). */
  length: number;
  /** Where codes come from; tests draw known ones to collide on purpose. */
  draw?: () => string;
}

export async function generateShortCode(
  store: SessionChanges,
  sessionId: string,
  actor: Actor,
  { length, draw = () => shortCodeFrom(randomBytes(length), length), ...opts }: ShortCodeOptions,
): Promise<ChangeOutcome<string>> {
  try {
    return await runChange(
      store,
      {
        read: (now) => store.readSessionAndPlayers(sessionId, actor.trusted ? [] : [actor.playerUuid], now),
        snapshot: (now) => store.readSnapshot(sessionId, actor.trusted ? [] : [actor.playerUuid], now),
        decide: ({ session, players }) => decideShortCode(session, actor, players.get(actor.playerUuid), draw()),
      },
      { maxAttempts: DRAWS, ...opts },
    );
  } catch (e) {
    if (e instanceof ApiError && e.code === 'session_conflict') throw new ApiError('short_code_unavailable', e.message);
    throw e;
  }
}
