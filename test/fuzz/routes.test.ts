// Methods and raw paths: any method on any path, routed the way API Gateway's HTTP API
// routes (the local stack's RouteTable over the spec's operations), then served by the handler the route names. A request
// that matches no route is answered 404 route_not_found, a known path with another method 405 method_not_allowed
// with Allow, both in the service's envelope; a request that matches gets a documented answer of its operation,
// never a 5xx, and changes nothing when it is refused.
import { readFileSync } from 'node:fs';
import { jest } from '@jest/globals';
import fc from 'fast-check';
import { OPERATIONS, ROUTES } from '../../schemas/generated/operations.js';
import { RouteTable } from '../../local/route-table.js';
import { lambdaContext, type Answer } from '../support/api.js';
import { checkProperty } from './check-property.js';
import {
  FUZZED_OPERATIONS,
  freshTarget,
  hostilePlayerUuid,
  hostileSessionId,
  identities,
  partitionItems,
  problemWith,
  type Operation,
} from './fuzz-harness.js';

const RUNS = Number(process.env.FUZZ_ROUTE_RUNS ?? 400);
const SEED = Number(process.env.FUZZ_SEED ?? 7_2026);

/** The session permissions as upstream defines them (IntraSessionPermissions of the 2026-08 spec): invite, kick, move. */
const PERMISSION_NAMES = (
  JSON.parse(readFileSync(new URL('../contract/upstream/session-api.schemas.json', import.meta.url), 'utf8')) as {
    schemas: { IntraSessionPermissions: { enum: string[] } };
  }
).schemas.IntraSessionPermissions.enum;
/** A `{permission}` path parameter: mostly one upstream defines, else a near miss or anything at all. */
const permissionArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...PERMISSION_NAMES) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('', 'KICK', 'Invite', 'admin', 'leader', 'kick ', ' move', 'kick,move', 'invite:kick', '__proto__', 'constructor', '%6Bick'),
      fc.string(),
    ),
  },
);

const table = new RouteTable(ROUTES);
const handlerOf = new Map<string, (event: unknown, context: unknown) => Promise<unknown>>();
for (const r of ROUTES) handlerOf.set(r.handler, (await import(`../../handlers/${r.handler}.js`)).handler);
/** The operation a routed request reaches: of its route, the one whose suffix its parameter ends with, else the plain one. */
const operationOf = (method: string, path: string, params: Record<string, string>): Operation | undefined => {
  const onRoute = FUZZED_OPERATIONS.filter((o) => o.method === method && o.route === path);
  return (
    onRoute.find((o) => o.pathSuffix && params[o.pathSuffix.parameter]?.endsWith(o.pathSuffix.suffix)) ??
    onRoute.find((o) => !o.pathSuffix) ??
    onRoute[0]
  );
};

const print = console.log.bind(console);
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
});

const methodArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'Post', 'PROPFIND', 'FOO', '') },
);
/** A path segment as a client might send it: plain, percent-encoded, double-encoded, or broken encoding. */
const segment = (value: fc.Arbitrary<string>) =>
  fc.tuple(value, fc.constantFrom('encoded', 'raw', 'double', 'broken')).map(([v, how]) => {
    const wellFormed = (v as string & { toWellFormed(): string }).toWellFormed();
    if (how === 'encoded') return encodeURIComponent(wellFormed);
    if (how === 'double') return encodeURIComponent(encodeURIComponent(wellFormed));
    if (how === 'broken') return `${encodeURIComponent(wellFormed)}%E0%A4%A`;
    return wellFormed.replaceAll('?', '%3F').replaceAll('#', '%23');
  });

