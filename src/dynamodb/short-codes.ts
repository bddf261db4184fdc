// Short codes as items of their own (pk CODE#<code>): the conditional put that claims one for a session is part of
// the change that sets it on the session (commit.ts); a session's end releases it, in the deleting transaction or,
// after a TTL expiry, from the stream reaper. A code left behind by a failed release only costs a retry when drawn again.
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SessionCleanup, ShortCodes } from '../sessions/store.js';
import { shortCodeKey } from './items.js';
import { call, conditionalWrite, type Table } from './table.js';

export const shortCodes = (table: Table): ShortCodes => ({
  async resolveShortCode(code) {
    const { Item } = await call(() => table.db.send(new GetCommand({ TableName: table.name, Key: shortCodeKey(code), ConsistentRead: true })));
    return typeof Item?.session_id === 'string' ? Item.session_id : undefined;
  },
});

export const shortCodeRelease = (table: Table): Pick<SessionCleanup, 'releaseShortCode'> => ({
  async releaseShortCode(code, sessionId, incarnation) {
    // Gone already, or another session's by now: nothing of this session's to release.
    await conditionalWrite(() =>
      table.db.send(
        new DeleteCommand({
          TableName: table.name,
          Key: shortCodeKey(code),
          ConditionExpression: 'session_id = :id AND inc = :inc',
          ExpressionAttributeValues: { ':id': sessionId, ':inc': incarnation },
        }),
      ),
    );
  },
});
