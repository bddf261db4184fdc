// The culling sweep: culled players are really removed, also from sessions nobody reads or joins. Every run takes the
// sessions whose cull floor has passed (oldest floor first) and writes their due culls (cull.ts), a few at a time,
// until none is left or its deadline nears; what it leaves, the next run takes.
import type { SessionChanges } from '../store.js';
import { cullDue } from './cull.js';

export interface SweepOptions {
  now?: Date;
  /** Epoch ms by which the run stops taking sessions. */
  deadline: number;
  /** Sessions asked for per round. */
  batch?: number;
  /** Sessions culled side by side. */
  concurrency?: number;
}

export interface SweepOutcome {
  sessions: number;
  culled: number;
  /** Sessions whose culls could not be written this run (the next run tries them again). */
  failed: { sessionId: string; error: string }[];
}

export async function sweepCulls(store: SessionChanges, opts: SweepOptions): Promise<SweepOutcome> {
  const outcome: SweepOutcome = { sessions: 0, culled: 0, failed: [] };
  const batch = opts.batch ?? 100;
  const tried = new Set<string>();
  while (Date.now() < opts.deadline) {
    // Sessions tried this run (failed ones included) still come first: ask past them.
    const limit = tried.size + batch;
    const listed = await store.sessionsDueForCull(opts.now ?? new Date(), limit);
    const due = listed.filter((id) => !tried.has(id));
    if (due.length === 0) break;
    let next = 0;
    const worker = async () => {
      while (next < due.length && Date.now() < opts.deadline) {
        const sessionId = due[next++]!;
        tried.add(sessionId);
        try {
          const budgetMs = Math.max(0, opts.deadline - Date.now());
          const clock = opts.now ? { clock: () => opts.now! } : {};
          const { culled, after } = await cullDue(store, sessionId, { budgetMs, ...clock });
          // Gone or expired, yet still listed: its floor is taken out of the index.
          if (culled === 0 && !after) await store.dropDeadFloor(sessionId, opts.now ?? new Date());
          outcome.culled += culled;
          outcome.sessions++;
        } catch (e) {
          outcome.failed.push({ sessionId, error: (e as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency ?? 4 }, worker));
    // Fewer listed than asked for: none is left beyond them.
    if (listed.length < limit) break;
  }
  return outcome;
}