function pathArb(target: () => { sessionId: string; playerUuid: string }): fc.Arbitrary<string> {
  // The routes, and the contract's paths (a suffix after a parameter: `{player_uuid}:invite`).
  const templates = [...new Set(OPERATIONS.flatMap((r) => [r.path, r.contractPath]))];
  const filled = fc
    .record({
      template: fc.constantFrom(...templates),
      sessionId: fc.option(segment(hostileSessionId), { freq: 2 }),
      playerUuid: fc.option(segment(hostilePlayerUuid), { freq: 2 }),
      type: segment(fc.constantFrom('lobby', 'duel', 'nope', '', '%', '..')),
      other: fc.option(segment(hostileSessionId), { freq: 2 }),
      permission: segment(permissionArb),
    })
    .map(({ template, sessionId, playerUuid, type, other, permission }) =>
      template
        .replace('{session_id}', sessionId ?? encodeURIComponent(target().sessionId))
        .replace('{player_uuid}', playerUuid ?? target().playerUuid)
        .replace('{session_type}', type)
        .replace('{permission}', permission)
        .replace(/\{(invited|kicked)_session_id\}/, other ?? encodeURIComponent(target().sessionId)),
    );
  // The permission routes, one template among many, also on their own, on the target's player: so that each name
  // upstream defines (and others) reaches the rules, not only a 404 for a session or player that is not there.
  const permissionRoutes = fc
    .tuple(fc.constantFrom(...templates.filter((t) => t.includes('{permission}'))), segment(permissionArb))
    .map(([template, permission]) =>
      template
        .replace('{session_id}', encodeURIComponent(target().sessionId))
        .replace('{player_uuid}', target().playerUuid)
        .replace('{permission}', permission),
    );
  const mangled = fc
    .tuple(filled, fc.constantFrom('trailing slash', 'double slash', 'upper case', 'dot segment', 'no leading slash', 'v2'))
    .map(([p, how]) => {
      if (how === 'trailing slash') return `${p}/`;
      if (how === 'double slash') return p.replace('/session/', '/session//');
      if (how === 'upper case') return p.toUpperCase();
      if (how === 'dot segment') return p.replace('/v1/', '/v1/../v1/');
      if (how === 'no leading slash') return p.slice(1);
      return p.replace('/v1/', '/v2/');
    });
  return fc.oneof(
    { weight: 5, arbitrary: filled },
    { weight: 2, arbitrary: mangled },
    { weight: 1, arbitrary: permissionRoutes },
    {
      weight: 1,
      arbitrary: fc.constantFrom('/', '', '*', '/session', '/session/v1', '/session/v1/session/x/player', '/session/v1/session/x/player/me/extra'),
    },
    { weight: 1, arbitrary: fc.webPath() },
  );
}

