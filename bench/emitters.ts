// Powertools (Logger and Metrics) side by side with the well-kept alternatives (pino and aws-embedded-metrics)
// emitting the same logs and EMF metrics (bench/emitters/): bundle bytes, cold start (CPU of a fresh process's
// import and one invocation) and CPU per warm invocation, each bundled with BUNDLE_SETTINGS.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle } from './bundle.js';
import { resultOfChild } from './child.js';
import { runChild } from './cold-start.js';
import { median, ROOT, round } from './support.js';

const EMITTERS = ['powertools', 'alternative'] as const;
type Emitter = (typeof EMITTERS)[number];

export interface EmitterFigures {
  emitter: Emitter;
  packages: string;
  bytes: number;
  coldCpuMs: number;
  warmCpuMicrosPerInvocation: number;
}

const WARM_PROCESSES = 5;
const WARM_INVOCATIONS = 5000;

const PACKAGES: Record<Emitter, string> = {
  powertools: '@aws-lambda-powertools/logger + @aws-lambda-powertools/metrics',
  alternative: 'pino + aws-embedded-metrics',
};

const WARM_CHILD = join(ROOT, 'bench', 'emitters', 'warm-child.mjs');
const EMF_ENV = { ...process.env, AWS_EMF_ENVIRONMENT: 'Lambda' };

export async function runEmitters(outDir: string, rounds: number, progress: (m: string) => void): Promise<EmitterFigures[]> {
  const bundles = await Promise.all(
    EMITTERS.map(async (emitter) => ({
      emitter,
      ...(await bundle(join(outDir, emitter, 'index'), { file: join(ROOT, 'bench', 'emitters', `${emitter}.ts`) })),
    })),
  );
  const event = join(outDir, 'event.json');
  writeFileSync(event, '{}');
  const cold = new Map<Emitter, number[]>(EMITTERS.map((e) => [e, []]));
  const warm = new Map<Emitter, number[]>(EMITTERS.map((e) => [e, []]));
  for (let k = 0; k < rounds; k++) {
    for (const b of k % 2 ? [...bundles].reverse() : bundles) {
      const c = await runChild(b.file, event, EMF_ENV);
      cold.get(b.emitter)!.push(c.initCpuMs! + c.firstInvokeCpuMs!);
      if (k < WARM_PROCESSES) {
        const w = await resultOfChild<{ cpuMicrosPerInvocation: number }>(
          [WARM_CHILD, b.file, String(WARM_INVOCATIONS)],
          EMF_ENV,
          `emitter warm child for ${b.emitter}`,
        );
        warm.get(b.emitter)!.push(w.cpuMicrosPerInvocation);
      }
    }
  }
  progress(`emitters: ${rounds} cold starts and ${Math.min(rounds, WARM_PROCESSES)} warm runs of ${WARM_INVOCATIONS} invocations each`);
  return bundles.map((b) => ({
    emitter: b.emitter,
    packages: PACKAGES[b.emitter],
    bytes: b.bytes,
    coldCpuMs: round(median(cold.get(b.emitter)!)),
    warmCpuMicrosPerInvocation: round(median(warm.get(b.emitter)!), 1),
  }));
}
