// `npm test`: the suites in parallel, then the stress suites (test/stress: stampedes against one DynamoDB Local)
// on their own, so that their timing does not depend on what else happens to run beside them. Ends with one
// jest-style totals line covering both runs.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const jest = ['--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json'];
const extra = process.argv.slice(2);
mkdirSync('.tmp', { recursive: true });
const phases = [
  [...jest, '--outputFile=.tmp/jest-main.json', '--testPathIgnorePatterns', '/test/stress/', ...extra],
  [...jest, '--outputFile=.tmp/jest-stress.json', '--runInBand', 'test/stress', ...extra],
];

let passed = 0;
let failed = 0;
let status = 0;
for (const args of phases) {
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  const out = args.find((a) => a.startsWith('--outputFile='))!.slice('--outputFile='.length);
  try {
    const results = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number };
    passed += results.numPassedTests;
    failed += results.numFailedTests;
  } catch {
    failed += 1; // the run did not get as far as writing results
  }
  if (run.status !== 0) status = run.status ?? 1;
}
console.error(`\nTests:       ${failed ? `${failed} failed, ` : ''}${passed} passed, ${passed + failed} total (both runs)`);
process.exit(status);
