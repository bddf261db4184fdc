// Hostile tokens through the real handlers: each is refused with 403,
// auth_success false and the right RallyHere code, by the join handler and by a read handler (and, each case, by every
// other route of the spec, the party-management routes among them); nothing is written;
// neither the answer nor anything logged (at debug level) contains the token, a part of it, or a stack trace; the
// answer says nothing but the catalogue's description. test/unit/auth/* covers the same codes at the authenticator.
import './verbose-logs.js';
import { JOIN_ROUTE, GET_ROUTE, handlerOf } from '../support/api-client.js';
import { OPERATIONS, type OperationDefinition } from '../../schemas/generated/operations.js';
import { joinBody, seatedPlayer } from '../support/fixtures.js';
import { issuer } from '../support/players.js';
import { createSession } from '../support/stores.js';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ERRORS, type ErrorCode } from '../../src/errors/api-error.js';
import { resetServices } from '../../src/runtime/services.js';
import { httpApiEvent, invoke, restApiEvent, type Answer } from '../support/api.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { b64url, createTestIssuer, publicKeyPem } from '../support/test-issuer.js';
import { captureOutput } from './capture.js';

const { handler: join } = await import('../../handlers/join-session-self.js');
const { handler: get } = await import('../../handlers/get-session.js');

const PERMISSIONS = 'session:* session:update-player:self session:read:self';
const claims = (extra: Record<string, unknown> = {}) => ({ sub: randomUUID(), scope: PERMISSIONS, ...extra });
const now = () => Math.floor(Date.now() / 1000);

function unsigned(header: Record<string, unknown>, payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
}
function hs256WithPublicKey(): string {
  const input = unsigned(
    { alg: 'HS256', typ: 'JWT', kid: issuer.kid },
    { iss: issuer.issuer, aud: issuer.audience, iat: now(), exp: now() + 3600, ...claims() },
  );
  return `${input}.${createHmac('sha256', publicKeyPem(issuer)).update(input).digest('base64url')}`;
}
function algNone(): string {
  return `${unsigned({ alg: 'none', typ: 'JWT', kid: issuer.kid }, { iss: issuer.issuer, aud: issuer.audience, iat: now(), exp: now() + 3600, ...claims() })}.`;
}
function tampered(): string {
  const [h, , sig] = issuer.sign(claims({ scope: 'session:read:self' })).split('.');
  const forged = b64url(JSON.stringify({ iss: issuer.issuer, aud: issuer.audience, iat: now(), exp: now() + 3600, ...claims() }));
  return `${h}.${forged}.${sig}`;
}
const untrustedKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

interface Case {
  name: string;
  header: () => string | undefined;
  code: ErrorCode;
}

const bearer = (token: string) => `Bearer ${token}`;
const CASES: Case[] = [
  { name: 'no Authorization header', header: () => undefined, code: 'auth_token_format' },
  { name: 'an empty Authorization header', header: () => '', code: 'auth_token_format' },
  { name: 'a Basic scheme', header: () => `Basic ${Buffer.from('player:hunter2').toString('base64')}`, code: 'auth_token_format' },
  { name: 'a valid token under another scheme ("Token")', header: () => `Token ${issuer.sign(claims())}`, code: 'auth_token_format' },
  { name: 'a valid token with no scheme at all', header: () => issuer.sign(claims()), code: 'auth_token_format' },
  { name: 'alg none (unsecured JWT)', header: () => bearer(algNone()), code: 'auth_token_sig_invalid' },
  { name: 'HS256 signed with the public key as the HMAC secret', header: () => bearer(hs256WithPublicKey()), code: 'auth_token_sig_invalid' },
  {
    name: 'RS256 signed by an untrusted key reusing the trusted kid',
    header: () => bearer(issuer.sign(claims(), { key: untrustedKey })),
    code: 'auth_token_sig_invalid',
  },
  {
    name: 'an unknown kid',
    header: () => bearer(issuer.sign(claims(), { header: { kid: `unknown-${randomUUID()}` } })),
    code: 'auth_invalid_key_id',
  },
  { name: 'expired', header: () => bearer(issuer.sign(claims(), { expiresInSeconds: -60 })), code: 'auth_token_expired' },
  { name: 'nbf in the future', header: () => bearer(issuer.sign(claims({ nbf: now() + 3600 }))), code: 'auth_token_invalid_claim' },
  { name: 'a wrong issuer', header: () => bearer(issuer.sign(claims({ iss: 'https://evil.invalid' }))), code: 'auth_token_invalid_claim' },
  { name: 'a wrong audience', header: () => bearer(issuer.sign(claims({ aud: 'another-service' }))), code: 'auth_token_invalid_claim' },
  { name: 'no sub', header: () => bearer(issuer.sign(claims({ sub: undefined }))), code: 'auth_token_invalid_claim' },
  // A game client's token (no :any permission): a subject that is not a UUID names no player. (A trusted machine
  // client, with session:* or an :any permission, has its client id as subject: see test/unit/auth.)
  {
    name: 'a player token whose sub is not a UUID',
    header: () => bearer(issuer.sign(claims({ sub: 'player-1', scope: 'session:update-player:self session:read:self' }))),
    code: 'auth_token_invalid_claim',
  },
  { name: 'a tampered payload with the original signature', header: () => bearer(tampered()), code: 'auth_token_sig_invalid' },
  {
    name: 'a 100 KB token (validly signed)',
    header: () => bearer(issuer.sign(claims({ pad: 'x'.repeat(100 * 1024) }))),
    code: 'auth_malformed_access',
  },
  {
    name: 'a token signed by a key of another issuer with the same claims',
    header: () => bearer(createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience }).sign(claims())),
    code: 'auth_invalid_key_id',
  },
];

