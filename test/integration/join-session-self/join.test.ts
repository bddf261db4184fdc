// Join Session By Id Self end to end: real handlers, DynamoDB Local, real signed JWTs.
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { newSession } from '../../../src/sessions/model/new-session.js';
import { compileVersionRange } from '../../../src/templates/version-range.js';
import { api } from '../../support/api-client.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { issuer, newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isUpdateResponse = componentValidator(spec, 'SessionPlayerUpdateResponse');
const isSession = componentValidator(spec, 'Session');
const isError = componentValidator(spec, 'HzApiErrorModel');

const joinAs = (p: TestPlayer, sessionId: string, body: unknown = joinBody(), headers: Record<string, string> = {}) =>
  api.join(p, sessionId, body, { headers });
const getAs = (p: TestPlayer, sessionId: string, headers: Record<string, string> = {}) => api.get(p, sessionId, { headers });
/** Nobody's request: no Authorization header. */
const anonymous = { auth: {} };
const version = async (sessionId: string) => (await store.readSession(sessionId, new Date()))?.version;

function expectError(r: { status: number; body: unknown }, status: number, error_code: string, auth_success = true) {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { auth_success, error_code, desc: expect.any(String) } });
  expect(isError(r.body)).toBe(true);
}

describe('joining', () => {
  test('the first player becomes leader; the answer matches the contract and carries the ETag GET shows', async () => {
    const s = await createSession();
    const p = newPlayer();
    const r = await joinAs(p, s.sessionId, joinBody({ custom_data: { loadout: 'sniper' } }));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ player_uuid: p.uuid, status: 'leader', team_id: 0, custom_data: { loadout: 'sniper' } });
    expect(isUpdateResponse(r.body)).toBe(true);
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]+-\d+"$/);
    const g = await getAs(p, s.sessionId);
    expect(g.status).toBe(200);
    expect(g.headers.etag).toBe(r.headers.etag);
    expect(isSession(g.body)).toBe(true);
    expect(g.body.teams[0].players).toEqual([
      expect.objectContaining({ player_uuid: p.uuid, status: 'leader', version: '1.0.0', custom_data: { loadout: 'sniper' } }),
    ]);
  });

  test("a client version inside the session's range joins, and the member shows that version", async () => {
    const s = await createSession({ clientVersionRange: compileVersionRange('>=2.0.0 <3.0.0') });
    const p = newPlayer();
    const r = await joinAs(p, s.sessionId, joinBody({ client_version: '2.4.1' }));
    expect(r.status).toBe(200);
    const g = await getAs(p, s.sessionId);
    expect(g.body.teams[0].players).toEqual([expect.objectContaining({ player_uuid: p.uuid, version: '2.4.1' })]);
  });

  test('later players join as members; each join advances the version by one', async () => {
    const s = await createSession();
    const [a, b] = [newPlayer(), newPlayer()];
    const v0 = await version(s.sessionId);
    expect((await joinAs(a, s.sessionId)).body.status).toBe('leader');
    const rb = await joinAs(b, s.sessionId, joinBody({ status: 'leader', team_id: 1 }));
    expect(rb.body).toMatchObject({ status: 'member', team_id: 1 });
    expect(await version(s.sessionId)).toBe(v0! + 2);
  });

  test('a retried join (lost response) is 200 with the same ETag and writes nothing', async () => {
    const s = await createSession({ teamSizes: [1] });
    const p = newPlayer();
    const first = await joinAs(p, s.sessionId);
    const v = await version(s.sessionId);
    const again = await joinAs(p, s.sessionId);
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(await version(s.sessionId)).toBe(v);
  });

  test('a member updates their details: a new ETag, and GET shows the update', async () => {
    const s = await createSession();
    const p = newPlayer();
    const first = await joinAs(p, s.sessionId);
    const upd = await joinAs(p, s.sessionId, joinBody({ client_version: '1.1.0', custom_data: { mood: 'ready' } }));
    expect(upd.status).toBe(200);
    expect(upd.headers.etag).not.toBe(first.headers.etag);
    const g = await getAs(p, s.sessionId);
    expect(g.headers.etag).toBe(upd.headers.etag);
    expect(g.body.teams[0].players[0]).toMatchObject({ version: '1.1.0', custom_data: { mood: 'ready' } });
  });

  test('moving team frees the old seat', async () => {
    const s = await createSession({ teamSizes: [1, 1] });
    const [a, b] = [newPlayer(), newPlayer()];
    await joinAs(a, s.sessionId, joinBody({ team_id: 0 }));
    expect((await joinAs(a, s.sessionId, joinBody({ team_id: 1 }))).body.team_id).toBe(1);
    expect((await joinAs(b, s.sessionId, joinBody({ team_id: 0 }))).status).toBe(200);
  });

  test('an invited player accepts by joining, even when the session is not joinable and the team is full', async () => {
    const leader = newPlayer();
    const invited = newPlayer();
    const s = await createSession({ teamSizes: [2], joinable: false }, [
      seatedPlayer(leader.uuid, { status: 'leader' }),
      seatedPlayer(invited.uuid, { status: 'invited', joined: undefined, invited: new Date().toISOString() }),
    ]);
    const r = await joinAs(invited, s.sessionId);
    expect(r.body).toMatchObject({ status: 'member', team_id: 0 });
    const g = await getAs(leader, s.sessionId);
    expect(g.body.teams[0].players.map((p: { status: string }) => p.status).sort()).toEqual(['leader', 'member']);
  });

  test('a reserved player in a leaderless session accepts and becomes leader', async () => {
    const reserved = newPlayer();
    const s = await createSession({ teamSizes: [2] }, [seatedPlayer(reserved.uuid, { status: 'reserved', joined: undefined })]);
    expect((await joinAs(reserved, s.sessionId)).body.status).toBe('leader');
  });

  test('a REST API (v1) event joins the same way', async () => {
    const s = await createSession();
    const p = newPlayer();
    const r = await api.join({ auth: { Authorization: p.auth.authorization } }, s.sessionId, joinBody(), { format: 'rest' });
    expect(r.status).toBe(200);
    expect(r.body.player_uuid).toBe(p.uuid);
  });

  test('a platform claim in the token wins over the body', async () => {
    const s = await createSession();
    const uuid = randomUUID();
    const prev = process.env.AUTH_PLATFORM_CLAIM;
    // A second container configured with a platform claim; same code path.
    process.env.AUTH_PLATFORM_CLAIM = 'platform';
    const { resetServices } = await import('../../../src/runtime/services.js');
    resetServices();
    try {
      const token = issuer.sign({ sub: uuid, scope: 'session:update-player:self', platform: 'XboxLive' });
      const r = await joinAs(
        { uuid, token, auth: { authorization: `Bearer ${token}` } },
        s.sessionId,
        joinBody({ client_settings: { input: 'gamepad' } }),
      );
      expect(r.status).toBe(200);
      const found = await store.readSessionWithPlayers(s.sessionId, new Date());
      expect(found?.players[0]?.clientSettings?.platform).toBe('XboxLive');
    } finally {
      if (prev === undefined) delete process.env.AUTH_PLATFORM_CLAIM;
      else process.env.AUTH_PLATFORM_CLAIM = prev;
      resetServices();
    }
  });
});

