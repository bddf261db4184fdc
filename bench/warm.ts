// 2. Warm latency: the join handler in-process against DynamoDB Local, fresh joins and updates that write,
// interleaved with the floor issuing the very same DynamoDB calls (recorded from ours, retargeted to a twin
// session in the same state). Also GET next to its floor, and a capacity probe of the typical session.
import { newSession } from '../src/sessions/model/new-session.js';
import { joinBilling, readJoinItems, summarizeCapacity, type CapacitySample, type CapacitySummary } from './cost.js';
import { floorCalls, oursGet, oursJoin, runPaired, type InProcess, type PairedOp } from './in-process.js';
import { benchPlayer, joinBody, median, mustCreate, ratio, round, sessionId, stats, twinOf, type BenchPlayer, type Stats } from './support.js';

export interface WarmOptions {
  /** Sessions of 20 ops each (10 fresh joins, 10 updates), measured. */
  sessions: number;
  warmupSessions: number;
  getOps: number;
  capacityProbeSessions: number;
}

type Tag = 'fresh' | 'update';

interface Pair {
  ours: string;
  floor: string;
}

const TEAMS = [10, 10];
const PER_SESSION = 10;
const BLOCKS = 5;

const blocks = <T>(xs: readonly T[], n: number): T[][] => {
  const size = Math.ceil(xs.length / n);
  return Array.from({ length: n }, (_, i) => xs.slice(i * size, (i + 1) * size)).filter((b) => b.length > 0);
};

async function createPairs(ctx: InProcess, n: number): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) {
    const a = newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: TEAMS, joinable: true });
    const b = twinOf(a);
    await Promise.all([mustCreate(ctx.store, a), mustCreate(ctx.store, b)]);
    pairs.push({ ours: a.sessionId, floor: b.sessionId });
  }
  return pairs;
}

let mood = 0;

/** 10 fresh joins and 10 updates (new custom_data, so they write) per session, in the order a lobby fills. */
function joinOps(ctx: InProcess, pairs: Pair[], players: BenchPlayer[]): PairedOp<Tag>[] {
  const ops: PairedOp<Tag>[] = [];
  pairs.forEach((pair, s) => {
    const who = (i: number) => players[(s * PER_SESSION + i) % players.length]!;
    const op = (tag: Tag, i: number): PairedOp<Tag> => {
      const body = tag === 'fresh' ? joinBody(i % 2) : joinBody(i % 2, { mood: `m${mood++}` });
      return {
        tag,
        ours: () => oursJoin(ctx, pair.ours, who(i), body),
        floor: (calls) => floorCalls(ctx.floorJoin, calls, pair.ours, pair.floor),
      };
    };
    for (let i = 0; i < PER_SESSION; i++) {
      ops.push(op('fresh', i));
      if (i > 0) ops.push(op('update', i - 1));
    }
    ops.push(op('update', PER_SESSION - 1));
  });
  return ops;
}

export interface WarmResult {
  joins: { ours: Stats; floor: Stats; oursFresh: Stats; floorFresh: Stats; oursUpdate: Stats; floorUpdate: Stats };
  ratios: { p50: number; p99: number };
  /** The p50 ratio of each fifth of the measured joins, in the order they ran: how far it moves within one run. */
  p50RatioByBlock: number[];
  /** Ours, split: time inside the SDK's send() and time outside it (our code, plus the event loop around it). */
  oursSplit: { inSdk: Stats; outsideSdk: Stats; before: Stats; between: Stats; after: Stats };
  /** CPU time per op (process.cpuUsage, ms): what ours spends beyond the floor on the real path. */
  cpu: { ours: Stats; floor: Stats; extraMeanMs: number };
  gets: { ours: Stats; floor: Stats; ratios: { p50: number; p99: number } };
  /** Every latency of the measured joins, for the chart. */
  samples: { ours: number[]; floor: number[] };
  callsPerJoin: Record<string, number>;
  capacity: { all: CapacitySummary; fresh: CapacitySummary; update: CapacitySummary };
  /** Mean of the per-join durations rounded up to whole ms, as Lambda bills them. */
  billedMsPerJoin: number;
}

