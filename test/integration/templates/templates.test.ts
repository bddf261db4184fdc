// The two template operations end to end: real handlers, real signed JWTs, the templates file read by the
// container's services (the repository's config/session-templates.json by default).
import { jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { httpApiEvent, invoke, restApiEvent } from '../../support/api.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { api } from '../../support/api-client.js';
import { store } from '../../support/stores.js';

const { handler: getAll } = await import('../../../handlers/get-all-session-templates.js');
const { handler: getByType } = await import('../../../handlers/get-session-template-by-type.js');
const { resetServices } = await import('../../../src/runtime/services.js');
const { resetTemplates } = await import('../../../src/runtime/templates.js');

const spec = await loadSpec(join(process.cwd(), 'schemas', 'openapi.yaml'));
const isTemplate = componentValidator(spec, 'SessionTemplate');
const isTemplates = componentValidator(spec, 'SessionTemplates');
const isError = componentValidator(spec, 'HzApiErrorModel');

const ALL_ROUTE = '/session/v1/template';
const BY_TYPE_ROUTE = '/session/v1/template/{session_type}';
const reader = newPlayer(['session:read:config']);

const all = (p: TestPlayer = reader, headers: Record<string, string> = {}) =>
  invoke(getAll, httpApiEvent({ method: 'GET', route: ALL_ROUTE, headers: { ...p.auth, ...headers } }));
const byType = (type: string, p: TestPlayer = reader, headers: Record<string, string> = {}) =>
  invoke(
    getByType,
    httpApiEvent({ method: 'GET', route: BY_TYPE_ROUTE, pathParameters: { session_type: type }, headers: { ...p.auth, ...headers } }),
  );

function expectError(r: { status: number; body: unknown }, status: number, error_code: string, auth_success = true) {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { auth_success, error_code, desc: expect.any(String) } });
  expect(isError(r.body)).toBe(true);
}

