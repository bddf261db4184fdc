// A player's tries at a session's password: one small item per player and session, in a partition of its own
// (never read with the session's players), counting tries in a fixed window and removed by TTL after it.
//   pk = TRIES#<session_id>  sk = P#<player_uuid>  n (tries)  window_ends (epoch seconds, also the TTL attribute)
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { PASSWORD_TRIES, type PasswordTries } from '../sessions/store.js';
import { PLAYER_SK_PREFIX } from './items.js';
import { SESSIONS_TABLE } from './table-definition.js';
import { call, nowSeconds, type Table } from './table.js';

const triesKey = (sessionId: string, playerUuid: string) => ({ pk: `TRIES#${sessionId}`, sk: `${PLAYER_SK_PREFIX}${playerUuid}` });
const TTL = SESSIONS_TABLE.ttlAttribute;

export const passwordTries = (table: Table): PasswordTries => ({
  async takePasswordTry(sessionId, playerUuid, now) {
    const t = nowSeconds(now);
    try {
      await call(() =>
        table.db.send(
          new UpdateCommand({
            TableName: table.name,
            Key: triesKey(sessionId, playerUuid),
            UpdateExpression: 'SET window_ends = if_not_exists(window_ends, :end), #ttl = if_not_exists(#ttl, :end) ADD n :one',
            ConditionExpression: 'attribute_not_exists(n) OR (n < :max AND window_ends > :now)',
            ExpressionAttributeNames: { '#ttl': TTL },
            ExpressionAttributeValues: { ':end': t + PASSWORD_TRIES.windowSeconds, ':one': 1, ':max': PASSWORD_TRIES.max, ':now': t },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      return { ok: true };
    } catch (e) {
      const old = (e as { name?: string; Item?: Record<string, AttributeValue> }).Item;
      if ((e as Error).name !== 'ConditionalCheckFailedException' || !old) throw e;
      const windowEnds = Number(unmarshall(old).window_ends);
      if (windowEnds > t) return { ok: false, retryAfterSeconds: windowEnds - t };
      // The window is over but TTL has not removed its item yet: a new window starts with this try.
      await call(() =>
        table.db.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...triesKey(sessionId, playerUuid),
              n: 1,
              window_ends: t + PASSWORD_TRIES.windowSeconds,
              [TTL]: t + PASSWORD_TRIES.windowSeconds,
            },
          }),
        ),
      );
      return { ok: true };
    }
  },
  async forgetPasswordTries(sessionId, playerUuid) {
    await call(() => table.db.send(new DeleteCommand({ TableName: table.name, Key: triesKey(sessionId, playerUuid) })));
  },
});
