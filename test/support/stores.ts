// Stores for tests: the DynamoDB store on the test table (global-setup.ts's DynamoDB Local), on a client of a test's
// own (to inject SDK faults), and decorators that let a test act between a store's steps.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../src/dynamodb/client.js';
import { dynamoDbStore } from '../../src/dynamodb/store.js';
import { tableOf } from '../../src/dynamodb/table.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { testTableName } from './dynamodb.js';

/** A document client of the test's own on the test DynamoDB Local, with the local stack's generous timeouts. */
const testClient = (): DynamoDBDocumentClient =>
  createDocumentClient({
    region: process.env.AWS_REGION ?? 'local',
    endpoint: process.env.DYNAMODB_ENDPOINT,
    requestTimeoutMs: 10_000,
    connectTimeoutMs: 5_000,
  });

/** The DynamoDB store on the test table, through `db` (a fresh client by default). */
export const storeOn = (db: DynamoDBDocumentClient = testClient(), tableName = testTableName()): SessionStore =>
  dynamoDbStore(tableOf(db, tableName));

/** `store` with some of its operations replaced; the others are the store's own. */
export const decorate = <S extends object>(store: S, overrides: Partial<S>): S => Object.assign(Object.create(store) as S, overrides);
