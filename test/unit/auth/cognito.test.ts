// Cognito mode, with the pool's keys given in AUTH_JWKS so that no request reaches AWS.
import { randomUUID } from 'node:crypto';
import { createAuthenticator } from '../../../src/auth/authenticator.js';
import { createTestIssuer } from '../../support/test-issuer.js';
import { rejectionOf, validConfig } from './helpers.js';

const POOL_ID = 'eu-west-1_TestPool1';
const REGIONAL_ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;
const GLOBAL_ISSUER = `https://issuer-cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}`;

const pool = createTestIssuer({ issuer: REGIONAL_ISSUER });
const env = {
  AUTH_COGNITO_USER_POOL_ID: POOL_ID,
  AUTH_COGNITO_CLIENT_IDS: 'client-a, client-b',
  AUTH_JWKS: JSON.stringify(pool.jwks),
  AUTH_GROUP_PERMISSIONS: JSON.stringify({ 'game-servers': ['session:*'] }),
};
const accessAuth = createAuthenticator(validConfig(env));
const idAuth = createAuthenticator(validConfig({ ...env, AUTH_TOKEN_USE: 'id' }));

/** What Cognito puts in an access token: no aud, a client_id, token_use access. */
const accessToken = (claims: Record<string, unknown> = {}) =>
  pool.sign({ aud: undefined, client_id: 'client-b', token_use: 'access', username: 'player-1', ...claims });
const idToken = (claims: Record<string, unknown> = {}) => pool.sign({ aud: 'client-a', token_use: 'id', 'cognito:username': 'player-1', ...claims });
const codeOf = async (auth: typeof accessAuth, token: string) => (await rejectionOf(auth, `Bearer ${token}`)).code;

describe('Cognito mode', () => {
  it('accepts an access token of an accepted app client, with resource-server scopes and group permissions', async () => {
    const sub = randomUUID();
    const caller = await accessAuth.authenticate(
      `Bearer ${accessToken({ sub, scope: 'session/update-player:self session/read:self', 'cognito:groups': ['game-servers'] })}`,
    );
    expect(caller.playerUuid).toBe(sub);
    expect([...caller.permissions].sort()).toEqual(['session:*', 'session:read:self', 'session:update-player:self']);
    expect(caller.claims.client_id).toBe('client-b');
  });

  it('accepts the global issuer spelling of the same pool', async () => {
    await expect(accessAuth.authenticate(`Bearer ${accessToken({ iss: GLOBAL_ISSUER })}`)).resolves.toBeDefined();
  });

  it('refuses an id token where an access token is required -> auth_token_invalid_type', async () => {
    expect(await codeOf(accessAuth, idToken())).toBe('auth_token_invalid_type');
  });

  it('refuses a token without token_use -> auth_token_invalid_type', async () => {
    expect(await codeOf(accessAuth, accessToken({ token_use: undefined }))).toBe('auth_token_invalid_type');
  });

  it('with AUTH_TOKEN_USE=id accepts id tokens (audience = client id) and refuses access tokens', async () => {
    await expect(idAuth.authenticate(`Bearer ${idToken()}`)).resolves.toBeDefined();
    expect(await codeOf(idAuth, accessToken())).toBe('auth_token_invalid_type');
    expect(await codeOf(idAuth, idToken({ aud: 'client-z' }))).toBe('auth_token_invalid_claim');
  });

  it('refuses another app client -> auth_token_invalid_claim', async () => {
    expect(await codeOf(accessAuth, accessToken({ client_id: 'client-z' }))).toBe('auth_token_invalid_claim');
  });

  it.each([
    ['another pool', `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other`],
    ['another region', `https://cognito-idp.us-east-1.amazonaws.com/${POOL_ID}`],
    ['no issuer', undefined],
  ])('refuses %s as issuer -> auth_token_invalid_claim', async (_, iss) => {
    expect(await codeOf(accessAuth, accessToken({ iss }))).toBe('auth_token_invalid_claim');
  });

  it('refuses an expired token -> auth_token_expired', async () => {
    expect(await codeOf(accessAuth, pool.sign({ aud: undefined, client_id: 'client-a', token_use: 'access' }, { expiresInSeconds: -1 }))).toBe(
      'auth_token_expired',
    );
  });

  it('refuses a key the pool does not have -> auth_invalid_key_id, with no network', async () => {
    const impostor = createTestIssuer({ issuer: REGIONAL_ISSUER });
    expect(await codeOf(accessAuth, impostor.sign({ aud: undefined, client_id: 'client-a', token_use: 'access' }))).toBe('auth_invalid_key_id');
  });
});