test(
  `any method on any path: routed answers are documented, the rest 404/405 in the envelope (${RUNS} cases, seed ${SEED})`,
  async () => {
    const ids = identities();
    let target = await freshTarget();
    let stored = await partitionItems(`S#${target.sessionId}`);
    const tally: Record<string, number> = {};
    /** Routed requests of the permission operations, by the answer's status and whether the permission is one upstream defines. */
    const permissionTally: Record<string, number> = {};
    await checkProperty(
      fc.record({ method: methodArb, path: pathArb(() => target), trusted: fc.boolean() }),
      async ({ method, path, trusted }) => {
        const m = table.match(method, path);
        let a: Answer;
        let op: Operation | undefined;
        let permissionKind: string | undefined;
        if (m.kind !== 'route') {
          const r = m.result;
          a = { status: r.statusCode, headers: r.headers ?? {}, body: r.body ? JSON.parse(r.body) : undefined, raw: r.body };
          const expected = m.kind === 'not_found' ? [404, 'route_not_found'] : [405, 'method_not_allowed'];
          if (
            a.status !== expected[0] ||
            a.body?.error_code !== expected[1] ||
            Object.keys(a.body).sort().join() !== 'auth_success,desc,error_code'
          ) {
            throw new Error(`unrouted request answered ${a.status} ${a.raw}`);
          }
          // Allow names the methods the path's routes serve: theirs, and HEAD where there is GET.
          const served = (x: string) => OPERATIONS.some((r) => r.method === x || (x === 'HEAD' && r.method === 'GET'));
          if (m.kind === 'method_not_allowed' && !(a.headers.allow ?? '').split(', ').every(served)) throw new Error(`Allow: ${a.headers.allow}`);
        } else {
          op = operationOf(m.route.method, m.route.path, m.pathParameters);
          if (op?.route.includes('{permission}')) {
            const named = m.pathParameters.permission;
            permissionKind = named === '{permission}' ? 'unfilled' : PERMISSION_NAMES.includes(named ?? '') ? 'valid' : 'invalid';
          }
          const who = trusted ? ids.admin : ids.player;
          const event = {
            version: '2.0',
            routeKey: m.routeKey,
            rawPath: path,
            rawQueryString: '',
            headers: { authorization: `Bearer ${who.token}` },
            ...(Object.keys(m.pathParameters).length ? { pathParameters: m.pathParameters } : {}),
            requestContext: {
              http: { method: method.toUpperCase(), path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'fuzz' },
              requestId: 'fuzz',
              routeKey: m.routeKey,
              stage: '$default',
              time: '',
              timeEpoch: 0,
            },
            isBase64Encoded: false,
          };
          const result = (await handlerOf.get(m.route.handler)!(event, lambdaContext())) as {
            statusCode: number;
            headers?: Record<string, string>;
            body?: string;
          };
          a = { status: result.statusCode, headers: result.headers ?? {}, body: result.body ? JSON.parse(result.body) : undefined, raw: result.body };
          if (a.status >= 500) throw new Error(`${m.routeKey} answered ${a.status} ${a.raw}`);
          // HEAD is GET without the body: the same status and headers, and nothing else.
          if (op && method.toUpperCase() === 'HEAD') {
            if (a.raw) throw new Error(`HEAD ${path} answered ${a.status} with a body`);
            // Only the status is checked: the body a GET would carry is stood in for by its shape.
            const stand = a.status === 200 ? undefined : a.status === 422 ? { detail: [] } : { auth_success: true, error_code: 'x', desc: 'x' };
            const asGet = problemWith(op, { ...a, body: stand });
            if (asGet?.includes('a status the contract does not document')) throw new Error(asGet);
          } else if (op) {
            const problem = problemWith(op, a);
            if (problem) throw new Error(problem);
          }
        }
        tally[a.status] = (tally[a.status] ?? 0) + 1;
        if (permissionKind) permissionTally[`${permissionKind} ${a.status}`] = (permissionTally[`${permissionKind} ${a.status}`] ?? 0) + 1;
        const after = await partitionItems(`S#${target.sessionId}`);
        // The session the request named: its id, once the operation's suffix (if it carries one) is taken off.
        const named = m.kind === 'route' ? m.pathParameters.session_id : undefined;
        const suffix = op?.pathSuffix?.parameter === 'session_id' ? op.pathSuffix.suffix : '';
        const accepted =
          a.status < 300 &&
          op !== undefined &&
          op.method !== 'GET' &&
          named !== undefined &&
          (named === target.sessionId || named === target.sessionId + suffix);
        if (!accepted && after !== stored) throw new Error(`a ${a.status} answer changed the session`);
        stored = after;
        if (accepted && after === '[]') {
          target = await freshTarget();
          stored = await partitionItems(`S#${target.sessionId}`);
        }
      },
      {
        numRuns: RUNS,
        seed: SEED,
        label: ({ method, path, trusted }) => `${JSON.stringify(method)} ${JSON.stringify(path).slice(0, 300)} (${trusted ? 'trusted' : 'player'})`,
      },
    );
    print(
      `fuzz (routes): ${RUNS} cases held; answers by status: ${JSON.stringify(tally)}; permission routes: ${JSON.stringify(permissionTally)}; seed ${SEED}`,
    );
    // The permission routes were reached with the names upstream defines (not the template's literal `{permission}`).
    const reached = (kind: string) => Object.entries(permissionTally).reduce((n, [k, v]) => (k.startsWith(`${kind} `) ? n + v : n), 0);
    expect(reached('unfilled')).toBe(0);
    if (RUNS >= 400) expect(reached('valid')).toBeGreaterThan(0);
  },
  Math.max(60_000, RUNS * 300),
);
