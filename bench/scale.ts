// 5. Scale: join latency and capacity in sessions of 2, 100 and 5,000 players. Every session has the same
// layout (51 teams of 100: the seeded players fill teams from 0, fresh joins take team 50), so only the number
// of players differs. Each size has a twin for the floor; ops rotate over the sizes, ours and floor interleaved.
import { randomUUID } from 'node:crypto';
import { newSession, withPlayers } from '../src/sessions/model/new-session.js';
import type { Player } from '../src/sessions/model/session.js';
import { joinBilling, readJoinItems, summarizeCapacity, type CapacitySample, type CapacitySummary } from './cost.js';
import { floorCalls, oursJoin, runPaired, type InProcess, type PairedOp } from './in-process.js';
import { benchPlayer, joinBody, ratio, seatedPlayer, seedSession, sessionId, stats, twinOf, type BenchPlayer, type Stats } from './support.js';

const SIZES = [2, 100, 5000] as const;
const TEAMS = 51;
const TEAM_SIZE = 100;
const OPEN_TEAM = 50;

export interface ScaleOptions {
  freshJoins: number;
  updates: number;
  /** Every n-th op of each size also has its items read before and after, for the billed capacity. */
  capacityEvery: number;
}

export interface ScaleRow {
  players: number;
  ours: Stats;
  floor: Stats;
  ratios: { p50: number; p99: number };
  capacity: CapacitySummary;
}

export async function runScale(ctx: InProcess, opts: ScaleOptions, progress: (m: string) => void) {
  if (opts.freshJoins > TEAM_SIZE) throw new Error(`at most ${TEAM_SIZE} fresh joins fit the open team`);
  const t0 = Date.now();
  const sizes: { n: number; ours: string; floor: string; players: Player[] }[] = [];
  for (const n of SIZES) {
    // Seated players hold tokens only when they are updated, so they are made with any uuid here and the ones
    // to update get a token below.
    const players: Player[] = Array.from({ length: n }, (_, i) =>
      seatedPlayer(randomUUID(), Math.floor(i / TEAM_SIZE), i === 0 ? 'leader' : 'member'),
    );
    const session = withPlayers(
      newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: Array(TEAMS).fill(TEAM_SIZE), joinable: true }),
      players,
    );
    const twin = twinOf(session);
    await seedSession(ctx.store, ctx.doc, session, players);
    await seedSession(ctx.store, ctx.doc, twin, players);
    sizes.push({ n, ours: session.sessionId, floor: twin.sessionId, players });
  }
  progress(`scale: seeded ${SIZES.map((n) => `2 x ${n}`).join(', ')} players in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // Seated players to update: their tokens must name them.
  const updaters = new Map<number, BenchPlayer[]>();
  for (const s of sizes) {
    const picks = Array.from({ length: Math.min(20, s.n) }, (_, i) => s.players[Math.floor((i * s.n) / Math.min(20, s.n))]!);
    updaters.set(
      s.n,
      picks.map((p) => ({ uuid: p.playerUuid, authorization: `Bearer ${signFor(ctx, p.playerUuid)}` })),
    );
  }

  type Tag = `${number}`;
  let mood = 0;
  const ops: (PairedOp<Tag> & { n: number; playerUuid: string; fresh: boolean })[] = [];
  // Fresh joins and updates alternate while both last.
  const kinds: boolean[] = [];
  for (let k = 0; k < Math.max(opts.freshJoins, opts.updates); k++) {
    if (k < opts.freshJoins) kinds.push(true);
    if (k < opts.updates) kinds.push(false);
  }
  for (let j = 0; j < kinds.length; j++) {
    const order = SIZES.map((_, i) => sizes[(i + j) % sizes.length]!);
    for (const s of order) {
      const fresh = kinds[j]!;
      const player = fresh ? benchPlayer(ctx.issuer) : updaters.get(s.n)![j % updaters.get(s.n)!.length]!;
      const body = fresh ? joinBody(OPEN_TEAM) : joinBody(seatedTeam(s.players, player.uuid), { mood: `m${mood++}` });
      ops.push({
        tag: `${s.n}` as Tag,
        n: s.n,
        playerUuid: player.uuid,
        fresh,
        ours: () => oursJoin(ctx, s.ours, player, body),
        floor: (calls) => floorCalls(ctx.floorJoin, calls, s.ours, s.floor),
      });
    }
  }

  progress(`scale: ${ops.length} joins each for ours and the floor`);
  const samples = new Map<number, CapacitySample[]>(SIZES.map((n) => [n, []]));
  ctx.rec.withCapacity(true);
  let results;
  try {
    // Capacity: every n-th op's items are read before it (here, before ours runs) and after it (in `between`).
    const probed = new Set(ops.map((_, i) => i).filter((i) => Math.floor(i / SIZES.length) % opts.capacityEvery === 0));
    const befores = new Map<number, Awaited<ReturnType<typeof readJoinItems>>>();
    const wrapped = ops.map((op, i) => ({
      ...op,
      ours: async () => {
        if (probed.has(i)) befores.set(i, await readJoinItems(ctx.doc, sessions(sizes, op.n).ours, op.playerUuid));
        ctx.rec.takeCapacity();
        return op.ours();
      },
    }));
    results = await runPaired(wrapped, async (i) => {
      const local = ctx.rec.takeCapacity();
      if (!probed.has(i)) return;
      const op = ops[i]!;
      const after = await readJoinItems(ctx.doc, sessions(sizes, op.n).ours, op.playerUuid);
      samples.get(op.n)!.push({ tag: op.fresh ? 'fresh' : 'update', billed: joinBilling(befores.get(i)!, after), local });
    });
  } finally {
    ctx.rec.withCapacity(false);
  }

  const rows: ScaleRow[] = SIZES.map((n) => {
    const rs = results.filter((r) => r.tag === `${n}`);
    const ours = stats(rs.map((r) => r.ours));
    const floor = stats(rs.map((r) => r.floor));
    return {
      players: n,
      ours,
      floor,
      ratios: { p50: ratio(ours.p50, floor.p50), p99: ratio(ours.p99, floor.p99) },
      capacity: summarizeCapacity(samples.get(n)!),
    };
  });
  const first = rows[0]!;
  const last = rows[rows.length - 1]!;
  return {
    layout: `${TEAMS} teams of ${TEAM_SIZE}; seeded players fill teams 0.., fresh joins take team ${OPEN_TEAM}; updates change custom_data of seeded players`,
    rows,
    flat: {
      p50Ratio: ratio(last.ours.p50, first.ours.p50),
      floorP50Ratio: ratio(last.floor.p50, first.floor.p50),
      capacityRatio: ratio(last.capacity.billedRru + last.capacity.billedWru, first.capacity.billedRru + first.capacity.billedWru),
    },
  };
}

function sessions(sizes: { n: number; ours: string }[], n: number) {
  return sizes.find((s) => s.n === n)!;
}

const seatedTeam = (players: Player[], uuid: string) => players.find((p) => p.playerUuid === uuid)!.teamId;

function signFor(ctx: InProcess, uuid: string): string {
  return ctx.issuer.sign({ sub: uuid, scope: 'session:update-player:self session:read:self' });
}
