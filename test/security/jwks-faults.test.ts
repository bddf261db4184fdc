// The issuer's key set misbehaving, seen through the real join handler: JWKS endpoint down,
// slow, or serving garbage → 503 auth_keys_unavailable with Retry-After, nothing written, and recovery by itself
// when the endpoint is back; a flood of tokens with made-up key ids does not become a flood of JWKS fetches.
// The endpoint is a node:http server on 127.0.0.1 that counts its requests (test/support/jwks-server.ts).
import './verbose-logs.js';
import { JOIN_ROUTE } from '../support/api-client.js';
import { joinBody } from '../support/fixtures.js';
import { createSession, store } from '../support/stores.js';
import { randomUUID } from 'node:crypto';
import { ERRORS } from '../../src/errors/api-error.js';
import { resetServices } from '../../src/runtime/services.js';
import { httpApiEvent, invoke, type Answer } from '../support/api.js';
import { createTestIssuer, type TestIssuer } from '../support/test-issuer.js';
import { captureOutput } from './capture.js';
import { JwksServer } from '../support/jwks-server.js';

const { handler: join } = await import('../../handlers/join-session-self.js');

const endpoint = new JwksServer();
let issuer: TestIssuer;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  await endpoint.start();
  issuer = createTestIssuer({ issuer: endpoint.issuer });
  const env: Record<string, string | undefined> = {
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS: undefined,
    AUTH_JWKS_FILE: undefined,
    AUTH_JWKS_URI: `${issuer.issuer}/.well-known/jwks.json`,
  };
  for (const [k, v] of Object.entries(env)) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

afterAll(async () => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetServices();
  await endpoint.stop();
});

beforeEach(async () => {
  // A new container: no keys cached, no penalty box.
  resetServices();
  endpoint.requests.length = 0;
  endpoint.serve(issuer.jwks);
  if (!endpoint.running) await endpoint.start();
});

const token = () => issuer.sign({ sub: randomUUID(), scope: 'session:update-player:self' });
const joinWith = (sessionId: string, t: string) =>
  invoke(
    join,
    httpApiEvent({
      method: 'POST',
      route: JOIN_ROUTE,
      pathParameters: { session_id: sessionId },
      headers: { authorization: `Bearer ${t}` },
      body: joinBody(),
    }),
  );

async function expectKeysUnavailable(run: () => Promise<Answer>, sessionId: string) {
  const before = await store.readSessionWithPlayers(sessionId, new Date());
  const started = Date.now();
  const { result, output } = await captureOutput(run);
  const took = Date.now() - started;
  expect({ status: result.status, body: result.body, retryAfter: result.headers['retry-after'] }).toEqual({
    status: 503,
    body: { auth_success: true, error_code: 'auth_keys_unavailable', desc: ERRORS.auth_keys_unavailable.desc },
    retryAfter: '5',
  });
  // Well inside the function's 10 s budget: the fetch gives up after 1.5 s.
  expect(took).toBeLessThan(3000);
  expect(output).not.toMatch(/\n\s+at\s/);
  expect(await store.readSessionWithPlayers(sessionId, new Date())).toEqual(before);
  return took;
}

describe('JWKS endpoint faults, through the join handler', () => {
  test('down: 503 auth_keys_unavailable (fail closed), nothing written; recovers by itself once it is back', async () => {
    const s = await createSession({ teamSizes: [8] });
    await endpoint.stop();
    const t = token();
    await expectKeysUnavailable(() => joinWith(s.sessionId, t), s.sessionId);
    await expectKeysUnavailable(() => joinWith(s.sessionId, t), s.sessionId);
    await endpoint.start();
    expect((await joinWith(s.sessionId, t)).status).toBe(200);
  });

  test('slow (never answers): 503 within the fetch timeout, not the function timeout; recovers', async () => {
    const s = await createSession({ teamSizes: [8] });
    endpoint.answer = 'hang';
    await expectKeysUnavailable(() => joinWith(s.sessionId, token()), s.sessionId);
    endpoint.serve(issuer.jwks);
    expect((await joinWith(s.sessionId, token())).status).toBe(200);
  });

  test.each([
    ['not JSON', '<html>oops</html>', 200],
    ['JSON that is not a key set', '{"keys":"none"}', 200],
    ['a key set of keys without kty', '{"keys":[{"kid":"k"}]}', 200],
    ['an empty body', '', 200],
    ['a server error', '{"keys":[]}', 500],
    ['a redirect', '', 302],
  ])('garbage (%s): 503, nothing written; recovers when fixed', async (_, body, status) => {
    const s = await createSession({ teamSizes: [8] });
    endpoint.serve(body, status);
    await expectKeysUnavailable(() => joinWith(s.sessionId, token()), s.sessionId);
    endpoint.serve(issuer.jwks);
    expect((await joinWith(s.sessionId, token())).status).toBe(200);
  });

  test('a flood of 300 tokens with random unknown kids: all 403 auth_invalid_key_id, at most 2 fetches; known keys unaffected', async () => {
    const s = await createSession({ teamSizes: [8] });
    expect((await joinWith(s.sessionId, token())).status).toBe(200);
    expect(endpoint.fetches).toBe(1);
    const flood = Array.from({ length: 300 }, () =>
      issuer.sign({ sub: randomUUID(), scope: 'session:update-player:self' }, { header: { kid: randomUUID() } }),
    );
    const { result: answers } = await captureOutput(async () => {
      const concurrent = await Promise.all(flood.slice(0, 200).map((t) => joinWith(s.sessionId, t)));
      const sequential: Answer[] = [];
      for (const t of flood.slice(200)) sequential.push(await joinWith(s.sessionId, t));
      return [...concurrent, ...sequential];
    });
    expect(new Set(answers.map((a) => `${a.status} ${a.body.error_code}`))).toEqual(new Set(['403 auth_invalid_key_id']));
    expect(endpoint.fetches).toBeLessThanOrEqual(2);
    expect((await joinWith(s.sessionId, token())).status).toBe(200);
    expect((await store.readSession(s.sessionId, new Date()))?.teams[0]?.occupied).toBe(2);
  });
});
