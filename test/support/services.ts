// Wires the real handlers to the test DynamoDB Local and a test token issuer. The environment is set before the
// handler modules load, exactly as Lambda hands a container its configuration.
import { randomUUID } from 'node:crypto';
import { newSession, withPlayers, type NewSession } from '../../src/sessions/model/new-session.js';
import { type Player, type Session } from '../../src/sessions/model/session.js';
import { createDocumentClient } from '../../src/dynamodb/client.js';
import { dynamoDbStore } from '../../src/dynamodb/store.js';
import { tableOf } from '../../src/dynamodb/table.js';
import { seatedPlayer } from './fixtures.js';
import { authEnvFor, createTestIssuer, playerToken, type TestIssuer } from './test-issuer.js';
import { testTableName } from './dynamodb.js';

export const issuer: TestIssuer = createTestIssuer();
// DynamoDB Local answers a stampede far slower than DynamoDB does, and hundreds of connections opened at once
// queue in its accept backlog: give its connections and requests more time than production does.
const LOCAL_TIMEOUTS = { DYNAMODB_REQUEST_TIMEOUT_MS: '10000', DYNAMODB_CONNECT_TIMEOUT_MS: '5000' };
Object.assign(process.env, authEnvFor(issuer), { LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error', ...LOCAL_TIMEOUTS });

export const store = dynamoDbStore(
  tableOf(
    createDocumentClient({
      region: process.env.AWS_REGION ?? 'local',
      endpoint: process.env.DYNAMODB_ENDPOINT,
      requestTimeoutMs: 10000,
      connectTimeoutMs: 5000,
    }),
    testTableName(),
  ),
);

export const JOIN_ROUTE = '/session/v1/session/{session_id}/player/me';
export const GET_ROUTE = '/session/v1/session/{session_id}';

/** A session created through the store, optionally with players already seated (e.g. invited ones). */
export async function createSession(overrides: Partial<NewSession> = {}, players: Player[] = []): Promise<Session> {
  const session = withPlayers(newSession({ sessionId: `s-${randomUUID()}`, type: 'test', teamSizes: [4, 4], joinable: true, ...overrides }), players);
  if ((await store.createSession(session, players, overrides.now ?? new Date())) !== 'created')
    throw new Error(`session ${session.sessionId} already exists`);
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

export { seatedPlayer };
