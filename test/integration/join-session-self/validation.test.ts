// 422s exactly in the FastAPI/pydantic-v1 shape, through the real handler; a rejected request writes nothing.
import { httpApiEvent, invoke, restApiEvent } from '../../support/api.js';
import { JOIN_ROUTE } from '../../support/api-client.js';
import { joinBody } from '../../support/fixtures.js';
import { newPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

const { handler: join } = await import('../../../handlers/join-session-self.js');

const session = await createSession({ teamSizes: [4] });
const player = newPlayer();

function post(body: unknown, headers: Record<string, string> = {}, sessionId = session.sessionId) {
  return invoke(
    join,
    httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: sessionId }, headers: { ...player.auth, ...headers }, body }),
  );
}

async function expect422(body: unknown, detail: unknown[], headers?: Record<string, string>, sessionId?: string) {
  const before = await store.readSession(session.sessionId, new Date());
  const r = await post(body, headers, sessionId);
  expect(r.status).toBe(422);
  expect(r.body).toEqual({ detail });
  const after = await store.readSession(session.sessionId, new Date());
  expect(after?.version).toBe(before?.version);
}

const missing = (...loc: (string | number)[]) => ({ loc, msg: 'field required', type: 'value_error.missing' });
const notDict = (...loc: (string | number)[]) => ({ loc, msg: 'value is not a valid dict', type: 'type_error.dict' });

describe('the body as a whole', () => {
  test('missing body', () => expect422(undefined, [missing('body')]));
  test('empty body with a JSON content type', () => expect422('', [missing('body')], { 'content-type': 'application/json' }));
  test('invalid JSON', () =>
    expect422('{"team_id": 0,', [{ loc: ['body'], msg: 'Invalid JSON body', type: 'value_error.jsondecode' }], {
      'content-type': 'application/json',
    }));
  test('a JSON body sent as text/plain is not a dict', () =>
    expect422(JSON.stringify(joinBody()), [notDict('body')], { 'content-type': 'text/plain' }));
  test.each(['application/JSON', 'Application/Json; charset=UTF-8', 'application/vnd.game+JSON'])(
    'media types compare without case: %s is JSON',
    async (type) => expect((await post(JSON.stringify(joinBody()), { 'content-type': type })).status).toBe(200),
  );
  test('a body without a Content-Type is read as JSON, as FastAPI reads it', async () => {
    expect((await post(JSON.stringify(joinBody()), {})).status).toBe(200);
    await expect422('{"team_id": 0,', [{ loc: ['body'], msg: 'Invalid JSON body', type: 'value_error.jsondecode' }], {});
  });
  test('an empty Content-Type reads as none: the body is JSON', async () => {
    expect((await post(JSON.stringify(joinBody()), { 'content-type': '' })).status).toBe(200);
    expect((await post(JSON.stringify(joinBody()), { 'content-type': '  ' })).status).toBe(200);
  });
  test.each([
    ['an array', []],
    ['a string', 'x'],
    ['a number', 5],
    ['null', null],
  ])('%s is not a dict', async (_n, value) => {
    if (value === null) await expect422('null', [missing('body')], { 'content-type': 'application/json' });
    else await expect422(JSON.stringify(value), [notDict('body')], { 'content-type': 'application/json' });
  });
  test('a body over 128 KiB is 413 in the error envelope', async () => {
    const r = await post(joinBody({ custom_data: { a: 'x'.repeat(4096) }, padding: 'y'.repeat(130 * 1024) }));
    expect(r.status).toBe(413);
    expect(r.body).toEqual({ auth_success: true, error_code: 'payload_too_large', desc: expect.any(String) });
  });
});

