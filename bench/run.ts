// `npm run bench`: every figure of docs/performance.md next to its floor, in one run on this machine. Builds the bundles,
// starts its own DynamoDB Local (stopped at the end, also on failure), prints a table, writes
// bench/results/latest.json and bench/results/latency.svg. BENCH_QUICK=1 runs a smaller, faster version.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newSession, withPlayers } from '../src/sessions/model/new-session.js';
import { httpApiEvent } from '../test/support/api.js';
import { latencyChart, quantileCurve } from './chart.js';
import { performancePage } from './performance-page.js';
import { buildBundles, coldRatios, contributors, measureCold, type Bundle, type ColdVariant } from './cold-start.js';
import { runContention } from './contention.js';
import { costPerMillion, lambdaMemoryMb, PRICES } from './cost.js';
import { runCpuBench } from './cpu.js';
import { loadInProcess, oursGet, oursJoin } from './in-process.js';
import { runPresence } from './presence.js';
import { buildRouteBundles, measureRoutes } from './routes.js';
import { runEmitters } from './emitters.js';
import { runScale } from './scale.js';
import { BUSY_GET_MAX_MS, BUSY_GET_PLAYERS, BUSY_GET_WRITES_PER_SECOND, runBusyGet } from './busy-get.js';
import {
  benchPlayer,
  createIssuer,
  mustCreate,
  GET_ROUTE,
  JOIN_ROUTE,
  joinBody,
  log,
  retarget,
  ROOT,
  round,
  seatedPlayer,
  sessionId,
  startLocalDb,
  twinOf,
  type LocalDb,
  type Stats,
} from './support.js';
import { runWarm } from './warm.js';

// The in-process handlers publish EMF metric lines on stdout, as in Lambda: they are built and written (their cost
// counts), but the write is swallowed here so that the tables stay readable.
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  if (String(chunk).startsWith('{"_aws"')) return true;
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

const QUICK = process.env.BENCH_QUICK === '1';
const SETTINGS = QUICK
  ? {
      coldRounds: 5,
      routeRounds: { hot: 3, other: 1 },
      emitterRounds: 3,
      warm: { sessions: 10, warmupSessions: 3, getOps: 100, capacityProbeSessions: 1 },
      contentionRounds: 1,
      scale: { freshJoins: 20, updates: 20, capacityEvery: 5 },
      busyGetSeconds: 10,
    }
  : {
      coldRounds: 40,
      routeRounds: { hot: 30, other: 12 },
      emitterRounds: 15,
      warm: { sessions: 100, warmupSessions: 20, getOps: 1000, capacityProbeSessions: 2 },
      contentionRounds: 3,
      scale: { freshJoins: 100, updates: 150, capacityEvery: 5 },
      busyGetSeconds: 30,
    };
const CONTENTION_NS = [10, 50, 100] as const;
/** The routes game clients call most: more rounds for their cold starts. */
const HOT_ROUTES = new Set(['join-session-self', 'get-session']);
/** Targets against a route's libraries floor (bench/README.md, "Every route"). */
const ROUTE_LIMITS = { coldStart: 1.05, bytes: 1.1 } as const;
/** What the features a plain join does not use may add to its cold start: nothing beyond the noise. */
const OPTIONAL_FEATURES_LIMIT = 1.02;

const started = performance.now();
let db: LocalDb | undefined;
let tmp: string | undefined;

