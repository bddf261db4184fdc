// readAuthConfig: the settings it derives, and one clear sentence naming the variable for each problem.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAuthConfig, type AuthConfig } from '../../../src/auth/auth-config.js';
import { authEnvFor, createTestIssuer } from '../../support/test-issuer.js';

const issuer = createTestIssuer();
const JWKS = JSON.stringify(issuer.jwks);
const OIDC = { AUTH_ISSUER: 'https://login.example.com/', AUTH_AUDIENCE: 'game' };
const COGNITO = { AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_AbCdEf123', AUTH_COGNITO_CLIENT_IDS: 'abc' };

function configOf(env: Record<string, string | undefined>): AuthConfig {
  const result = readAuthConfig(env);
  if ('problems' in result) throw new Error(result.problems.join(' '));
  return result.config;
}

function problemsOf(env: Record<string, string | undefined>, io?: Parameters<typeof readAuthConfig>[1]): string[] {
  const result = readAuthConfig(env, io);
  if ('config' in result) throw new Error('expected problems, got a config');
  return result.problems;
}

describe('OIDC mode', () => {
  it('derives the JWKS URI from the issuer and applies the defaults', () => {
    expect(configOf(OIDC)).toEqual({
      mode: 'oidc',
      issuer: 'https://login.example.com/',
      audience: ['game'],
      jwksUri: 'https://login.example.com/.well-known/jwks.json',
      playerClaim: 'sub',
      platformClaim: undefined,
      groupPermissions: new Map(),
      jwksRefetchSeconds: 10,
      staticJwks: undefined,
    });
  });

  it('reads every optional setting', () => {
    const config = configOf({
      ...OIDC,
      AUTH_AUDIENCE: ' game , tools,, ',
      AUTH_JWKS_URI: 'https://keys.example.com/jwks',
      AUTH_PLAYER_CLAIM: 'player_uuid',
      AUTH_PLATFORM_CLAIM: 'platform',
      AUTH_GROUP_PERMISSIONS: '{"game-servers":["session:*"],"constructor":["x:y"]}',
      AUTH_JWKS_REFETCH_SECONDS: '2.5',
    });
    expect(config).toMatchObject({
      audience: ['game', 'tools'],
      jwksUri: 'https://keys.example.com/jwks',
      playerClaim: 'player_uuid',
      platformClaim: 'platform',
      jwksRefetchSeconds: 2.5,
    });
    expect(config.groupPermissions).toEqual(
      new Map([
        ['game-servers', ['session:*']],
        ['constructor', ['x:y']],
      ]),
    );
  });

  it('takes static keys from AUTH_JWKS (authEnvFor)', () => {
    expect(configOf(authEnvFor(issuer)).staticJwks).toEqual(issuer.jwks);
  });

  it('takes static keys from AUTH_JWKS_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-config-'));
    try {
      const file = join(dir, 'jwks.json');
      writeFileSync(file, JWKS);
      expect(configOf({ ...OIDC, AUTH_JWKS_FILE: file }).staticJwks).toEqual(issuer.jwks);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('allows plain http only to a loopback host', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:3000', '[::1]:9000']) {
      expect(configOf({ ...OIDC, AUTH_ISSUER: `http://${host}` }).mode).toBe('oidc');
    }
    expect(problemsOf({ ...OIDC, AUTH_ISSUER: 'http://login.example.com' })).toEqual([
      'AUTH_JWKS_URI (derived from AUTH_ISSUER) must be https (plain http only for 127.0.0.1, ::1 or localhost): "http://login.example.com/.well-known/jwks.json".',
    ]);
    expect(problemsOf({ ...OIDC, AUTH_JWKS_URI: 'http://10.0.0.1/jwks' })[0]).toMatch(/^AUTH_JWKS_URI must be https/);
    expect(problemsOf({ ...OIDC, AUTH_JWKS_URI: 'ftp://keys.example.com/jwks' })[0]).toMatch(/^AUTH_JWKS_URI must be https/);
  });

  it('does not care about the JWKS URI scheme when the keys are static (nothing is fetched)', () => {
    expect(configOf({ ...OIDC, AUTH_ISSUER: 'http://login.example.com', AUTH_JWKS: JWKS }).mode).toBe('oidc');
  });
});

describe('Cognito mode', () => {
  it('applies the defaults', () => {
    expect(configOf({ ...COGNITO, AUTH_COGNITO_CLIENT_IDS: 'abc,def' })).toMatchObject({
      mode: 'cognito',
      userPoolId: 'eu-west-1_AbCdEf123',
      clientIds: ['abc', 'def'],
      tokenUse: 'access',
      playerClaim: 'sub',
      jwksRefetchSeconds: 10,
    });
  });

  it('reads AUTH_TOKEN_USE=id and static keys', () => {
    expect(configOf({ ...COGNITO, AUTH_TOKEN_USE: 'id', AUTH_JWKS: JWKS })).toMatchObject({ tokenUse: 'id', staticJwks: issuer.jwks });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['no client ids', { AUTH_COGNITO_CLIENT_IDS: ' , ' }, /^AUTH_COGNITO_CLIENT_IDS must list/],
    ['a malformed pool id', { AUTH_COGNITO_USER_POOL_ID: 'my-pool' }, /^AUTH_COGNITO_USER_POOL_ID must be a user pool id/],
    ['an unknown token use', { AUTH_TOKEN_USE: 'refresh' }, /^AUTH_TOKEN_USE must be "access" or "id"/],
    ['an audience', { AUTH_AUDIENCE: 'game' }, /^AUTH_AUDIENCE applies only with AUTH_ISSUER/],
    ['a JWKS URI', { AUTH_JWKS_URI: 'https://x.example.com/jwks' }, /^AUTH_JWKS_URI applies only with AUTH_ISSUER/],
  ])('reports %s', (_, extra, problem) => {
    expect(problemsOf({ ...COGNITO, ...extra })).toEqual([expect.stringMatching(problem)]);
  });
});

