// A measurement in a fresh Node process whose result comes back in a file (BENCH_RESULT_FILE), not on stdout: the
// handlers' own output (EMF metric lines, logs) fills stdout, and a line written to a pipe just before the process
// exits may be lost. That output goes nowhere, as in a Lambda it goes to CloudWatch rather than to a pipe.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT } from './support.js';

let children = 0;

/** Runs `node <args>` and resolves with the JSON object it wrote, and its wall time from spawn to exit. */
export function resultOfChild<T>(args: readonly string[], env: NodeJS.ProcessEnv, label: string): Promise<T & { wallMs: number }> {
  return new Promise((resolve, reject) => {
    const resultFile = join(tmpdir(), `rh-bench-${process.pid}-${++children}.json`);
    const t0 = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...env, NODE_OPTIONS: '', BENCH_RESULT_FILE: resultFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    let wallMs = NaN;
    child.on('exit', () => (wallMs = performance.now() - t0));
    child.on('close', (code) => {
      let text = '';
      try {
        text = readFileSync(resultFile, 'utf8');
      } catch {
        // no result written: reported below
      }
      rmSync(resultFile, { force: true });
      if (code !== 0 || !text.startsWith('{')) return reject(new Error(`${label} exited ${code}: ${err.slice(-3000)}`));
      resolve({ ...(JSON.parse(text) as T), wallMs });
    });
  });
}
