// `npm run mutate:store [-- stryker options]`: one DynamoDB Local with the test table for the whole mutation run of
// the store (stryker.store.config.mjs), since Stryker would otherwise start one per test run. Stopped on every exit,
// also when the run is interrupted.
import { spawn } from 'node:child_process';
import { startTestDatabase } from '../test/support/global-setup.js';

const local = await startTestDatabase();
const stryker = spawn(
  process.execPath,
  ['node_modules/@stryker-mutator/core/bin/stryker.js', 'run', 'stryker.store.config.mjs', ...process.argv.slice(2)],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stryker.kill(signal));
const code = await new Promise<number>((resolve) => stryker.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await local.stop();
process.exit(code);
