// The player items an ended incarnation of a session left behind (it was deleted, or it expired): readers already
// ignore them, deleting them frees the space and keeps the partition small for the next session of that id.
import type { SessionCleanup } from '../sessions/store.js';
import { batchDelete } from './batch.js';
import { PLAYER_SK_PREFIX, sessionKey } from './items.js';
import { queryPages } from './pagination.js';
import { shortCodeRelease } from './short-codes.js';
import type { Table } from './table.js';

export const sessionCleanup = (table: Table): SessionCleanup => ({
  ...shortCodeRelease(table),
  async deleteOrphanPlayers(sessionId, incarnation, deadline = Infinity) {
    const pages = queryPages(table, {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk, ':p': PLAYER_SK_PREFIX },
      ProjectionExpression: 'pk, sk, inc',
    });
    for await (const page of pages) {
      const orphans = (page.Items ?? []).filter((i) => i.inc === incarnation);
      await batchDelete(
        table,
        orphans.map((o) => ({ pk: o.pk, sk: o.sk })),
      );
      if (page.LastEvaluatedKey && Date.now() >= deadline) return false;
    }
    return true;
  },
});
