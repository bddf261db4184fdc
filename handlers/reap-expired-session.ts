// DynamoDB Streams handler, not an HTTP route: when DynamoDB's TTL deletes a session item, delete the player items
// that incarnation left behind (src/dynamodb/expired-sessions.ts). It needs neither auth nor templates: only the table.
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { reapExpiredSessions } from '../src/dynamodb/expired-sessions.js';
import { tableFromEnv } from '../src/runtime/table.js';
import type { SessionCleanup } from '../src/sessions/store.js';

let store: SessionCleanup | undefined;

export const handler = (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> =>
  reapExpiredSessions(event, (store ??= sessionCleanup(tableFromEnv())));
