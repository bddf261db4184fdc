// A player's tries at a session's password: one small item per player and session, in a partition of its own
// (never read with the session's players), counting tries in a fixed window and removed by TTL after it.
//   pk = TRIES#<session_id>  sk = P#<player_uuid>  n (tries)  window_ends (epoch seconds, also the TTL attribute)
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { PASSWORD_TRIES, type PasswordTries } from '../sessions/store.js';
import { PLAYER_SK_PREFIX } from './items.js';
import { SESSIONS_TABLE } from './table-definition.js';
import { call, conditionalWrite, nowSeconds, type Table } from './table.js';

const triesKey = (sessionId: string, playerUuid: string) => ({ pk: `TRIES#${sessionId}`, sk: `${PLAYER_SK_PREFIX}${playerUuid}` });
const TTL = SESSIONS_TABLE.ttlAttribute;

export const passwordTries = (table: Table): PasswordTries => ({
  async takePasswordTry(sessionId, playerUuid, now) {
    const t = nowSeconds(now);
    const end = t + PASSWORD_TRIES.windowSeconds;
    const key = triesKey(sessionId, playerUuid);
    // A try counts in the current window; a window that is over is restarted once, by whoever gets there first (the
    // restart is conditioned on the window it ends), and the others count in the new one.
    for (let attempt = 0; attempt < 3; attempt++) {
      const counted = await conditionalWrite(() =>
        table.db.send(
          new UpdateCommand({
            TableName: table.name,
            Key: key,
            UpdateExpression: 'SET window_ends = if_not_exists(window_ends, :end), #ttl = if_not_exists(#ttl, :end) ADD n :one',
            ConditionExpression: 'attribute_not_exists(n) OR (n < :max AND window_ends > :now)',
            ExpressionAttributeNames: { '#ttl': TTL },
            ExpressionAttributeValues: { ':end': end, ':one': 1, ':max': PASSWORD_TRIES.max, ':now': t },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        ),
      );
      if (counted.ok) return { ok: true };
      if (!counted.old) continue;
      const windowEnds = Number(unmarshall(counted.old).window_ends);
      if (windowEnds > t) return { ok: false, retryAfterSeconds: windowEnds - t };
      const restarted = await conditionalWrite(() =>
        table.db.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...key, n: 1, window_ends: end, [TTL]: end },
            ConditionExpression: 'window_ends = :old',
            ExpressionAttributeValues: { ':old': windowEnds },
          }),
        ),
      );
      if (restarted.ok) return { ok: true };
    }
    // Still racing after three rounds: refused for now, as a try would be in a full window.
    return { ok: false, retryAfterSeconds: 1 };
  },
  async forgetPasswordTries(sessionId, playerUuid) {
    await call(() => table.db.send(new DeleteCommand({ TableName: table.name, Key: triesKey(sessionId, playerUuid) })));
  },
});
