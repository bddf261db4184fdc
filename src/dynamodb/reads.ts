// Reading sessions and their players: strongly consistent, live incarnations only.
import { GetCommand, TransactGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Player, Session } from '../sessions/model/session.js';
import type { SessionReads, SessionWithPlayers } from '../sessions/store.js';
import { batchGet } from './batch.js';
import {
  livePlayer,
  liveSession,
  PLAYER_SK_PREFIX,
  playerFromItem,
  playerKey,
  PRESENCE_SK_PREFIX,
  SESSION_SK,
  sessionKey,
  type PlayerItem,
  type PresenceItem,
  type SessionItem,
} from './items.js';
import { queryPages } from './pagination.js';
import { cancellationCodes, refuseIfThrottled } from './faults.js';
import { call, nowSeconds, retryBackoff, type Table } from './table.js';
import { ApiError } from '../errors/api-error.js';

const isPlayerItem = (item: Record<string, unknown>) => String(item.sk).startsWith(PLAYER_SK_PREFIX);
const isPresenceItem = (item: Record<string, unknown>) => String(item.sk).startsWith(PRESENCE_SK_PREFIX);

/** Reads of every page a session's players take, before its state is answered as not one state. */
const SETTLE_ATTEMPTS = 2;

/** Snapshot reads DynamoDB cancels because a transaction is writing one of their items, before the read gives up. */
const SNAPSHOT_ATTEMPTS = 5;

/**
 * TransactGetItems is cancelled (TransactionConflict) while a transaction writing one of its items is in flight: on
 * a busy session, every so often. Read again after a pause; should it keep happening, a retryable 409.
 */
async function transactGet(table: Table, keys: Record<string, string>[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(() => table.db.send(new TransactGetCommand({ TransactItems: keys.map((Key) => ({ Get: { TableName: table.name, Key } })) })));
    } catch (e) {
      const codes = cancellationCodes(e);
      if (!codes) throw e;
      refuseIfThrottled(codes, 'snapshot read');
      if (attempt >= SNAPSHOT_ATTEMPTS) throw new ApiError('session_conflict', `snapshot read cancelled ${attempt} times: ${codes.join(',')}`);
      await retryBackoff(attempt);
    }
  }
}

/** The session item and player items read, as the live session and those of its players in its incarnation. */
function liveState(sessionItem: unknown, playerItems: readonly unknown[], now: Date): { session?: Session; players: Map<string, Player> } {
  const session = liveSession(sessionItem as SessionItem | undefined, nowSeconds(now));
  const players = new Map<string, Player>();
  for (const item of playerItems) {
    const player = livePlayer(item as PlayerItem | undefined, session);
    if (player) players.set(player.playerUuid, player);
  }
  return { session, players };
}

async function readSession(table: Table, sessionId: string, now: Date): Promise<Session | undefined> {
  const out = await call(() => table.db.send(new GetCommand({ TableName: table.name, Key: sessionKey(sessionId), ConsistentRead: true })));
  return liveSession(out.Item as SessionItem | undefined, nowSeconds(now));
}

/** Several sessions in one strongly consistent round trip (live ones only). */
export async function readSessions(table: Table, sessionIds: readonly string[], now: Date): Promise<Map<string, Session>> {
  const found = new Map<string, Session>();
  for (const item of await batchGet(table, [...new Set(sessionIds)].map(sessionKey), true)) {
    const s = liveSession(item as unknown as SessionItem, nowSeconds(now));
    if (s) found.set(s.sessionId, s);
  }
  return found;
}

export const sessionReads = (table: Table): SessionReads => ({
  readSession: (sessionId, now) => readSession(table, sessionId, now),

  async readSessionAndPlayers(sessionId, playerUuids, now) {
    const items = await batchGet(table, [sessionKey(sessionId), ...[...new Set(playerUuids)].map((u) => playerKey(sessionId, u))], true);
    return liveState(
      items.find((i) => i.sk === SESSION_SK),
      items.filter(isPlayerItem),
      now,
    );
  },

  /** TransactGetItems: serializable against every transaction, so the items read are one state. */
  async readSnapshot(sessionId, playerUuids, now) {
    const uuids = [...new Set(playerUuids)];
    const keys = [sessionKey(sessionId), ...uuids.map((u) => playerKey(sessionId, u))];
    const out = await transactGet(table, keys);
    const [sessionItem, ...playerItems] = (out.Responses ?? []).map((r) => r.Item);
    return liveState(sessionItem, playerItems, now);
  },

  /**
   * Pages are not a snapshot, so a read that took more than one page is bracketed by the session's version and
   * repeated when a change landed in between, a bounded number of times: a session that changes faster than its
   * pages can be read is answered as read, marked not consistent, rather than not at all.
   */
  async readSessionWithPlayers(sessionId, now): Promise<SessionWithPlayers | undefined> {
    let last: SessionWithPlayers | undefined;
    for (let attempt = 0; attempt < SETTLE_ATTEMPTS; attempt++) {
      let session: Session | undefined;
      const players: Player[] = [];
      const presence = new Map<string, number>();
      let pages = 0;
      for await (const page of queryPages(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk },
        ConsistentRead: true,
      })) {
        pages++;
        for (const item of page.Items ?? []) {
          if (item.sk === SESSION_SK) {
            session = liveSession(item as SessionItem, nowSeconds(now));
            if (!session) return undefined;
          } else if (!session || item.inc !== session.incarnation) {
            continue;
          } else if (isPlayerItem(item)) {
            players.push(playerFromItem(item as PlayerItem));
          } else if (isPresenceItem(item)) {
            presence.set(item.sk.slice(PRESENCE_SK_PREFIX.length), Number((item as PresenceItem).seen));
          }
        }
        if (pages === 1 && !session) return undefined;
      }
      if (!session) return undefined;
      if (pages === 1) return { session, players, consistent: true, presence };
      const after = await readSession(table, sessionId, now);
      if (!after) return undefined;
      if (after.incarnation === session.incarnation && after.version === session.version) return { session, players, consistent: true, presence };
      last = { session, players, consistent: false, presence };
    }
    return last;
  },
});