/** Runs `fn` with the services re-created from a templates file holding `text`; restores the default after. */
async function withTemplatesFile(text: string | undefined, fn: () => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'templates-api-'));
  const saved = process.env.SESSION_TEMPLATES_FILE;
  try {
    const file = join(dir, 'session-templates.json');
    if (text !== undefined) writeFileSync(file, text);
    process.env.SESSION_TEMPLATES_FILE = file;
    resetServices();
    resetTemplates();
    await fn();
  } finally {
    if (saved === undefined) delete process.env.SESSION_TEMPLATES_FILE;
    else process.env.SESSION_TEMPLATES_FILE = saved;
    resetServices();
    resetTemplates();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('get_all_session_templates', () => {
  test('200: every template keyed by type, matching the contract, with a strong ETag', async () => {
    const r = await all();
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(isTemplates(r.body)).toBe(true);
    expect(Object.keys(r.body.templates)).toEqual(['lobby', 'duel', 'raid', 'matchmade']);
    for (const t of Object.values(r.body.templates)) expect(isTemplate(t)).toBe(true);
    expect(r.body.templates.lobby).toEqual({
      session_type: 'lobby',
      engine_session_type: 'Party',
      can_be_created_by_players_directly: true,
      joinable: true,
      attempt_auto_join: true,
      default_public: true,
      keep_alive_on_empty: false,
      custom_data: { mode: 'social' },
      num_teams: 1,
      players_per_team: 4,
      can_change_own_team: true,
      player_culling_timeout: 0,
      session_ttl_seconds: 3600,
    });
  });

  test('304 with the ETag and no body when If-None-Match names it (also weak, in a list, or *)', async () => {
    const { headers } = await all();
    for (const inm of [headers.etag!, `W/${headers.etag}`, `"other", ${headers.etag}`, '*']) {
      const r = await all(reader, { 'if-none-match': inm });
      expect({ status: r.status, etag: r.headers.etag, raw: r.raw }).toEqual({ status: 304, etag: headers.etag, raw: undefined });
    }
  });

  test('200 when If-None-Match names another ETag', async () => {
    const r = await all(reader, { 'if-none-match': '"stale"' });
    expect(r.status).toBe(200);
    expect(isTemplates(r.body)).toBe(true);
  });

  test('session:* is enough; a REST API (v1) event works too', async () => {
    const admin = newAdmin();
    expect((await all(admin)).status).toBe(200);
    const r = await invoke(getAll, restApiEvent({ method: 'GET', route: ALL_ROUTE, headers: { Authorization: admin.auth.authorization } }));
    expect(r.status).toBe(200);
  });

  test('403 insufficient_permissions without session:read:config or session:*', async () => {
    expectError(await all(newPlayer(['session:read:self', 'session:update-player:self'])), 403, 'insufficient_permissions');
    expectError(await all(newPlayer([])), 403, 'insufficient_permissions');
  });

  test('403 auth_token_format without a bearer token', async () => {
    const r = await invoke(getAll, httpApiEvent({ method: 'GET', route: ALL_ROUTE }));
    expectError(r, 403, 'auth_token_format', false);
  });
});

describe('get_session_template_by_type', () => {
  test('200: the template, matching the contract, with its own ETag', async () => {
    const r = await byType('raid');
    expect(r.status).toBe(200);
    expect(isTemplate(r.body)).toBe(true);
    expect(r.body).toEqual({
      session_type: 'raid',
      engine_session_type: 'Game',
      can_be_created_by_players_directly: true,
      joinable: false,
      attempt_auto_join: false,
      default_public: false,
      keep_alive_on_empty: true,
      custom_data: {},
      num_teams: 4,
      players_per_team: 10,
      can_change_own_team: true,
      player_culling_timeout: 0,
      session_ttl_seconds: 7200,
      client_version_range: '>=1.0.0',
    });
    expect(r.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(r.headers.etag).not.toBe((await byType('duel')).headers.etag);
    expect(r.headers.etag).not.toBe((await all()).headers.etag);
    expect((await all()).body.templates.raid).toEqual(r.body);
  });

  test("304 when If-None-Match names its ETag; 200 with another type's ETag", async () => {
    const { headers } = await byType('duel');
    const r = await byType('duel', reader, { 'if-none-match': headers.etag! });
    expect({ status: r.status, etag: r.headers.etag, raw: r.raw }).toEqual({ status: 304, etag: headers.etag, raw: undefined });
    expect((await byType('lobby', reader, { 'if-none-match': headers.etag! })).status).toBe(200);
  });

  test('404 session_type_not_found for an unknown type, even with If-None-Match: *', async () => {
    expectError(await byType('no-such-type'), 404, 'session_type_not_found');
    expectError(await byType('no-such-type', reader, { 'if-none-match': '*' }), 404, 'session_type_not_found');
    expectError(await byType('Lobby'), 404, 'session_type_not_found');
  });

  test('a type of any length is looked up as upstream does: one longer than 128 characters is 404 session_type_not_found', async () => {
    const r = await byType('x'.repeat(129));
    expect(r.status).toBe(404);
    expect(r.body.error_code).toBe('session_type_not_found');
  });

  test('403 insufficient_permissions without session:read:config or session:*', async () => {
    expectError(await byType('lobby', newPlayer(['session:read:any'])), 403, 'insufficient_permissions');
  });
});

describe('the templates file', () => {
  test('is read once per container: a file changed later is not seen until the services are re-created', async () => {
    await withTemplatesFile(JSON.stringify([{ session_type: 'one' }]), async () => {
      expect(Object.keys((await all()).body.templates)).toEqual(['one']);
      writeFileSync(process.env.SESSION_TEMPLATES_FILE!, JSON.stringify([{ session_type: 'two' }]));
      expect(Object.keys((await all()).body.templates)).toEqual(['one']);
      resetServices();
      resetTemplates();
      expect(Object.keys((await all()).body.templates)).toEqual(['two']);
    });
  });

  test('defaults are applied, joinable is an alias, and unknown fields are not echoed', async () => {
    await withTemplatesFile(
      JSON.stringify([{ session_type: 'legacy', joinable: true, can_join_matchmaking: true, auto_browser_params: { a: 'b' } }]),
      async () => {
        const r = await byType('legacy');
        expect(r.status).toBe(200);
        expect(isTemplate(r.body)).toBe(true);
        expect(r.body).toEqual({
          session_type: 'legacy',
          engine_session_type: 'Game',
          can_be_created_by_players_directly: false,
          joinable: true,
          attempt_auto_join: true,
          default_public: false,
          keep_alive_on_empty: false,
          custom_data: {},
          num_teams: 1,
          players_per_team: 4,
          can_change_own_team: true,
          player_culling_timeout: 0,
          session_ttl_seconds: 3600,
        });
      },
    );
  });

  test('player_culling_timeout: shown by both operations as given, and fixed on the sessions made from the template, which then cull', async () => {
    const T = 2;
    await withTemplatesFile(
      JSON.stringify([{ session_type: 'culled', can_be_created_by_players_directly: true, keep_alive_on_empty: true, player_culling_timeout: T }]),
      async () => {
        const shown = await byType('culled');
        expect(isTemplate(shown.body)).toBe(true);
        expect(shown.body.player_culling_timeout).toBe(T);
        expect((await all()).body.templates.culled.player_culling_timeout).toBe(T);
        const creator = newPlayer();
        const created = await api.createOrJoin(creator, {
          session_type: 'culled',
          client_version: '1',
          client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
        });
        expect(created.status).toBe(200);
        const sessionId = String(created.body.session_id);
        expect((await store.readSession(sessionId, new Date()))!.cullAfterSeconds).toBe(T);
        // Silent past T: the next read shows the session as the cull leaves it (kept alive, empty).
        await new Promise((r) => setTimeout(r, (T + 0.3) * 1000));
        const after = await api.get(newAdmin(), sessionId);
        expect(after.status).toBe(200);
        expect(after.body.teams.flatMap((t: { players: unknown[] }) => t.players)).toEqual([]);
      },
    );
  });

  test('an empty array: no templates, every type unknown', async () => {
    await withTemplatesFile('[]', async () => {
      const r = await all();
      expect(r.body).toEqual({ templates: {} });
      expect(isTemplates(r.body)).toBe(true);
      expectError(await byType('lobby'), 404, 'session_type_not_found');
    });
  });

  test.each<[string, string | undefined]>([
    ['an invalid entry', JSON.stringify([{ session_type: 'raid', players_per_team: 101 }])],
    ['a negative player_culling_timeout', JSON.stringify([{ session_type: 'raid', player_culling_timeout: -1 }])],
    ['a fractional player_culling_timeout', JSON.stringify([{ session_type: 'raid', player_culling_timeout: 1.5 }])],
    ['a duplicate type', JSON.stringify([{ session_type: 'a' }, { session_type: 'a' }])],
    ['not an array', JSON.stringify({ session_type: 'a' })],
    ['not JSON', '[{'],
    ['a missing file', undefined],
  ])('%s: logged once, naming the file; every request answers 500 configuration_invalid', async (_what, text) => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await withTemplatesFile(text, async () => {
        expectError(await all(), 500, 'configuration_invalid');
        expectError(await byType('lobby'), 500, 'configuration_invalid');
        expectError(await all(), 500, 'configuration_invalid');
        const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)) as { message: string; problems?: string[] });
        const problems = lines.filter((l) => l.message.startsWith('session templates invalid'));
        expect(problems).toHaveLength(1);
        expect(problems[0]!.problems).toEqual([expect.stringContaining(`SESSION_TEMPLATES_FILE (${process.env.SESSION_TEMPLATES_FILE}): `)]);
      });
    } finally {
      logged.mockRestore();
    }
  });

  test('after the bad file is fixed and the services re-created, requests succeed again', async () => {
    expect((await all()).status).toBe(200);
  });
});
