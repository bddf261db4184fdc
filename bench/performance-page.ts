// docs/performance.md, written from a benchmark result (bench/results/latest.json): every figure on the page comes
// from the run, none is typed by hand. `npm run bench` writes it after each run; `npm run bench:page` writes it again
// from the committed result, and a test checks that the page matches the result.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './statistics.js';

type Result = any;

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const ms = (v: number) => `${v.toFixed(2)} ms`;
const x = (v: number) => `${v.toFixed(2)}x`;
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
/** A ratio past its limit, with a third decimal where two would show the limit itself. */
const past = (v: number, limit: number) => (v > limit && v.toFixed(2) === limit.toFixed(2) ? `${v.toFixed(3)}x` : x(v));
const usd = (v: number) => `$${v.toFixed(2)}`;
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

function figureTable(r: Result): string[] {
  const fig = (h: string, kind: string) => r.cold.figures.find((f: any) => f.handler === h && f.kind === kind);
  const lines = [row(['figure', 'ours', 'floor', 'ratio']), row(['---', '---', '---', '---'])];
  for (const h of Object.keys(r.cold.ratios)) {
    const [o, f, q] = [fig(h, 'ours'), fig(h, 'floor'), r.cold.ratios[h]];
    lines.push(row([`${h} bundle (gzip)`, `${kib(o.bytes)} (${kib(o.gzipBytes)})`, `${kib(f.bytes)} (${kib(f.gzipBytes)})`, x(q.bytes)]));
    lines.push(row([`${h} module init, median of ${r.settings.coldRounds} fresh processes`, ms(o.initMs.median), ms(f.initMs.median), x(q.initMs)]));
    lines.push(row([`${h} first invocation`, ms(o.firstInvokeMs.median), ms(f.firstInvokeMs.median), x(q.firstInvokeMs)]));
  }
  const w = r.warm;
  lines.push(
    row([
      `warm join p50 / p99 (${w.joins.ours.n} each, interleaved)`,
      `${ms(w.joins.ours.p50)} / ${ms(w.joins.ours.p99)}`,
      `${ms(w.joins.floor.p50)} / ${ms(w.joins.floor.p99)}`,
      `${x(w.ratios.p50)} / ${x(w.ratios.p99)}`,
    ]),
  );
  lines.push(
    row([
      'CPU per join of a warm container (the bundle as deployed, in-memory store, real RS256 tokens; floor: the libraries floor on join requests of the same players, checking every signature, doing no join work)',
      `${r.cpu.cpuMicrosPerJoin} µs`,
      `${r.cpu.librariesFloorMicrosPerRequest} µs`,
      // No ratio: the floor does no join work and checks every signature, so ours against it compares unlike work.
      '',
    ]),
  );
  if (r.cpu.variants) {
    lines.push(row(['our CPU per join by short code (the code looked up)', `${r.cpu.variants.shortCodeJoinMicros} µs`, '', '']));
    lines.push(
      row([
        'our CPU per join, the same joins each with a token the container has not verified yet (its RS256 signature checked; the figure above remembers tokens), run last',
        `${r.cpu.variants.freshTokenJoinMicros} µs`,
        '',
        '',
      ]),
    );
    lines.push(
      row([
        `our CPU per join, the same joins with remembered tokens, each block beside one of those (at that point of the process a request costs more than early on; the new token adds ${round(r.cpu.variants.freshTokenJoinMicros - r.cpu.variants.rememberedBesideFreshMicros, 1)} µs)`,
        `${r.cpu.variants.rememberedBesideFreshMicros} µs`,
        '',
        '',
      ]),
    );
    lines.push(row(["our CPU per newcomer's join with the session's password (scrypt)", `${r.cpu.variants.passwordJoinMicros} µs`, '', '']));
  }
  for (const c of r.contention)
    lines.push(
      row([`contention, ${c.n} joiners on one session`, `${c.admitted}/${c.joiners} admitted, ${c.attemptsPerAdmitted} attempts each`, '', '']),
    );
  const last = r.scale.rows[r.scale.rows.length - 1];
  lines.push(
    row([
      `scale: join p50 and capacity, ${last.players.toLocaleString('en')} vs ${r.scale.rows[0].players} players`,
      `${x(r.scale.flat.p50Ratio)} and ${x(r.scale.flat.capacityRatio)}`,
      '',
      '',
    ]),
  );
  if (r.busyGet) {
    const b = r.busyGet;
    lines.push(
      row([
        `busy GET: ${b.players.toLocaleString('en')} players, ${b.writesPerSecond.achieved} writes a second, ${b.gets} GETs over ${b.seconds} s`,
        `p50 ${ms(b.latency.p50)}, p99 ${ms(b.latency.p99)}, slowest ${ms(b.latency.max)}; ${(b.ok * 100).toFixed(1)}% 200, ${(b.strong * 100).toFixed(1)}% under a strong ETag`,
        '',
        '',
      ]),
    );
  }
  const cost = r.cost.typicalSession;
  const d = cost.dollarsPerMillionJoins;
  lines.push(
    row([
      'cost per million joins (2 teams of 10)',
      `${usd(d.total)}: reads ${usd(d.dynamodbReads)}, writes ${usd(d.dynamodbWrites)}, Lambda ${usd(d.lambdaDuration + d.lambdaRequests)} (${cost.rruPerJoin} RRU, ${cost.wruPerJoin} WRU a join)`,
      '',
      '',
    ]),
  );
  return lines;
}

