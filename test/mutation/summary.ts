// The committed summary of the pure core's mutation run, and how it is computed from Stryker's JSON report
// (mutation-testing-report-schema): Stryker's mutation score, (killed + timed out) / (killed + timed out + survived
// + no coverage), mutants that did not compile or were ignored left out.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const MUTATION_REPORT = 'reports/mutation/mutation.json';
export const MUTATION_SUMMARY = 'test/mutation/summary.json';

type Status = 'Killed' | 'Survived' | 'NoCoverage' | 'Timeout' | 'CompileError' | 'RuntimeError' | 'Ignored' | 'Pending';

export interface StrykerReport {
  files: Record<string, { mutants: { mutatorName: string; replacement?: string; status: Status; location: { start: { line: number } } }[] }>;
  testFiles?: Record<string, unknown>;
}

export interface FileResult {
  sha256: string;
  killed: number;
  survived: number;
  noCoverage: number;
  ignored: number;
  score: number;
}

export interface MutationSummary {
  score: number;
  mutants: number;
  ignored: number;
  files: Record<string, FileResult>;
  /** The test files the run executed, by hash: a changed test may no longer kill what it killed. */
  tests: Record<string, string>;
  survivors: { file: string; line: number; mutator: string; replacement: string }[];
}

/** The files a `mutate` list names: plain paths, and `dir/*.ts` patterns. */
export function mutatedFiles(mutate: readonly string[]): string[] {
  return mutate
    .flatMap((entry) =>
      entry.endsWith('/*.ts')
        ? readdirSync(dirname(entry))
            .filter((f) => f.endsWith('.ts'))
            .map((f) => join(dirname(entry), f))
        : [entry],
    )
    .sort();
}

const percent = (killed: number, total: number) => (total === 0 ? 100 : Math.round((killed / total) * 10_000) / 100);

/** Every configured file gets an entry, one without mutants (types alone) too, so that a change to it is seen. */
export function summarize(report: StrykerReport, mutated: readonly string[], sha256: (path: string) => string): MutationSummary {
  const files: Record<string, FileResult> = {};
  const survivors: MutationSummary['survivors'] = [];
  let [killedAll, countedAll, ignoredAll, mutantsAll] = [0, 0, 0, 0];
  for (const file of mutated) {
    const mutants = report.files[file]?.mutants ?? [];
    const count = (...s: Status[]) => mutants.filter((m) => s.includes(m.status)).length;
    const [killed, survived, noCoverage, ignored] = [count('Killed', 'Timeout'), count('Survived'), count('NoCoverage'), count('Ignored')];
    files[file] = { sha256: sha256(file), killed, survived, noCoverage, ignored, score: percent(killed, killed + survived + noCoverage) };
    for (const m of mutants.filter((m) => m.status === 'Survived' || m.status === 'NoCoverage')) {
      survivors.push({ file, line: m.location.start.line, mutator: m.mutatorName, replacement: m.replacement ?? '' });
    }
    killedAll += killed;
    countedAll += killed + survived + noCoverage;
    ignoredAll += ignored;
    mutantsAll += mutants.length - count('CompileError', 'RuntimeError');
  }
  const tests = Object.fromEntries(
    Object.keys(report.testFiles ?? {})
      .sort()
      .map((t) => [t, sha256(t)]),
  );
  return { score: percent(killedAll, countedAll), mutants: mutantsAll, ignored: ignoredAll, files, tests, survivors };
}
