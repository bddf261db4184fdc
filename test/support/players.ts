// The test token issuer every suite shares (test/support/env.ts points the handlers' auth at it), and players with
// real signed tokens: a game client by default, or with the permissions a test gives.
import { randomUUID } from 'node:crypto';
import { createTestIssuer, playerToken, type TestIssuer } from './test-issuer.js';

export const issuer: TestIssuer = createTestIssuer();

export interface TestPlayer {
  uuid: string;
  token: string;
  auth: { authorization: string };
}

/** A player with a token of `permissions` (a game client's by default: x-game-client-permissions of the spec). */
export function newPlayer(permissions?: readonly string[], uuid: string = randomUUID()): TestPlayer {
  const token = playerToken(issuer, { sub: uuid, permissions });
  return { uuid, token, auth: { authorization: `Bearer ${token}` } };
}

/** A trusted caller acting for a game server: every session permission. */
export const newAdmin = (): TestPlayer => newPlayer(['session:*']);