/** Presence (player culling): what the SDK's 60 s polls of a session that culls cost, next to one that does not. */
function presenceSection(r: Result): string[] {
  const p = r.presence;
  if (!p) return [];
  const lines = [
    '',
    '## Presence (player culling)',
    '',
    `${p.players} players polling one session every ${p.pollSeconds} s for a simulated hour with the ETag each last saw, as RallyHere's Unreal SDK`,
    `does (\`${p.command ?? r.command}\`, bench/presence.ts): capacity per player-hour as DynamoDB Local reported it, and dollars per million`,
    'player-hours at the prices below. Without culling, a 304 poll reads the session item alone. How presence works: [culling.md](culling.md).',
    '',
    row(['session', 'DynamoDB calls in the hour (all players)', 'read units', 'write units', '$ per million player-hours', 'beyond no culling']),
    row(['---', '---', '---', '---', '---', '---']),
  ];
  const calls = (c: Record<string, number>) =>
    Object.entries(c)
      .map(([op, n]) => `${n} ${op}`)
      .join(', ');
  lines.push(
    row([
      'no culling',
      calls(p.baseline.calls),
      p.baseline.readUnitsPerPlayerHour,
      p.baseline.writeUnitsPerPlayerHour,
      usd(p.baseline.dollarsPerMillionPlayerHours),
      '',
    ]),
  );
  for (const t of p.byTimeout)
    lines.push(
      row([
        `player_culling_timeout ${t.timeoutSeconds} s`,
        calls(t.calls),
        t.readUnitsPerPlayerHour,
        t.writeUnitsPerPlayerHour,
        usd(t.dollarsPerMillionPlayerHours),
        `+${usd(t.extra.dollarsPerMillionPlayerHours)}`,
      ]),
    );
  const j = p.freeSeatJoin;
  lines.push(
    '',
    `A join into free seats: ${j.withoutCulling.calls.join(' + ')} (${j.withoutCulling.units} units) without culling, ${j.withCulling.calls.join(' + ')} (${j.withCulling.units} units) with it.`,
  );
  lines.push(
    '',
    `Once the session's cull floor has passed (every member but the leader long silent), a join into free seats reads the presence of the players it rests on, not the session's players: ${p.pastFloorJoin.bySize
      .map(
        (b: { players: number; calls: string[]; units: number }) =>
          `${b.calls.join(' + ')} (${b.units} units) in a session of ${b.players.toLocaleString('en')}`,
      )
      .join(', ')}.`,
  );
  return lines;
}

