// Permission checks, wildcards included, and how claims become permissions.
import { hasAnyPermission, permissionsFromClaims, requirePermission } from '../../../src/auth/permissions.js';
import { ApiError } from '../../../src/errors/api-error.js';

const holder = (...permissions: string[]) => ({ permissions: new Set(permissions) });

describe('hasAnyPermission', () => {
  it.each<[string[], string[], boolean]>([
    [['session:read:self'], ['session:read:self'], true],
    [['session:read:self'], ['session:read:any', 'session:read:self'], true],
    [['session:read:self'], ['session:read:any'], false],
    [['session:read:self'], [], false],
    [[], ['session:read:self'], false],
    [['session:*'], ['session:update-player:self'], true],
    [['session:*'], ['session:read:any'], true],
    [['session:read:*'], ['session:read:self'], true],
    [['session:read:*'], ['session:update-player:self'], false],
    [['session:*'], ['sessions:read:self'], false],
    [['session:*'], ['admin:session:read'], false],
    [['*'], ['anything:at:all'], true],
    [['session:read*'], ['session:read:self'], false],
    [['session:read:self'], ['session:*'], false],
    [['session:*'], ['session:*'], true],
  ])('granted %j, required any of %j -> %s', (granted, required, expected) => {
    expect(hasAnyPermission(holder(...granted), required)).toBe(expected);
  });
});

describe('requirePermission', () => {
  it('passes when any one is granted', () => {
    expect(() => requirePermission(holder('session:*'), ['session:update-player:any', 'session:update-player:self'])).not.toThrow();
    expect(() => requirePermission(holder('session:read:self'), 'session:read:self')).not.toThrow();
  });

  it('throws insufficient_permissions (403, auth_success true) otherwise', () => {
    let err: unknown;
    try {
      requirePermission(holder('session:read:self'), ['session:update-player:self']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'insufficient_permissions', status: 403 });
    expect((err as ApiError).definition.authSuccess).toBeUndefined();
    expect((err as ApiError).message).toContain('session:update-player:self');
  });

  it('never passes with nothing required', () => {
    expect(() => requirePermission(holder('*'), [])).toThrow(ApiError);
  });
});

describe('permissionsFromClaims', () => {
  const groups = new Map([
    ['game-servers', ['session:*']],
    ['readers', ['session:read:any', 'session:read:self']],
  ]);
  const sorted = (s: Set<string>) => [...s].sort();

  it('turns Cognito resource-server scopes into permissions and leaves other scopes as they are', () => {
    expect(
      sorted(
        permissionsFromClaims({ scope: 'session/update-player:self openid https://api.example.com/x aws.cognito.signin.user.admin' }, new Map()),
      ),
    ).toEqual(['aws.cognito.signin.user.admin', 'https://api.example.com/x', 'openid', 'session:update-player:self']);
  });

  it('unites scope, permissions and group permissions', () => {
    expect(sorted(permissionsFromClaims({ scope: 'a:b', permissions: ['c:d', 'a:b'], 'cognito:groups': ['readers', 'nobody'] }, groups))).toEqual([
      'a:b',
      'c:d',
      'session:read:any',
      'session:read:self',
    ]);
  });

  it('reads a permissions string and a single group name given as a string', () => {
    expect(sorted(permissionsFromClaims({ permissions: ' c:d  e:f ', 'cognito:groups': 'game-servers' }, groups))).toEqual([
      'c:d',
      'e:f',
      'session:*',
    ]);
  });

  it.each([
    ['a permissions object', { permissions: { a: 1 } }],
    ['a permissions number', { permissions: 3 }],
    ['a permissions array holding null', { permissions: ['a:b', null] }],
    ['cognito:groups holding a number', { 'cognito:groups': ['readers', 1] }],
  ])('rejects %s with auth_token_invalid_claim', (_, claims) => {
    expect(() => permissionsFromClaims(claims, groups)).toThrow(expect.objectContaining({ code: 'auth_token_invalid_claim' }));
  });
});
