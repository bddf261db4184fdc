// 1. Cold start per handler: bundle bytes (raw and gzip), module initialisation time in fresh Node processes,
// and the first invocation, each next to a floor bundle built with the same esbuild settings that contains
// only the AWS SDK clients and commands the handler uses (bench/floor/*.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { handlerEntry, type HandlerName } from '../lib/bundling.js';
import { bundle, type BuiltBundle } from './bundle.js';
import { resultOfChild } from './child.js';
import { median, percentile, ROOT, round, ratio } from './support.js';

export type Kind = 'ours' | 'floor';

export interface Bundle extends BuiltBundle {
  handler: Benched;
  kind: Kind;
}

/** The handlers with a floor; the template routes issue no DynamoDB call, so they have none. */
export type Benched = Extract<HandlerName, 'join-session-self' | 'get-session'>;

const FLOOR_ENTRY: Record<Benched, string> = {
  'join-session-self': join(ROOT, 'bench', 'floor', 'join-floor.ts'),
  'get-session': join(ROOT, 'bench', 'floor', 'get-floor.ts'),
};

/** Ours and the floor for each handler, built as scripts/build.ts builds them. */
export async function buildBundles(outDir: string, handlers: readonly Benched[]): Promise<Bundle[]> {
  const jobs = handlers.flatMap((handler) =>
    (['ours', 'floor'] as const).map(async (kind): Promise<Bundle> => ({
      handler,
      kind,
      ...(await bundle(join(outDir, handler, kind, 'index'), { file: kind === 'ours' ? handlerEntry(ROOT, handler) : FLOOR_ENTRY[handler] })),
    })),
  );
  return Promise.all(jobs);
}

