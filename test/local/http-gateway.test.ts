// The local stack's API Gateway stand-in, without a socket: request → HTTP API (payload 2.0) event, route matching,
// handler result → response, and the sample events in events/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROUTES } from '../../schemas/generated/operations.js';
import { fromLambdaResult, splitTarget, toHttpApiEvent, type RawRequest } from '../../local/http-gateway.js';
import { RouteTable } from '../../local/route-table.js';
import { httpApiEvent } from '../support/api.js';
import { ROOT } from './stack-process.js';

function request(over: Partial<RawRequest> & { headers?: [string, string][] } = {}): RawRequest {
  const { headers, ...rest } = over;
  return {
    method: 'POST',
    url: '/session/v1/session/lobby%2F42%20x/player/me?refresh_ttl=false&tag=a&tag=b&q=%C3%A9+x',
    rawHeaders: (
      headers ?? [
        ['Host', '127.0.0.1:3000'],
        ['Content-Type', 'application/json'],
        ['User-Agent', 'curl/8'],
      ]
    ).flat(),
    body: Buffer.from('{"a":1}'),
    sourceIp: '127.0.0.1',
    httpVersion: '1.1',
    ...rest,
  };
}

const JOIN = { routeKey: 'POST /session/v1/session/{session_id}/player/me', pathParameters: { session_id: 'lobby/42 x' } };

