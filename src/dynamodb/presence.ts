// Presence and the cull floor (docs/culling.md). A player's query is one small item of its own, written with a plain
// UpdateItem, never the session item (whose version is the ETag) nor the player item (whose custom data makes a
// write cost up to ~130 units). The floor is moved on the session item without a change of version.
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cullingMs } from '../sessions/model/presence.js';
import type { Culling } from '../sessions/store.js';
import { CULLING_INDEX, CULLING_SHARDS, cullAtKey, cullShardOf, presenceKey, SESSION_PK_PREFIX, sessionKey, type PresenceItem } from './items.js';
import { call, conditionalWrite, nowSeconds, type Table } from './table.js';

/** A presence record outlives its use by far: past T it no longer keeps anyone seated, and TTL then removes it. */
const PRESENCE_LIFE_FACTOR = 4;

export const presence = (table: Table): Culling => ({
  async readPresence(session, playerUuid) {
    const out = await call(() => table.db.send(new GetCommand({ TableName: table.name, Key: presenceKey(session.sessionId, playerUuid) })));
    const item = out.Item as PresenceItem | undefined;
    return item && item.inc === session.incarnation ? Number(item.seen) : undefined;
  },

  async recordPresence(session, playerUuid, now) {
    const life = Math.ceil((cullingMs(session) * PRESENCE_LIFE_FACTOR) / 1000);
    await call(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: presenceKey(session.sessionId, playerUuid),
          UpdateExpression: 'SET inc = :inc, seen = :seen, expires_at = :exp',
          ExpressionAttributeValues: { ':inc': session.incarnation, ':seen': now.getTime(), ':exp': nowSeconds(now) + life },
        }),
      ),
    );
  },

  async setNextCull(session, nextCullAt) {
    // Dropping last_change keeps the session-events pipe from publishing the previous change again.
    const update =
      nextCullAt === undefined
        ? { UpdateExpression: 'REMOVE cull_at, cull_pk, last_change', ExpressionAttributeValues: { ':inc': session.incarnation } }
        : {
            UpdateExpression: 'SET cull_at = :at, cull_pk = :shard REMOVE last_change',
            ExpressionAttributeValues: { ':inc': session.incarnation, ':at': cullAtKey(nextCullAt), ':shard': cullShardOf(session.sessionId) },
          };
    // Another incarnation by now, or gone: there is no floor of this session to move.
    await conditionalWrite(() =>
      table.db.send(new UpdateCommand({ TableName: table.name, Key: sessionKey(session.sessionId), ConditionExpression: 'inc = :inc', ...update })),
    );
  },

  async sessionsDueForCull(now, limit) {
    const pages = await Promise.all(
      Array.from({ length: CULLING_SHARDS }, (_, shard) =>
        call(() =>
          table.db.send(
            new QueryCommand({
              TableName: table.name,
              IndexName: CULLING_INDEX.name,
              KeyConditionExpression: `${CULLING_INDEX.partitionKey} = :shard AND ${CULLING_INDEX.sortKey} <= :now`,
              ExpressionAttributeValues: { ':shard': `CULL#${shard}`, ':now': cullAtKey(now.getTime()) },
              Limit: limit,
            }),
          ),
        ),
      ),
    );
    return pages
      .flatMap((p) => p.Items ?? [])
      .sort((a, b) => String(a[CULLING_INDEX.sortKey]).localeCompare(String(b[CULLING_INDEX.sortKey])))
      .slice(0, limit)
      .map((i) => String(i.pk).slice(SESSION_PK_PREFIX.length));
  },
});
