// `npm start` end to end, as a developer uses it: a child process on a free port, tokens from `npm run token`,
// a real flow over HTTP (create, joins, team_full, ETags and 304), a party managed with the SDK's calls, the friends service beside it, the error envelope
// for unknown routes and methods, `npm run invoke` against the same stack, and a SIGTERM that leaves nothing running.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OPERATIONS } from '../../schemas/generated/operations.js';
import { freePort } from '../../local/dynamodb-local.js';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../local/dev-issuer.js';
import { findStack } from '../../local/stack-state.js';
import { nothingLeft, npmToken, ROOT, startStack, type RunningStack } from './stack-process.js';

const execFileAsync = promisify(execFile);
const SLOW = 180_000;
const CREATE_ROUTE = OPERATIONS.find((o) => o.operationId === 'create_or_join_session')!;

// The flow's session type: two teams of three, created by players, open to anyone.
const TEMPLATES = [
  {
    session_type: 'smoke',
    num_teams: 2,
    players_per_team: 3,
    can_be_created_by_players_directly: true,
    attempt_auto_join: false,
    default_public: true,
  },
  // Players silent for 2 s are culled.
  { session_type: 'smoke-cull', players_per_team: 4, can_be_created_by_players_directly: true, default_public: true, player_culling_timeout: 2 },
];

let stack: RunningStack;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-stack-smoke-'));
  const templatesFile = join(dir, 'templates.json');
  await writeFile(templatesFile, JSON.stringify(TEMPLATES));
  stack = await startStack({ port: await freePort(), env: { SESSION_TEMPLATES_FILE: templatesFile } });
}, SLOW);

afterAll(async () => {
  await stack?.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
}, SLOW);

const clientBody = (team_id: number) => ({
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  team_id,
});

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(method: string, path: string, token: string | undefined, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const joinAs = (sessionId: string, token: string, team: number) =>
  call('POST', `/session/v1/session/${encodeURIComponent(sessionId)}/player/me`, token, clientBody(team));

/** The flow's first step: one player creates a session over HTTP, and leads it. */
async function createSession(creatorToken: string): Promise<string> {
  const created = await call('POST', CREATE_ROUTE.path, creatorToken, {
    session_type: 'smoke',
    client_version: '1.0.0',
    client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
    player: clientBody(0),
  });
  expect(created.status).toBe(200);
  expect(typeof created.body.session_id).toBe('string');
  return created.body.session_id as string;
}

test('prints the ready line once, then how to try it', () => {
  expect(stack.stdout().match(/Local stack ready at /g)).toHaveLength(1);
  expect(stack.stdout()).toContain(`token=$(npm run -s token)`);
  expect(stack.stdout()).toContain(`curl -i -X POST ${stack.baseUrl}/session/v1/session/`);
  for (const r of OPERATIONS) expect(stack.stdout()).toContain(`${r.method} ${r.path}`);
});

test(
  'a real flow: create, two join, a third finds the team full, ETags and 304',
  async () => {
    const [creator, second, third, fourth] = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const player = randomUUID();
        return { player, token: await npmToken(['--player', player, '--port', String(stack.port)]) };
      }),
    );
    // The token is an RS256 JWT of the dev issuer, for the given player, with a game client's permissions.
    const claims = JSON.parse(Buffer.from(creator!.token.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ iss: DEV_ISSUER, aud: DEV_AUDIENCE, sub: creator!.player });
    expect(claims.scope.split(' ')).toEqual(expect.arrayContaining(['session:create', 'session:update-player:self', 'session:read:self']));

    const sessionId = await createSession(creator!.token);

    const joined2 = await joinAs(sessionId, second!.token, 0);
    expect(joined2).toMatchObject({ status: 200, body: { player_uuid: second!.player, status: 'member', team_id: 0 } });
    const joined3 = await joinAs(sessionId, third!.token, 0);
    expect(joined3).toMatchObject({ status: 200, body: { player_uuid: third!.player, status: 'member', team_id: 0 } });
    const lastEtag = joined3.headers.get('etag');
    expect(lastEtag).toMatch(/^"[^"]+"$/);

    const full = await joinAs(sessionId, fourth!.token, 0);
    expect(full).toMatchObject({ status: 403, body: { auth_success: true, error_code: 'team_full' } });

    const unchanged = await call('GET', `/session/v1/session/${sessionId}`, creator!.token, undefined, { 'if-none-match': lastEtag! });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(lastEtag);
    expect(unchanged.body).toBeUndefined();

    const joinedOther = await joinAs(sessionId, fourth!.token, 1);
    expect(joinedOther).toMatchObject({ status: 200, body: { player_uuid: fourth!.player, team_id: 1 } });

    const changed = await call('GET', `/session/v1/session/${sessionId}`, creator!.token, undefined, { 'if-none-match': lastEtag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(joinedOther.headers.get('etag'));
    expect(changed.headers.get('etag')).not.toBe(lastEtag);
    const teams = changed.body.teams as { team_id: number; players: { player_uuid: string; status: string }[] }[];
    expect(teams.map((t) => t.players.map((p) => p.player_uuid))).toEqual([[creator!.player, second!.player, third!.player], [fourth!.player]]);
    expect(teams[0]!.players[0]!.status).toBe('leader');

    // One log line per request: method, path, status, milliseconds.
    expect(stack.stdout()).toMatch(new RegExp(`POST /session/v1/session/${sessionId}/player/me 403 \\d+ ms`));
    expect(stack.stdout()).toMatch(new RegExp(`GET /session/v1/session/${sessionId} 304 \\d+ ms`));
  },
  SLOW,
);

