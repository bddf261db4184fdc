// docs/performance.md is written from the benchmark's result, never by hand: it must say what the result says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performancePage, readResult } from '../../bench/performance-page.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

test('docs/performance.md is the page of bench/results/latest.json (npm run bench:page writes it again)', () => {
  expect(readFileSync(join(ROOT, 'docs', 'performance.md'), 'utf8')).toBe(performancePage(readResult(ROOT)));
});
