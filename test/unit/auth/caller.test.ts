// The caller a verified token's claims make (src/auth/caller.ts) and the permissions they grant
// (src/auth/permissions.ts), on plain claims: a player, a trusted machine client, the platform claim, and the log
// detail of every refusal (which names the claim, never its value).
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { callerFromClaims } from '../../../src/auth/caller.js';
import { permissionsFromClaims, requirePermission } from '../../../src/auth/permissions.js';
import { ApiError } from '../../../src/errors/api-error.js';

const UUID = '3f2c9a4e-5d6b-4c7a-9e8f-0a1b2c3d4e5f';
const config = { playerClaim: 'sub', platformClaim: 'platform', groupPermissions: new Map<string, string[]>() };
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return [e.code, e.message];
    throw e;
  }
  return 'accepted';
};

describe('who calls', () => {
  test('a player: the UUID lower-cased, their permissions, no platform unless claimed', () => {
    const caller = callerFromClaims({ sub: UUID.toUpperCase(), scope: 'session/read:self' }, config);
    expect(caller).toEqual({ playerUuid: UUID, isPlayer: true, permissions: new Set(['session:read:self']), claims: expect.any(Object) });
    expect(caller).not.toHaveProperty('platform');
  });

  test.each(['session:*', 'session:update-player:any'])(
    'a machine client granted %s: trusted, acting as service:<subject>, never as a player',
    (p) => {
      expect(callerFromClaims({ sub: 'client-7', permissions: [p] }, config)).toMatchObject({ playerUuid: 'service:client-7', isPlayer: false });
    },
  );

  test.each<[string, object, string]>([
    ['no player claim', {}, 'auth_token_invalid_claim: no sub claim'],
    [
      'a subject that is not a UUID, without an any permission',
      { sub: 'client-7', permissions: ['session:read:self'] },
      'auth_token_invalid_claim: sub claim is not a UUID',
    ],
    ['an empty subject, even with session:*', { sub: '', permissions: ['session:*'] }, 'auth_token_invalid_claim: sub claim is not a UUID'],
    ['a subject that is not a string', { sub: 42, permissions: ['session:*'] }, 'auth_token_invalid_claim: sub claim is not a UUID'],
    [
      'a permission that only looks like any',
      { sub: 'client-7', permissions: ['session:any-thing'] },
      'auth_token_invalid_claim: sub claim is not a UUID',
    ],
  ])('%s: refused', (_, claims, message) => {
    expect(refusal(() => callerFromClaims(claims as JwtPayload, config))).toEqual(['auth_token_invalid_claim', message]);
  });
});

describe('the platform claim', () => {
  test('a known platform is the caller platform', () => {
    expect(callerFromClaims({ sub: UUID, platform: 'PSN' }, config).platform).toBe('PSN');
  });

  test('null or absent: no platform', () => {
    expect(callerFromClaims({ sub: UUID, platform: null }, config)).not.toHaveProperty('platform');
    expect(callerFromClaims({ sub: UUID }, config)).not.toHaveProperty('platform');
  });

  test.each([['Dreamcast'], [7], [['PSN']]])('%j: refused, naming the claim', (platform) => {
    expect(refusal(() => callerFromClaims({ sub: UUID, platform }, config))).toEqual([
      'auth_token_invalid_claim',
      'auth_token_invalid_claim: platform claim is not a known platform',
    ]);
  });

  test('not configured: whatever the token carries is ignored', () => {
    expect(callerFromClaims({ sub: UUID, platform: 'Dreamcast' }, { ...config, platformClaim: undefined })).not.toHaveProperty('platform');
  });
});

describe('permissions from claims', () => {
  const none = new Map<string, string[]>();
  test('scope words split on any run of whitespace; empty permissions dropped', () => {
    expect([...permissionsFromClaims({ scope: 'a  b\tc', permissions: ['d', ''] }, none)].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  test.each<[string, object, string]>([
    ['permissions with a non-string', { permissions: ['a', 1] }, 'permissions'],
    ['permissions neither string nor array', { permissions: 5 }, 'permissions'],
    ['groups with a non-string', { 'cognito:groups': ['g', 2] }, 'cognito:groups'],
    ['groups neither string nor array', { 'cognito:groups': { g: 1 } }, 'cognito:groups'],
  ])('%s: refused, naming the claim', (_, claims, claim) => {
    const groups = new Map([['g', ['session:*']]]);
    expect(refusal(() => permissionsFromClaims(claims as JwtPayload, groups))).toEqual([
      'auth_token_invalid_claim',
      `auth_token_invalid_claim: ${claim} claim must be a string or an array of strings`,
    ]);
  });

  test('groups count only when group permissions are configured; a single group may come as a string', () => {
    const groups = new Map([['g', ['session:*']]]);
    expect([...permissionsFromClaims({ 'cognito:groups': 'g' }, groups)]).toEqual(['session:*']);
    expect([...permissionsFromClaims({ 'cognito:groups': ['g', 'other'] }, groups)]).toEqual(['session:*']);
    expect([...permissionsFromClaims({}, groups)]).toEqual([]);
    expect([...permissionsFromClaims({ 'cognito:groups': { g: 1 } }, none)]).toEqual([]);
  });

  test('a missing permission names what would do, in the logs', () => {
    expect(refusal(() => requirePermission({ permissions: new Set() }, ['session:read:any', 'session:read:self']))).toEqual([
      'insufficient_permissions',
      'insufficient_permissions: requires any of: session:read:any, session:read:self',
    ]);
  });
});
