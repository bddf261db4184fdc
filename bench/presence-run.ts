// `npm run bench:presence`: the presence section of `npm run bench` alone (bench/presence.ts), on its own DynamoDB
// Local; writes it into bench/results/latest.json and the performance page from it.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performancePage } from './performance-page.js';
import { runPresence } from './presence.js';
import { log, ROOT, startLocalDb } from './support.js';

const db = await startLocalDb();
try {
  const presence = await runPresence(db, log);
  console.log(JSON.stringify(presence, null, 2));
  const file = join(ROOT, 'bench', 'results', 'latest.json');
  const result = {
    ...JSON.parse(await readFile(file, 'utf8')),
    presence: { ...presence, measuredAt: new Date().toISOString(), command: 'npm run bench:presence' },
  };
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(join(ROOT, 'docs', 'performance.md'), performancePage(result));
} finally {
  db.client.destroy();
  await db.local.stop();
}
