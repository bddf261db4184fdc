// The per-container memory of verified tokens: the same token text only, never past its expiry, bounded.
import type { Caller } from '../../../src/auth/caller.js';
import { createAuthenticator } from '../../../src/auth/authenticator.js';
import { readAuthConfig } from '../../../src/auth/auth-config.js';
import { VerifiedTokens } from '../../../src/auth/verified-tokens.js';
import { authEnvFor, createTestIssuer } from '../../support/test-issuer.js';

const caller = (uuid: string): Caller => ({ playerUuid: uuid, isPlayer: true, permissions: new Set(), claims: {} as Caller['claims'] });

test('a remembered token answers until its exp, then is forgotten', () => {
  const tokens = new VerifiedTokens(10);
  tokens.put('t', caller('a'), 100);
  expect(tokens.get('t', 99_999)?.playerUuid).toBe('a');
  expect(tokens.get('t', 100_000)).toBeUndefined();
  expect(tokens.get('t', 1)).toBeUndefined();
});

test('only the exact token text matches; a token without exp is not kept', () => {
  const tokens = new VerifiedTokens(10);
  tokens.put('abc', caller('a'), 100);
  tokens.put('no-exp', caller('b'), undefined);
  expect(tokens.get('abd', 0)).toBeUndefined();
  expect(tokens.get('no-exp', 0)).toBeUndefined();
});

test('bounded: the oldest entry leaves first', () => {
  const tokens = new VerifiedTokens(2);
  tokens.put('1', caller('1'), 100);
  tokens.put('2', caller('2'), 100);
  tokens.put('3', caller('3'), 100);
  expect([tokens.get('1', 0), tokens.get('2', 0)?.playerUuid, tokens.get('3', 0)?.playerUuid]).toEqual([undefined, '2', '3']);
});

test('through the authenticator: a remembered token still expires, and a tampered copy is still refused', async () => {
  const issuer = createTestIssuer();
  const read = readAuthConfig(authEnvFor(issuer));
  if (!('config' in read)) throw new Error('config');
  const auth = createAuthenticator(read.config);
  const token = issuer.sign({ scope: 'session:read:self' }, { expiresInSeconds: 2 });
  const first = await auth.authenticate(`Bearer ${token}`);
  expect((await auth.authenticate(`Bearer ${token}`)).playerUuid).toBe(first.playerUuid);
  const [h, p, sig] = token.split('.');
  const tampered = [
    h,
    Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: crypto.randomUUID() })).toString('base64url'),
    sig,
  ].join('.');
  await expect(auth.authenticate(`Bearer ${tampered}`)).rejects.toMatchObject({ code: 'auth_token_sig_invalid' });
  await new Promise((r) => setTimeout(r, 2100));
  await expect(auth.authenticate(`Bearer ${token}`)).rejects.toMatchObject({ code: 'auth_token_expired' });
});

test('a trusted machine client (subject not a UUID) acts on others but never as a player', async () => {
  const { callerFromClaims } = await import('../../../src/auth/caller.js');
  const config = { playerClaim: 'sub', groupPermissions: new Map() } as const;
  const service = callerFromClaims({ sub: '5ttmh3bfp9l0hs0kb3qv2ma', scope: 'session/update-player:any' } as never, config);
  expect(service).toMatchObject({ isPlayer: false, playerUuid: 'service:5ttmh3bfp9l0hs0kb3qv2ma' });
  expect(() => callerFromClaims({ sub: 'not-a-uuid', scope: 'session/update-player:self' } as never, config)).toThrow(/not a UUID/);
});