/** Where a bundled input came from: an npm package, or a folder of our own. */
function groupOf(path: string): string {
  const at = path.lastIndexOf('node_modules/');
  if (at >= 0) {
    const parts = path.slice(at + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const parts = path.split('/');
  if (parts[0] === 'schemas' && parts[1] === 'generated') return `schemas/generated/${parts[2]}`;
  return parts.length > 2 ? `${parts[0]}/${parts[1]}/` : parts.length > 1 ? `${parts[0]}/` : path;
}

function bytesByInput(b: Pick<Bundle, 'metafile'>): Map<string, number> {
  const out = Object.values(b.metafile.outputs).find((o) => o.entryPoint);
  const m = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(out?.inputs ?? {})) m.set(relative(ROOT, join(ROOT, path)), bytesInOutput);
  return m;
}

export interface Contributor {
  name: string;
  bytes: number;
  floorBytes: number;
  beyondFloor: number;
}

/** Our bundle's bytes by package / folder, minus what the floor bundle holds of the same package. */
export function contributors(
  ours: Pick<Bundle, 'metafile'>,
  floor: Pick<Bundle, 'metafile'>,
): { groups: Contributor[]; files: { file: string; bytes: number }[] } {
  const sum = (m: Map<string, number>) => {
    const g = new Map<string, number>();
    for (const [p, n] of m) g.set(groupOf(p), (g.get(groupOf(p)) ?? 0) + n);
    return g;
  };
  const oursInputs = bytesByInput(ours);
  const floorInputs = bytesByInput(floor);
  const o = sum(oursInputs);
  const f = sum(floorInputs);
  const groups = [...new Set([...o.keys(), ...f.keys()])]
    .map((name) => ({ name, bytes: o.get(name) ?? 0, floorBytes: f.get(name) ?? 0, beyondFloor: (o.get(name) ?? 0) - (f.get(name) ?? 0) }))
    .filter((c) => c.beyondFloor !== 0)
    .sort((a, b) => b.beyondFloor - a.beyondFloor);
  const files = [...oursInputs]
    .filter(([p]) => !floorInputs.has(p))
    .map(([file, bytes]) => ({ file, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 15);
  return { groups, files };
}

/** The npm packages a bundle holds code of. */
export function packagesOf(b: Pick<Bundle, 'metafile'>): string[] {
  const held = [...bytesByInput(b)].filter(([p, n]) => n > 0 && p.includes('node_modules/'));
  return [...new Set(held.map(([p]) => groupOf(p)))].sort();
}

// ------------------------------------------------------------------------------------------- processes
export interface ChildResult {
  bootMs: number;
  initMs?: number;
  initCpuMs?: number;
  firstInvokeMs?: number;
  firstInvokeCpuMs?: number;
  status?: number;
  totalMs: number;
  /** Spawn to exit, seen from the parent. */
  wallMs: number;
}

const CHILD = join(ROOT, 'bench', 'cold-child.mjs');

/** One fresh process importing `bundle` (or nothing) and invoking it once with the event in `eventFile`. */
export const runChild = (bundle: string | 'none', eventFile: string | undefined, env: NodeJS.ProcessEnv): Promise<ChildResult> =>
  resultOfChild<Omit<ChildResult, 'wallMs'>>([CHILD, bundle, ...(eventFile ? [eventFile] : [])], env, `cold child for ${bundle}`);

export interface ColdVariant {
  handler: Benched;
  kind: Kind;
  bundle: Bundle;
  /** Writes the event for round k (a fresh session, and for the floor the calls ours made on its twin). */
  event: (k: number) => Promise<unknown>;
}

export interface ColdFigures {
  handler: Benched;
  kind: Kind;
  bytes: number;
  gzipBytes: number;
  initMs: { median: number; p90: number; min: number };
  /** CPU time (user + system) of the same import: steadier than wall time when the machine is shared. */
  initCpuMs: { median: number; p90: number; min: number };
  firstInvokeMs: { median: number; p90: number; min: number };
  firstInvokeCpuMs: { median: number; p90: number; min: number };
  /** Median over rounds of ours / floor in the same round (processes run back to back): robust to drift. */
  pairedInitRatio?: number;
  /** Process wall time (spawn to exit) minus the empty-process baseline's median: a cross-check of initMs + first invocation. */
  wallMinusBaselineMs: number;
  runs: number;
}

/** Rounds of one fresh process per variant, in rotating order so that drift hits every variant alike. */
export async function measureCold(variants: ColdVariant[], rounds: number, tmp: string, env: NodeJS.ProcessEnv, progress: (m: string) => void) {
  await mkdir(join(tmp, 'events'), { recursive: true });
  const results = new Map<ColdVariant, ChildResult[]>(variants.map((v) => [v, []]));
  const baseline: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const order = variants.map((_, i) => variants[(i + k) % variants.length]!);
    for (const v of order) {
      const file = join(tmp, 'events', `${v.handler}-${v.kind}-${k}.json`);
      await writeFile(file, JSON.stringify(await v.event(k)));
      const r = await runChild(v.bundle.file, file, env);
      if (r.status !== 200) throw new Error(`${v.kind} ${v.handler}: first invocation answered ${r.status}`);
      results.get(v)!.push(r);
    }
    baseline.push((await runChild('none', undefined, env)).wallMs);
    if ((k + 1) % 5 === 0) progress(`cold: ${k + 1}/${rounds} rounds`);
  }
  const base = median(baseline);
  const summary = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return { median: round(percentile(s, 50)), p90: round(percentile(s, 90)), min: round(s[0]!) };
  };
  const figures: ColdFigures[] = variants.map((v) => {
    const rs = results.get(v)!;
    return {
      handler: v.handler,
      kind: v.kind,
      bytes: v.bundle.bytes,
      gzipBytes: v.bundle.gzipBytes,
      initMs: summary(rs.map((r) => r.initMs!)),
      initCpuMs: summary(rs.map((r) => r.initCpuMs!)),
      firstInvokeMs: summary(rs.map((r) => r.firstInvokeMs!)),
      firstInvokeCpuMs: summary(rs.map((r) => r.firstInvokeCpuMs!)),
      wallMinusBaselineMs: round(median(rs.map((r) => r.wallMs)) - base),
      runs: rs.length,
    };
  });
  for (const f of figures) {
    if (f.kind !== 'ours') continue;
    const o = results.get(variants.find((v) => v.handler === f.handler && v.kind === 'ours')!)!;
    const fl = results.get(variants.find((v) => v.handler === f.handler && v.kind === 'floor')!)!;
    f.pairedInitRatio = round(median(o.map((r, k) => r.initMs! / fl[k]!.initMs!)), 3);
  }
  return { figures, emptyProcessMs: round(base) };
}

export function coldRatios(figures: ColdFigures[], handler: Benched) {
  const o = figures.find((f) => f.handler === handler && f.kind === 'ours')!;
  const f = figures.find((x) => x.handler === handler && x.kind === 'floor')!;
  return {
    bytes: ratio(o.bytes, f.bytes),
    gzipBytes: ratio(o.gzipBytes, f.gzipBytes),
    initMs: ratio(o.initMs.median, f.initMs.median),
    initCpuMs: ratio(o.initCpuMs.median, f.initCpuMs.median),
    initMinMs: ratio(o.initMs.min, f.initMs.min),
    pairedInitMs: o.pairedInitRatio ?? NaN,
    firstInvokeMs: ratio(o.firstInvokeMs.median, f.firstInvokeMs.median),
  };
}
