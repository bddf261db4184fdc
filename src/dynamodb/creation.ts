// A new session: its item, its first players' items and, when it is open, its open-session index entry, in one
// write that succeeds only when the id belongs to no live session. Taking over the id of a session that expired
// before DynamoDB's TTL removed it also releases that session's short code (its TTL removal, which would have, never
// comes), so an old code never leads to the new session.
import { PutCommand, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { isOpen } from '../sessions/model/session.js';
import type { SessionCreation } from '../sessions/store.js';
import { playerToItem, sessionToItem, shortCodeKey, type SessionItem } from './items.js';
import { openIndexWrite } from './open-sessions.js';
import { cancellationCodes } from './faults.js';
import { call, nowSeconds, type Table } from './table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Outcome = { created: true } | { created: false; old?: SessionItem };

export const sessionCreation = (table: Table): SessionCreation => ({
  async createSession(session, players, now) {
    // The creation is the first player's join (or a session update): published like any other change.
    const first = players[0];
    const lastChange = first
      ? { event: 'Session Player Joined', player_uuid: first.playerUuid, team_id: first.teamId, status: first.status }
      : { event: 'Session Updated' };
    const rest: TransactItem[] = players.map((p) => ({ Put: { TableName: table.name, Item: playerToItem(session, p) } }));
    if (isOpen(session)) rest.push(openIndexWrite(table, session, 'in'));
    const put = (condition: string, values: Record<string, unknown> = {}): NonNullable<TransactItem['Put']> => ({
      TableName: table.name,
      Item: { ...sessionToItem(session), last_change: lastChange },
      ConditionExpression: condition,
      ...(Object.keys(values).length ? { ExpressionAttributeValues: values } : {}),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });

    const fresh = await write(table, put('attribute_not_exists(pk)'), rest);
    if (fresh.created) return 'created';
    const old = fresh.old;
    if (!old || old.expires_at === undefined || Number(old.expires_at) > nowSeconds(now)) return 'taken';
    // The id's session has expired: taken over exactly as it was read, its short code released with it.
    const release: TransactItem[] = old.short_code
      ? [
          {
            Delete: {
              TableName: table.name,
              Key: shortCodeKey(old.short_code),
              ConditionExpression: 'attribute_not_exists(pk) OR (session_id = :id AND inc = :inc)',
              ExpressionAttributeValues: { ':id': old.session_id, ':inc': old.inc },
            },
          },
        ]
      : [];
    const over = await write(table, put('inc = :inc AND expires_at <= :now', { ':inc': old.inc, ':now': nowSeconds(now) }), [...rest, ...release]);
    return over.created ? 'created' : 'taken';
  },
});

async function write(table: Table, session: NonNullable<TransactItem['Put']>, rest: TransactItem[]): Promise<Outcome> {
  try {
    await call<unknown>(() =>
      rest.length === 0
        ? table.db.send(new PutCommand(session))
        : table.db.send(new TransactWriteCommand({ TransactItems: [{ Put: session }, ...rest] })),
    );
    return { created: true };
  } catch (e) {
    const err = e as {
      name?: string;
      Item?: Record<string, AttributeValue>;
      CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[];
    };
    const oldOf = (item: Record<string, AttributeValue> | undefined) => (item ? { old: unmarshall(item) as SessionItem } : {});
    if (err.name === 'ConditionalCheckFailedException') return { created: false, ...oldOf(err.Item) };
    // A conflict can only be another player creating the same (ticket) session at this moment: it is theirs.
    const code = cancellationCodes(e)?.[0];
    if (code === 'ConditionalCheckFailed') return { created: false, ...oldOf(err.CancellationReasons?.[0]?.Item) };
    if (code === 'TransactionConflict') return { created: false };
    throw e;
  }
}