export async function runWarm(ctx: InProcess, opts: WarmOptions, progress: (m: string) => void): Promise<WarmResult> {
  const players = Array.from({ length: 40 }, () => benchPlayer(ctx.issuer));
  const warmPairs = await createPairs(ctx, opts.warmupSessions);
  const pairs = await createPairs(ctx, opts.sessions);
  progress(`warm: ${opts.sessions + opts.warmupSessions} session pairs created; warming up`);

  await runPaired(joinOps(ctx, warmPairs, players));
  const getWarm = warmPairs
    .flatMap((p) => [p, p])
    .map((p, i) => ({
      tag: 'get',
      ours: () => oursGet(ctx, p.ours, players[i % PER_SESSION]!),
      floor: (calls: never) => floorCalls(ctx.floorGet, calls, p.ours, p.floor),
    }));
  await runPaired(getWarm as never);

  progress(`warm: measuring ${opts.sessions * PER_SESSION * 2} joins, ours and floor interleaved`);
  const before = { ...ctx.rec.counts };
  const results = await runPaired(joinOps(ctx, pairs, players));
  const callsPerJoin = Object.fromEntries(
    Object.entries(ctx.rec.counts)
      .map(([op, n]) => [op, round((n - (before[op] ?? 0)) / results.length, 3)])
      .filter(([, n]) => (n as number) > 0),
  );

  const getOps = Array.from({ length: opts.getOps }, (_, i) => {
    const p = pairs[i % pairs.length]!;
    const s = i % pairs.length;
    return {
      tag: 'get',
      ours: () => oursGet(ctx, p.ours, players[(s * PER_SESSION) % players.length]!),
      floor: (calls: never) => floorCalls(ctx.floorGet, calls, p.ours, p.floor),
    };
  });
  const gets = await runPaired(getOps as never);

  // Capacity of the typical session's joins: the same ops with ReturnConsumedCapacity, items read around them.
  progress('warm: capacity probe');
  const probePairs = await createPairs(ctx, opts.capacityProbeSessions);
  const samples: CapacitySample[] = [];
  ctx.rec.withCapacity(true);
  try {
    for (const [s, pair] of probePairs.entries()) {
      const who = (i: number) => players[(s * PER_SESSION + i) % players.length]!;
      const plan: [Tag, number][] = [];
      for (let i = 0; i < PER_SESSION; i++) {
        plan.push(['fresh', i]);
        if (i > 0) plan.push(['update', i - 1]);
      }
      for (const [tag, i] of plan) {
        const p = who(i);
        const b = await readJoinItems(ctx.doc, pair.ours, p.uuid);
        ctx.rec.takeCapacity();
        const r = await oursJoin(ctx, pair.ours, p, tag === 'fresh' ? joinBody(i % 2) : joinBody(i % 2, { mood: `m${mood++}` }));
        if (r.status !== 200) throw new Error(`capacity probe: ours answered ${r.status}`);
        const local = ctx.rec.takeCapacity();
        const a = await readJoinItems(ctx.doc, pair.ours, p.uuid);
        samples.push({ tag, billed: joinBilling(b, a), local });
      }
    }
  } finally {
    ctx.rec.withCapacity(false);
  }

  const pick = (tag: Tag | undefined, side: 'ours' | 'floor') => results.filter((r) => !tag || r.tag === tag).map((r) => r[side]);
  const ours = stats(pick(undefined, 'ours'));
  const floor = stats(pick(undefined, 'floor'));
  const og = stats(gets.map((g) => g.ours));
  const fg = stats(gets.map((g) => g.floor));
  return {
    joins: {
      ours,
      floor,
      oursFresh: stats(pick('fresh', 'ours')),
      floorFresh: stats(pick('fresh', 'floor')),
      oursUpdate: stats(pick('update', 'ours')),
      floorUpdate: stats(pick('update', 'floor')),
    },
    ratios: { p50: ratio(ours.p50, floor.p50), p99: ratio(ours.p99, floor.p99) },
    p50RatioByBlock: blocks(results, BLOCKS).map((b) => ratio(median(b.map((r) => r.ours)), median(b.map((r) => r.floor)))),
    oursSplit: {
      inSdk: stats(results.map((r) => r.oursInSdk)),
      outsideSdk: stats(results.map((r) => r.ours - r.oursInSdk)),
      before: stats(results.flatMap((r) => (r.phases ? [r.phases.before] : []))),
      between: stats(results.flatMap((r) => (r.phases ? [r.phases.between] : []))),
      after: stats(results.flatMap((r) => (r.phases ? [r.phases.after] : []))),
    },
    cpu: (() => {
      const o = stats(results.map((r) => r.oursCpu));
      const f = stats(results.map((r) => r.floorCpu));
      return { ours: o, floor: f, extraMeanMs: round(o.mean - f.mean, 3) };
    })(),
    gets: { ours: og, floor: fg, ratios: { p50: ratio(og.p50, fg.p50), p99: ratio(og.p99, fg.p99) } },
    samples: { ours: pick(undefined, 'ours'), floor: pick(undefined, 'floor') },
    callsPerJoin,
    capacity: {
      all: summarizeCapacity(samples),
      fresh: summarizeCapacity(samples.filter((x) => x.tag === 'fresh')),
      update: summarizeCapacity(samples.filter((x) => x.tag === 'update')),
    },
    billedMsPerJoin: pick(undefined, 'ours').reduce((n, ms) => n + Math.ceil(ms), 0) / results.length,
  };
}
