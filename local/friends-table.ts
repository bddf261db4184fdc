// The local friends service's table on DynamoDB Local: one item per pair of players, keyed by both UUIDs. Safe to
// call on every start: an existing table is left as it is.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTableOf } from './create-table.js';

/** The key attribute: the pair's two lower-case UUIDs, sorted, joined by '|'. */
export const PAIR_KEY = 'pair';

export const ensureFriendsTable = (client: DynamoDBClient, tableName: string): Promise<void> =>
  ensureTableOf(client, {
    TableName: tableName,
    AttributeDefinitions: [{ AttributeName: PAIR_KEY, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: PAIR_KEY, KeyType: 'HASH' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
