// Stores for tests: the DynamoDB store on the test table (global-setup.ts's DynamoDB Local), on a client of a test's
// own (to inject SDK faults), and sessions created through it.
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/dynamodb/client.js';
import { playerToItem } from '../../src/dynamodb/items.js';
import { dynamoDbStore } from '../../src/dynamodb/store.js';
import { tableOf } from '../../src/dynamodb/table.js';
import { newSession, withPlayers, type NewSession } from '../../src/sessions/model/new-session.js';
import type { Player, Session } from '../../src/sessions/model/session.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { testTableName } from './dynamodb.js';

/** A document client of the test's own on the test DynamoDB Local, with the local stack's generous timeouts. */
export const testClient = (): DynamoDBDocumentClient =>
  createDocumentClient({
    region: process.env.AWS_REGION ?? 'local',
    endpoint: process.env.DYNAMODB_ENDPOINT,
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
  });

/** The DynamoDB store on the test table, through `db` (a fresh client by default). */
export const storeOn = (db: DynamoDBDocumentClient = testClient(), tableName = testTableName()): SessionStore =>
  dynamoDbStore(tableOf(db, tableName));

/** The DynamoDB store on the test table that the suites share for setting up and reading back. */
export const store: SessionStore = storeOn();

/** A session created through the store (two teams of 4, joinable), optionally with players already seated. */
export async function createSession(overrides: Partial<NewSession> = {}, players: Player[] = []): Promise<Session> {
  const session = withPlayers(newSession({ sessionId: `s-${randomUUID()}`, type: 'test', teamSizes: [4, 4], joinable: true, ...overrides }), players);
  if ((await store.createSession(session, players, overrides.now ?? new Date())) !== 'created')
    throw new Error(`session ${session.sessionId} already exists`);
  return session;
}

/**
 * A session with many players, written as the store lays it out: the session item (its aggregates already for these
 * players) through the store, the player items with BatchWrite, 25 at a time, a few batches in flight.
 */
export async function seedSession(
  overrides: Partial<NewSession>,
  players: readonly Player[],
  db: DynamoDBDocumentClient = testClient(),
): Promise<Session> {
  const session = withPlayers(newSession({ sessionId: `s-${randomUUID()}`, type: 'test', teamSizes: [4, 4], joinable: true, ...overrides }), players);
  if ((await store.createSession(session, [], overrides.now ?? new Date())) !== 'created')
    throw new Error(`session ${session.sessionId} already exists`);
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < players.length; i += 25)
    batches.push(players.slice(i, i + 25).map((p): Record<string, unknown> => ({ ...playerToItem(session, p) })));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 10) throw new Error('BatchWrite kept returning unprocessed items');
        const out = await db.send(new BatchWriteCommand({ RequestItems: { [testTableName()]: pending } }));
        pending = (out.UnprocessedItems?.[testTableName()] ?? []) as typeof pending;
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return session;
}