describe('fields', () => {
  test('every required field missing, all listed', () =>
    expect422({}, [missing('body', 'client_version'), missing('body', 'client_settings'), missing('body', 'team_id')]));

  test('client_settings.input missing', () =>
    expect422(joinBody({ client_settings: { platform: 'Steam' } }), [missing('body', 'client_settings', 'input')]));

  test('wrong types', () =>
    expect422({ client_version: 1, client_settings: 'pc', team_id: '1', custom_data: [], crossplay_preferences: 3 }, [
      { loc: ['body', 'client_version'], msg: 'str type expected', type: 'type_error.str' },
      notDict('body', 'client_settings'),
      { loc: ['body', 'team_id'], msg: 'value is not a valid integer', type: 'type_error.integer' },
      notDict('body', 'crossplay_preferences'),
      notDict('body', 'custom_data'),
    ]));

  test('a fractional team_id is not an integer', () =>
    expect422(joinBody({ team_id: 1.5 }), [{ loc: ['body', 'team_id'], msg: 'value is not a valid integer', type: 'type_error.integer' }]));

  test('team_id below 0', () =>
    expect422(joinBody({ team_id: -1 }), [
      { loc: ['body', 'team_id'], msg: 'ensure this value is greater than or equal to 0', type: 'value_error.number.not_ge' },
    ]));

  test('enum values outside their lists', () =>
    expect422(
      joinBody({
        status: 'owner',
        client_settings: { platform: 'Dreamcast', platform_id: 3, input: 'wheel', device_type: 'toaster' },
        crossplay_preferences: { permitted_platform: 'desired_platforms_all', permitted_input: 'desired_inputs_feet' },
      }),
      [
        {
          loc: ['body', 'status'],
          msg: "value is not a valid enumeration member; permitted: 'leader', 'member', 'invited', 'reserved'",
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'client_settings', 'platform_id'],
          msg: 'value is not a valid enumeration member; permitted: 2, 4, 5, 9, 10, 11, 13, 16, 22, 24, 26, 28, 25',
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'client_settings', 'platform'],
          msg: expect.stringMatching(/^value is not a valid enumeration member; permitted: 'Anon', 'Basic', 'XboxLive'/),
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'client_settings', 'input'],
          msg: "value is not a valid enumeration member; permitted: 'keyboardandmouse', 'gamepad', 'touch'",
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'client_settings', 'device_type'],
          msg: "value is not a valid enumeration member; permitted: 'pc', 'xbox_series', 'xbox_one', 'web'",
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'crossplay_preferences', 'permitted_platform'],
          msg: expect.stringContaining("permitted: 'desired_platforms_any'"),
          type: 'type_error.enum',
        },
        {
          loc: ['body', 'crossplay_preferences', 'permitted_input'],
          msg: expect.stringContaining("permitted: 'desired_inputs_any'"),
          type: 'type_error.enum',
        },
      ],
    ));

  test('null for a field is "none is not an allowed value", once per field, as pydantic says it', () =>
    expect422(joinBody({ client_version: null, status: null, team_id: null, client_settings: { platform: 'Steam', input: null } }), [
      { loc: ['body', 'status'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'client_version'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'client_settings', 'input'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
      { loc: ['body', 'team_id'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' },
    ]));

  test('a value of the wrong type in an enumeration field is its enumeration error alone', () =>
    expect422(joinBody({ status: 5 }), [
      {
        loc: ['body', 'status'],
        msg: "value is not a valid enumeration member; permitted: 'leader', 'member', 'invited', 'reserved'",
        type: 'type_error.enum',
      },
    ]));

  test('a custom_data key with / and ~ is shown as sent in loc (JSON-pointer escapes undone), a key of digits as a string', () =>
    expect422(joinBody({ custom_data: { 'a/b~c': '', '7': '' } }), [
      { loc: ['body', 'custom_data', '7'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' },
      { loc: ['body', 'custom_data', 'a/b~c'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' },
    ]));

  test('crossplay_preferences needs both of its fields', () =>
    expect422(joinBody({ crossplay_preferences: {} }), [
      missing('body', 'crossplay_preferences', 'permitted_platform'),
      missing('body', 'crossplay_preferences', 'permitted_input'),
    ]));

  test('custom_data values: empty, over 4096 characters, not a string', () =>
    expect422(joinBody({ custom_data: { empty: '', long: 'é'.repeat(4097), number: 5 } }), [
      { loc: ['body', 'custom_data', 'empty'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' },
      { loc: ['body', 'custom_data', 'long'], msg: 'ensure this value has at most 4096 characters', type: 'value_error.any_str.max_length' },
      { loc: ['body', 'custom_data', 'number'], msg: 'str type expected', type: 'type_error.str' },
    ]));

  test('custom_data counts characters, not UTF-16 units: 4096 emoji are fine', async () => {
    const r = await post(joinBody({ custom_data: { e: '😀'.repeat(4096) } }));
    expect(r.status).toBe(200);
  });

  test('custom_data caps (extension): at most 32 keys of at most 128 characters', () =>
    expect422(joinBody({ custom_data: { ...Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) } }), [
      { loc: ['body', 'custom_data'], msg: 'ensure this dict has at most 32 keys', type: 'value_error.dict.max_keys' },
    ]).then(() =>
      expect422(joinBody({ custom_data: { ['k'.repeat(129)]: 'v' } }), [
        {
          loc: ['body', 'custom_data', 'k'.repeat(129), '__key__'],
          msg: 'ensure this value has at most 128 characters',
          type: 'value_error.any_str.max_length',
        },
      ]),
    ));

  test('unknown fields are ignored, as FastAPI does', async () => {
    const r = await post(joinBody({ favourite_colour: 'green', client_settings: { platform: 'Steam', input: 'gamepad', extra: 1 } }));
    expect(r.status).toBe(200);
  });
});

describe('rules beyond the schema', () => {
  test('neither platform nor platform_id', () =>
    expect422(joinBody({ client_settings: { input: 'gamepad' } }), [
      { loc: ['body', 'client_settings', 'platform'], msg: 'one of platform and platform_id is required', type: 'value_error.missing' },
    ]));

  test.each(['0.0.1', '1.4.2-beta.1+b77', '10.20.30-rc.1', '1', 'v1.0.0', '01.0.0', 'latest'])(
    'client_version %p is taken, as upstream takes any string',
    async (v) => {
      expect((await post(joinBody({ client_version: v }))).status).toBe(200);
    },
  );

  test('client_version must still be a string', () =>
    expect422(joinBody({ client_version: 140 }), [{ loc: ['body', 'client_version'], msg: 'str type expected', type: 'type_error.str' }]));

  test('platform_id maps to its platform name: 5 is Steam, 26 is NintendoNAID', async () => {
    const s = await createSession({ teamSizes: [4] });
    const a = newPlayer();
    const b = newPlayer();
    const send = (p: typeof a, platform_id: number) =>
      invoke(
        join,
        httpApiEvent({
          method: 'POST',
          route: JOIN_ROUTE,
          pathParameters: { session_id: s.sessionId },
          headers: p.auth,
          body: joinBody({ client_settings: { platform_id, input: 'gamepad' } }),
        }),
      );
    expect((await send(a, 5)).status).toBe(200);
    expect((await send(b, 26)).status).toBe(200);
    const { players } = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(Object.fromEntries(players.map((p) => [p.playerUuid, p.clientSettings?.platform]))).toEqual({
      [a.uuid]: 'Steam',
      [b.uuid]: 'NintendoNAID',
    });
  });

  test('platform wins over platform_id', async () => {
    const s = await createSession({ teamSizes: [4] });
    const p = newPlayer();
    await invoke(
      join,
      httpApiEvent({
        method: 'POST',
        route: JOIN_ROUTE,
        pathParameters: { session_id: s.sessionId },
        headers: p.auth,
        body: joinBody({ client_settings: { platform: 'Epic', platform_id: 5, input: 'gamepad' } }),
      }),
    );
    const { players } = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(players[0]?.clientSettings?.platform).toBe('Epic');
  });
});

describe('path', () => {
  test('a session_id of 129 characters', () =>
    expect422(
      joinBody(),
      [{ loc: ['path', 'session_id'], msg: 'ensure this value has at most 128 characters', type: 'value_error.any_str.max_length' }],
      {},
      's'.repeat(129),
    ));

  test('an empty session_id (API Gateway would not route it; the handler still refuses it)', () =>
    expect422(
      joinBody(),
      [{ loc: ['path', 'session_id'], msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' }],
      {},
      '',
    ));

  test('path and body problems come in one answer', async () => {
    const r = await post({ team_id: -1 }, {}, 'x'.repeat(200));
    expect(r.status).toBe(422);
    expect(r.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['path', 'session_id'],
      ['body', 'client_version'],
      ['body', 'client_settings'],
      ['body', 'team_id'],
    ]);
  });

  test('REST API (v1) events get the same 422', async () => {
    const r = await invoke(
      join,
      restApiEvent({
        method: 'POST',
        route: JOIN_ROUTE,
        pathParameters: { session_id: session.sessionId },
        headers: { Authorization: player.auth.authorization },
        body: { team_id: 0 },
      }),
    );
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ detail: [missing('body', 'client_version'), missing('body', 'client_settings')] });
  });
});

describe('reserved custom_data keys', () => {
  test.each(['__proto__', 'constructor', 'prototype'])('%p is refused with a 422 (it cannot be stored), nothing written', (key) =>
    expect422(
      JSON.stringify({ ...joinBody(), custom_data: {} }).replace('"custom_data":{}', `"custom_data":{"${key}":"x"}`),
      [{ loc: ['body', 'custom_data', key, '__key__'], msg: 'this key is reserved', type: 'value_error.reserved_key' }],
      { 'content-type': 'application/json' },
    ),
  );
});
