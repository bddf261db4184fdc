// The player and presence items an ended incarnation of a session left behind (it was deleted, or it expired): readers already
// ignore them, deleting them frees the space and keeps the partition small for the next session of that id.
import type { SessionCleanup } from '../sessions/store.js';
import { batchDelete } from './batch.js';
import { SESSION_SK, sessionKey } from './items.js';
import { queryPages } from './pagination.js';
import { shortCodeRelease } from './short-codes.js';
import type { Table } from './table.js';

export const sessionCleanup = (table: Table): SessionCleanup => ({
  ...shortCodeRelease(table),
  async deleteOrphanPlayers(sessionId, incarnation, deadline = Infinity) {
    const pages = queryPages(table, {
      // Every item after the session item: players and their presence.
      KeyConditionExpression: 'pk = :pk AND sk > :s',
      ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk, ':s': SESSION_SK },
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
