// The local friends service over real HTTP on DynamoDB Local: requests, acceptance, declines and deletions as both
// players see them, ETags, who may do what, and the session service's friends client asking it.
import { randomUUID } from 'node:crypto';
import { startFriendsService } from '../../../local/friends-service.js';
import { ensureFriendsTable } from '../../../local/friends-table.js';
import { createFriendsClient } from '../../../src/friends/friends-client.js';
import {
  FRIENDS_PLAYER_PERMISSIONS,
  FRIEND_LIST_READ,
  FRIEND_LIST_WRITE,
  makeFriends,
  newFriendsPlayer,
  startTestFriendsService,
  type TestFriendsService,
} from '../../support/friends.js';
import { testDynamoDbClient } from '../../support/dynamodb.js';
import { issuer, newPlayer, type TestPlayer } from '../../support/players.js';
import { createTestIssuer } from '../../support/test-issuer.js';

let service: TestFriendsService;

beforeAll(async () => {
  service = await startTestFriendsService();
});

afterAll(async () => {
  await service?.stop();
});

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  method: string,
  path: string,
  authorization: string | undefined,
  init: { body?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(`${service.baseUrl}${path}`, {
    method,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...init.headers },
    body: init.body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const pathOf = (player: string, other: string) => `/friends/v2/player/${player}/friend/${other}`;
const get = (p: TestPlayer, other: TestPlayer, headers: Record<string, string> = {}) =>
  call('GET', pathOf(p.uuid, other.uuid), p.auth.authorization, { headers });
const put = (p: TestPlayer, other: TestPlayer, init: { body?: string; headers?: Record<string, string> } = {}) =>
  call('PUT', pathOf(p.uuid, other.uuid), p.auth.authorization, init);
const del = (p: TestPlayer, other: TestPlayer, headers: Record<string, string> = {}) =>
  call('DELETE', pathOf(p.uuid, other.uuid), p.auth.authorization, { headers });

/** Both sides' statuses: undefined for a side with no relationship (404). */
async function statuses(a: TestPlayer, b: TestPlayer): Promise<[string | undefined, string | undefined]> {
  const [ab, ba] = await Promise.all([get(a, b), get(b, a)]);
  for (const r of [ab, ba]) if (r.status !== 200 && r.status !== 404) throw new Error(`GET answered ${r.status}`);
  return [ab.status === 200 ? ab.body.status : undefined, ba.status === 200 ? ba.body.status : undefined];
}

function expectError(r: Reply, status: number, error_code: string, auth_success = true) {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { auth_success, error_code, desc: expect.any(String) } });
  expect(r.headers.get('content-type')).toBe('application/json');
}

const pair = (): [TestPlayer, TestPlayer] => [newFriendsPlayer(), newFriendsPlayer()];
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('requests and friendships', () => {
  test('a request, then its acceptance: FRIENDS from both sides, in FriendRelationship answers', async () => {
    const [a, b] = pair();
    const sent = await put(a, b);
    expect(sent.status).toBe(200);
    expect(sent.body).toEqual({ friends_player_uuid: b.uuid, status: 'FRIEND_REQUEST_SENT', last_modified_on: expect.stringMatching(ISO_TIME) });
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_SENT', 'FRIEND_REQUEST_PENDING']);

    const accepted = await put(b, a);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ friends_player_uuid: a.uuid, status: 'FRIENDS', last_modified_on: expect.stringMatching(ISO_TIME) });
    expect(await statuses(a, b)).toEqual(['FRIENDS', 'FRIENDS']);

    const got = await get(a, b);
    expect(got.body).toEqual({ friends_player_uuid: b.uuid, status: 'FRIENDS', last_modified_on: accepted.body.last_modified_on });
  });

  test('one side only is a pending request, not a friendship, however often it is sent', async () => {
    const [a, b] = pair();
    const first = await put(a, b);
    const again = await put(a, b);
    expect(again.body.status).toBe('FRIEND_REQUEST_SENT');
    // Nothing changed: same ETag, same time.
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(again.body.last_modified_on).toBe(first.body.last_modified_on);
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_SENT', 'FRIEND_REQUEST_PENDING']);
  });

  test('no relationship: 404 from both sides', async () => {
    const [a, b] = pair();
    expectError(await get(a, b), 404, 'relationship_not_found');
    expectError(await get(b, a), 404, 'relationship_not_found');
  });

  test('makeFriends makes two players friends', async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    expect(await statuses(a, b)).toEqual(['FRIENDS', 'FRIENDS']);
  });

  test('adding someone who is a friend already changes nothing', async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    const before = await get(a, b);
    const again = await put(b, a);
    expect(again.body.status).toBe('FRIENDS');
    expect(again.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  test('two players adding each other at the same moment become friends, every time', async () => {
    const pairs = Array.from({ length: 12 }, pair);
    await Promise.all(pairs.map(([a, b]) => Promise.all([put(a, b), put(b, a)])));
    const seen = await Promise.all(pairs.map(([a, b]) => statuses(a, b)));
    expect(seen).toEqual(pairs.map(() => ['FRIENDS', 'FRIENDS']));
  });
});

