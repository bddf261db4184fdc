// OIDC mode fetching its JWKS from a real HTTP server on 127.0.0.1, as the local dev stack does: first fetch,
// key rotation, a flood of made-up kids, and an issuer that is down, hangs or answers garbage, then recovers.
import { randomUUID } from 'node:crypto';
import { createAuthenticator, type Authenticator } from '../../../src/auth/authenticator.js';
import { createTestIssuer, playerToken, type TestIssuer } from '../../support/test-issuer.js';
import { JwksServer } from '../../support/jwks-server.js';
import { rejectionOf, validConfig } from './helpers.js';

const jwks = new JwksServer();
let first: TestIssuer;
let second: TestIssuer;

beforeAll(async () => {
  await jwks.start();
  first = createTestIssuer({ issuer: jwks.issuer });
  second = createTestIssuer({ issuer: jwks.issuer, audience: first.audience });
});

afterAll(() => jwks.stop());

beforeEach(async () => {
  jwks.requests.length = 0;
  jwks.serve(first.jwks);
  if (!jwks.running) await jwks.start();
});

const newAuthenticator = (env: Record<string, string> = {}): Authenticator =>
  createAuthenticator(validConfig({ AUTH_ISSUER: jwks.issuer, AUTH_AUDIENCE: first.audience, ...env }), { jwksFetchTimeoutMs: 300 });
const bearer = (token: string) => `Bearer ${token}`;

describe('JWKS over http from 127.0.0.1', () => {
  it('is fetched once from the default /.well-known/jwks.json, then served from the cache', async () => {
    const auth = newAuthenticator();
    const sub = randomUUID();
    expect((await auth.authenticate(bearer(playerToken(first, { sub })))).playerUuid).toBe(sub);
    await auth.authenticate(bearer(playerToken(first)));
    await auth.authenticate(bearer(playerToken(first)));
    expect(jwks.requests).toEqual(['/.well-known/jwks.json']);
  });

  it('is fetched from AUTH_JWKS_URI when given', async () => {
    const auth = newAuthenticator({ AUTH_JWKS_URI: `${jwks.issuer}/keys?v=1` });
    await auth.authenticate(bearer(playerToken(first)));
    expect(jwks.requests).toEqual(['/keys?v=1']);
  });

  it('picks up a rotated key: a new kid causes one fetch', async () => {
    const auth = newAuthenticator();
    await auth.authenticate(bearer(playerToken(first)));
    jwks.serve({ keys: [...first.jwks.keys, ...second.jwks.keys] });
    await expect(auth.authenticate(bearer(playerToken(second)))).resolves.toBeDefined();
    await expect(auth.authenticate(bearer(playerToken(first)))).resolves.toBeDefined();
    expect(jwks.requests).toHaveLength(2);
  });

  it('does not turn a flood of made-up kids into a flood of fetches', async () => {
    const auth = newAuthenticator();
    await auth.authenticate(bearer(playerToken(first)));
    const flood = Array.from({ length: 50 }, () => first.sign({}, { header: { kid: randomUUID() } }));
    const codes = await Promise.all(flood.map(async (token) => (await rejectionOf(auth, bearer(token))).code));
    expect(new Set(codes)).toEqual(new Set(['auth_invalid_key_id']));
    for (const token of flood.slice(0, 10)) expect((await rejectionOf(auth, bearer(token))).code).toBe('auth_invalid_key_id');
    expect(jwks.requests.length).toBeLessThanOrEqual(2);
    // Known keys are unaffected by the penalty.
    await expect(auth.authenticate(bearer(playerToken(first)))).resolves.toBeDefined();
  });

  it('fails closed with 503 auth_keys_unavailable while the issuer is down, and recovers by itself', async () => {
    const auth = newAuthenticator();
    await jwks.stop();
    const token = playerToken(first);
    const err = await rejectionOf(auth, bearer(token));
    expect(err.code).toBe('auth_keys_unavailable');
    expect(err.status).toBe(503);
    expect(err.definition.retryAfter).toBeGreaterThan(0);
    expect(err.message).not.toContain(token.split('.')[2]);
    expect((await rejectionOf(auth, bearer(token))).code).toBe('auth_keys_unavailable');

    await jwks.start();
    await expect(auth.authenticate(bearer(token))).resolves.toBeDefined();
  });

  it.each([
    ['not JSON', 'this is not a JWKS', 200],
    ['JSON that is not a JWKS', '{"keys":"none"}', 200],
    ['a key without kty', '{"keys":[{"kid":"k"}]}', 200],
    ['a server error', '{"keys":[]}', 500],
    ['not found', 'no such page', 404],
  ])('answers auth_keys_unavailable when the issuer serves %s, and recovers when it is fixed', async (_, body, status) => {
    const auth = newAuthenticator();
    jwks.serve(body, status);
    expect((await rejectionOf(auth, bearer(playerToken(first)))).code).toBe('auth_keys_unavailable');
    jwks.serve(first.jwks);
    await expect(auth.authenticate(bearer(playerToken(first)))).resolves.toBeDefined();
  });

  it('answers auth_keys_unavailable when the issuer does not answer in time, and recovers', async () => {
    const auth = newAuthenticator();
    jwks.answer = 'hang';
    const started = Date.now();
    expect((await rejectionOf(auth, bearer(playerToken(first)))).code).toBe('auth_keys_unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
    jwks.serve(first.jwks);
    await expect(auth.authenticate(bearer(playerToken(first)))).resolves.toBeDefined();
  });

  it('keeps verifying with cached keys while the issuer is down', async () => {
    const auth = newAuthenticator();
    await auth.authenticate(bearer(playerToken(first)));
    await jwks.stop();
    await expect(auth.authenticate(bearer(playerToken(first)))).resolves.toBeDefined();
  });

  it('concurrent first requests share one fetch', async () => {
    const auth = newAuthenticator();
    await Promise.all(Array.from({ length: 20 }, () => auth.authenticate(bearer(playerToken(first)))));
    expect(jwks.requests).toHaveLength(1);
  });
});
