// The CPU bench's child process (bench/cpu.ts runs it): our CPU per join, the join handler on the in-memory store
// (test/support/memory-store.ts: our code alone, no I/O) with real RS256 tokens. bench/cpu.ts bundles this file with
// the handlers' own esbuild settings (lib/bundling.ts), so the code timed is the code deployed (minified, as
// Lambda loads it), and the profile's positions are mapped back to the sources through the bundle's source map.
// The store goes in as the `store` of the Services object getServices() (src/runtime/services.ts) hands every
// request. The modules are imported only once the environment they read at load is set.
import { readFileSync, writeFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { CpuResult } from './cpu.js';
import { JOIN_ROUTE, joinBody } from './requests.js';
import { median, round } from './statistics.js';

async function child(): Promise<Omit<CpuResult, 'processes'>> {
  const { createVerify, createPublicKey } = await import('node:crypto');
  const { authEnvFor, createTestIssuer, playerToken } = await import('../test/support/test-issuer.js');
  const { GAME_CLIENT_PERMISSIONS } = await import('../schemas/generated/operations.js');
  const issuer = createTestIssuer();
  Object.assign(process.env, authEnvFor(issuer), {
    SESSIONS_TABLE_NAME: 'sessions-cpu-bench',
    AWS_REGION: 'local',
    // Never reached: the store is replaced before the first request.
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOG_LEVEL: 'warn',
  });
  const { handler } = await import('../handlers/join-session-self.js');
  const { getServices } = await import('../src/runtime/services.js');
  const { joinSession } = await import('../src/sessions/operations/join-session.js');
  const { newSession } = await import('../src/sessions/model/new-session.js');
  const { ANY_CROSSPLAY } = await import('../src/sessions/model/session.js');
  const { httpApiEvent, lambdaContext } = await import('../test/support/api.js');

  const { MemoryStore } = await import('../test/support/memory-store.js');
  const memory = new MemoryStore();
  const services = getServices();
  services.store = memory;
  const committed = () => memory.commits.filter((c) => c.ok).length;

  const players = Array.from({ length: 50 }, () => {
    const uuid = crypto.randomUUID();
    return { uuid, token: playerToken(issuer, { sub: uuid }) };
  });
  let sessions = 0;
  let mood = 0;
  /** A join of `sessionId` by `p`, the session named in the path as `named` (its id, or its short code). */
  const joinEvent = (p: (typeof players)[number], sessionId: string, named: string, body: ReturnType<typeof joinBody>) => ({
    playerUuid: p.uuid,
    sessionId,
    body,
    event: httpApiEvent({
      method: 'POST',
      route: JOIN_ROUTE,
      pathParameters: { session_id: named },
      headers: { authorization: `Bearer ${p.token}` },
      body,
    }),
  });
  /** The warm bench's mix: per session of 2 x 10 seats, 10 fresh joins and 10 updates that write. */
  const makeEvents = (n: number) => {
    const events: { event: unknown; playerUuid: string; sessionId: string; body: ReturnType<typeof joinBody> }[] = [];
    while (events.length < n) {
      const s = newSession({ sessionId: `cpu-${sessions++}`, type: 'bench', teamSizes: [10, 10], joinable: true });
      void memory.createSession(s, [], new Date());
      const who = (i: number) => players[(sessions * 10 + i) % players.length]!;
      const push = (i: number, update: boolean) =>
        events.push(joinEvent(who(i), s.sessionId, s.sessionId, update ? joinBody(i % 2, { mood: `m${mood++}` }) : joinBody(i % 2)));
      for (let i = 0; i < 10; i++) {
        push(i, false);
        if (i > 0) push(i - 1, true);
      }
      push(9, true);
    }
    return events.slice(0, n);
  };

  type Events = ReturnType<typeof makeEvents>;
  const contextsFor = (events: Events) => events.map(() => lambdaContext('cpu'));
  /** Each event through `serve`, which must answer 200: CPU and wall time per request, in µs. */
  const timed = async (label: string, serve: typeof handler, events: Events, contexts = contextsFor(events)) => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < events.length; i++) {
      const r = await serve(events[i]!.event as never, contexts[i]!);
      if (r.statusCode !== 200) throw new Error(`${label} answered ${r.statusCode}: ${r.body}`);
    }
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMicros: (wall * 1000) / events.length, cpuMicros: (cpu.user + cpu.system) / events.length };
  };
  const runHandler = (events: Events, contexts?: ReturnType<typeof contextsFor>) => timed('join', handler, events, contexts);
  type Timing = Awaited<ReturnType<typeof timed>>;
  /**
   * `blocks` blocks of each of two runs, in turn, the one that goes first alternating (so neither always follows
   * the other): each run's timings, in order. The other threads of the process (the collector's) add CPU time
   * unevenly, and a block they hit hard moves a median of blocks less than a total.
   */
  const inTurn = async (blocks: number, a: (b: number) => Promise<Timing>, z: (b: number) => Promise<Timing>) => {
    const out = { a: [] as Timing[], z: [] as Timing[] };
    for (let b = 0; b < blocks; b++) {
      if (b % 2) out.z.push(await z(b));
      out.a.push(await a(b));
      if (!(b % 2)) out.z.push(await z(b));
    }
    return out;
  };
  const cpuMedian = (blocks: Timing[]) => median(blocks.map((b) => b.cpuMicros));

  // The libraries floor (bench/floor/libraries-floor.ts: middy, Powertools, aws-jwt-verify, nothing of ours) answering
  // join requests of the same players: what the libraries alone cost per request on this machine in this run. It
  // does no join work, and aws-jwt-verify checks the signature of every token it is given, where ours remembers a
  // token it has verified (src/auth/verified-tokens.ts).
  const { librariesFloor } = await import('./floor/libraries-floor.js');
  const floor = librariesFloor() as unknown as typeof handler;
  // One event per request: middy's body parser replaces an event's body with the parsed object. No session behind
  // them: the floor reads none.
  const floorEventsOf = (n: number): Events =>
    Array.from({ length: n }, (_, i) => joinEvent(players[i % players.length]!, `floor-${i}`, `floor-${i}`, joinBody(i % 2)));

  const N = 5000;
  // A warm container's cost: V8 goes on optimizing, on threads of its own whose CPU time counts, for the first few
  // thousand requests (after 2,000 the blocks below still fell from about 120 µs to 60), so the warm-up is longer.
  const WARM_UP = 6000;
  // In blocks, ours and the floor in turn, each figure the median of its blocks.
  const BLOCKS = 5;
  await runHandler(makeEvents(WARM_UP));
  await timed('the libraries floor', floor, floorEventsOf(WARM_UP / 2));
  const commitsBefore = committed();
  const { a: oursBlocks, z: floorBlocks } = await inTurn(
    BLOCKS,
    () => runHandler(makeEvents(N / BLOCKS)),
    () => timed('the libraries floor', floor, floorEventsOf(N / BLOCKS)),
  );
  if (committed() - commitsBefore !== N) throw new Error(`expected ${N} commits through the in-memory store, saw ${committed() - commitsBefore}`);
  const main = { cpuMicros: cpuMedian(oursBlocks), wallMicros: median(oursBlocks.map((b) => b.wallMicros)) };
  const librariesFloorMicros = cpuMedian(floorBlocks);

  // Parts of ours, each alone over the same number of requests.
  const authHeaders = players.map((p) => `Bearer ${p.token}`);
  const timeLoop = async (fn: (i: number) => Promise<unknown> | unknown) => {
    for (let i = 0; i < 500; i++) await fn(i);
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) await fn(i);
    const cpu = process.cpuUsage(cpu0);
    return (cpu.user + cpu.system) / N;
  };
  const jwtVerifyMicros = await timeLoop((i) => services.authenticator.authenticate(authHeaders[i % authHeaders.length]));
  const publicKey = createPublicKey({ key: issuer.jwks.keys[0]!, format: 'jwk' });
  const rs256VerifyOnlyMicros = await timeLoop((i) => {
    const [h, p, sig] = players[i % players.length]!.token.split('.');
    return createVerify('RSA-SHA256').update(`${h}.${p}`).verify(publicKey, Buffer.from(sig!, 'base64url'));
  });
  const joinEvents = makeEvents(N + 500);
  const joinSessionWithFakeMicros = await timeLoop((i) => {
    const e = joinEvents[i]!;
    return joinSession(memory, e.sessionId, {
      playerUuid: e.playerUuid,
      status: 'member',
      teamId: e.body.team_id,
      clientVersion: e.body.client_version,
      clientSettings: e.body.client_settings as never,
      crossplay: ANY_CROSSPLAY,
      customData: e.body.custom_data,
    });
  });

  // What some joins add, measured the same way: a newcomer giving the password of a password-protected session (one
  // scrypt verification: fewer requests, each costs milliseconds), and a join naming the session by its short code.
  const { hashPassword } = await import('../src/security/password-hash.js');
  const passwordHash = await hashPassword('bench password');
  const variantEvents = (n: number, over: (sessionId: string) => { id: string; body: ReturnType<typeof joinBody> }) =>
    Array.from({ length: n }, (_, i) => {
      const s = newSession({ sessionId: `cpu-v-${sessions++}`, type: 'bench', teamSizes: [10, 10], joinable: true, passwordHash });
      void memory.createSession(s, [], new Date());
      const { id, body } = over(s.sessionId);
      return joinEvent(players[i % players.length]!, s.sessionId, id, body);
    });
  const PASSWORD_JOINS = 100;
  const password = await runHandler(variantEvents(PASSWORD_JOINS, (id) => ({ id, body: { ...joinBody(0), password: 'bench password' } as never })));
  let codes = 0;
  const withCode = (sessionId: string) => {
    const code = `B${String(codes++).padStart(5, '0')}`;
    const stored = memory.sessions.get(sessionId)!;
    stored.session.shortCode = code;
    delete stored.session.passwordHash;
    memory.shortCodes.set(code, { sessionId, incarnation: stored.session.incarnation });
    return code;
  };
  const SHORT_CODE_JOINS = 2000;
  const shortCode = await runHandler(variantEvents(SHORT_CODE_JOINS, (id) => ({ id: withCode(id).toLowerCase(), body: joinBody(0) })));

  // Profile of another N requests, sampled every 100 µs by V8's CPU profiler (what `node --cpu-prof` writes).
  const profEvents = makeEvents(N);
  const profContexts = contextsFor(profEvents);
  const profile = await profiled(() => runHandler(profEvents, profContexts));

  // The same joins, each with a token the container has not verified yet (the same player, a new token), so that
  // every one goes through aws-jwt-verify and its RS256 check: what remembering a token saves a client that sends
  // it again. Signing the tokens takes a while: fewer requests, the figure the median of 5 blocks after a warm-up
  // of the same kind. Last, since they push the players' remembered tokens out. By now the process holds every
  // session of the runs above and a request costs more than early on (a larger heap to collect), so each block
  // runs beside a block of the same joins with remembered tokens, and the difference is what the new token costs.
  const scope = GAME_CLIENT_PERMISSIONS.join(' ');
  const withNewTokens = (events: Events): Events =>
    events.map((e) => {
      const event = e.event as { headers: Record<string, string> };
      const token = issuer.sign({ sub: e.playerUuid, scope, jti: crypto.randomUUID() });
      return { ...e, event: { ...event, headers: { ...event.headers, authorization: `Bearer ${token}` } } };
    });
  const FRESH_TOKEN_JOINS = 1000;
  await runHandler(withNewTokens(makeEvents(FRESH_TOKEN_JOINS)));
  // That warm-up's new tokens pushed the players' tokens out of the container's memory: verified again here.
  await runHandler(makeEvents(FRESH_TOKEN_JOINS / BLOCKS));
  // Signed before any block runs, so that no block pays for the signing's garbage.
  const freshTokenEvents = Array.from({ length: BLOCKS }, () => withNewTokens(makeEvents(FRESH_TOKEN_JOINS / BLOCKS)));
  const besideEvents = Array.from({ length: BLOCKS }, () => makeEvents(FRESH_TOKEN_JOINS / BLOCKS));
  // The memory holds 1,000 tokens and lets the oldest go: the players', verified again just above, last through 950
  // new ones, past the last remembered block.
  const { a: besideBlocks, z: freshTokenBlocks } = await inTurn(
    BLOCKS,
    (b) => runHandler(besideEvents[b]!),
    (b) => runHandler(freshTokenEvents[b]!),
  );
  const freshTokenMicros = cpuMedian(freshTokenBlocks);
  const besideMicros = cpuMedian(besideBlocks);

  return {
    requests: N,
    cpuMicrosPerJoin: round(main.cpuMicros, 1),
    wallMicrosPerJoin: round(main.wallMicros, 1),
    parts: {
      jwtVerifyMicros: round(jwtVerifyMicros, 1),
      rs256VerifyOnlyMicros: round(rs256VerifyOnlyMicros, 1),
      joinSessionWithFakeMicros: round(joinSessionWithFakeMicros, 1),
      restMicros: round(main.cpuMicros - jwtVerifyMicros - joinSessionWithFakeMicros, 1),
    },
    librariesFloorMicrosPerRequest: round(librariesFloorMicros, 1),
    blocks: {
      oursCpuMicros: oursBlocks.map((b) => round(b.cpuMicros, 1)),
      librariesFloorCpuMicros: floorBlocks.map((b) => round(b.cpuMicros, 1)),
    },
    profile,
    variants: {
      passwordJoins: PASSWORD_JOINS,
      passwordJoinMicros: Math.round(password.cpuMicros),
      shortCodeJoins: SHORT_CODE_JOINS,
      shortCodeJoinMicros: round(shortCode.cpuMicros, 1),
      freshTokenJoins: FRESH_TOKEN_JOINS,
      freshTokenJoinMicros: round(freshTokenMicros, 1),
      rememberedBesideFreshMicros: round(besideMicros, 1),
    },
  };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