describe('deleting', () => {
  test('ends a friendship, for both sides', async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    const deleted = await del(a, b);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });

  test('by the sender withdraws the request', async () => {
    const [a, b] = pair();
    await put(a, b);
    expect((await del(a, b)).status).toBe(204);
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });

  test('by the receiver declines it: the sender sees it declined until they delete it too', async () => {
    const [a, b] = pair();
    await put(a, b);
    expect((await del(b, a)).status).toBe(204);
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_DECLINED_BY_OTHER', undefined]);
    // Deleting again as the one who declined changes nothing.
    expect((await del(b, a)).status).toBe(204);
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_DECLINED_BY_OTHER', undefined]);
    expect((await del(a, b)).status).toBe(204);
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });

  test('after a decline, either side may ask again, and the other must accept', async () => {
    const [a, b] = pair();
    await put(a, b);
    await del(b, a);
    expect((await put(b, a)).body.status).toBe('FRIEND_REQUEST_SENT');
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_PENDING', 'FRIEND_REQUEST_SENT']);
    expect((await put(a, b)).body.status).toBe('FRIENDS');
    expect(await statuses(a, b)).toEqual(['FRIENDS', 'FRIENDS']);
  });

  test('with no relationship: 204, and still none', async () => {
    const [a, b] = pair();
    expect((await del(a, b)).status).toBe(204);
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });
});