/** Every route against its two floors, and each miss with what our bytes beyond the libraries floor are. */
function routesSection(r: Result): string[] {
  const rr = r.routes;
  if (!rr) return [];
  const lim = r.settings.routeLimits;
  const mark = (v: number, limit: number) => (v <= limit ? x(v) : `**${past(v, limit)}**`);
  const lines = [
    '',
    '## Every route against its floors',
    '',
    'Per route, three bundles built with the same esbuild settings: ours; the **SDK floor**, the AWS SDK with the',
    "document-client commands our bundle holds that the route's role may send; the **libraries floor**, that plus the",
    'libraries we keep (Powertools Logger and Metrics, aws-jwt-verify, middy with its two middlewares) used as a handler',
    'uses them, and nothing of ours. A floor creates its DynamoDB client when it first sends a call, ours when a request',
    'passes authentication: neither builds one for a refused request.',
    '**Cold start**: a fresh Node process imports the bundle and answers one request',
    'whose token the verifier refuses (the right issuer and key id, signed with another key), timed in CPU time, so a',
    `library deferred to the first request still counts; medians of ${r.settings.routeRounds.other} processes per bundle (${r.settings.routeRounds.hot} for`,
    'the join and the get). Each round runs every route back to back with its own run of its libraries floor, in either',
    'order, and the routes in an order shuffled afresh each round; the ratio is the median over rounds of ours against',
    'that run of the floor, which cancels what drifts between rounds and within one. For one route of each floor the',
    'floor runs a second time among those two, against itself (below the table). The SDK floors run once a round.',
    'Before or after each route and its floor, its libraries floor also runs **carrying our code,',
    'never run**: the floor followed by a function it never calls whose body is our handler bundled without the',
    "floor's packages, so it has our bytes (all but the parts of those packages that our code uses and the floor does",
    'not) and does none of our work. Against the floor it is what our bytes cost by being read, as noisy as the floor',
    'against itself: a figure under 1 found nothing to measure. Targets: cold start at most',
    `${x(lim.coldStart)} and bundle at most ${x(lim.bytes)} of the libraries floor.`,
    'The template routes make no DynamoDB call, so their floors hold no SDK.',
    '',
    row([
      'route',
      'bundle',
      'libraries floor',
      'SDK floor',
      'bytes vs libraries',
      'vs SDK',
      'cold start (CPU)',
      'libraries floor',
      'SDK floor',
      'cold vs libraries',
      'vs SDK',
      'floor carrying ours, never run',
    ]),
    row(['---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---', '---']),
  ];
  for (const f of rr.routes)
    lines.push(
      row([
        `\`${f.handler}\``,
        kib(f.bytes.ours),
        kib(f.bytes.libraries),
        kib(f.bytes.sdk),
        mark(f.ratios.bytesVsLibraries, lim.bytes),
        x(f.ratios.bytesVsSdk),
        ms(f.coldCpuMs.ours),
        ms(f.coldCpuMs.libraries),
        ms(f.coldCpuMs.sdk),
        mark(f.ratios.coldVsLibraries, lim.coldStart),
        x(f.ratios.coldVsSdk),
        x(f.carrying.coldVsLibraries),
      ]),
    );
  const o = rr.optionalFeatures;
  lines.push(
    '',
    'Each libraries floor against itself: run twice beside one of its routes, as a route runs beside its floor (median',
    `over rounds of one run against the other; identical code, so its distance from 1 is what a paired median moves by with nothing to find): ${rr.floorsAgainstThemselves
      .map((f: any) => `\`${f.route}\`'s floor${f.routes > 1 ? ` (${f.routes} routes)` : ''} ${f.ratio.toFixed(3)}x (${f.rounds} rounds)`)
      .join(', ')}.`,
    '',
    `The join bundle without the friends client, password hashing and short-code resolution (each replaced by a stub:`,
    `${o.files.map((f: string) => `\`${f}\``).join(', ')}) is ${kib(o.bytes.without)}, ${kib(o.bytes.with - o.bytes.without)} less; its cold start is`,
    `${ms(o.coldCpuMs.without)} against ${ms(o.coldCpuMs.with)} with them (paired ratio ${x(o.pairedColdRatio)}): they load only when a request needs them.`,
  );
  const missed = rr.routes.filter((f: any) => f.ratios.bytesVsLibraries > lim.bytes || f.ratios.coldVsLibraries > lim.coldStart);
  if (missed.length) {
    lines.push(
      '',
      '### Where a route misses',
      '',
      "Each miss, by how much, and what the bundle holds beyond the libraries floor (esbuild's metafile): our own code",
      "by folder, and the packages the floor does not need. A cold start's excess is its ratio's excess over the limit,",
      "times the libraries floor's median.",
      '',
      row(['route', 'bytes over the limit', 'cold start over the limit', 'beyond the libraries floor (largest first)']),
      row(['---', '---', '---', '---']),
    );
    for (const f of missed) {
      const overBytes = f.bytes.ours - f.bytes.libraries * lim.bytes;
      // By the ratio the target judges (the median of the rounds' ratios), not by the difference of two medians.
      const overCold = (f.ratios.coldVsLibraries - lim.coldStart) * f.coldCpuMs.libraries;
      lines.push(
        row([
          `\`${f.handler}\``,
          overBytes > 0 ? kib(overBytes) : '',
          overCold > 0 ? ms(overCold) : '',
          f.beyondLibraries.map((g: any) => `\`${g.name}\` ${kib(g.beyondFloor)}`).join(', '),
        ]),
      );
    }
  }
  return lines;
}