describe('refusals change nothing', () => {
  test.each<[string, () => Promise<{ sessionId: string; body?: unknown; player?: TestPlayer }>, number, string]>([
    ['unknown session', async () => ({ sessionId: `nope-${randomUUID()}` }), 404, 'session_not_found'],
    [
      'expired session',
      async () => {
        const s = await createSession({ ttlSeconds: 60, now: new Date(Date.now() - 120_000) });
        return { sessionId: s.sessionId };
      },
      404,
      'session_not_found',
    ],
    [
      'team that does not exist',
      async () => ({ sessionId: (await createSession({ teamSizes: [2] })).sessionId, body: joinBody({ team_id: 1 }) }),
      404,
      'team_not_found',
    ],
    ['session not joinable', async () => ({ sessionId: (await createSession({ joinable: false })).sessionId }), 403, 'session_not_joinable'],
    [
      "client version outside the session's range",
      async () => ({
        sessionId: (await createSession({ clientVersionRange: compileVersionRange('>=2.0.0') })).sessionId,
        body: joinBody({ client_version: '1.9.9' }),
      }),
      403,
      'client_version_incompatible',
    ],
    [
      'team full',
      async () => {
        const s = await createSession({ teamSizes: [1] }, [seatedPlayer(randomUUID(), { status: 'leader' })]);
        return { sessionId: s.sessionId };
      },
      403,
      'team_full',
    ],
    [
      'crossplay: an xbox-only member and a Steam joiner',
      async () => {
        const s = await createSession({}, [
          seatedPlayer(randomUUID(), {
            status: 'leader',
            clientSettings: { platform: 'XboxLive', input: 'gamepad' },
            crossplay: { permitted_platform: 'desired_platforms_xboxlike', permitted_input: 'desired_inputs_any' },
          }),
        ]);
        return { sessionId: s.sessionId };
      },
      403,
      'crossplay_not_permitted',
    ],
    [
      'changing team where the session does not allow it',
      async () => {
        const player = newPlayer();
        const s = await createSession({ canChangeOwnTeam: false }, [seatedPlayer(player.uuid, { status: 'leader' })]);
        return { sessionId: s.sessionId, player, body: joinBody({ team_id: 1 }) };
      },
      403,
      'team_change_not_allowed',
    ],
    [
      'asking to be invited',
      async () => ({ sessionId: (await createSession()).sessionId, body: joinBody({ status: 'invited' }) }),
      403,
      'status_not_allowed',
    ],
    [
      'asking to be reserved',
      async () => ({ sessionId: (await createSession()).sessionId, body: joinBody({ status: 'reserved' }) }),
      403,
      'status_not_allowed',
    ],
  ])('%s', async (_name, setup, status, code) => {
    const { sessionId, body, player } = await setup();
    const before = await store.readSessionWithPlayers(sessionId, new Date());
    const r = await joinAs(player ?? newPlayer(), sessionId, body ?? joinBody());
    expectError(r, status, code);
    expect(await store.readSessionWithPlayers(sessionId, new Date())).toEqual(before);
  });
});

