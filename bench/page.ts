// `npm run bench:page`: docs/performance.md again from the committed bench/results/latest.json, without a run.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performancePage, readResult } from './performance-page.js';
import { ROOT } from './support.js';

writeFileSync(join(ROOT, 'docs', 'performance.md'), performancePage(readResult(ROOT)));
console.log('wrote docs/performance.md from bench/results/latest.json');