describe('notes', () => {
  test("a PUT's notes are the adder's own, shown to them only, kept by a PUT without notes, gone with the relationship", async () => {
    const [a, b] = pair();
    const sent = await put(a, b, { body: JSON.stringify({ notes: 'met in ranked' }), headers: { 'content-type': 'application/json' } });
    expect(sent.body).toMatchObject({ status: 'FRIEND_REQUEST_SENT', notes: 'met in ranked' });
    const accepted = await put(b, a);
    expect(accepted.body.notes).toBeUndefined();
    expect((await put(a, b, { body: '{}' })).body.notes).toBe('met in ranked');
    expect((await get(a, b)).body).toMatchObject({ status: 'FRIENDS', notes: 'met in ranked' });
    expect((await get(b, a)).body.notes).toBeUndefined();
    await del(b, a);
    await makeFriends(service, a, b);
    expect((await get(a, b)).body.notes).toBeUndefined();
  });

  test.each([
    ['not JSON', 'notes', ['body'], 'value_error.jsondecode'],
    ['not an object', '["x"]', ['body'], 'type_error.dict'],
    ['notes not a string', '{"notes":5}', ['body', 'notes'], 'type_error.str'],
    ['empty notes', '{"notes":""}', ['body', 'notes'], 'value_error.any_str.min_length'],
    ['notes of 4001 characters', JSON.stringify({ notes: 'x'.repeat(4001) }), ['body', 'notes'], 'value_error.any_str.max_length'],
  ])('a body with %s: 422 in FastAPI shape, and nothing is written', async (_name, body, loc, type) => {
    const [a, b] = pair();
    const r = await put(a, b, { body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(422);
    expect(r.body).toEqual({ detail: [{ loc, msg: expect.any(String), type }] });
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });

  test('notes of 4000 characters are taken', async () => {
    const [a, b] = pair();
    const notes = 'x'.repeat(4000);
    expect((await put(a, b, { body: JSON.stringify({ notes }) })).body.notes).toBe(notes);
  });

  test('a body past 128 KiB: 413', async () => {
    const [a, b] = pair();
    expectError(await put(a, b, { body: JSON.stringify({ notes: 'x'.repeat(130 * 1024) }) }), 413, 'payload_too_large');
  });
});

describe('ETags', () => {
  test('GET and PUT answer the same ETag for the same state; If-None-Match with it answers 304', async () => {
    const [a, b] = pair();
    const sent = await put(a, b);
    const etag = sent.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect((await get(a, b)).headers.get('etag')).toBe(etag);
    const unchanged = await get(a, b, { 'if-none-match': etag });
    expect({ status: unchanged.status, etag: unchanged.headers.get('etag'), body: unchanged.body }).toEqual({ status: 304, etag, body: undefined });
    expect((await get(a, b, { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);

    const accepted = await put(b, a);
    expect(accepted.headers.get('etag')).not.toBe(etag);
    const changed = await get(a, b, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe(accepted.headers.get('etag'));
  });

  test('a PUT or DELETE with a stale If-Match: 412 and nothing changes; with the current one it goes through', async () => {
    const [a, b] = pair();
    const stale = (await put(a, b)).headers.get('etag')!;
    const current = (await put(a, b, { body: '{"notes":"n"}' })).headers.get('etag')!;
    expect(current).not.toBe(stale);
    expectError(await put(a, b, { body: '{"notes":"m"}', headers: { 'if-match': stale } }), 412, 'relationship_precondition_failed');
    expectError(await del(a, b, { 'if-match': stale }), 412, 'relationship_precondition_failed');
    expect((await get(a, b)).body).toMatchObject({ status: 'FRIEND_REQUEST_SENT', notes: 'n' });
    expect((await del(a, b, { 'if-match': current })).status).toBe(204);
    expect(await statuses(a, b)).toEqual([undefined, undefined]);
  });

  test('If-Match on a relationship the caller does not have: 412; * matches any they have', async () => {
    const [a, b] = pair();
    expectError(await put(a, b, { headers: { 'if-match': '*' } }), 412, 'relationship_precondition_failed');
    await put(a, b);
    expect((await put(b, a, { headers: { 'if-match': '*' } })).body.status).toBe('FRIENDS');
  });
});

describe('who may do what', () => {
  test("a player may not read, add or delete another player's relationships: 403 insufficient_permissions", async () => {
    const [a, b] = pair();
    const c = newFriendsPlayer();
    await put(a, b);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      expectError(await call(method, pathOf(a.uuid, b.uuid), c.auth.authorization), 403, 'insufficient_permissions');
      expectError(await call(method, pathOf(b.uuid, a.uuid), a.auth.authorization), 403, 'insufficient_permissions');
    }
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_SENT', 'FRIEND_REQUEST_PENDING']);
  });

  test('reading needs friend:friend_list:read, adding and deleting friend:friend_list:write', async () => {
    const other = newFriendsPlayer();
    const readOnly = newPlayer([FRIEND_LIST_READ]);
    const writeOnly = newPlayer([FRIEND_LIST_WRITE]);
    expectError(await put(readOnly, other), 403, 'insufficient_permissions');
    expectError(await del(readOnly, other), 403, 'insufficient_permissions');
    expectError(await get(writeOnly, other), 403, 'insufficient_permissions');
    expect((await put(writeOnly, other)).status).toBe(200);
    expect((await del(writeOnly, other)).status).toBe(204);
    expect((await get(readOnly, other)).status).toBe(404);
    for (const p of [newPlayer(['session:*']), newPlayer(['friend:block_list:read', 'friend:block_list:write'])]) {
      expectError(await get(p, other), 403, 'insufficient_permissions');
      expectError(await put(p, other), 403, 'insufficient_permissions');
    }
  });

  test('friend:* grants both, for the player themselves only', async () => {
    const wildcard = newPlayer(['friend:*']);
    const [a, b] = pair();
    expect((await put(wildcard, a)).status).toBe(200);
    expect((await get(wildcard, a)).body.status).toBe('FRIEND_REQUEST_SENT');
    expectError(await call('GET', pathOf(a.uuid, b.uuid), wildcard.auth.authorization), 403, 'insufficient_permissions');
  });

  test('a game client may use it when its permissions carry the friend list', async () => {
    expect(FRIENDS_PLAYER_PERMISSIONS).toEqual(expect.arrayContaining([FRIEND_LIST_READ, FRIEND_LIST_WRITE, 'session:update-player:self']));
    expect(new Set(FRIENDS_PLAYER_PERMISSIONS).size).toBe(FRIENDS_PLAYER_PERMISSIONS.length);
  });

  test.each([
    ['no Authorization header', undefined, 'auth_token_format'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'auth_token_format'],
    ['a token that is not a JWT', 'Bearer not-a-jwt', 'auth_not_jwt'],
    ['an expired token', `Bearer ${issuer.sign({ scope: FRIEND_LIST_READ }, { expiresInSeconds: -60 })}`, 'auth_token_expired'],
  ])('%s: 403 with auth_success false, before anything is read', async (_name, authorization, code) => {
    const [a, b] = pair();
    await put(a, b);
    expectError(await call('GET', pathOf(a.uuid, b.uuid), authorization), 403, code, false);
    expectError(await call('PUT', pathOf(b.uuid, a.uuid), authorization), 403, code, false);
  });

  test('a token signed by another key: 403 with auth_success false, and nothing changes', async () => {
    const [a, b] = pair();
    const forged = createTestIssuer({ issuer: issuer.issuer, audience: issuer.audience, kid: issuer.kid }).sign({
      sub: b.uuid,
      scope: FRIEND_LIST_WRITE,
    });
    await put(a, b);
    expectError(await call('PUT', pathOf(b.uuid, a.uuid), `Bearer ${forged}`), 403, 'auth_token_sig_invalid', false);
    expect(await statuses(a, b)).toEqual(['FRIEND_REQUEST_SENT', 'FRIEND_REQUEST_PENDING']);
  });
});

describe('paths and methods', () => {
  test('path parameters that are not UUIDs: 422 naming each', async () => {
    const p = newFriendsPlayer();
    const r = await call('GET', pathOf('me', 'nobody'), p.auth.authorization);
    expect(r.status).toBe(422);
    expect(r.body).toEqual({
      detail: [
        { loc: ['path', 'player_uuid'], msg: 'value is not a valid uuid', type: 'type_error.uuid' },
        { loc: ['path', 'other_player_uuid'], msg: 'value is not a valid uuid', type: 'type_error.uuid' },
      ],
    });
  });

  test('UUIDs are read case-insensitively', async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    const r = await call('GET', pathOf(a.uuid.toUpperCase(), b.uuid.toUpperCase()), a.auth.authorization);
    expect(r.body).toMatchObject({ friends_player_uuid: b.uuid, status: 'FRIENDS' });
  });

  test('adding oneself: 400 cannot_friend_self', async () => {
    const a = newFriendsPlayer();
    expectError(await put(a, a), 400, 'cannot_friend_self');
    expectError(await get(a, a), 404, 'relationship_not_found');
  });

  test('HEAD is GET without the body', async () => {
    const [a, b] = pair();
    const sent = await put(a, b);
    const head = await fetch(`${service.baseUrl}${pathOf(a.uuid, b.uuid)}`, { method: 'HEAD', headers: a.auth });
    expect({ status: head.status, etag: head.headers.get('etag'), body: await head.text() }).toEqual({
      status: 200,
      etag: sent.headers.get('etag'),
      body: '',
    });
  });

  test('another method on the path: 405 with Allow', async () => {
    const [a, b] = pair();
    const r = await call('POST', pathOf(a.uuid, b.uuid), a.auth.authorization);
    expectError(r, 405, 'method_not_allowed');
    expect(r.headers.get('allow')).toBe('DELETE, GET, HEAD, PUT');
  });

  test('paths this service does not serve: 404 route_not_found', async () => {
    const [a, b] = pair();
    for (const path of [
      `/friends/v2/player/${a.uuid}/friend`,
      `/friends/v1/player/${a.uuid}/friend/${b.uuid}`,
      `${pathOf(a.uuid, b.uuid)}/notes`,
      '/session/v1/template',
      '/friends/v2/player/%zz/friend/x',
    ]) {
      expectError(await call('GET', path, a.auth.authorization), 404, 'route_not_found');
    }
  });
});

describe('the table', () => {
  test('a start creates a missing table and leaves an existing one, with its friendships, as it is', async () => {
    const tableName = `friends-test-${randomUUID()}`;
    const endpoint = process.env.DYNAMODB_ENDPOINT!;
    const [a, b] = pair();
    const first = await startFriendsService({ endpoint, tableName });
    try {
      await makeFriends(first, a, b);
    } finally {
      await first.stop();
    }
    const client = testDynamoDbClient();
    try {
      await ensureFriendsTable(client, tableName);
    } finally {
      client.destroy();
    }
    const again = await startFriendsService({ endpoint, tableName });
    try {
      const r = await fetch(`${again.baseUrl}${pathOf(a.uuid, b.uuid)}`, { headers: a.auth });
      expect(((await r.json()) as { status: string }).status).toBe('FRIENDS');
    } finally {
      await again.stop();
    }
  });
});

describe("the session service's friends client against it", () => {
  const client = () => createFriendsClient({ apiUrl: service.baseUrl, timeoutMs: 5000, cacheSeconds: 0 });

  test('friends: true, both ways', async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    await expect(client().areFriends(a.uuid, b.uuid, a.auth.authorization)).resolves.toBe(true);
    await expect(client().areFriends(b.uuid, a.uuid, b.auth.authorization)).resolves.toBe(true);
  });

  test('a request one way, no relationship, a declined or deleted one: false', async () => {
    const [a, b] = pair();
    const directory = client();
    await expect(directory.areFriends(a.uuid, b.uuid, a.auth.authorization)).resolves.toBe(false);
    await put(a, b);
    await expect(directory.areFriends(a.uuid, b.uuid, a.auth.authorization)).resolves.toBe(false);
    await expect(directory.areFriends(b.uuid, a.uuid, b.auth.authorization)).resolves.toBe(false);
    await put(b, a);
    await expect(directory.areFriends(a.uuid, b.uuid, a.auth.authorization)).resolves.toBe(true);
    await del(b, a);
    await expect(directory.areFriends(a.uuid, b.uuid, a.auth.authorization)).resolves.toBe(false);
  });

  test("a token the friends service refuses (no read permission, another player's, not a JWT): false", async () => {
    const [a, b] = pair();
    await makeFriends(service, a, b);
    const lacking = newPlayer(['session:update-player:self'], a.uuid);
    await expect(client().areFriends(a.uuid, b.uuid, lacking.auth.authorization)).resolves.toBe(false);
    await expect(client().areFriends(a.uuid, b.uuid, b.auth.authorization)).resolves.toBe(false);
    await expect(client().areFriends(a.uuid, b.uuid, 'Bearer nonsense')).resolves.toBe(false);
  });

  test('the service stopped: friends_unavailable', async () => {
    const gone = await startTestFriendsService();
    await gone.stop();
    const [a, b] = pair();
    await expect(
      createFriendsClient({ apiUrl: gone.baseUrl, timeoutMs: 1000, cacheSeconds: 0 }).areFriends(a.uuid, b.uuid, a.auth.authorization),
    ).rejects.toMatchObject({
      code: 'friends_unavailable',
    });
  });
});