describe('auth', () => {
  test('no token: 403 auth_token_format with auth_success false, nothing written', async () => {
    const s = await createSession();
    const v = await version(s.sessionId);
    const r = await api.join(anonymous, s.sessionId);
    expectError(r, 403, 'auth_token_format', false);
    expect(await version(s.sessionId)).toBe(v);
  });

  test('a token signed by another key: 403 auth_token_sig_invalid', async () => {
    const s = await createSession();
    const { createTestIssuer } = await import('../../support/test-issuer.js');
    const stranger = createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience, kid: issuer.kid });
    const token = stranger.sign({ scope: 'session:update-player:self' });
    const r = await joinAs({ uuid: '', token, auth: { authorization: `Bearer ${token}` } }, s.sessionId);
    expectError(r, 403, 'auth_token_sig_invalid', false);
  });

  test('an expired token: 403 auth_token_expired', async () => {
    const s = await createSession();
    const token = issuer.sign({ scope: 'session:update-player:self' }, { expiresInSeconds: -60 });
    expectError(await joinAs({ uuid: '', token, auth: { authorization: `Bearer ${token}` } }, s.sessionId), 403, 'auth_token_expired', false);
  });

  test.each([
    [['session:update-player:self'], 200],
    [['session:update-player:any'], 200],
    [['session:*'], 200],
    [['session:read:self'], 403],
    [[], 403],
  ] as const)('join with permissions %p: %p', async (permissions, status) => {
    const s = await createSession();
    const r = await joinAs(newPlayer(permissions), s.sessionId);
    expect(r.status).toBe(status);
    if (status === 403) expectError(r, 403, 'insufficient_permissions', true);
  });

  test('auth comes before validation: no token and a bad body is a 403', async () => {
    const r = await api.join(anonymous, 'x', {});
    expect(r.status).toBe(403);
  });
});