/** Where a route's cold start differs from its libraries floor's: the import, and the answer to the refused request. */
function coldParts(f: any): string {
  const o = f.coldPartsCpuMs.ours;
  const l = f.coldPartsCpuMs.libraries;
  const signed = (v: number) => `${v >= 0 ? '+' : '−'}${ms(Math.abs(v))}`;
  return `import ${ms(o.import)} against ${ms(l.import)}, ${signed(o.import - l.import)}; the refused request ${ms(o.request)} against ${ms(l.request)}, ${signed(o.request - l.request)}`;
}

/**
 * Why semver and the templates parser stay in the bundles of the routes that read the templates, though a file of
 * their own, loaded when a request first reads the templates, would keep them out of this measurement.
 */
function templatesLoaderNote(routes: any[]): string[] {
  const readers = routes.filter((f) => f.beyondLibraries.some((g: any) => g.name === 'semver'));
  if (!readers.length) return [];
  const sizes = readers.map((f) => f.beyondLibraries.find((g: any) => g.name === 'semver').beyondFloor);
  const range = Math.min(...sizes) === Math.max(...sizes) ? kib(sizes[0]) : `${kib(Math.min(...sizes))} to ${kib(Math.max(...sizes))}`;
  return [
    `  ${readers.map((f) => `\`${f.handler}\``).join(', ')} carry semver (${range}) and the templates parser. Loading them`,
    '  from a file of their own when a request first reads the templates (esbuild code splitting) would take their bytes',
    "  out of this measurement, but not out of any container's first answer: every accepted request of these routes",
    '  reads the templates, so they stay in the bundle.',
  ];
}

/**
 * How much of each route's cold-start excess its libraries floor already shows when it only carries our bytes; a
 * share only where the excess is clear of the noise (`noise`: the widest distance from 1 of a floor against itself).
 */
function carriedShare(routes: any[], noise: number): string {
  const describe = (f: any) => {
    const excess = f.ratios.coldVsLibraries - 1;
    if (excess <= noise) return `${x(f.carrying.coldVsLibraries)} for \`${f.handler}\` (whose own excess is within that noise)`;
    const share = Math.min(100, Math.max(0, Math.round((100 * (f.carrying.coldVsLibraries - 1)) / excess)));
    return `${x(f.carrying.coldVsLibraries)} for \`${f.handler}\` (about ${share}% of its excess)`;
  };
  const bytesApart = Math.max(...routes.map((f) => Math.abs(f.carrying.bytes / f.bytes.ours - 1)));
  return [
    "Part of a route's excess is V8 reading our bytes: the libraries floor carrying our code as a function it never calls",
    `  (our bytes within ${pct(bytesApart)}, none of our work) is ${routes.map(describe).join(', ')}.`,
    ...(routes.every((f) => f.coldPartsCpuMs.ours.request < f.coldPartsCpuMs.libraries.request)
      ? [
          '  The rest is our code being compiled and run when the bundle is imported (its configuration checks, the',
          '  authenticator with its keys, the middleware chain): ours answers the refused request itself faster than the floor.',
        ]
      : [
          '  The rest is our code being compiled and run, at the import (its configuration checks, the authenticator with',
          '  its keys, the middleware chain) and in answering the refused request (the two parts are above).',
        ]),
  ].join('\n');
}

