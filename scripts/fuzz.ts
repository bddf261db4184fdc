// `npm run fuzz`: the hostile-input suites (test/fuzz) at campaign size, against their own DynamoDB Local:
// FUZZ_RUNS requests (default 100,000) with hostile bodies, headers, path parameters and both event formats through
// the write handlers and GET; FUZZ_ROUTE_RUNS methods and raw paths through the router (default a tenth of it);
// FUZZ_ISOLATION_RUNS arbitrary session ids against a table of victims (default a hundredth). Prints how many held.
// The regression tests of what the campaigns found (test/fuzz/regressions.test.ts) run in npm test.
//
//   FUZZ_SEED  fast-check seed (default: a new one, printed; pass it back to replay a failure)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';

const runs = Number(process.env.FUZZ_RUNS ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const summaryFile = '.tmp/fuzz-summary.json';
mkdirSync('.tmp', { recursive: true });
rmSync(summaryFile, { force: true });

const env = {
  ...process.env,
  FUZZ_RUNS: String(runs),
  FUZZ_ROUTE_RUNS: process.env.FUZZ_ROUTE_RUNS ?? String(Math.max(400, Math.round(runs / 10))),
  FUZZ_ISOLATION_RUNS: process.env.FUZZ_ISOLATION_RUNS ?? String(Math.max(150, Math.round(runs / 100))),
  FUZZ_SEED: String(seed),
  FUZZ_SUMMARY_FILE: summaryFile,
};
console.error(`fuzz: ${env.FUZZ_RUNS} requests, ${env.FUZZ_ROUTE_RUNS} routed, ${env.FUZZ_ISOLATION_RUNS} session ids; seed ${seed}`);
const started = Date.now();
// The property suites only: the regression tests are npm test's.
const run = spawnSync(
  process.execPath,
  ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--runInBand', 'test/fuzz', '--testPathIgnorePatterns', 'regressions'],
  { stdio: 'inherit', env },
);
const seconds = Math.round((Date.now() - started) / 1000);
let detail: string;
try {
  const s = JSON.parse(readFileSync(summaryFile, 'utf8')) as { cases: number; byStatus: Record<string, number> };
  detail = `; requests: ${s.cases} held, answers by status ${JSON.stringify(s.byStatus)}`;
} catch {
  detail = '; no summary written';
}
console.error(`\nfuzz: ${run.status === 0 ? 'every suite held' : 'a suite FAILED (see above)'} in ${seconds} s${detail}; seed ${seed}`);
process.exit(run.status ?? 1);
