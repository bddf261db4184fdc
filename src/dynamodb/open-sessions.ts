// What create-or-join searches and how it places a stampede (docs/api.md, "Create or join").
// - The open-session index: for each session type whose template auto-joins, one entry per open session
//   (joinable, a free seat), in its own partition, read with one strongly consistent Query and never a scan.
//   The same transactions that change a session put or delete its entry when they open or fill it.
// - Seat tickets: a counter per type. A player who finds no open session with room takes the next ticket;
//   ticket t belongs to block floor(t / seats), and a block is one session whose id follows from the block, so
//   the players of a stampede fill sessions one after another instead of each starting their own.
import { DeleteCommand, QueryCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { isOpen, type Session } from '../sessions/model/session.js';
import type { OpenSession, OpenSessions } from '../sessions/store.js';
import { call, conditionalWrite, type Table } from './table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const openPartition = (type: string) => `OPEN#${type}`;
export const openEntryKey = (s: Pick<Session, 'type' | 'created' | 'sessionId'>) => ({
  pk: openPartition(s.type),
  sk: `E#${s.created}#${s.sessionId}`,
});
export const ticketKey = (type: string) => ({ pk: openPartition(type), sk: '#TICKET' });

/** An index entry as stored. */
interface OpenEntryItem {
  session_id: string;
  inc: string;
  created: string;
}

/** How the change moves the session in or out of the index: nothing, in (put the entry), or out (delete it). */
export function openTransition(before: Session, after: Pick<Session, 'teams' | 'joinable' | 'autoJoin'> | undefined): 'none' | 'in' | 'out' {
  if (!before.autoJoin) return 'none';
  const was = isOpen(before);
  const is = after !== undefined && isOpen(after);
  return was === is ? 'none' : is ? 'in' : 'out';
}

/** The transaction item that puts the session's entry in the index, or takes it out. */
export function openIndexWrite(table: Table, session: Session, transition: 'in' | 'out'): TransactItem {
  const key = openEntryKey(session);
  const entry: OpenEntryItem = { session_id: session.sessionId, inc: session.incarnation, created: session.created };
  return transition === 'in' ? { Put: { TableName: table.name, Item: { ...key, ...entry } } } : { Delete: { TableName: table.name, Key: key } };
}

export const openSessions = (table: Table): OpenSessions => ({
  async openSessions(type, limit) {
    const out = await call(() =>
      table.db.send(
        new QueryCommand({
          TableName: table.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':pk': openPartition(type), ':e': 'E#' },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return ((out.Items ?? []) as OpenEntryItem[]).map((e): OpenSession => ({ sessionId: e.session_id, incarnation: e.inc, created: e.created }));
  },

  async dropOpenSession(type, open) {
    await conditionalWrite(() =>
      table.db.send(
        new DeleteCommand({
          TableName: table.name,
          Key: openEntryKey({ sessionId: open.sessionId, created: open.created, type }),
          ConditionExpression: 'inc = :inc',
          ExpressionAttributeValues: { ':inc': open.incarnation },
        }),
      ),
    );
  },

  async takeTicket(type, freshEpoch) {
    const out = await call(() =>
      table.db.send(
        new UpdateCommand({
          TableName: table.name,
          Key: ticketKey(type),
          UpdateExpression: 'ADD n :one SET epoch = if_not_exists(epoch, :epoch)',
          ExpressionAttributeValues: { ':one': 1, ':epoch': freshEpoch },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { n: Number(out.Attributes?.n) - 1, epoch: String(out.Attributes?.epoch) };
  },
});
