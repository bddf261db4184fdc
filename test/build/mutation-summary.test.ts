// CI's mutation check. A mutation run of the pure core takes about an hour from scratch here, too long for CI, so
// `npm run mutate` leaves its results in test/mutation/summary.json and this suite holds the line: the summary must
// describe the code as it is (every mutated file and every test file the run used, unchanged since), and its score
// must meet Stryker's break threshold with at most a tenth of the mutants ignored. After a change to the core or
// its unit tests, `npm run mutate` (incremental, so it re-tests only what changed) writes a fresh summary.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { MUTATION_SUMMARY, mutatedFiles, type MutationSummary } from '../mutation/summary.js';

/** What the mutation run is configured to do (stryker.config.mjs, plain JavaScript without types). */
const STRYKER_CONFIG: string = '../../stryker.config.mjs';
const { default: config } = (await import(STRYKER_CONFIG)) as { default: { mutate: string[]; thresholds: { break: number } } };
const summary = JSON.parse(readFileSync(MUTATION_SUMMARY, 'utf8')) as MutationSummary;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const RERUN = `changed since the last mutation run: run \`npm run mutate\` and commit ${MUTATION_SUMMARY}`;

const mutated = mutatedFiles(config.mutate);

test('the summary covers exactly the files the configuration mutates', () => {
  expect(Object.keys(summary.files)).toEqual(mutated);
});

test.each(mutated)('%s is unchanged since the mutation run', (file) => {
  expect({ file, sha256: sha256(file) }).toEqual({ file, sha256: summary.files[file]?.sha256 ?? RERUN });
});

test('every test file the run used is still there, unchanged', () => {
  const changed = Object.entries(summary.tests)
    .filter(([file, hash]) => !existsSync(file) || sha256(file) !== hash)
    .map(([file]) => `${file}: ${RERUN}`);
  expect(changed).toEqual([]);
  expect(Object.keys(summary.tests).length).toBeGreaterThan(0);
});

test("the score meets Stryker's break threshold, with at most 10% of the mutants ignored", () => {
  expect(summary.score).toBeGreaterThanOrEqual(config.thresholds.break);
  expect(summary.ignored).toBeLessThanOrEqual(summary.mutants / 10);
});