/** Every item of the session's partition, as stored: "nothing written" means this does not change at all. */
async function partition(sessionId: string): Promise<string> {
  const out = await testDocumentClient().send(
    new QueryCommand({
      TableName: testTableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `S#${sessionId}` },
      ConsistentRead: true,
    }),
  );
  return JSON.stringify(out.Items);
}

/** The substrings of a token that must never be seen: each part's beginning, and the whole. */
function secretsOf(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const token = authorization.replace(/^\S+\s+/, '');
  return [token, ...token.split('.')].filter((p) => p.length >= 16).map((p) => p.slice(0, 32));
}
const STACK = /\n\s+at\s|\bat [\w.<>]+ \(|\.ts:\d+:\d+|node_modules/;

async function expectRefused(answer: Answer, output: string, authorization: string | undefined, code: ErrorCode) {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status: 403,
    body: { auth_success: false, error_code: code, desc: ERRORS[code].desc },
  });
  const seen = [answer.raw ?? '', JSON.stringify(answer.headers), output].join('\n');
  for (const secret of secretsOf(authorization)) expect(seen.includes(secret)).toBe(false);
  expect(seen).not.toMatch(STACK);
  // The refusal is logged (so the capture sees the logs), by its code.
  expect(output).toContain(code);
}

describe('hostile tokens through the handlers (OIDC mode)', () => {
  let sessionId: string;
  beforeAll(async () => {
    const leader = randomUUID();
    sessionId = (await createSession({ teamSizes: [4] }, [seatedPlayer(leader, { status: 'leader' })])).sessionId;
  });

  test('control: a valid token of the same issuer is accepted by both handlers', async () => {
    const s = await createSession({ teamSizes: [4] });
    const token = issuer.sign(claims());
    const r = await invoke(
      join,
      httpApiEvent({
        method: 'POST',
        route: JOIN_ROUTE,
        pathParameters: { session_id: s.sessionId },
        headers: { authorization: bearer(token) },
        body: joinBody(),
      }),
    );
    expect(r.status).toBe(200);
    const g = await invoke(
      get,
      httpApiEvent({ method: 'GET', route: GET_ROUTE, pathParameters: { session_id: s.sessionId }, headers: { authorization: bearer(token) } }),
    );
    expect(g.status).toBe(200);
  });

  describe.each(CASES)('$name → 403 $code', ({ header, code }) => {
    test('join: refused, nothing written, nothing leaked', async () => {
      const authorization = header();
      const before = await partition(sessionId);
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      const { result, output } = await captureOutput(() =>
        invoke(join, httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: sessionId }, headers, body: joinBody() })),
      );
      await expectRefused(result, output, authorization, code);
      expect(await partition(sessionId)).toBe(before);
    });

    test('every other route: refused before anything is read or written, nothing leaked', async () => {
      const player = randomUUID();
      for (const op of (OPERATIONS as readonly OperationDefinition[]).filter(
        (o) => o.operationId !== 'join_session_by_id_self' && o.operationId !== 'get_session_by_id',
      )) {
        const authorization = header();
        const before = await partition(sessionId);
        const values: Record<string, string> = {
          session_id: sessionId,
          player_uuid: player,
          permission: 'kick',
          session_type: 'lobby',
          invited_session_id: sessionId,
          kicked_session_id: sessionId,
        };
        const valueOf = (name: string) => {
          const value = values[name];
          if (value === undefined) throw new Error(`no value for the path parameter ${name} of ${op.operationId}`);
          return value;
        };
        const pathParameters = Object.fromEntries([...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, valueOf(name!)]));
        if (op.pathSuffix) pathParameters[op.pathSuffix.parameter] += op.pathSuffix.suffix;
        const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
        const h = await handlerOf(op.operationId as (typeof OPERATIONS)[number]['operationId']);
        const { result, output } = await captureOutput(() =>
          invoke(h, httpApiEvent({ method: op.method, route: op.path, pathParameters, headers, body: op.method === 'GET' ? undefined : {} })),
        );
        await expectRefused(result, output, authorization, code);
        expect(await partition(sessionId)).toBe(before);
      }
    });

    test('get (REST API event, the header as the client cased it): refused, nothing written, nothing leaked', async () => {
      const authorization = header();
      const before = await partition(sessionId);
      const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
      const { result, output } = await captureOutput(() =>
        invoke(get, restApiEvent({ method: 'GET', route: GET_ROUTE, pathParameters: { session_id: sessionId }, headers })),
      );
      await expectRefused(result, output, authorization, code);
      expect(await partition(sessionId)).toBe(before);
    });
  });

  test('a refused request learns nothing about its body or the session: an invalid body and an unknown session answer the same', async () => {
    const authorization = bearer(issuer.sign(claims(), { expiresInSeconds: -60 }));
    const a = await invoke(
      join,
      httpApiEvent({
        method: 'POST',
        route: JOIN_ROUTE,
        pathParameters: { session_id: sessionId },
        headers: { authorization },
        body: { nonsense: true },
      }),
    );
    const b = await invoke(
      join,
      httpApiEvent({
        method: 'POST',
        route: JOIN_ROUTE,
        pathParameters: { session_id: `no-such-${randomUUID()}` },
        headers: { authorization },
        body: joinBody(),
      }),
    );
    expect(a.raw).toBe(b.raw);
    expect(a.status).toBe(403);
  });
});

