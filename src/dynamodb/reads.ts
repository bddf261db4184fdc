// Reading sessions and their players: strongly consistent, live incarnations only.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../errors/api-error.js';
import type { Player, Session } from '../sessions/model/session.js';
import type { SessionReads, SessionWithPlayers } from '../sessions/store.js';
import { batchGet } from './batch.js';
import { livePlayer, liveSession, PLAYER_SK_PREFIX, playerFromItem, playerKey, sessionKey, type PlayerItem, type SessionItem } from './items.js';
import { queryPages } from './pagination.js';
import { call, nowSeconds, type Table } from './table.js';

const isPlayerItem = (item: Record<string, unknown>) => String(item.sk).startsWith(PLAYER_SK_PREFIX);

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
    const session = liveSession(items.find((i) => !isPlayerItem(i)) as SessionItem | undefined, nowSeconds(now));
    const players = new Map<string, Player>();
    for (const item of items) {
      const player = isPlayerItem(item) ? livePlayer(item as unknown as PlayerItem, session) : undefined;
      if (player) players.set(player.playerUuid, player);
    }
    return { session, players };
  },

  /**
   * Pages are not a snapshot, so a read that took more than one page is bracketed by the session's version and
   * repeated when a change landed in between.
   */
  async readSessionWithPlayers(sessionId, now): Promise<SessionWithPlayers | undefined> {
    for (let attempt = 0; attempt < 4; attempt++) {
      let session: Session | undefined;
      const players: Player[] = [];
      let pages = 0;
      for await (const page of queryPages(table, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk },
        ConsistentRead: true,
      })) {
        pages++;
        for (const item of page.Items ?? []) {
          if (!isPlayerItem(item)) {
            session = liveSession(item as SessionItem, nowSeconds(now));
            if (!session) return undefined;
          } else if (session && item.inc === session.incarnation) {
            players.push(playerFromItem(item as PlayerItem));
          }
        }
        if (pages === 1 && !session) return undefined;
      }
      if (!session) return undefined;
      if (pages === 1) return { session, players };
      const after = await readSession(table, sessionId, now);
      if (!after) return undefined;
      if (after.incarnation === session.incarnation && after.version === session.version) return { session, players };
    }
    throw new ApiError('session_conflict', 'session kept changing while its players were read');
  },
});
