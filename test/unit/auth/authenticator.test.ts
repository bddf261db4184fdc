// The authenticator in OIDC mode with static keys (AUTH_JWKS): every RallyHere auth code, reached with real
// signed tokens, and the caller a good token yields.
import { GAME_CLIENT_PERMISSIONS } from '../../../schemas/generated/operations.js';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { CLOCK_SKEW_SECONDS, createAuthenticator, MAX_TOKEN_LENGTH } from '../../../src/auth/authenticator.js';
import { ERRORS } from '../../../src/errors/api-error.js';
import { authEnvFor, b64url, createTestIssuer, playerToken, publicKeyPem, type TestIssuer } from '../../support/test-issuer.js';
import { rejectionOf, validConfig } from './helpers.js';

const issuer: TestIssuer = createTestIssuer();
const stranger: TestIssuer = createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience });

const auth = createAuthenticator(
  validConfig({
    ...authEnvFor(issuer),
    AUTH_PLATFORM_CLAIM: 'platform',
    AUTH_GROUP_PERMISSIONS: JSON.stringify({ 'game-servers': ['session:*'], admins: ['admin:all'] }),
  }),
);
const bearer = (token: string) => `Bearer ${token}`;
const codeOf = async (header: string | undefined) => (await rejectionOf(auth, header)).code;

/** Exactly these header and payload segments, with a signature of the right size that verifies nothing. */
const rawToken = (headerB64: string, payloadB64: string) => `${headerB64}.${payloadB64}.${randomBytes(256).toString('base64url')}`;
const claimsB64 = (claims: Record<string, unknown> = {}) =>
  b64url(JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, sub: randomUUID(), exp: Math.floor(Date.now() / 1000) + 600, ...claims }));
const headerB64 = (header: Record<string, unknown> = {}) => b64url(JSON.stringify({ alg: 'RS256', kid: issuer.kid, ...header }));

describe('a valid token', () => {
  it('yields the player (lower-cased) and the union of scope, permissions and group permissions', async () => {
    const sub = randomUUID().toUpperCase();
    const token = issuer.sign({
      sub,
      scope: 'session/update-player:self openid https://api.example.com/read',
      permissions: ['session:read:any', 'session:read:self'],
      'cognito:groups': ['game-servers', 'unmapped-group'],
    });
    const caller = await auth.authenticate(bearer(token));
    expect(caller.playerUuid).toBe(sub.toLowerCase());
    expect([...caller.permissions].sort()).toEqual(
      ['https://api.example.com/read', 'openid', 'session:*', 'session:read:any', 'session:read:self', 'session:update-player:self'].sort(),
    );
    expect(caller.platform).toBeUndefined();
    expect(caller.claims.sub).toBe(sub);
  });

  it('reads a permissions claim given as a space-separated string', async () => {
    const caller = await auth.authenticate(bearer(issuer.sign({ permissions: 'session:read:self  session:update-player:self' })));
    expect([...caller.permissions].sort()).toEqual(['session:read:self', 'session:update-player:self']);
  });

  it('has no permissions when the token grants none', async () => {
    const caller = await auth.authenticate(bearer(issuer.sign({})));
    expect(caller.permissions.size).toBe(0);
  });

  it('is accepted with the scheme in any case and extra spaces', async () => {
    const token = playerToken(issuer);
    await expect(auth.authenticate(`bearer ${token}`)).resolves.toBeDefined();
    await expect(auth.authenticate(`BEARER   ${token}  `)).resolves.toBeDefined();
  });

  it('may carry several audiences, one of them ours', async () => {
    await expect(auth.authenticate(bearer(issuer.sign({ aud: ['someone-else', issuer.audience] })))).resolves.toBeDefined();
  });

  it('gives the platform claim as the caller platform', async () => {
    const caller = await auth.authenticate(bearer(issuer.sign({ platform: 'Steam' })));
    expect(caller.platform).toBe('Steam');
  });

  it("playerToken carries a game client's permissions by default", async () => {
    const sub = randomUUID();
    const caller = await auth.authenticate(bearer(playerToken(issuer, { sub })));
    expect(caller.playerUuid).toBe(sub);
    expect([...caller.permissions].sort()).toEqual([...GAME_CLIENT_PERMISSIONS].sort());
  });
});

describe('the Authorization header', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['Bearer alone', 'Bearer'],
    ['Bearer and blanks', 'Bearer    '],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['a bare token', playerToken(createTestIssuer())],
  ])('%s -> auth_token_format', async (_, header) => {
    expect(await codeOf(header)).toBe('auth_token_format');
  });

  it('a token longer than 8192 characters -> auth_malformed_access, before any parsing', async () => {
    expect(await codeOf(bearer('x'.repeat(100 * 1024)))).toBe('auth_malformed_access');
    const padded = issuer.sign({ padding: 'p'.repeat(MAX_TOKEN_LENGTH) });
    expect(padded.length).toBeGreaterThan(MAX_TOKEN_LENGTH);
    expect(await codeOf(bearer(padded))).toBe('auth_malformed_access');
  });
});