describe('hostile tokens through the handlers (Cognito mode)', () => {
  const POOL_ID = 'eu-west-1_SecPool1';
  const pool = createTestIssuer({ issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL_ID}` });
  const saved: Record<string, string | undefined> = {};
  const env: Record<string, string | undefined> = {
    AUTH_ISSUER: undefined,
    AUTH_AUDIENCE: undefined,
    AUTH_JWKS_URI: undefined,
    AUTH_COGNITO_USER_POOL_ID: POOL_ID,
    AUTH_COGNITO_CLIENT_IDS: 'client-a',
    AUTH_TOKEN_USE: 'access',
    AUTH_JWKS: JSON.stringify(pool.jwks),
  };
  let sessionId: string;

  beforeAll(async () => {
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetServices();
    sessionId = (await createSession({ teamSizes: [4] }, [seatedPlayer(randomUUID(), { status: 'leader' })])).sessionId;
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetServices();
  });

  const access = (extra: Record<string, unknown> = {}) =>
    pool.sign({ aud: undefined, client_id: 'client-a', token_use: 'access', ...claims(), ...extra });

  test.each([
    ['control: an access token of an accepted client', () => access(), undefined],
    ['a wrong client id', () => access({ client_id: 'client-z' }), 'auth_token_invalid_claim'],
    ['an ID token where an access token is required', () => pool.sign({ aud: 'client-a', token_use: 'id', ...claims() }), 'auth_token_invalid_type'],
    ['a token without token_use', () => access({ token_use: undefined }), 'auth_token_invalid_type'],
    [
      'another pool of the same region',
      () => access({ iss: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other' }),
      'auth_token_invalid_claim',
    ],
  ] as const)('%s', async (_, token, code) => {
    const authorization = bearer(token());
    const before = await partition(sessionId);
    const { result, output } = await captureOutput(() =>
      invoke(get, httpApiEvent({ method: 'GET', route: GET_ROUTE, pathParameters: { session_id: sessionId }, headers: { authorization } })),
    );
    if (code === undefined) {
      expect(result.status).toBe(200);
      return;
    }
    await expectRefused(result, output, authorization, code);
    const joined = await captureOutput(() =>
      invoke(
        join,
        httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: sessionId }, headers: { authorization }, body: joinBody() }),
      ),
    );
    await expectRefused(joined.result, joined.output, authorization, code);
    expect(await partition(sessionId)).toBe(before);
  });
});
