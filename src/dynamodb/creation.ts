// A new session: its item, its first players' items and, when it is open, its open-session index entry, in one
// write that succeeds only when the id belongs to no live session.
import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isOpen } from '../sessions/model/session.js';
import type { SessionCreation } from '../sessions/store.js';
import { playerToItem, sessionToItem } from './items.js';
import { openIndexWrite } from './open-sessions.js';
import { cancellationCodes } from './faults.js';
import { call, nowSeconds, type Table } from './table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const sessionCreation = (table: Table): SessionCreation => ({
  async createSession(session, players, now) {
    // The creation is the first player's join (or a session update): published like any other change.
    const first = players[0];
    const lastChange = first
      ? { event: 'Session Player Joined', player_uuid: first.playerUuid, team_id: first.teamId, status: first.status }
      : { event: 'Session Updated' };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: table.name,
          Item: { ...sessionToItem(session), last_change: lastChange },
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds(now) },
        },
      },
      ...players.map((p) => ({ Put: { TableName: table.name, Item: playerToItem(session, p) } })),
    ];
    if (isOpen(session)) items.push(openIndexWrite(table, session, 'in'));
    try {
      await call<unknown>(() =>
        items.length === 1 ? table.db.send(new PutCommand(items[0]!.Put!)) : table.db.send(new TransactWriteCommand({ TransactItems: items })),
      );
      return 'created';
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return 'taken';
      // A conflict can only be another player creating the same (ticket) session at this moment: it is theirs.
      const code = cancellationCodes(e)?.[0];
      if (code === 'ConditionalCheckFailed' || code === 'TransactionConflict') return 'taken';
      throw e;
    }
  },
});