describe('problems', () => {
  it('asks for a pool id or an issuer when there is neither', () => {
    expect(problemsOf({})).toEqual([expect.stringContaining('set AUTH_COGNITO_USER_POOL_ID or AUTH_ISSUER')]);
  });

  it('treats empty values as unset', () => {
    expect(problemsOf({ AUTH_ISSUER: '', AUTH_COGNITO_USER_POOL_ID: '  ' })).toEqual([
      expect.stringContaining('set AUTH_COGNITO_USER_POOL_ID or AUTH_ISSUER'),
    ]);
    expect(configOf({ ...OIDC, AUTH_JWKS: '', AUTH_PLAYER_CLAIM: '', AUTH_JWKS_REFETCH_SECONDS: '' })).toMatchObject({
      playerClaim: 'sub',
      jwksRefetchSeconds: 10,
      staticJwks: undefined,
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['both modes', { ...COGNITO, AUTH_ISSUER: 'https://x.example.com' }, /^AUTH_COGNITO_USER_POOL_ID and AUTH_ISSUER are both set/],
    ['no audience', { AUTH_ISSUER: 'https://x.example.com' }, /^AUTH_AUDIENCE must list/],
    ['an issuer that is not a URL', { ...OIDC, AUTH_ISSUER: 'my-issuer', AUTH_JWKS: JWKS }, /^AUTH_ISSUER must be the issuer's URL/],
    [
      'Cognito client ids with an issuer',
      { ...OIDC, AUTH_COGNITO_CLIENT_IDS: 'abc' },
      /^AUTH_COGNITO_CLIENT_IDS applies only with AUTH_COGNITO_USER_POOL_ID/,
    ],
    ['AUTH_JWKS that is not JSON', { ...OIDC, AUTH_JWKS: '{keys:' }, /^AUTH_JWKS is not JSON/],
    ['AUTH_JWKS that is not a JWKS', { ...OIDC, AUTH_JWKS: '{"keys":[{"kid":"a"}]}' }, /^AUTH_JWKS is not a valid JWKS/],
    ['AUTH_JWKS that is an array', { ...OIDC, AUTH_JWKS: '[]' }, /^AUTH_JWKS is not a valid JWKS/],
    ['AUTH_JWKS without any kid', { ...OIDC, AUTH_JWKS: '{"keys":[{"kty":"RSA","n":"x","e":"AQAB"}]}' }, /^AUTH_JWKS has no key with a "kid"/],
    ['both AUTH_JWKS and AUTH_JWKS_FILE', { ...OIDC, AUTH_JWKS: JWKS, AUTH_JWKS_FILE: '/x.json' }, /^AUTH_JWKS and AUTH_JWKS_FILE are both set/],
    ['a missing AUTH_JWKS_FILE', { ...OIDC, AUTH_JWKS_FILE: '/nonexistent/jwks.json' }, /^AUTH_JWKS_FILE names a file that cannot be read/],
    ['group permissions that are not JSON', { ...OIDC, AUTH_GROUP_PERMISSIONS: 'admins=session:*' }, /^AUTH_GROUP_PERMISSIONS must be a JSON object/],
    [
      'group permissions that are not arrays',
      { ...OIDC, AUTH_GROUP_PERMISSIONS: '{"admins":"session:*"}' },
      /^AUTH_GROUP_PERMISSIONS must be a JSON object/,
    ],
    [
      'group permissions that are an array',
      { ...OIDC, AUTH_GROUP_PERMISSIONS: '[["admins",["session:*"]]]' },
      /^AUTH_GROUP_PERMISSIONS must be a JSON object/,
    ],
    ['a refetch period that is not a number', { ...OIDC, AUTH_JWKS_REFETCH_SECONDS: 'ten' }, /^AUTH_JWKS_REFETCH_SECONDS must be a number/],
    ['a negative refetch period', { ...OIDC, AUTH_JWKS_REFETCH_SECONDS: '-1' }, /^AUTH_JWKS_REFETCH_SECONDS must be a number/],
  ])('reports %s', (_, env, problem) => {
    expect(problemsOf(env)).toEqual([expect.stringMatching(problem)]);
  });

  it('reports every problem at once, each one sentence naming its variable', () => {
    const problems = problemsOf({
      AUTH_ISSUER: 'http://login.example.com',
      AUTH_GROUP_PERMISSIONS: '{',
      AUTH_JWKS_REFETCH_SECONDS: 'x',
      AUTH_TOKEN_USE: 'id',
    });
    expect(problems).toHaveLength(5);
    for (const problem of problems) {
      expect(problem).toMatch(/^AUTH_[A-Z_]+ .*\.$/);
      expect(problem.split('. ')).toHaveLength(1);
    }
  });

  it('reads AUTH_JWKS_FILE through the io it is given, and never throws', () => {
    const read: string[] = [];
    const io = { readFile: (path: string) => (read.push(path), JWKS) };
    expect(readAuthConfig({ ...OIDC, AUTH_JWKS_FILE: '/etc/jwks.json' }, io)).toMatchObject({ config: { staticJwks: issuer.jwks } });
    expect(read).toEqual(['/etc/jwks.json']);
    const failing = {
      readFile: (): string => {
        throw new Error('EACCES');
      },
    };
    expect(problemsOf({ ...OIDC, AUTH_JWKS_FILE: '/etc/jwks.json' }, failing)).toEqual([expect.stringContaining('(EACCES)')]);
  });
});
