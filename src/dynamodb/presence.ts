// Presence and the cull floor (docs/culling.md). A player's query is one small item of its own, written with one
// UpdateItem, never the session item (whose version is the ETag) nor the player item (whose custom data makes a
// write cost up to ~130 units). The floor is moved on the session item without a change of version.
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { cullingMs } from '../sessions/model/presence.js';
import type { Culling } from '../sessions/store.js';
import type { Player } from '../sessions/model/session.js';
import { batchGet } from './batch.js';
import {
  CULLING_INDEX,
  CULLING_SHARDS,
  cullAtKey,
  cullShardOf,
  livePlayer,
  playerKey,
  presenceKey,
  PRESENCE_SK_PREFIX,
  SESSION_PK_PREFIX,
  sessionKey,
  type PlayerItem,
  type PresenceItem,
} from './items.js';
import { call, conditionalWrite, nowSeconds, type Table } from './table.js';

/** A presence record outlives its use by far: past T it no longer keeps anyone seated, and TTL then removes it. */
const PRESENCE_LIFE_FACTOR = 4;

export const presence = (table: Table): Culling => ({
  async readPresence(session, playerUuids) {
    const uuids = [...new Set(playerUuids)];
    const keys = uuids.flatMap((u) => [presenceKey(session.sessionId, u), playerKey(session.sessionId, u)]);
    const players = new Map<string, Player>();
    const seen = new Map<string, number>();
    for (const item of await batchGet(table, keys, false)) {
      const sk = String(item.sk);
      if (sk.startsWith(PRESENCE_SK_PREFIX)) {
        if (item.inc === session.incarnation) seen.set(sk.slice(PRESENCE_SK_PREFIX.length), Number((item as unknown as PresenceItem).seen));
      } else {
        const player = livePlayer(item as unknown as PlayerItem, session);
        if (player) players.set(player.playerUuid, player);
      }
    }
    return { players, seen };
  },

  async recordPresence(session, playerUuid, now) {
    const life = Math.ceil((cullingMs(session) * PRESENCE_LIFE_FACTOR) / 1000);
    // Only ever later: two requests of one player may write in either order, and the one with the older clock must
    // not set the record back (a cull rests on how old it is). Refused, it wrote nothing, which is what it should do.
    await conditionalWrite(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: presenceKey(session.sessionId, playerUuid),
          UpdateExpression: 'SET inc = :inc, seen = :seen, expires_at = :exp',
          ConditionExpression: 'attribute_not_exists(seen) OR inc <> :inc OR seen < :seen',
          ExpressionAttributeValues: { ':inc': session.incarnation, ':seen': now.getTime(), ':exp': nowSeconds(now) + life },
        }),
      ),
    );
  },

  async setNextCull(session, nextCullAt) {
    const values = { ':inc': session.incarnation, ':v': session.version };
    // Dropping last_change keeps the session-events pipe from publishing the previous change again.
    const update =
      nextCullAt === undefined
        ? { UpdateExpression: 'REMOVE cull_at, cull_pk, last_change', ExpressionAttributeValues: values }
        : {
            UpdateExpression: 'SET cull_at = :at, cull_pk = :shard REMOVE last_change',
            ExpressionAttributeValues: { ...values, ':at': cullAtKey(nextCullAt), ':shard': cullShardOf(session.sessionId) },
          };
    // Only on the state it was computed from: a change since (a join setting the floor) keeps its own, and another
    // incarnation or none has no floor of this session to move.
    await conditionalWrite(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: sessionKey(session.sessionId),
          ConditionExpression: 'inc = :inc AND version = :v',
          ...update,
        }),
      ),
    );
  },

  async dropDeadFloor(sessionId, now) {
    // An expired session that still carries a floor (until DynamoDB's TTL removes it): out of the sweep's way.
    await conditionalWrite(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: sessionKey(sessionId),
          UpdateExpression: 'REMOVE cull_at, cull_pk, last_change',
          ConditionExpression: 'attribute_exists(cull_at) AND expires_at <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds(now) },
        }),
      ),
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
