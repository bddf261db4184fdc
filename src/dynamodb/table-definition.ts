// The one definition of the sessions table: its keys, TTL attribute and indexes. The CDK stack, the local
// stack and the test setup all build the table from this, so there is never a second copy to drift.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

export const SESSIONS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB's TTL deletes expired items. Reads treat a passed value as gone at once. */
  ttlAttribute: 'expires_at',
  indexes: [
    /** A player's sessions (get_player_sessions_self): player items by gsi1pk = P#<player_uuid>. */
    { name: 'player-sessions', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    /**
     * Sessions whose cull floor has passed (the culling sweep): session items of sessions that cull, by shard and floor.
     * Keys only, so that the writes of a session item that leave its floor alone never write the index.
     */
    { name: 'culling', partitionKey: 'cull_pk', sortKey: 'cull_at', projection: 'KEYS_ONLY' },
  ] as { name: string; partitionKey: string; sortKey: string; projection: 'ALL' | 'KEYS_ONLY' }[],
} as const;

export function createTableInput(tableName: string): CreateTableCommandInput {
  const keys = [SESSIONS_TABLE.partitionKey, SESSIONS_TABLE.sortKey, ...SESSIONS_TABLE.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set(keys)].map((AttributeName) => ({ AttributeName, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: SESSIONS_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: SESSIONS_TABLE.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: SESSIONS_TABLE.indexes.length
      ? SESSIONS_TABLE.indexes.map((i) => ({
          IndexName: i.name,
          KeySchema: [
            { AttributeName: i.partitionKey, KeyType: 'HASH' },
            { AttributeName: i.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: i.projection },
        }))
      : undefined,
  };
}
