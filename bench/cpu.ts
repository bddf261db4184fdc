// 3. Our CPU per request: the join handler on the in-memory store (test/support/memory-store.ts: our code alone,
// no I/O), real RS256 tokens, measured in a child process of its own (bench/cpu-child.ts), bundled as a handler is
// deployed. The child writes its result to the file BENCH_RESULT_FILE names.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from './bundle.js';
import { resultOfChild } from './child.js';
import { median } from './statistics.js';
import { ROOT, templatesEnv } from './support.js';

export interface CpuResult {
  requests: number;
  /** process.cpuUsage() (user + system, all threads, so GC included) per request: the median of the blocks. */
  cpuMicrosPerJoin: number;
  wallMicrosPerJoin: number;
  parts: {
    jwtVerifyMicros: number;
    rs256VerifyOnlyMicros: number;
    joinSessionWithFakeMicros: number;
    restMicros: number;
  };
  /** The libraries floor (middy, Powertools, aws-jwt-verify, nothing of ours) answering the same joins, per request. */
  librariesFloorMicrosPerRequest: number;
  /** The CPU per request of each block (ours and the floor in turn); the figures above are their medians. */
  blocks: { oursCpuMicros: number[]; librariesFloorCpuMicros: number[] };
  /** Each process's CPU per join and the floor's, in the order they ran: ours is the process in the middle (its parts,
   * variants and profile with it), the floor the median of its own. */
  processes: { oursCpuMicros: number[]; librariesFloorCpuMicros: number[] };
  profile: { sampledMs: number; top: { fn: string; where: string; selfPct: number }[]; byModule: { module: string; selfPct: number }[] };
  /** Whole-handler CPU per join of what some joins add: a newcomer giving a session's password (scrypt), a join by short code, a token not seen before. */
  variants: {
    passwordJoins: number;
    passwordJoinMicros: number;
    shortCodeJoins: number;
    shortCodeJoinMicros: number;
    /** A join whose token the container has not verified before: its RS256 signature is checked. */
    freshTokenJoins: number;
    freshTokenJoinMicros: number;
    /** The same joins with remembered tokens, each block beside a block of those: the process at the same point. */
    rememberedBesideFreshMicros: number;
  };
}

// ---------------------------------------------------------------------------------------------- the parent
const PROCESSES = 3;

export async function runCpuBench(): Promise<CpuResult> {
  const dir = mkdtempSync(join(tmpdir(), 'rh-bench-cpu-'));
  try {
    const built = await bundle(join(dir, 'cpu-child'), { file: join(ROOT, 'bench', 'cpu-child.ts') });
    // A whole process can run the same code faster or slower than another (the optimizing compiler's choices, the
    // heap's layout): ours the process in the middle of three, the floor the median of its own three.
    const runs: Omit<CpuResult, 'processes'>[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      const { wallMs: _, ...result } = await resultOfChild<Omit<CpuResult, 'processes'>>(
        [built.file],
        { ...process.env, ...templatesEnv(), BENCH_ROOT: ROOT },
        'cpu bench',
      );
      runs.push(result);
    }
    const middle = runs.find((r) => r.cpuMicrosPerJoin === median(runs.map((r) => r.cpuMicrosPerJoin)))!;
    return {
      ...middle,
      librariesFloorMicrosPerRequest: median(runs.map((r) => r.librariesFloorMicrosPerRequest)),
      processes: {
        oursCpuMicros: runs.map((r) => r.cpuMicrosPerJoin),
        librariesFloorCpuMicros: runs.map((r) => r.librariesFloorMicrosPerRequest),
      },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
