// Evidence for how a join's write is conditioned (docs/architecture.md, "Concurrency and ETags"): N concurrent joiners on a
// session with S seats, under each strategy, against a fresh DynamoDB Local. Prints attempts and wall time.
// Usage: npx tsx scripts/measure-condition-strategies.ts [joiners=60] [seats=20] [rounds=3]
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../local/create-table.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { ANY_CROSSPLAY } from '../src/sessions/model/session.js';
import { newSession } from '../src/sessions/model/new-session.js';
import { createDocumentClient } from '../src/dynamodb/client.js';
import { dynamoDbStore } from '../src/dynamodb/store.js';
import { tableOf } from '../src/dynamodb/table.js';

const [joiners = 60, seats = 20, rounds = 3] = process.argv.slice(2).map(Number);
process.env.AWS_ACCESS_KEY_ID ??= 'local';
process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
const ddb = await startDynamoDbLocal();
try {
  await ensureTable(new DynamoDBClient({ endpoint: ddb.endpoint, region: 'local' }), 'strategies');
  const store = dynamoDbStore(tableOf(createDocumentClient({ region: 'local', endpoint: ddb.endpoint }), 'strategies'));
  console.log(`${joiners} concurrent joiners, ${seats} seats, ${rounds} rounds each (DynamoDB Local)`);
  console.log('strategy  admitted  attempts/joiner  wall ms  409s');
  for (const strategy of ['version', 'facts', 'hybrid'] as const) {
    let attempts = 0,
      admitted = 0,
      conflicts = 0,
      wall = 0;
    for (let r = 0; r < rounds; r++) {
      const s = newSession({ sessionId: `m-${randomUUID()}`, type: 'm', teamSizes: [seats], joinable: true });
      await store.createSession(s, [], new Date());
      const t0 = performance.now();
      const outs = await Promise.all(
        Array.from({ length: joiners }, () =>
          joinSession(
            store,
            s.sessionId,
            {
              playerUuid: randomUUID(),
              status: 'member',
              teamId: 0,
              clientVersion: '1.0.0',
              clientSettings: { platform: 'Steam', input: 'gamepad' },
              crossplay: ANY_CROSSPLAY,
              customData: {},
            },
            { strategy, maxAttempts: 50, budgetMs: 30_000 },
          ).then(
            (o) => ({ attempts: o.attempts, ok: true, conflict: false }),
            (e: { code?: string; attempts?: number }) => ({ attempts: 0, ok: false, conflict: e.code === 'session_conflict' }),
          ),
        ),
      );
      wall += performance.now() - t0;
      admitted += outs.filter((o) => o.ok).length;
      attempts += outs.reduce((n, o) => n + o.attempts, 0);
      conflicts += outs.filter((o) => o.conflict).length;
    }
    console.log(
      `${strategy.padEnd(8)}  ${String(admitted / rounds).padStart(8)}  ${(attempts / (admitted || 1)).toFixed(2).padStart(15)}  ${(wall / rounds).toFixed(0).padStart(7)}  ${conflicts}`,
    );
  }
} finally {
  await ddb.stop();
}