/** For each missed target: by how much, and the measurement of this run that shows why. */
function missesExplained(r: Result): string[] {
  const missed = r.targets.filter((t: any) => !t.pass);
  if (!missed.length) return [];
  const out = ['', '### Why targets are missed', ''];
  const lim = r.settings.routeLimits;
  const routes: any[] = r.routes?.routes ?? [];
  const join = routes.find((f) => f.handler === 'join-session-self');
  for (const t of missed) {
    if (t.target.startsWith('bundle bytes') && join) {
      const allowed = join.bytes.libraries * (lim.bytes - 1);
      out.push(
        `- **${t.target}** (${t.value}). The limit leaves ${kib(allowed)} for everything of ours in the join bundle; ours`,
        `  is ${kib(join.bytes.ours - join.bytes.libraries)} beyond the libraries floor: ${join.beyondLibraries
          .slice(0, 5)
          .map((g: any) => `\`${g.name}\` ${kib(g.beyondFloor)}`)
          .join(', ')}. That is the contract's`,
        '  validators (generated from the spec, every error reported as the contract does), the store and its conditions,',
        "  the rules, the authenticator's claim checks and the error catalog; each route's own figures are in the table",
        '  "Where a route misses". The template routes make no DynamoDB call, so their floor is the libraries alone and',
        '  the same shared code of ours (configuration, authentication, errors, validation) nearly doubles it.',
      );
    } else if (t.target.startsWith('cold start') && join) {
      const over = routes.filter((f) => f.ratios.coldVsLibraries > lim.coldStart).sort((a, b) => b.ratios.coldVsLibraries - a.ratios.coldVsLibraries);
      const noSdk = routes.find((f) => f.commands.length === 0);
      const againstItself: any[] = r.routes.floorsAgainstThemselves;
      const itself = againstItself.map((f) => f.ratio);
      out.push(
        `- **${t.target}** (${t.value}): ${over.length} ${over.length === 1 ? 'route' : 'routes'} over, the highest ${over
          .slice(0, 3)
          .map((f) => `\`${f.handler}\` ${past(f.ratios.coldVsLibraries, lim.coldStart)}`)
          .join(', ')}. Neither ours nor a floor creates its DynamoDB client for a refused`,
        '  request, so the cold start measures what our code adds to the libraries before it can refuse one: V8 compiling',
        '  our bytes ("bundle bytes" below), our modules\' top-level code, and the first run of our configuration,',
        '  observability, body limit, authentication and error envelope (validation comes after authentication). For the',
        `  join that is ${ms(join.coldCpuMs.ours - join.coldCpuMs.libraries)} (${ms(join.coldCpuMs.ours)} against ${ms(join.coldCpuMs.libraries)}; ${coldParts(join)})${noSdk ? `, and for \`${noSdk.handler}\`, whose floor holds no SDK, ${ms(noSdk.coldCpuMs.ours - noSdk.coldCpuMs.libraries)} on a floor of ${ms(noSdk.coldCpuMs.libraries)} (${coldParts(noSdk)})` : ''}.`,
        `  The same measurement of identical code, each libraries floor against itself, gave ${Math.min(...itself).toFixed(3)}x to ${Math.max(...itself).toFixed(3)}x in`,
        `  this run (${itself.length} floors, ${[...new Set(againstItself.map((f) => f.rounds))].join(' or ')} rounds each): a route within that of the limit passes in one run and misses in the next.`,
        `  ${carriedShare([...new Set([...over.slice(0, 3), join])], Math.max(...itself.map((v) => Math.abs(v - 1))))}`,
        ...templatesLoaderNote(routes),
      );
    } else if (t.target.startsWith('warm join p50')) {
      const w = r.warm;
      const ms = (v: number) => `${v.toFixed(2)} ms`;
      out.push(
        `- **${t.target}** (${t.value}): ours ${ms(w.joins.ours.p50)} against the floor's ${ms(w.joins.floor.p50)} (p50). Inside the SDK's`,
        `  \`send()\` ours spends ${ms(w.oursSplit.inSdk.p50)}, and outside it ${ms(w.oursSplit.outsideSdk.p50)}: our code, run in-process through tsx`,
        `  (the deployed bundle's CPU per join is ${r.cpu.cpuMicrosPerJoin} µs). The gap, ${ms(w.joins.ours.p50 - w.joins.floor.p50)}, is a tenth of DynamoDB`,
        "  Local's few milliseconds, so the ratio sits at the target's edge and moves with the machine's load from run to run.",
        `  Within this run the p50 ratio of each fifth of the joins, in order, was ${w.p50RatioByBlock.map((v: number) => v.toFixed(3)).join(', ')}.`,
      );
    } else if (t.target.startsWith('CPU per join')) {
      out.push(
        `- **${t.target}** (${t.value} µs). CPU time moves with the machine's speed: in this run the RS256 check alone took`,
        `  ${r.cpu.parts.rs256VerifyOnlyMicros} µs and a password join's scrypt, a fixed amount of work, ${r.cpu.variants.passwordJoinMicros} µs; the libraries floor`,
        `  answering join requests of the same players (middy, Powertools and aws-jwt-verify, no join work; it checks every`,
        `  token's signature where ours remembers a token it has verified) took ${r.cpu.librariesFloorMicrosPerRequest} µs a request; the same joins of ours, each`,
        `  with a token not verified yet, took ${r.cpu.variants.freshTokenJoinMicros} µs (${r.cpu.variants.rememberedBesideFreshMicros} µs with remembered tokens beside them). The largest self`,
        `  times of the CPU profile: ${r.cpu.profile.top
          .slice(0, 4)
          .map((p: any) => `\`${p.fn}\` (${p.where}) ${p.selfPct}%`)
          .join(', ')}.`,
      );
    } else if (t.target.startsWith('join: the friends client')) {
      const o = r.routes.optionalFeatures;
      out.push(
        `- **${t.target}** (${t.value}). Without them the bundle is ${kib(o.bytes.with - o.bytes.without)} smaller; none of their code runs at`,
        '  the start (the friends client and the hashing are imported when a request needs them, the short-code lookup is',
        '  built on the first code), so what remains is the parse of those bytes and the noise of a CPU-time median.',
      );
    } else out.push(`- **${t.target}** (${t.value}).`);
  }
  return out;
}

/** Powertools side by side with the well-kept alternatives, and the decision it supports. */
function emittersSection(r: Result): string[] {
  if (!r.emitters) return [];
  const [p, a] = ['powertools', 'alternative'].map((k) => r.emitters.find((e: any) => e.emitter === k));
  return [
    '',
    '## Logs and metrics: Powertools against the alternatives',
    '',
    'The same log line (the Lambda context and keys, with fields) and the same EMF metrics (three counts, a rejection',
    'with two dimensions on a line of its own) per invocation, through Powertools Logger and Metrics and through pino',
    'and aws-embedded-metrics (bench/emitters/), each bundled with our settings: bytes, cold start (CPU of a fresh',
    "process's import and one invocation, median) and CPU per warm invocation (median of 5 processes of 5,000).",
    '',
    row(['emitter', 'packages', 'bundle', 'cold start (CPU)', 'CPU per warm invocation']),
    row(['---', '---', '---', '---', '---']),
    ...r.emitters.map((e: any) => row([e.emitter, e.packages, kib(e.bytes), ms(e.coldCpuMs), `${e.warmCpuMicrosPerInvocation} µs`])),
    '',
    p.bytes <= a.bytes && p.coldCpuMs <= a.coldCpuMs
      ? `Powertools stays: the alternatives cost ${kib(a.bytes - p.bytes)} and ${ms(a.coldCpuMs - p.coldCpuMs)} more of every cold start${a.warmCpuMicrosPerInvocation < p.warmCpuMicrosPerInvocation ? `, for ${(p.warmCpuMicrosPerInvocation - a.warmCpuMicrosPerInvocation).toFixed(1)} µs less CPU per invocation that emits this much (a join emits one EMF line and, at the default level, no log line)` : ''}.`
      : 'The alternatives are smaller or start faster here: see the figures above.',
  ];
}

function contributors(r: Result): string[] {
  const out: string[] = [];
  for (const [h, c] of Object.entries<any>(r.cold.contributorsBeyondFloor)) {
    out.push('', `${h}: ${kib(c.totalBeyondFloor)} beyond the floor, by package or folder (esbuild's metafile):`, '');
    out.push(row(['contributor', 'bytes']), row(['---', '---']));
    for (const g of c.groups.slice(0, 10)) out.push(row([`\`${g.name}\``, kib(g.beyondFloor)]));
  }
  return out;
}