async function cleanup(): Promise<void> {
  const d = db;
  db = undefined;
  if (d) {
    d.client.destroy();
    await d.local.stop().catch((e: unknown) => log(`stopping DynamoDB Local failed: ${(e as Error).message}`));
  }
  if (tmp) await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping DynamoDB Local`);
    void cleanup().finally(() => process.exit(130));
  });
}

const loadAtStart = loadavg();

function machine() {
  // `java -version` writes to stderr.
  const j = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const java = `${j.stderr ?? ''}${j.stdout ?? ''}`.split('\n')[0]?.trim() || 'unknown';
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    freeMemoryGiB: round(freemem() / 2 ** 30, 1),
    os: `${platform()} ${release()}`,
    node: process.version,
    java,
    /** 1-minute load average at the start and the end: other work on the machine inflates every wall time. */
    loadAverage1m: { start: round(loadAtStart[0]!, 2), end: round(loadavg()[0]!, 2) },
  };
}

async function main() {
  tmp = await mkdtemp(join(tmpdir(), 'rh-bench-'));
  const handlers = ['join-session-self', 'get-session'] as const;

  log('building bundles (ours and floors) with BUNDLE_SETTINGS');
  const bundles = await buildBundles(join(tmp, 'dist'), handlers);
  const routeBundles = await buildRouteBundles(join(tmp, 'routes'));
  const bundleOf = (h: (typeof handlers)[number], kind: 'ours' | 'floor') => bundles.find((b) => b.handler === h && b.kind === kind) as Bundle;

  // CPU first, on a quiet machine: no Java running yet.
  log('cpu: join handler over an in-memory store, in a child process');
  const cpu = await runCpuBench();

  log('starting DynamoDB Local');
  db = await startLocalDb();
  const issuer = createIssuer();
  const ctx = await loadInProcess(db.doc, issuer);

  const warm = await runWarm(ctx, SETTINGS.warm, log);

  // Cold starts: each round gets fresh sessions; the floor's calls are ours on a third twin, recorded here.
  const rounds = new Map<number, Promise<{ join: { ours: unknown; floor: unknown }; get: { ours: unknown; floor: unknown } }>>();
  const roundEvents = (k: number) => {
    if (!rounds.has(k)) {
      rounds.set(
        k,
        (async () => {
          const a = newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: [10, 10], joinable: true });
          const b = twinOf(a);
          const c = twinOf(a, 'copy');
          await Promise.all([a, b, c].map((s) => mustCreate(ctx.store, s)));
          const p = benchPlayer(issuer);
          const recorded = await oursJoin(ctx, c.sessionId, p, joinBody(0));
          const leader = benchPlayer(issuer);
          const players = [seatedPlayer(leader.uuid, 0, 'leader'), seatedPlayer(benchPlayer(issuer).uuid, 1)];
          const g = withPlayers(newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: [10, 10], joinable: true }), players);
          const h = twinOf(g);
          await mustCreate(ctx.store, g, players);
          await mustCreate(ctx.store, h, players);
          const got = await oursGet(ctx, g.sessionId, leader);
          return {
            join: {
              ours: httpApiEvent({
                method: 'POST',
                route: JOIN_ROUTE,
                pathParameters: { session_id: a.sessionId },
                headers: { authorization: p.authorization },
                body: joinBody(0),
              }),
              floor: { calls: retarget(recorded.calls, c.sessionId, b.sessionId) },
            },
            get: {
              ours: httpApiEvent({
                method: 'GET',
                route: GET_ROUTE,
                pathParameters: { session_id: g.sessionId },
                headers: { authorization: leader.authorization },
              }),
              floor: { calls: retarget(got.calls, g.sessionId, h.sessionId) },
            },
          };
        })(),
      );
    }
    return rounds.get(k)!;
  };
  const variants: ColdVariant[] = handlers.flatMap((h) =>
    (['ours', 'floor'] as const).map((kind) => ({
      handler: h,
      kind,
      bundle: bundleOf(h, kind),
      event: async (k: number) => (await roundEvents(k))[h === 'join-session-self' ? 'join' : 'get'][kind],
    })),
  );
  log(`cold: ${SETTINGS.coldRounds} fresh processes per bundle (4 bundles) and an empty-process baseline`);
  const cold = await measureCold(variants, SETTINGS.coldRounds, tmp, process.env, log);

  log(`routes: ${routeBundles.routes.length} routes, each against its SDK floor and its libraries floor`);
  const routes = await measureRoutes(
    routeBundles,
    (h) => (HOT_ROUTES.has(h) ? SETTINGS.routeRounds.hot : SETTINGS.routeRounds.other),
    issuer,
    tmp,
    log,
  );

  log('emitters: Powertools against pino and aws-embedded-metrics');
  const emitters = await runEmitters(join(tmp, 'emitters'), SETTINGS.emitterRounds, log);

  log('contention: N joiners at once on one session');
  const contention = await runContention(db.endpoint, CONTENTION_NS, SETTINGS.contentionRounds, log);

  const scale = await runScale(ctx, SETTINGS.scale, log);

  const busyGet = await runBusyGet(ctx, SETTINGS.busyGetSeconds, log);

  const presence = await runPresence(db, log);

  const memory = await lambdaMemoryMb();
  const cost = {
    prices: PRICES,
    lambda: { architecture: 'arm64', ...memory },
    typicalSession: costPerMillion(warm.capacity.all, warm.billedMsPerJoin, memory.memoryMb),
    byJoinKind: {
      fresh: costPerMillion(warm.capacity.fresh, warm.billedMsPerJoin, memory.memoryMb),
      update: costPerMillion(warm.capacity.update, warm.billedMsPerJoin, memory.memoryMb),
    },
    at5000Players: costPerMillion(scale.rows[scale.rows.length - 1]!.capacity, warm.billedMsPerJoin, memory.memoryMb),
  };

  // ------------------------------------------------------------------------------------------- targets
  const coldBy = Object.fromEntries(handlers.map((h) => [h, coldRatios(cold.figures, h)]));
  const n50 = contention.find((r) => r.n === 50)!;
  const within10 = (r: number) => Math.abs(r - 1) <= 0.1;
  const targets = [
    ...(
      [
        ['coldVsLibraries', ROUTE_LIMITS.coldStart, 'cold start (CPU, import + one refused request)'],
        ['bytesVsLibraries', ROUTE_LIMITS.bytes, 'bundle bytes'],
      ] as const
    ).map(([key, limit, what]) => {
      const met = routes.routes.filter((r) => r.ratios[key] <= limit);
      const worst = [...routes.routes].sort((a, b) => b.ratios[key] - a.ratios[key])[0]!;
      return {
        target: `${what} <= ${limit.toFixed(2)}x the libraries floor, every route`,
        value: `${met.length}/${routes.routes.length} routes; highest ${worst.handler} ${worst.ratios[key]}x`,
        pass: met.length === routes.routes.length,
      };
    }),
    {
      target: `join: the friends client, password hashing and short codes add <= ${OPTIONAL_FEATURES_LIMIT.toFixed(2)}x to a plain join's cold start`,
      value: routes.optionalFeatures.pairedColdRatio,
      pass: routes.optionalFeatures.pairedColdRatio <= OPTIONAL_FEATURES_LIMIT,
    },
    { target: 'warm join p50 <= 1.10x floor', value: warm.ratios.p50, pass: warm.ratios.p50 <= 1.1 },
    { target: 'warm join p99 <= 1.25x floor', value: warm.ratios.p99, pass: warm.ratios.p99 <= 1.25 },
    {
      target: 'CPU per join <= 100 µs (incl. JWT: a token the container verified before is remembered, see the join with a new token)',
      value: cpu.cpuMicrosPerJoin,
      pass: cpu.cpuMicrosPerJoin <= 100,
    },
    { target: 'contention N=50: all admitted', value: `${n50.admitted}/${n50.joiners}`, pass: n50.admitted === n50.joiners },
    { target: 'contention N=50: <= 3 attempts per admitted join', value: n50.attemptsPerAdmitted, pass: n50.attemptsPerAdmitted <= 3 },
    { target: 'scale: p50 at 5,000 within 10% of 2 players', value: scale.flat.p50Ratio, pass: within10(scale.flat.p50Ratio) },
    { target: 'scale: capacity per join at 5,000 within 10% of 2', value: scale.flat.capacityRatio, pass: within10(scale.flat.capacityRatio) },
    { target: `busy GET, ${BUSY_GET_PLAYERS.toLocaleString('en')} players: every answer 200`, value: busyGet.ok, pass: busyGet.ok === 1 },
    {
      target: `busy GET, ${BUSY_GET_PLAYERS.toLocaleString('en')} players: slowest <= ${BUSY_GET_MAX_MS} ms (DynamoDB Local)`,
      value: round(busyGet.latency.max, 0),
      pass: busyGet.latency.max <= BUSY_GET_MAX_MS,
    },
    {
      target: 'a free-seat join in a session that culls: the same DynamoDB calls and capacity as without',
      value: `${presence.freeSeatJoin.withCulling.calls.join(' + ')}, ${presence.freeSeatJoin.withCulling.units} units`,
      pass: presence.freeSeatJoin.sameCalls && presence.freeSeatJoin.withCulling.units === presence.freeSeatJoin.withoutCulling.units,
    },
    {
      target: 'a free-seat join past the cull floor: the same calls and capacity at 5,000 players as at 2, no Query',
      value: presence.pastFloorJoin.bySize.map((j) => `${j.players}: ${j.calls.join(' + ')}, ${j.units} units`).join('; '),
      pass: presence.pastFloorJoin.flat,
    },
  ];

  const durationSeconds = round((performance.now() - started) / 1000, 1);
  const result = {
    generatedAt: new Date().toISOString(),
    command: QUICK ? 'BENCH_QUICK=1 npm run bench' : 'npm run bench',
    durationSeconds,
    machine: machine(),
    settings: { ...SETTINGS, contentionNs: CONTENTION_NS, routeLimits: ROUTE_LIMITS },
    method: {
      coldInit:
        'performance.now() inside a fresh node process around `await import(bundle)` until `handler` is exported; median over the rounds. wallMinusBaselineMs = spawn-to-exit minus an empty node process, as a cross-check.',
      routeColdStart:
        'a fresh node process per bundle: CPU time (user + system) from `await import(bundle)` to the answer of one request whose token the verifier refuses (right issuer and key id, another key); each route back to back with its own run of its libraries floor (for one route of each floor with the second run of that floor among them, against itself), its other runs before or after those, the routes shuffled each round; target ratio = median over the rounds of ours / that run. Floors: the SDK with the commands our bundle holds that the route may send, and that plus Powertools Logger and Metrics, aws-jwt-verify and middy with its two middlewares (bench/floor/); a floor creates its DynamoDB client when it first sends a call, and ours on the first request past authentication. Beside each route its libraries floor also runs carrying our code, never run: the floor bundle followed by a function it never calls holding our handler bundled without the packages of the floor, so that it adds our bytes and none of the work of our code. The SDK floors run once a round.',
      firstInvocation:
        'same process, right after import: one request on a fresh session (ours: the API Gateway event; floor: the same DynamoDB calls ours made on a twin session).',
      warm: 'in-process, source through tsx; ours = handler(event) end to end; floor = the same DynamoDB calls (recorded from ours, retargeted to a twin session in the same state) sent with a DynamoDBDocumentClient configured like ours; interleaved with the floor one op behind.',
      cpu: 'child process; getServices().store replaced by an in-memory fake; process.cpuUsage() per request over 5,000 joins after 6,000 warm-up (3,000 for the floor), in 5 blocks of 1,000 in turn with blocks of the libraries floor (which goes first alternating), the main figures and the token-not-yet-verified variant the medians of their blocks, in 3 processes: ours the middle process (its parts, variants and profile with it), the floor the median of its three; real RS256 tokens of 50 players, which our authenticator remembers once verified. The libraries floor answers join requests of the same players, checking every signature and doing no join work.',
      contention: 'joinSession() directly, N stores each with its own DynamoDB client (N containers), connections pre-opened, all started at once.',
      scale:
        'as warm, with ReturnConsumedCapacity TOTAL on every call (ours and floor alike); billed units computed from the items read before and after every 5th op.',
      busyGet: `in-process; one client rewriting the leader's custom_data ${BUSY_GET_WRITES_PER_SECOND} times a second, another GETting the ${BUSY_GET_PLAYERS}-player session back to back, for busyGetSeconds.`,
    },
    cold: {
      emptyProcessMs: cold.emptyProcessMs,
      figures: cold.figures,
      ratios: coldBy,
      contributorsBeyondFloor: Object.fromEntries(
        handlers.map((h) => {
          const c = contributors(bundleOf(h, 'ours'), bundleOf(h, 'floor'));
          return [
            h,
            {
              totalBeyondFloor: bundleOf(h, 'ours').bytes - bundleOf(h, 'floor').bytes,
              groups: c.groups.filter((g) => g.beyondFloor > 0).slice(0, 15),
              topFiles: c.files,
            },
          ];
        }),
      ),
    },
    routes,
    emitters,
    warm: {
      joins: warm.joins,
      ratios: warm.ratios,
      p50RatioByBlock: warm.p50RatioByBlock,
      oursSplit: warm.oursSplit,
      cpu: warm.cpu,
      gets: warm.gets,
      callsPerJoin: warm.callsPerJoin,
      capacity: warm.capacity,
      billedMsPerJoin: round(warm.billedMsPerJoin, 2),
      curves: { ours: quantileCurve(warm.samples.ours), floor: quantileCurve(warm.samples.floor) },
    },
    cpu,
    contention,
    scale,
    busyGet,
    presence,
    cost,
    targets,
  };

  await mkdir(join(ROOT, 'bench', 'results'), { recursive: true });
  await writeFile(join(ROOT, 'bench', 'results', 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  await writeFile(
    join(ROOT, 'bench', 'results', 'latency.svg'),
    latencyChart({
      scale: scale.rows.map((r) => ({ players: r.players, ours: r.ours, floor: r.floor })),
      curves: result.warm.curves,
      subtitle: `npm run bench, ${result.generatedAt.slice(0, 10)}: ${result.machine.cores} x ${result.machine.cpu}, Node ${process.version}, DynamoDB Local`,
    }),
  );
  await writeFile(join(ROOT, 'docs', 'performance.md'), performancePage(result));
  printReport(result);
  const failed = targets.filter((t) => !t.pass).length;
  console.log(
    `\n${targets.length - failed}/${targets.length} targets met. Wrote bench/results/latest.json, bench/results/latency.svg and docs/performance.md in ${durationSeconds} s.`,
  );
}

// ------------------------------------------------------------------------------------------------ printing
function table(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? String(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: (string | number)[]) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}

const ms = (v: number) => v.toFixed(2);
const kb = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const x = (v: number) => `${v.toFixed(2)}x`;

function printReport(r: any): void {
  console.log(
    `\nrh-session-service benchmark: ${r.generatedAt}  (${r.machine.cores} x ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}; load average ${r.machine.loadAverage1m.start} at start, ${r.machine.loadAverage1m.end} at end)`,
  );

  table(
    `1. Cold start (median of ${r.settings.coldRounds} fresh processes; init = performance.now() around import() inside the child; empty node process ${r.cold.emptyProcessMs} ms)`,
    [
      'handler',
      'bundle',
      'gzip',
      'init ms',
      'init min',
      'init CPU ms',
      '1st invoke ms',
      'wall-baseline',
      'bytes x',
      'gzip x',
      'init x',
      'paired x',
      'CPU x',
      'min x',
      '1st inv x',
    ],
    r.cold.figures.map((f: any) => {
      const q = r.cold.ratios[f.handler];
      const o = f.kind === 'ours';
      return [
        `${f.handler} ${f.kind}`,
        kb(f.bytes),
        kb(f.gzipBytes),
        ms(f.initMs.median),
        ms(f.initMs.min),
        ms(f.initCpuMs.median),
        ms(f.firstInvokeMs.median),
        ms(f.wallMinusBaselineMs),
        ...(o
          ? [x(q.bytes), x(q.gzipBytes), x(q.initMs), x(q.pairedInitMs), x(q.initCpuMs), x(q.initMinMs), x(q.firstInvokeMs)]
          : ['', '', '', '', '', '', '']),
      ];
    }),
  );
  console.log('   init x = ratio of medians (the target); paired x = median of per-round ratios; CPU x = of CPU-time medians; min x = of minima.');
  for (const [h, c] of Object.entries<any>(r.cold.contributorsBeyondFloor)) {
    table(
      `   ${h}: bytes beyond the floor by package/folder (esbuild metafile), ${kb(c.totalBeyondFloor)} in all`,
      ['contributor', 'ours', 'floor', 'beyond floor'],
      c.groups.slice(0, 10).map((g: any) => [g.name, kb(g.bytes), kb(g.floorBytes), kb(g.beyondFloor)]),
    );
  }

  const lim = r.settings.routeLimits;
  table(
    `1b. Every route against its floors (cold start: CPU ms of import + one refused request, median of ${r.settings.routeRounds.other} to ${r.settings.routeRounds.hot} fresh processes; targets ${x(lim.coldStart)} and ${x(lim.bytes)} of the libraries floor)`,
    ['route', 'bundle', 'libraries', 'SDK', 'bytes x lib', 'bytes x SDK', 'cold CPU', 'libraries', 'SDK', 'cold x lib', 'medians x', 'cold x SDK'],
    r.routes.routes.map((f: any) => [
      f.handler,
      kb(f.bytes.ours),
      kb(f.bytes.libraries),
      kb(f.bytes.sdk),
      `${x(f.ratios.bytesVsLibraries)}${f.ratios.bytesVsLibraries > lim.bytes ? ' !' : ''}`,
      x(f.ratios.bytesVsSdk),
      ms(f.coldCpuMs.ours),
      ms(f.coldCpuMs.libraries),
      ms(f.coldCpuMs.sdk),
      `${x(f.ratios.coldVsLibraries)}${f.ratios.coldVsLibraries > lim.coldStart ? ' !' : ''}`,
      x(f.ratios.coldMediansVsLibraries),
      x(f.ratios.coldVsSdk),
    ]),
  );
  const o = r.routes.optionalFeatures;
  console.log('   cold x = median of per-round ratios (the target); medians x = ratio of the medians.');
  console.log(
    `   cold CPU by part, ours / libraries floor (ms): ${r.routes.routes
      .filter((f: any) => f.handler === 'join-session-self' || f.commands.length === 0)
      .map(
        (f: any) =>
          `${f.handler}: import ${ms(f.coldPartsCpuMs.ours.import)} / ${ms(f.coldPartsCpuMs.libraries.import)}, refused request ${ms(f.coldPartsCpuMs.ours.request)} / ${ms(f.coldPartsCpuMs.libraries.request)}`,
      )
      .join('; ')}`,
  );
  console.log(
    `   each libraries floor against itself (run twice beside one of its routes; median of per-round ratios): ${r.routes.floorsAgainstThemselves
      .map((f: any) => `${f.route}'s floor (${f.routes} routes, ${f.rounds} rounds) ${f.ratio.toFixed(3)}x`)
      .join('; ')}`,
  );
  console.log(
    `   join without the friends client, password hashing and short codes: ${kb(o.bytes.without)} (with: ${kb(o.bytes.with)}), cold CPU ${ms(o.coldCpuMs.without)} ms (with: ${ms(o.coldCpuMs.with)} ms, paired ${x(o.pairedColdRatio)})`,
  );

  table(
    '1c. Powertools (what we keep) against pino + aws-embedded-metrics, emitting the same log line and EMF metrics (bench/emitters/)',
    ['emitter', 'packages', 'bundle', 'cold CPU ms', 'warm CPU µs per invocation'],
    r.emitters.map((e: any) => [e.emitter, e.packages, kb(e.bytes), ms(e.coldCpuMs), e.warmCpuMicrosPerInvocation]),
  );

  const w = r.warm;
  table(
    `2. Warm latency, in-process against DynamoDB Local (ms; ${w.joins.ours.n} joins each side, interleaved)`,
    ['operation', 'ours p50', 'floor p50', 'p50 x', 'ours p99', 'floor p99', 'p99 x', 'ours mean', 'floor mean'],
    (
      [
        ['join (all)', w.joins.ours, w.joins.floor],
        ['join fresh', w.joins.oursFresh, w.joins.floorFresh],
        ['join update', w.joins.oursUpdate, w.joins.floorUpdate],
        [`get (${w.gets.ours.n})`, w.gets.ours, w.gets.floor],
      ] as [string, Stats, Stats][]
    ).map(([name, o, f]) => [name, ms(o.p50), ms(f.p50), x(o.p50 / f.p50), ms(o.p99), ms(f.p99), x(o.p99 / f.p99), ms(o.mean), ms(f.mean)]),
  );
  console.log(`   join p50 ratio in each fifth of the run, in order: ${w.p50RatioByBlock.map((v: number) => `${v.toFixed(3)}x`).join(', ')}`);
  console.log(
    `   DynamoDB calls per join: ${Object.entries(w.callsPerJoin)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  console.log(
    `   ours split: inside the SDK's send() p50 ${ms(w.oursSplit.inSdk.p50)} ms (floor's same calls p50 ${ms(w.joins.floor.p50)} ms); outside it p50 ${ms(w.oursSplit.outsideSdk.p50)} ms, mean ${ms(w.oursSplit.outsideSdk.mean)} ms, p99 ${ms(w.oursSplit.outsideSdk.p99)} ms`,
  );
  console.log(
    `   ours outside the SDK by phase (p50 / mean ms): before the first call ${ms(w.oursSplit.before.p50)} / ${ms(w.oursSplit.before.mean)} (middy, JWT, validation), between calls ${ms(w.oursSplit.between.p50)} / ${ms(w.oursSplit.between.mean)} (rules, building the transaction), after the last ${ms(w.oursSplit.after.p50)} / ${ms(w.oursSplit.after.mean)} (response)`,
  );
  console.log(
    `   CPU per join on this path: ours mean ${ms(w.cpu.ours.mean)} ms, floor mean ${ms(w.cpu.floor.mean)} ms: ours spends ${(w.cpu.extraMeanMs * 1000).toFixed(0)} µs more`,
  );

  const c = r.cpu;
  table(
    `3. Our CPU per join (store replaced by an in-memory fake; ${c.requests} requests; real RS256 tokens)`,
    ['measure', 'µs per join'],
    [
      ['CPU (user+system) per join, whole handler', c.cpuMicrosPerJoin],
      ['wall time per join, whole handler', c.wallMicrosPerJoin],
      ['  of which the authenticator (a token it remembers: a lookup)', c.parts.jwtVerifyMicros],
      ['  of which joinSession + rules + fake store', c.parts.joinSessionWithFakeMicros],
      ['  rest: middy, parsing, validation, response', c.parts.restMicros],
      ['the RS256 signature check alone (part of verifying a token not yet remembered)', c.parts.rs256VerifyOnlyMicros],
      ['the libraries floor on join requests of the same players (checks every signature, no join work)', c.librariesFloorMicrosPerRequest],
      [`a join by short code (code lookup included; ${c.variants.shortCodeJoins} requests)`, c.variants.shortCodeJoinMicros],
      [
        `the same joins, each with a token the container has not verified yet (median of 5 blocks of ${c.variants.freshTokenJoins / 5})`,
        c.variants.freshTokenJoinMicros,
      ],
      ['  the same joins with remembered tokens, each block beside one of those', c.variants.rememberedBesideFreshMicros],
      [`a newcomer's join with the session's password (scrypt; ${c.variants.passwordJoins} requests)`, c.variants.passwordJoinMicros],
    ],
  );
  console.log(
    `   CPU per join of each of ${c.processes.oursCpuMicros.length} processes (the figures above are the middle one's): ours ${c.processes.oursCpuMicros.join(', ')}; floor ${c.processes.librariesFloorCpuMicros.join(', ')}`,
  );
  console.log(
    `   CPU per request in each block of ${c.requests / c.blocks.oursCpuMicros.length}, ours and the floor in turn (the figures above are the medians): ours ${c.blocks.oursCpuMicros.join(', ')}; floor ${c.blocks.librariesFloorCpuMicros.join(', ')}`,
  );
  table(
    '   CPU profile, top self time',
    ['function', 'where', 'self %'],
    c.profile.top.slice(0, 12).map((t: any) => [t.fn, t.where, t.selfPct]),
  );

  table(
    '4. Contention: N joiners at once on one session with room for all (joinSession directly, one client per joiner)',
    ['N', 'admitted', 'attempts/admitted', 'max attempts', 'calls/admitted', 'p50 ms', 'p99 ms', 'joins/s', 'consistent'],
    r.contention.map((row: any) => [
      row.n,
      `${row.admitted}/${row.joiners}`,
      row.attemptsPerAdmitted,
      row.maxAttempts,
      Object.entries(row.callsPerAdmitted)
        .map(([k, v]) => `${k} ${v}`)
        .join(' '),
      ms(row.latency.p50),
      ms(row.latency.p99),
      row.throughputPerSecond,
      row.consistent ? 'yes' : 'NO',
    ]),
  );

  table(
    `5. Scale (${r.scale.layout})`,
    [
      'players',
      'ours p50',
      'floor p50',
      'p50 x',
      'ours p99',
      'floor p99',
      'billed RRU',
      'billed WRU',
      'of which GSI',
      'Local RCU',
      'Local WCU',
      'session item',
    ],
    r.scale.rows.map((row: any) => [
      row.players,
      ms(row.ours.p50),
      ms(row.floor.p50),
      x(row.ratios.p50),
      ms(row.ours.p99),
      ms(row.floor.p99),
      row.capacity.billedRru,
      row.capacity.billedWru,
      row.capacity.indexWru,
      row.capacity.localReportedRead,
      row.capacity.localReportedWrite,
      `${Math.round(row.capacity.sessionItemBytes)} B`,
    ]),
  );
  console.log(
    `   5,000 vs 2 players: ours p50 ${x(r.scale.flat.p50Ratio)} (floor ${x(r.scale.flat.floorP50Ratio)}), capacity ${x(r.scale.flat.capacityRatio)}`,
  );

  const k = r.cost;
  const row = (name: string, v: any) => [
    name,
    v.rruPerJoin,
    v.wruPerJoin,
    v.billedMsPerJoin,
    v.gbSecondsPerJoin,
    v.dollarsPerMillionJoins.dynamodbReads,
    v.dollarsPerMillionJoins.dynamodbWrites,
    v.dollarsPerMillionJoins.lambdaDuration,
    v.dollarsPerMillionJoins.lambdaRequests,
    v.dollarsPerMillionJoins.total,
  ];
  table(
    `6. Cost per million joins (${k.prices.region} on-demand; Lambda ${k.lambda.architecture} ${k.lambda.memoryMb} MB from ${k.lambda.source})`,
    ['session', 'RRU', 'WRU', 'billed ms', 'GB-s', '$ reads', '$ writes', '$ Lambda GB-s', '$ Lambda req', '$ total'],
    [row('typical (2 teams of 10)', k.typicalSession), row('5,000 players (51 teams)', k.at5000Players)],
  );
  console.log(`   of the billed duration, ours outside the SDK's send(): mean ${ms(r.warm.oursSplit.outsideSdk.mean)} ms per join`);
  console.log(
    `   prices: DynamoDB $${k.prices.dynamodbWritePerMillionWru}/M WRU, $${k.prices.dynamodbReadPerMillionRru}/M RRU; Lambda arm64 $${k.prices.lambdaArmPerGbSecond}/GB-s, $${k.prices.lambdaPerMillionRequests}/M requests`,
  );
  console.log(`   checked ${k.prices.checked}`);
  console.log(
    '   billed units: computed from item sizes by the published rules (transactional write 2 WRU/KB/item, consistent read 1 RRU/4 KB, absent item 1 RRU, GSI write 1 WRU/KB)',
  );
  console.log('   billed ms = DynamoDB Local latency here; in AWS the duration follows DynamoDB latency.');

  table(
    'Targets',
    ['target', 'value', 'result'],
    r.targets.map((t: any) => [t.target, typeof t.value === 'number' ? String(t.value) : t.value, t.pass ? 'PASS' : 'FAIL']),
  );
}

main()
  .catch((e: unknown) => {
    process.exitCode = 1;
    log(`failed: ${(e as Error).stack ?? e}`);
  })
  .finally(async () => {
    await cleanup();
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