describe('ETags and preconditions', () => {
  test('If-Match with the current ETag joins; a stale one is 412 and writes nothing', async () => {
    const s = await createSession();
    const [a, b, c] = [newPlayer(), newPlayer(), newPlayer()];
    const ra = await joinAs(a, s.sessionId);
    const rb = await joinAs(b, s.sessionId, joinBody(), { 'if-match': ra.headers.etag! });
    expect(rb.status).toBe(200);
    const v = await version(s.sessionId);
    const rc = await joinAs(c, s.sessionId, joinBody(), { 'if-match': ra.headers.etag! });
    expectError(rc, 412, 'precondition_failed');
    expect(await version(s.sessionId)).toBe(v);
    expect((await joinAs(c, s.sessionId, joinBody(), { 'if-match': `"nope", ${rb.headers.etag}` })).status).toBe(200);
    expect((await joinAs(newPlayer(), s.sessionId, joinBody(), { 'if-match': '*' })).status).toBe(200);
    expectError(await joinAs(newPlayer(), s.sessionId, joinBody(), { 'if-match': `W/${rb.headers.etag}` }), 412, 'precondition_failed');
  });

  test('If-None-Match on a join: * (the session exists) or the current ETag is 412 and writes nothing; a stale one joins', async () => {
    const s = await createSession();
    const [a, b] = [newPlayer(), newPlayer()];
    const ra = await joinAs(a, s.sessionId);
    const v = await version(s.sessionId);
    for (const header of ['*', ra.headers.etag!, `W/${ra.headers.etag}`, `"nope", ${ra.headers.etag}`]) {
      expectError(await joinAs(b, s.sessionId, joinBody(), { 'if-none-match': header }), 412, 'precondition_failed');
    }
    expect(await version(s.sessionId)).toBe(v);
    expect((await joinAs(b, s.sessionId, joinBody(), { 'if-none-match': `"${s.incarnation}-${s.version}"` })).status).toBe(200);
  });

  test('GET with If-None-Match: 304 while unchanged, 200 with a new ETag after a join; reads never change the ETag', async () => {
    const s = await createSession();
    const [a, b] = [newPlayer(), newPlayer()];
    const ra = await joinAs(a, s.sessionId);
    const nm = await getAs(a, s.sessionId, { 'if-none-match': ra.headers.etag! });
    expect(nm.status).toBe(304);
    expect(nm.raw).toBeUndefined();
    expect(nm.headers.etag).toBe(ra.headers.etag);
    expect((await getAs(a, s.sessionId, { 'if-none-match': `W/${ra.headers.etag}` })).status).toBe(304);
    const rb = await joinAs(b, s.sessionId);
    const g = await getAs(a, s.sessionId, { 'if-none-match': ra.headers.etag! });
    expect(g.status).toBe(200);
    expect(g.headers.etag).toBe(rb.headers.etag);
    expect((await getAs(a, s.sessionId)).headers.etag).toBe(rb.headers.etag);
  });

  test('a deleted and re-created session id never repeats an ETag', async () => {
    const id = `reborn-${randomUUID()}`;
    const p = newPlayer();
    await createSession({ sessionId: id, ttlSeconds: 60, now: new Date(Date.now() - 120_000) });
    const old = await store.readSessionWithPlayers(id, new Date(Date.now() - 100_000));
    const reborn = newSession({ sessionId: id, type: 'test', teamSizes: [4], joinable: true });
    expect(await store.createSession(reborn, [], new Date())).toBe('created');
    const g = await getAs(p, id);
    expect(g.status).toBe(200);
    expect(old?.session.version).toBe(1);
    expect(g.headers.etag).not.toBe(`"${old?.session.incarnation}-1"`);
    expect(g.headers.etag).toBe(`"${reborn.incarnation}-1"`);
  });

  test('GET of an unknown session is 404; GET needs a read permission', async () => {
    expectError(await getAs(newPlayer(), `nope-${randomUUID()}`), 404, 'session_not_found');
    const s = await createSession();
    expectError(await getAs(newPlayer(['session:update-player:self']), s.sessionId), 403, 'insufficient_permissions');
    expect((await getAs(newPlayer(['session:read:any']), s.sessionId)).status).toBe(200);
  });

  test('GET refresh_ttl: accepted as a boolean, anything else is a 422', async () => {
    const s = await createSession();
    const p = newPlayer();
    const send = (refresh_ttl: string) => api.get(p, s.sessionId, { query: { refresh_ttl } });
    expect((await send('false')).status).toBe(200);
    expect((await send('true')).status).toBe(200);
    const bad = await send('perhaps');
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toEqual([{ loc: ['query', 'refresh_ttl'], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' }]);
  });

  test('a GET extends a session past half its time-to-live without changing the version', async () => {
    const s = await createSession({ ttlSeconds: 600, now: new Date(Date.now() - 400_000) });
    const before = await store.readSession(s.sessionId, new Date());
    const g = await getAs(newPlayer(), s.sessionId);
    expect(g.status).toBe(200);
    const after = await store.readSession(s.sessionId, new Date());
    expect(after!.expiresAt!).toBeGreaterThan(before!.expiresAt! + 300);
    expect(after!.version).toBe(before!.version);
  });
});
