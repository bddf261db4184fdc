// Wires the real handlers to the test DynamoDB Local and a test token issuer. The environment is set before the
// handler modules load, exactly as Lambda hands a container its configuration.
import { randomUUID } from 'node:crypto';
import { newSession, type NewSession } from '../../src/sessions/new-session.js';
import type { Session } from '../../src/sessions/model.js';
import { createDocumentClient } from '../../src/store/dynamodb-client.js';
import { SessionStore } from '../../src/store/session-store.js';
import { authEnvFor, createTestIssuer, playerToken, type TestIssuer } from './test-issuer.js';
import { testTableName } from './dynamodb.js';

export const issuer: TestIssuer = createTestIssuer();
Object.assign(process.env, authEnvFor(issuer));

export const store = new SessionStore(
  createDocumentClient({ region: process.env.AWS_REGION ?? 'local', endpoint: process.env.DYNAMODB_ENDPOINT }),
  testTableName(),
);

export const JOIN_ROUTE = '/session/v1/session/{session_id}/player/me';
export const GET_ROUTE = '/session/v1/session/{session_id}';

export async function createSession(overrides: Partial<NewSession> = {}): Promise<Session> {
  const session = newSession({ sessionId: `s-${randomUUID()}`, type: 'test', teamSizes: [4, 4], joinable: true, ...overrides });
  if (!(await store.createSession(session))) throw new Error(`session ${session.sessionId} already exists`);
  return session;
}

export interface TestPlayer {
  uuid: string;
  token: string;
  auth: { authorization: string };
}

export function newPlayer(permissions?: readonly string[]): TestPlayer {
  const uuid = randomUUID();
  const token = playerToken(issuer, { sub: uuid, permissions });
  return { uuid, token, auth: { authorization: `Bearer ${token}` } };
}

export const joinBody = (overrides: Record<string, unknown> = {}) => ({
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  team_id: 0,
  ...overrides,
});
