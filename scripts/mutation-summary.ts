// After `npm run mutate`: the pure core's mutation results in a small file git keeps (test/mutation/summary.json),
// the score and survivors per file plus a hash of every mutated file and every test file the run used, so that CI
// can tell whether the results still describe the code (test/build/mutation-summary.test.ts) without running
// Stryker itself, which takes about an hour here from scratch.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { MUTATION_REPORT, MUTATION_SUMMARY, mutatedFiles, summarize, type StrykerReport } from '../test/mutation/summary.js';

const STRYKER_CONFIG: string = '../stryker.config.mjs';
const { default: config } = (await import(STRYKER_CONFIG)) as { default: { mutate: string[] } };

const report = JSON.parse(readFileSync(MUTATION_REPORT, 'utf8')) as StrykerReport;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const summary = summarize(report, mutatedFiles(config.mutate), sha256);
writeFileSync(MUTATION_SUMMARY, `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `mutation score ${summary.score}% (${summary.ignored} of ${summary.mutants} mutants ignored, ${summary.survivors.length} survived) -> ${MUTATION_SUMMARY}`,
);
