// `npm run stress`: the stress suites' long mode, against their own DynamoDB Local. First a long model-based
// campaign (test/stress/model-based.test.ts): random programs by concurrent clients, each checked against the
// invariants and a sequential replay; then the timed stampedes of test/stress/answer-etags.test.ts (every answer's
// ETag names a state in which the answer holds) and test/stress/busy-get.test.ts (a large session read while joins
// keep landing), each for a minute instead of seconds. Prints how many programs and operations held.
//
//   NUM_RUNS   programs (default 5000)
//   SEED       fast-check seed (default: a new one, printed; pass it back to replay a failure)
//   MAX_OPS    operations per program (default 8)      MAX_LANES  concurrent clients per program (default 3)
//   SHRINK=1   shrink a counterexample (concurrent runs do not always reproduce; off by default)
//   ANSWER_ETAG_SECONDS, BUSY_GET_SECONDS   how long each timed stampede runs (default 60 each; 0 skips them)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const runs = Number(process.env.NUM_RUNS ?? 5000);
const seed = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31));
const summaryFile = '.tmp/stress-summary.json';
mkdirSync('.tmp', { recursive: true });
rmSync(summaryFile, { force: true });

console.error(`stress: ${runs} programs, seed ${seed}`);
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    'node_modules/jest/bin/jest.js',
    '--runInBand',
    'test/stress/model-based.test.ts',
    '-t',
    'random concurrent programs',
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      MODEL_RUNS: String(runs),
      MODEL_SEED: String(seed),
      MODEL_MAX_OPS: process.env.MAX_OPS ?? '8',
      MODEL_MAX_LANES: process.env.MAX_LANES ?? '3',
      MODEL_SHRINK: process.env.SHRINK ?? '0',
      MODEL_SUMMARY_FILE: summaryFile,
    },
  },
);
const seconds = Math.round((Date.now() - started) / 1000);
try {
  const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as {
    programs: number;
    ops: number;
    committed: number;
    unchanged: number;
    floating: number;
    snapshots: number;
    conflicts: number;
  };
  const verdict = run.status === 0 ? 'held' : 'ran (the last one FAILED: see above)';
  console.error(
    `\nstress: ${s.programs} programs and ${s.ops} operations ${verdict} in ${seconds} s ` +
      `(${s.committed} committed, ${s.unchanged} unchanged, ${s.ops - s.committed - s.unchanged} refused; ` +
      `${s.floating} facts-conditioned commits ordered by search; ${s.snapshots} observed states matched the replay; 409s: ${s.conflicts}); ` +
      `seed ${seed}`,
  );
} catch {
  console.error(`\nstress: no summary written (seed ${seed}); see the output above`);
}

const stampedeSeconds = { ANSWER_ETAG_SECONDS: process.env.ANSWER_ETAG_SECONDS ?? '60', BUSY_GET_SECONDS: process.env.BUSY_GET_SECONDS ?? '60' };
const timedFiles = [
  ...(Number(stampedeSeconds.ANSWER_ETAG_SECONDS) > 0 ? ['test/stress/answer-etags.test.ts'] : []),
  ...(Number(stampedeSeconds.BUSY_GET_SECONDS) > 0 ? ['test/stress/busy-get.test.ts'] : []),
];
let stampedes = 0;
if (timedFiles.length > 0) {
  console.error(`\nstress: timed stampedes (${JSON.stringify(stampedeSeconds)})`);
  const timed = spawnSync(process.execPath, ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--runInBand', ...timedFiles], {
    stdio: 'inherit',
    env: { ...process.env, ...stampedeSeconds },
  });
  stampedes = timed.status ?? 1;
}
process.exit(run.status || stampedes);