async function profiled(run: () => Promise<unknown>): Promise<CpuResult['profile']> {
  const { Session } = await import('node:inspector');
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  await run();
  const { profile } = await post<{ profile: { nodes: ProfileNode[]; startTime: number; endTime: number } }>('Profiler.stop');
  session.disconnect();

  // Positions in the bundle, mapped back to the source file and line by the bundle's source map.
  const bundleUrl = import.meta.url;
  const map = new SourceMap(JSON.parse(readFileSync(`${fileURLToPath(bundleUrl)}.map`, 'utf8')) as SourceMapPayload);
  const bundleDir = dirname(fileURLToPath(bundleUrl));
  const root = process.env.BENCH_ROOT ?? process.cwd();
  const short = (path: string) => {
    const nm = path.lastIndexOf('node_modules/');
    if (nm >= 0) return path.slice(nm + 'node_modules/'.length);
    return relative(root, path);
  };
  const origin = (frame: ProfileNode['callFrame']): { url: string; fn: string; where: string } => {
    if (frame.url !== bundleUrl)
      return { url: frame.url, fn: frame.functionName, where: frame.url ? `${frame.url.replace(/^file:\/\//, '')}:${frame.lineNumber + 1}` : '' };
    const found = map.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; name?: string };
    if (!found.originalSource) return { url: frame.url, fn: frame.functionName, where: 'bundle' };
    const path = resolve(bundleDir, found.originalSource.replace(/^file:\/\//, ''));
    return { url: path, fn: found.name ?? frame.functionName, where: `${short(path)}:${(found.originalLine ?? 0) + 1}` };
  };
  const moduleOf = (url: string, fn: string) => {
    if (!url) return fn.startsWith('(') ? fn : '(native)';
    if (url.startsWith('node:')) return 'node: built-ins';
    const s = short(url);
    if (s.startsWith('@')) return s.split('/').slice(0, 2).join('/');
    if (url.includes('node_modules/')) return s.split('/')[0]!;
    return s.split('/').slice(0, 2).join('/');
  };
  const total = profile.nodes.reduce((n, x) => n + (x.hitCount ?? 0), 0) || 1;
  const byFn = new Map<string, { fn: string; where: string; hits: number }>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (!hits) continue;
    const { url, fn, where } = origin(node.callFrame);
    const key = `${fn}@${where}`;
    const entry = byFn.get(key) ?? { fn: fn || '(anonymous)', where, hits: 0 };
    entry.hits += hits;
    byFn.set(key, entry);
    const m = moduleOf(url, fn);
    byModule.set(m, (byModule.get(m) ?? 0) + hits);
  }
  const pct = (h: number) => Math.round((1000 * h) / total) / 10;
  return {
    sampledMs: Math.round((profile.endTime - profile.startTime) / 1000),
    top: [...byFn.values()]
      .sort((a, b) => b.hits - a.hits)
      .slice(0, 20)
      .map((e) => ({ fn: e.fn, where: e.where, selfPct: pct(e.hits) })),
    byModule: [...byModule]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([module, h]) => ({ module, selfPct: pct(h) })),
  };
}

child().then(
  (r) => {
    writeFileSync(process.env.BENCH_RESULT_FILE!, JSON.stringify(r));
    process.exit(0);
  },
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