export function performancePage(r: Result): string {
  const m = r.machine;
  return [
    '<!-- GENERATED by `npm run bench` (or `npm run bench:page`) from bench/results/latest.json. Do not edit. -->',
    '# Performance',
    '',
    '`npm run bench` measures every figure against its **floor**: the AWS SDK issuing the same DynamoDB calls with the',
    'same items and conditions, bundled with the same esbuild settings, and every route also against its **libraries',
    'floor**, that plus the libraries we keep (below). It prints the tables, writes',
    '[`bench/results/latest.json`](../bench/results/latest.json), the chart and this page. How each figure is measured:',
    '[`bench/README.md`](../bench/README.md).',
    '',
    `The figures below are from \`${r.command}\` of ${r.generatedAt.slice(0, 10)} (${r.durationSeconds} s): ${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB,`,
    `Node ${m.node}, ${m.java}; load average ${m.loadAverage1m.start} at the start and ${m.loadAverage1m.end} at the end.`,
    '',
    '![latency against session size, and ours against the floor](../bench/results/latency.svg)',
    '',
    ...figureTable(r),
    '',
    '## Targets',
    '',
    row(['target', 'measured', '']),
    row(['---', '---', '---']),
    ...r.targets.map((t: any) => row([t.target, typeof t.value === 'number' ? String(t.value) : t.value, t.pass ? 'met' : '**missed**'])),
    '',
    `${r.targets.filter((t: any) => t.pass).length} of ${r.targets.length} targets met.`,
    ...missesExplained(r),
    ...routesSection(r),
    ...emittersSection(r),
    ...presenceSection(r),
    '',
    '## Where the bytes beyond the floor go',
    ...contributors(r),
    '',
    '## Prices',
    '',
    `${r.cost.prices.region}, ${r.cost.prices.checked}: DynamoDB on-demand $${r.cost.prices.dynamodbWritePerMillionWru} per million write and`,
    `$${r.cost.prices.dynamodbReadPerMillionRru} per million read request units; Lambda ${r.cost.lambda.architecture} $${r.cost.prices.lambdaArmPerGbSecond} per GB-second and`,
    `$${r.cost.prices.lambdaPerMillionRequests} per million requests, at ${r.cost.lambda.memoryMb} MB.`,
    '',
    'Contention figures come from DynamoDB Local, which runs transactions one after another and never reports a',
    '`TransactionConflict`; in AWS expect more attempts per join under contention (the retry loop is bounded and',
    'jittered, see [architecture](architecture.md#concurrency-and-etags)).',
    '',
  ].join('\n');
}

export const readResult = (root: string): Result => JSON.parse(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8'));
