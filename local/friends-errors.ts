// The local friends service's answers that are not a FriendRelationship: upstream's HzApiErrorModel envelope for
// its own refusals and for the session service's (tokens, permissions, routes), FastAPI's 422 for bad input.
import { ApiError } from '../src/errors/api-error.js';
import type { HttpAnswer } from './http-gateway.js';

const FRIENDS_ERRORS = {
  cannot_friend_self: { status: 400, desc: 'A player cannot add themselves as a friend' },
  relationship_not_found: { status: 404, desc: 'The player has no relationship with the other player' },
  relationship_conflict: { status: 409, desc: 'Too many concurrent changes to the relationship; retry' },
  relationship_precondition_failed: { status: 412, desc: "The request's If-Match does not hold for the relationship's current state" },
} as const;

/** A refusal of the friends service itself; the session service's codes stay ApiErrors. */
export class FriendsError extends Error {
  constructor(readonly code: keyof typeof FRIENDS_ERRORS) {
    super(code);
    this.name = 'FriendsError';
  }
}

export interface ValidationProblem {
  loc: (string | number)[];
  msg: string;
  type: string;
}

export const jsonAnswer = (status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

export const validationAnswer = (detail: ValidationProblem[]): HttpAnswer => jsonAnswer(422, { detail });

/** The envelope for a FriendsError or an ApiError; undefined for anything else, which is a fault. */
export function errorAnswer(error: unknown, headers: Record<string, string> = {}): HttpAnswer | undefined {
  if (error instanceof FriendsError) {
    const { status, desc } = FRIENDS_ERRORS[error.code];
    return jsonAnswer(status, { auth_success: true, error_code: error.code, desc }, headers);
  }
  if (error instanceof ApiError) {
    const { authSuccess, desc, retryAfter } = error.definition;
    const retry = error.retryAfter ?? retryAfter;
    return jsonAnswer(
      error.status,
      { auth_success: authSuccess ?? true, error_code: error.code, desc },
      { ...headers, ...(retry ? { 'retry-after': String(retry) } : {}) },
    );
  }
  return undefined;
}
