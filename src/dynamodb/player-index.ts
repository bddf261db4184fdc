// A player's sessions, from the player-sessions index (a GSI over the player items), live sessions only.
import type { PlayerIndex } from '../sessions/store.js';
import { PLAYER_INDEX, playerIndexKey, type PlayerItem } from './items.js';
import { queryAll } from './pagination.js';
import { readSessions } from './reads.js';
import type { Table } from './table.js';

export const playerIndex = (table: Table): PlayerIndex => ({
  async playerMemberships(playerUuid, now) {
    const found = await queryAll<PlayerItem>(table, {
      IndexName: PLAYER_INDEX.name,
      KeyConditionExpression: `${PLAYER_INDEX.partitionKey} = :p`,
      ExpressionAttributeValues: { ':p': playerIndexKey(playerUuid) },
    });
    const live = await readSessions(
      table,
      found.map((p) => p.gsi1sk),
      now,
    );
    return found
      .filter((p) => live.get(p.gsi1sk)?.incarnation === p.inc)
      .map((p) => ({ sessionId: p.gsi1sk, type: p.type, status: p.status, ...(p.invited_by ? { invitedBy: p.invited_by } : {}) }));
  },
});