describe('toHttpApiEvent', () => {
  it('builds the event API Gateway sends: raw path and query, decoded parameters, route key, request context', () => {
    const now = new Date('2026-11-24T12:00:01.234Z');
    const e = toHttpApiEvent(request(), JOIN, now);
    expect(e).toMatchObject({
      version: '2.0',
      routeKey: JOIN.routeKey,
      rawPath: '/session/v1/session/lobby%2F42%20x/player/me',
      rawQueryString: 'refresh_ttl=false&tag=a&tag=b&q=%C3%A9+x',
      queryStringParameters: { refresh_ttl: 'false', tag: 'a,b', q: 'é x' },
      pathParameters: { session_id: 'lobby/42 x' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        routeKey: JOIN.routeKey,
        stage: '$default',
        time: '24/Nov/2026:12:00:01 +0000',
        timeEpoch: now.getTime(),
        domainName: '127.0.0.1',
        http: {
          method: 'POST',
          path: '/session/v1/session/lobby%2F42%20x/player/me',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'curl/8',
        },
      },
    });
    expect(e.requestContext.requestId).toMatch(/^[A-Za-z0-9+/]{15}=$/);
    expect(toHttpApiEvent(request(), JOIN).requestContext.requestId).not.toBe(e.requestContext.requestId);
  });

  it('has the shape of the events the handler tests use (test/support/api.ts)', () => {
    const ours = toHttpApiEvent(request(), JOIN);
    const theirs = httpApiEvent({
      method: 'POST',
      route: '/session/v1/session/{session_id}/player/me',
      pathParameters: { session_id: 'x' },
      query: { a: '1' },
      body: {},
    });
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(Object.keys(ours.requestContext).sort()).toEqual(Object.keys(theirs.requestContext).sort());
    expect(Object.keys(ours.requestContext.http).sort()).toEqual(Object.keys(theirs.requestContext.http).sort());
  });

  it('lower-cases header names, joins repeated headers with commas, and moves cookies to their own list', () => {
    const e = toHttpApiEvent(
      request({
        headers: [
          ['Host', '127.0.0.1:3000'],
          ['X-Custom', 'one'],
          ['x-custom', 'two'],
          ['Cookie', 'a=1; b=2'],
          ['Authorization', 'Bearer t'],
          ['If-None-Match', '"e-1"'],
        ],
      }),
      JOIN,
    );
    expect(e.headers).toMatchObject({ host: '127.0.0.1:3000', 'x-custom': 'one,two', authorization: 'Bearer t', 'if-none-match': '"e-1"' });
    expect(e.headers).not.toHaveProperty('cookie');
    expect(e.cookies).toEqual(['a=1', 'b=2']);
    expect(e.headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-forwarded-proto': 'http', 'x-forwarded-port': '3000' });
    expect(e.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });

  it('leaves out what a request does not have: body, query, path parameters, cookies', () => {
    const e = toHttpApiEvent(request({ method: 'GET', url: '/session/v1/template', body: Buffer.alloc(0) }), {
      routeKey: 'GET /session/v1/template',
      pathParameters: {},
    });
    expect(e).not.toHaveProperty('body');
    expect(e).not.toHaveProperty('queryStringParameters');
    expect(e).not.toHaveProperty('pathParameters');
    expect(e).not.toHaveProperty('cookies');
    expect(e.rawQueryString).toBe('');
    expect(e.isBase64Encoded).toBe(false);
  });

  it.each([
    ['application/json', false],
    ['application/json; charset=utf-8', false],
    ['text/plain', false],
    ['application/xml', false],
    ['application/javascript', false],
    ['application/x-www-form-urlencoded', true],
    ['application/octet-stream', true],
    [undefined, true],
  ])('body sent as %s: base64-encoded %s, as API Gateway does', (type, base64) => {
    const headers: [string, string][] = [['Host', 'h']];
    if (type) headers.push(['Content-Type', type]);
    const e = toHttpApiEvent(request({ headers, body: Buffer.from('{"a":1}') }), JOIN);
    expect(e.isBase64Encoded).toBe(base64);
    expect(e.body).toBe(base64 ? Buffer.from('{"a":1}').toString('base64') : '{"a":1}');
  });
});

describe('splitTarget', () => {
  it('keeps the path and query as sent, and takes absolute-form targets apart', () => {
    expect(splitTarget('/a%20b?x=1&y')).toEqual({ rawPath: '/a%20b', rawQueryString: 'x=1&y' });
    expect(splitTarget('http://127.0.0.1:3000/a?b=c')).toEqual({ rawPath: '/a', rawQueryString: 'b=c' });
    expect(splitTarget('/a#frag')).toEqual({ rawPath: '/a', rawQueryString: '' });
  });
});

describe('RouteTable', () => {
  const table = new RouteTable([
    { method: 'POST', path: '/s/{session_id}/player/me' },
    { method: 'DELETE', path: '/s/{session_id}/player/me' },
    { method: 'POST', path: '/s/{session_id}/player/{player_uuid}' },
    { method: 'GET', path: '/s/{session_id}' },
  ]);

  it('prefers literal segments over parameters, as API Gateway does', () => {
    expect(table.match('POST', '/s/x/player/me')).toMatchObject({
      kind: 'route',
      routeKey: 'POST /s/{session_id}/player/me',
      pathParameters: { session_id: 'x' },
    });
    expect(table.match('POST', '/s/x/player/abc')).toMatchObject({
      kind: 'route',
      routeKey: 'POST /s/{session_id}/player/{player_uuid}',
      pathParameters: { player_uuid: 'abc' },
    });
  });

  it('serves HEAD with the GET route, and names HEAD among the methods a GET route allows', () => {
    expect(table.match('HEAD', '/s/x')).toMatchObject({
      kind: 'route',
      routeKey: 'HEAD /s/{session_id}',
      route: { method: 'GET' },
      pathParameters: { session_id: 'x' },
    });
    expect(table.match('PATCH', '/s/x')).toMatchObject({ kind: 'method_not_allowed', allowed: ['GET', 'HEAD'] });
    expect(table.match('HEAD', '/s/x/player/me')).toMatchObject({ kind: 'method_not_allowed', allowed: ['DELETE', 'POST'] });
  });

  it('decodes path parameters', () => {
    expect(table.match('GET', '/s/a%2Fb%20c')).toMatchObject({ kind: 'route', pathParameters: { session_id: 'a/b c' } });
  });

  it('answers an unknown path 404 route_not_found and a known path with another method 405 with Allow', () => {
    for (const path of ['/x', '/s', '/s/', '/s/x/player', '/s//player/me', '/s/%E0%A4%A/player/me']) {
      const m = table.match('GET', path);
      expect(m.kind).toBe('not_found');
      if (m.kind === 'not_found') {
        expect(m.result.statusCode).toBe(404);
        expect(JSON.parse(m.result.body!)).toEqual({ auth_success: true, error_code: 'route_not_found', desc: 'No such route' });
      }
    }
    const m = table.match('PUT', '/s/x/player/me');
    expect(m).toMatchObject({ kind: 'method_not_allowed', allowed: ['DELETE', 'POST'] });
    if (m.kind === 'method_not_allowed') {
      expect(m.result.statusCode).toBe(405);
      expect(m.result.headers).toMatchObject({ allow: 'DELETE, POST', 'content-type': 'application/json' });
      expect(JSON.parse(m.result.body!)).toMatchObject({ error_code: 'method_not_allowed' });
    }
  });

  it('takes every route of the spec', () => {
    const routes = new RouteTable(ROUTES);
    for (const r of ROUTES) {
      const path = r.path.replace(/\{[^}]+\}/g, 'some-value');
      expect(routes.match(r.method, path)).toMatchObject({ kind: 'route', route: r });
    }
  });
});

describe('fromLambdaResult', () => {
  it('uses a structured result as it is', () => {
    const a = fromLambdaResult({ statusCode: 201, headers: { ETag: '"e"' }, cookies: ['a=1', 'b=2'], body: '{"x":1}' });
    expect(a.status).toBe(201);
    expect(a.headers).toEqual({ etag: '"e"', 'set-cookie': ['a=1', 'b=2'] });
    expect(a.body.toString()).toBe('{"x":1}');
    expect(fromLambdaResult({ statusCode: 200, body: Buffer.from('hi').toString('base64'), isBase64Encoded: true }).body.toString()).toBe('hi');
    expect(fromLambdaResult({ statusCode: 304, headers: { etag: '"e"' } }).body.length).toBe(0);
  });

  it('answers anything else as API Gateway does: a 200 JSON of the value, or 500 for a broken status', () => {
    expect(fromLambdaResult({ a: 1 })).toMatchObject({ status: 200, headers: { 'content-type': 'application/json' } });
    expect(fromLambdaResult({ a: 1 }).body.toString()).toBe('{"a":1}');
    expect(fromLambdaResult({ statusCode: 'abc' }).status).toBe(500);
  });
});

describe('events/', () => {
  const dir = join(ROOT, 'events');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('are named <handler>.<case>.json', () => {
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(/^[a-z-]+\.[a-z0-9-]+\.json$/);
  });

  it.each(files)('%s is an HTTP API event as the local stack builds it', (file) => {
    const e = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    expect(e.version).toBe('2.0');
    expect(e.requestContext.routeKey).toBe(e.routeKey);
    const route = ROUTES.find((r) => `${r.method} ${r.path}` === e.routeKey);
    // A sample may be ahead of the spec (a route being built); those that are served must match their handler.
    if (route) expect(file.startsWith(`${route.handler}.`)).toBe(true);
    const [method, path] = e.routeKey.split(' ');
    const match = new RouteTable([{ method, path }]).match(e.requestContext.http.method, e.rawPath);
    expect(match).toMatchObject({ kind: 'route', pathParameters: e.pathParameters ?? {} });
    for (const name of Object.keys(e.headers)) expect(name).toBe(name.toLowerCase());
    if (e.headers.authorization) expect(e.headers.authorization).toBe('Bearer {{token}}');
  });
});