describe('tokens that are not JWTs', () => {
  it.each([
    ['garbage', 'garbage'],
    ['two parts', 'abc.def'],
    ['four parts', 'abc.def.ghi.jkl'],
    ['an empty header', '.def.ghi'],
    ['characters outside base64url', 'ab$c.def.ghi'],
    ['standard base64 characters', 'ab+/.def.ghi'],
    ['a part of impossible length', 'abcde.def.ghi'],
    ['a header that is not UTF-8', `${Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url')}.${claimsB64()}.c2ln`],
    ['a signature outside base64url', `${headerB64()}.${claimsB64()}.si+g`],
  ])('%s -> auth_not_jwt', async (_, token) => {
    expect(await codeOf(bearer(token))).toBe('auth_not_jwt');
  });

  it.each([
    ['a header that is not JSON', () => rawToken(b64url('not json'), claimsB64())],
    ['a payload that is not JSON', () => rawToken(headerB64(), b64url('{"sub": '))],
    ['a header that is a JSON array', () => rawToken(b64url('[1,2]'), claimsB64())],
  ])('%s -> auth_token_unknown', async (_, token) => {
    expect(await codeOf(bearer(token()))).toBe('auth_token_unknown');
  });

  // The token parses; a claim of a standard name has the wrong type: its value is invalid, which is the claim's code.
  it.each([
    ['an exp claim that is not a number', () => rawToken(headerB64(), claimsB64({ exp: 'tomorrow' }))],
    ['a scope claim that is an array', () => rawToken(headerB64(), claimsB64({ scope: ['session:read:self'] }))],
  ])('%s -> auth_token_invalid_claim', async (_, token) => {
    expect(await codeOf(bearer(token()))).toBe('auth_token_invalid_claim');
  });
});

describe('signatures', () => {
  it('alg none with no signature -> auth_token_sig_invalid', async () => {
    expect(await codeOf(bearer(`${headerB64({ alg: 'none' })}.${claimsB64()}.`))).toBe('auth_token_sig_invalid');
  });

  it('alg none with some signature -> auth_token_sig_invalid', async () => {
    expect(await codeOf(bearer(rawToken(headerB64({ alg: 'none' }), claimsB64())))).toBe('auth_token_sig_invalid');
  });

  it('HS256 keyed with the public key PEM -> auth_token_sig_invalid', async () => {
    const input = `${headerB64({ alg: 'HS256' })}.${claimsB64()}`;
    const mac = createHmac('sha256', publicKeyPem(issuer)).update(input).digest('base64url');
    expect(await codeOf(bearer(`${input}.${mac}`))).toBe('auth_token_sig_invalid');
  });

  it('RS256 by an untrusted key that reuses the trusted kid -> auth_token_sig_invalid', async () => {
    expect(await codeOf(bearer(issuer.sign({}, { key: stranger.privateKey })))).toBe('auth_token_sig_invalid');
  });

  it('a tampered payload under the original signature -> auth_token_sig_invalid', async () => {
    const [h, , s] = playerToken(issuer).split('.');
    const forged = claimsB64({ scope: 'session:*' });
    expect(await codeOf(bearer(`${h}.${forged}.${s}`))).toBe('auth_token_sig_invalid');
  });

  it('RS384 claimed for an RS256 key -> auth_token_sig_invalid', async () => {
    expect(await codeOf(bearer(issuer.sign({}, { header: { alg: 'RS384' } })))).toBe('auth_token_sig_invalid');
  });
});

describe('key ids', () => {
  it('an unknown kid -> auth_invalid_key_id', async () => {
    expect(await codeOf(bearer(stranger.sign()))).toBe('auth_invalid_key_id');
  });

  it('another unknown kid soon after (penalty box) -> auth_invalid_key_id still', async () => {
    expect(await codeOf(bearer(issuer.sign({}, { header: { kid: 'made-up-1' } })))).toBe('auth_invalid_key_id');
    expect(await codeOf(bearer(issuer.sign({}, { header: { kid: 'made-up-2' } })))).toBe('auth_invalid_key_id');
  });

  it('no kid -> auth_invalid_key_id', async () => {
    expect(await codeOf(bearer(issuer.sign({}, { header: { kid: undefined } })))).toBe('auth_invalid_key_id');
  });

  it('the trusted key still verifies after unknown kids', async () => {
    await expect(auth.authenticate(bearer(playerToken(issuer)))).resolves.toBeDefined();
  });
});