test('an unknown route answers 404 route_not_found in the error envelope', async () => {
  const token = await npmToken(['--port', String(stack.port)]);
  for (const path of ['/nope', '/session/v1', '/session/v1/session/x/y/z/w', '/session/v1/session/']) {
    const r = await call('GET', path, token);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ auth_success: true, error_code: 'route_not_found', desc: 'No such route' });
    expect(r.headers.get('apigw-requestid')).toBeTruthy();
  }
});

test('a known path with another method answers 405 method_not_allowed, with Allow', async () => {
  const path = '/session/v1/session/{session_id}';
  const allowed = [...new Set(OPERATIONS.filter((r) => r.path === path).flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method])))].sort();
  const r = await call('PUT', '/session/v1/session/some-id', undefined, {});
  expect(r.status).toBe(405);
  expect(r.body).toEqual({ auth_success: true, error_code: 'method_not_allowed', desc: 'Method not allowed on this route' });
  expect(r.headers.get('allow')).toBe(allowed.join(', '));
});

test('a browser page may call it: preflights are answered, answers expose the ETag; HEAD is GET without a body', async () => {
  const origin = 'http://localhost:5173';
  const preflight = await call('OPTIONS', '/session/v1/session/some-id/player/me', undefined, undefined, {
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization,content-type',
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
  expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  const creator = await npmToken(['--port', String(stack.port)]);
  const sessionId = await createSession(creator);
  const got = await call('GET', `/session/v1/session/${sessionId}`, creator, undefined, { origin });
  expect(got.status).toBe(200);
  expect(got.headers.get('access-control-allow-origin')).toBe('*');
  expect(got.headers.get('access-control-expose-headers')).toContain('etag');
  const head = await fetch(`${stack.baseUrl}/session/v1/session/${sessionId}`, { method: 'HEAD', headers: { authorization: `Bearer ${creator}` } });
  expect({ status: head.status, etag: head.headers.get('etag'), body: await head.text() }).toEqual({
    status: 200,
    etag: got.headers.get('etag'),
    body: '',
  });
});

test('headers past what the stack reads get 431 in the error envelope, not a bare answer or a reset', async () => {
  const r = await call('GET', '/session/v1/session/some-id', undefined, undefined, { 'x-padding': 'x'.repeat(17 * 1024) });
  expect(r.status).toBe(431);
  expect(r.headers.get('content-type')).toBe('application/json');
  expect(r.body).toEqual({ auth_success: true, error_code: 'request_headers_too_large', desc: 'Request headers are larger than the server accepts' });
});

test('serves the dev issuer JWKS and the API docs', async () => {
  const jwks = (await (await fetch(`${stack.baseUrl}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
  expect(jwks.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) })]);
  const page = await fetch(`${stack.baseUrl}/docs`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('/docs/swagger-ui-bundle.js');
  const spec = (await (await fetch(`${stack.baseUrl}/openapi.json`)).json()) as {
    servers: unknown;
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  expect(spec.servers).toEqual([{ url: stack.baseUrl, description: expect.any(String) }]);
  expect(spec.paths['/session/v1/session/{session_id}/player/me']?.post?.operationId).toBe('join_session_by_id_self');
  const bundle = await fetch(`${stack.baseUrl}/docs/swagger-ui-bundle.js`);
  expect(bundle.status).toBe(200);
  expect(Number(bundle.headers.get('content-length'))).toBeGreaterThan(100_000);
  expect((await fetch(`${stack.baseUrl}/docs/../package.json`)).status).toBe(404);
});

test(
  'npm run invoke runs the built bundle against the stack, with a fresh token in the sample event',
  async () => {
    const { stdout } = await execFileAsync(
      'npm',
      ['run', '-s', 'invoke', '--', 'get-session', 'events/get-session.valid.json', '--port', String(stack.port)],
      {
        cwd: ROOT,
        timeout: 120_000,
      },
    );
    const result = JSON.parse(stdout);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ session_id: 'demo-lobby' });

    const missing = JSON.parse(
      (
        await execFileAsync(
          'npm',
          ['run', '-s', 'invoke', '--', 'join-session-self', 'events/join-session-self.missing-token.json', '--port', String(stack.port)],
          { cwd: ROOT, timeout: 120_000 },
        )
      ).stdout,
    );
    expect(missing.statusCode).toBe(403);
    expect(JSON.parse(missing.body).error_code).toBe('auth_token_format');
  },
  SLOW,
);

test('serves the friends service on the same host, and points the handlers at it', async () => {
  const [a, b] = await Promise.all(
    [0, 1].map(async () => {
      const player = randomUUID();
      const permissions = 'friend:friend_list:read friend:friend_list:write';
      return { player, token: await npmToken(['--player', player, '--permissions', permissions, '--port', String(stack.port)]) };
    }),
  );
  const path = (player: string, other: string) => `/friends/v2/player/${player}/friend/${other}`;
  expect(await call('PUT', path(a!.player, b!.player), a!.token)).toMatchObject({ status: 200, body: { status: 'FRIEND_REQUEST_SENT' } });
  expect(await call('PUT', path(b!.player, a!.player), b!.token)).toMatchObject({ status: 200, body: { status: 'FRIENDS' } });
  const got = await call('GET', path(a!.player, b!.player), a!.token);
  expect(got).toMatchObject({ status: 200, body: { friends_player_uuid: b!.player, status: 'FRIENDS' } });
  expect(got.headers.get('etag')).toMatch(/^"[^"]+"$/);
  expect((await findStack({ port: stack.port }))?.handlerEnv).toMatchObject({ FRIENDS_API_URL: stack.baseUrl, FRIENDS_API_TIMEOUT_MS: '5000' });
});

test(
  "a newcomer's day with the dev tokens: two friends, a friends-only session with a password, joined by its short code",
  async () => {
    const [leader, friend] = await Promise.all(
      [0, 1].map(async () => {
        const player = randomUUID();
        return { player, token: await npmToken(['--player', player, '--port', String(stack.port)]) };
      }),
    );
    const path = (player: string, other: string) => `/friends/v2/player/${player}/friend/${other}`;
    expect((await call('PUT', path(leader!.player, friend!.player), leader!.token)).status).toBe(200);
    expect((await call('PUT', path(friend!.player, leader!.player), friend!.token)).body).toMatchObject({ status: 'FRIENDS' });
    const sessionId = await createSession(leader!.token);
    const patched = await call('PATCH', `/session/v1/session/${sessionId}`, leader!.token, { joinability: { friends: true }, password: 'let me in' });
    expect(patched.body).toMatchObject({ joinable: false, joinability: { open: false, friends: true, platform: true } });
    const code = await call('POST', `/session/v1/session/${sessionId}:generate-short-code?`, leader!.token);
    expect(code).toMatchObject({ status: 200, body: { short_code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{6}$/) } });
    const joinByCode = (body: Record<string, unknown>) =>
      call('POST', `/session/v1/session/${(code.body.short_code as string).toLowerCase()}/player/me?`, friend!.token, { ...clientBody(0), ...body });
    expect((await joinByCode({ password: 'let me in' })).body).toMatchObject({ error_code: 'not_a_friend' });
    expect((await joinByCode({ friend_uuid: leader!.player })).body).toMatchObject({ error_code: 'session_password_required' });
    expect(await joinByCode({ friend_uuid: leader!.player, password: 'let me in' })).toMatchObject({ status: 200, body: { status: 'member' } });
  },
  SLOW,
);

test(
  "a party's day as RallyHere's Unreal SDK calls it: a whole party invited, the v2 invite, move and promote, the party kicked",
  async () => {
    const [leader, partyLeader, partyMember, friend] = await Promise.all(
      [0, 1, 2, 3].map(async () => {
        const player = randomUUID();
        return { player, token: await npmToken(['--player', player, '--port', String(stack.port)]) };
      }),
    );
    // The SDK ends every path with "?" and names the charset.
    const sdk = (method: string, path: string, token: string, body?: unknown) =>
      call(method, `${path}?`, token, body, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' });
    const lobby = await createSession(leader!.token);
    const party = await createSession(partyLeader!.token);
    expect((await joinAs(party, partyMember!.token, 0)).status).toBe(200);

    const invited = await sdk('POST', `/session/v1/session/${lobby}/invited-session/${party}:invite`, leader!.token, { team_id: 1 });
    expect(invited.status).toBe(200);
    expect(invited.body.players.map((p: { player_uuid: string }) => p.player_uuid).sort()).toEqual([partyLeader!.player, partyMember!.player].sort());
    const v2 = `/session/v2/session/${lobby}/player`;
    expect(await sdk('POST', `${v2}/${friend!.player}:invite`, leader!.token, { team_id: 0 })).toMatchObject({
      status: 200,
      body: { status: 'invited' },
    });
    for (const p of [partyLeader!, partyMember!]) expect((await joinAs(lobby, p.token, 1)).body).toMatchObject({ status: 'member', team_id: 1 });
    expect(await sdk('POST', `${v2}/${partyMember!.player}:move`, leader!.token, { team_id: 0 })).toMatchObject({
      status: 200,
      body: { team_id: 0 },
    });
    expect(await sdk('POST', `${v2}/${partyLeader!.player}:promote`, leader!.token)).toMatchObject({ status: 200, body: { status: 'leader' } });

    // The party's own leader now leads the lobby: kicking their party hands the lead back to the one who stays.
    expect((await sdk('DELETE', `/session/v1/session/${lobby}/kicked-session/${party}`, partyLeader!.token)).status).toBe(204);
    const after = await call('GET', `/session/v1/session/${lobby}`, leader!.token);
    const seated = after.body.teams.flatMap((t: { players: { player_uuid: string; status: string }[] }) =>
      t.players.map((p) => [p.player_uuid, p.status]),
    );
    expect(Object.fromEntries(seated)).toEqual({ [leader!.player]: 'leader', [friend!.player]: 'invited' });
  },
  SLOW,
);

test(
  "a silent player is culled and their session list drops the session within 10 s, with nobody reading: the stack's sweep",
  async () => {
    const [leader, member] = await Promise.all(
      [0, 1].map(async () => {
        const player = randomUUID();
        return { player, token: await npmToken(['--player', player, '--port', String(stack.port)]) };
      }),
    );
    const created = await call('POST', CREATE_ROUTE.path, leader!.token, {
      session_type: 'smoke-cull',
      client_version: '1.0.0',
      client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
      player: clientBody(0),
    });
    expect(created.status).toBe(200);
    const id = created.body.session_id as string;
    expect((await joinAs(id, member!.token, 0)).status).toBe(200);
    const joined = Date.now();
    const listed = async () => JSON.stringify((await call('GET', '/session/v1/player/me/session', member!.token)).body).includes(id);
    expect(await listed()).toBe(true);
    // Due 2 s after the join; from then on only the sweep writes the cull (the list reads no session's players).
    while ((await listed()) && Date.now() - joined < 2_000 + 12_000) await new Promise((r) => setTimeout(r, 250));
    expect(Date.now() - joined).toBeLessThanOrEqual(2_000 + 10_000);
    expect(await listed()).toBe(false);
  },
  SLOW,
);

test(
  'SIGTERM stops everything: the group and Java are gone, both ports are free',
  async () => {
    await stack.stop();
    expect(await nothingLeft(stack)).toEqual({ httpPortFree: true, dynamoDbPortFree: true, java: [] });
    expect(stack.stdout()).toContain('Stopped; nothing of it is left running.');
  },
  SLOW,
);
