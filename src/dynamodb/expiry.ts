// A session's life extended by a read: the expiry moves, the version does not.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionExpiry } from '../sessions/store.js';
import { sessionKey } from './items.js';
import { conditionalWrite, nowSeconds, type Table } from './table.js';

export const sessionExpiry = (table: Table): SessionExpiry => ({
  async extendExpiry(session, now) {
    // Already expired, or another incarnation by now: there is no life of this session to extend.
    await conditionalWrite(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: sessionKey(session.sessionId),
          // Dropping last_change keeps the session-events pipe from publishing the previous change again.
          UpdateExpression: 'SET expires_at = :exp REMOVE last_change',
          ConditionExpression: 'inc = :inc AND expires_at > :now',
          ExpressionAttributeValues: { ':exp': nowSeconds(now) + session.ttlSeconds, ':inc': session.incarnation, ':now': nowSeconds(now) },
        }),
      ),
    );
  },
});