describe('claims', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('expired -> auth_token_expired', async () => {
    expect(await codeOf(bearer(issuer.sign({}, { expiresInSeconds: -5 })))).toBe('auth_token_expired');
  });

  it.each<[string, () => string]>([
    ['nbf in the future', () => issuer.sign({ nbf: now() + 600 })],
    ['another issuer', () => issuer.sign({ iss: 'https://evil.example.com' })],
    ['no issuer', () => issuer.sign({ iss: undefined })],
    ['another audience', () => issuer.sign({ aud: 'someone-else' })],
    ['no audience', () => issuer.sign({ aud: undefined })],
    ['no sub', () => issuer.sign({ sub: undefined })],
    ['a sub that is not a UUID', () => issuer.sign({ sub: 'player-42' })],
    ['a sub that is a UUID with extra text', () => issuer.sign({ sub: `${randomUUID()}x` })],
    ['an unknown platform', () => issuer.sign({ platform: 'Xbox' })],
    ['a platform that is not a string', () => issuer.sign({ platform: 7 })],
    ['a permissions claim that is an object', () => issuer.sign({ permissions: { all: true } })],
    ['a permissions array with a number', () => issuer.sign({ permissions: ['session:read:self', 1] })],
    ['cognito:groups that is an object', () => issuer.sign({ 'cognito:groups': { admin: true } })],
    ['no exp (a token that would never expire)', () => issuer.sign({ exp: undefined })],
    ['iat a year ahead', () => issuer.sign({ iat: now() + 365 * 86_400 })],
    [`iat beyond the clock skew (${CLOCK_SKEW_SECONDS + 30} s ahead)`, () => issuer.sign({ iat: now() + CLOCK_SKEW_SECONDS + 30 })],
    [`nbf beyond the clock skew (${CLOCK_SKEW_SECONDS + 30} s ahead)`, () => issuer.sign({ nbf: now() + CLOCK_SKEW_SECONDS + 30 })],
    ['a scope that is a JSON array', () => issuer.sign({ scope: ['session:read:self'] })],
  ])('%s -> auth_token_invalid_claim', async (_, token) => {
    expect(await codeOf(bearer(token()))).toBe('auth_token_invalid_claim');
  });

  it(`iat and nbf up to the clock skew (${CLOCK_SKEW_SECONDS} s) ahead are accepted: an issuer's clock may run ahead`, async () => {
    await expect(
      auth.authenticate(bearer(issuer.sign({ iat: now() + CLOCK_SKEW_SECONDS - 10, nbf: now() + CLOCK_SKEW_SECONDS - 10 }))),
    ).resolves.toBeDefined();
  });

  it('exp is exact: a token that expired a second ago is refused, the skew does not apply to it', async () => {
    expect(await codeOf(bearer(issuer.sign({ exp: now() - 1 })))).toBe('auth_token_expired');
  });
});

describe('rejections', () => {
  it('are 403 with auth_success false, and their log detail never contains the token', async () => {
    const tokens = [
      issuer.sign({}, { expiresInSeconds: -5 }),
      issuer.sign({ aud: 'someone-else' }),
      issuer.sign({}, { key: stranger.privateKey }),
      stranger.sign(),
      rawToken(b64url('{"alg":"RS256", this is not json'), claimsB64()),
      issuer.sign({ sub: 'not-a-uuid' }),
    ];
    for (const token of tokens) {
      const err = await rejectionOf(auth, bearer(token));
      expect(err.status).toBe(403);
      expect(err.definition.authSuccess).toBe(false);
      for (const part of token.split('.')) expect(err.message).not.toContain(part);
    }
  });

  it('use only codes of the catalogue', () => {
    for (const code of [
      'auth_token_format',
      'auth_not_jwt',
      'auth_token_unknown',
      'auth_malformed_access',
      'auth_token_sig_invalid',
      'auth_invalid_key_id',
      'auth_token_expired',
      'auth_token_invalid_claim',
      'auth_token_invalid_type',
      'auth_keys_unavailable',
    ]) {
      expect(ERRORS).toHaveProperty(code);
    }
  });
});

describe('configured claims', () => {
  it('AUTH_PLAYER_CLAIM names the player claim', async () => {
    const custom = createAuthenticator(validConfig({ ...authEnvFor(issuer), AUTH_PLAYER_CLAIM: 'player_uuid' }));
    const player = randomUUID();
    const caller = await custom.authenticate(bearer(issuer.sign({ sub: 'not-a-uuid', player_uuid: player })));
    expect(caller.playerUuid).toBe(player);
    expect((await rejectionOf(custom, bearer(issuer.sign()))).code).toBe('auth_token_invalid_claim');
  });

  it('a platform claim is ignored unless AUTH_PLATFORM_CLAIM names it', async () => {
    const plain = createAuthenticator(validConfig(authEnvFor(issuer)));
    const caller = await plain.authenticate(bearer(issuer.sign({ platform: 'NotAPlatform' })));
    expect(caller.platform).toBeUndefined();
  });

  it('cognito:groups are ignored when AUTH_GROUP_PERMISSIONS is not set', async () => {
    const plain = createAuthenticator(validConfig(authEnvFor(issuer)));
    const caller = await plain.authenticate(bearer(issuer.sign({ 'cognito:groups': 'game-servers' })));
    expect(caller.permissions.size).toBe(0);
  });

  it('a group named like an Object.prototype member grants nothing by accident', async () => {
    const caller = await auth.authenticate(bearer(issuer.sign({ 'cognito:groups': ['constructor', '__proto__', 'toString'] })));
    expect(caller.permissions.size).toBe(0);
  });
});
