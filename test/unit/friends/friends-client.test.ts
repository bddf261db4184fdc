// The friends client against a real HTTP server that answers what each test says: which answers mean friends,
// which mean not, which mean the service cannot answer (503 friends_unavailable), and the cache of friendships.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '../../../local/dynamodb-local.js';
import type { FriendsConfig } from '../../../src/config/config.js';
import { ApiError } from '../../../src/errors/api-error.js';
import { createFriendsClient } from '../../../src/friends/friends-client.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

let server: Server;
let baseUrl: string;
let seen: Seen[];
let respond: (res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, headers: req.headers });
    req.resume();
    respond(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

beforeEach(() => {
  seen = [];
  respond = relationshipAnswer('FRIENDS');
});

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzZWNyZXQifQ.c2lnbmF0dXJlLXNlY3JldA';
const AUTH = `Bearer ${TOKEN}`;
const config = (over: Partial<FriendsConfig> = {}): FriendsConfig => ({ apiUrl: baseUrl, timeoutMs: 1000, cacheSeconds: 30, ...over });

function relationshipAnswer(status: string, code = 200) {
  return (res: ServerResponse) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ friends_player_uuid: randomUUID(), status, last_modified_on: new Date().toISOString() }));
  };
}

function statusAnswer(code: number, body = '{"auth_success":true,"error_code":"x","desc":"x"}') {
  return (res: ServerResponse) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(body);
  };
}

/** The ApiError the promise rejects with; fails the test when it resolves or rejects with anything else. */
async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return error;
}

async function expectUnavailable(promise: Promise<unknown>): Promise<ApiError> {
  const error = await rejection(promise);
  expect(error.code).toBe('friends_unavailable');
  expect(error.status).toBe(503);
  expect(error.message).not.toContain(TOKEN);
  return error;
}

describe('the request', () => {
  test("asks get_friend_relationship_v2 for the pair, with the caller's own Authorization and Accept: application/json", async () => {
    const [player, friend] = [randomUUID(), randomUUID()];
    await createFriendsClient(config()).areFriends(player, friend, AUTH);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: `/friends/v2/player/${player}/friend/${friend}`,
      headers: { authorization: AUTH, accept: 'application/json' },
    });
  });

  test('puts path parameters in the path encoded, never as extra segments', async () => {
    await createFriendsClient(config()).areFriends('a/b', 'c?d', AUTH);
    expect(seen[0]!.url).toBe('/friends/v2/player/a%2Fb/friend/c%3Fd');
  });

  test('is sent under the configured base URL, which may carry a path of its own', async () => {
    await createFriendsClient(config({ apiUrl: `${baseUrl}/gateway` })).areFriends('p', 'f', AUTH);
    expect(seen[0]!.url).toBe('/gateway/friends/v2/player/p/friend/f');
  });
});

describe('answers', () => {
  test('200 with status FRIENDS: friends', async () => {
    await expect(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH)).resolves.toBe(true);
  });

  test.each(['FRIEND_REQUEST_SENT', 'FRIEND_REQUEST_PENDING', 'FRIEND_REQUEST_DECLINED_BY_OTHER', 'NONE', 'friends', 'SOMETHING_NEW'])(
    '200 with status %s: not friends',
    async (status) => {
      respond = relationshipAnswer(status);
      await expect(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH)).resolves.toBe(false);
    },
  );

  test.each([404, 401, 403])('%i (no relationship, or the caller refused): not friends', async (code) => {
    respond = statusAnswer(code);
    await expect(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH)).resolves.toBe(false);
  });

  test.each([500, 502, 503, 429, 400, 409, 422, 204, 201, 302, 304])(
    '%i: the friends service cannot answer (503 friends_unavailable)',
    async (code) => {
      respond = (res) => {
        res.writeHead(code, code === 302 ? { location: '/elsewhere' } : {});
        res.end();
      };
      const error = await expectUnavailable(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH));
      expect(error.message).toContain(`status ${code}`);
      // A redirect is not followed with the caller's token.
      expect(seen).toHaveLength(1);
    },
  );

  test.each([
    ['not JSON', 'FRIENDS'],
    ['an HTML error page', '<html>FRIENDS</html>'],
    ['JSON without a status', '{"friends_player_uuid":"x"}'],
    ['a status that is not a string', '{"status":true}'],
    ['JSON null', 'null'],
    ['a JSON array', '[{"status":"FRIENDS"}]'],
    ['an empty body', ''],
  ])('200 with %s: the friends service cannot answer', async (_name, body) => {
    respond = statusAnswer(200, body);
    await expectUnavailable(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH));
  });
});

describe('failures', () => {
  test('no FRIENDS_API_URL: cannot answer, and nothing is sent', async () => {
    const error = await expectUnavailable(createFriendsClient(config({ apiUrl: undefined })).areFriends(randomUUID(), randomUUID(), AUTH));
    expect(error.message).toContain('FRIENDS_API_URL');
    expect(seen).toHaveLength(0);
  });

  test('a closed port: cannot answer', async () => {
    const port = await freePort();
    await expectUnavailable(createFriendsClient(config({ apiUrl: `http://127.0.0.1:${port}` })).areFriends(randomUUID(), randomUUID(), AUTH));
  });

  test('headers slower than the timeout: cannot answer, within about the timeout', async () => {
    respond = (res) => void setTimeout(() => relationshipAnswer('FRIENDS')(res), 1500);
    const started = Date.now();
    const error = await expectUnavailable(createFriendsClient(config({ timeoutMs: 150 })).areFriends(randomUUID(), randomUUID(), AUTH));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error.message).toContain('within 150 ms');
  });

  test('a body slower than the timeout: cannot answer, within about the timeout', async () => {
    respond = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"status":');
      setTimeout(() => res.end('"FRIENDS"}'), 1500);
    };
    const started = Date.now();
    await expectUnavailable(createFriendsClient(config({ timeoutMs: 150 })).areFriends(randomUUID(), randomUUID(), AUTH));
    expect(Date.now() - started).toBeLessThan(1000);
  });

  test('an answer within the timeout is taken', async () => {
    respond = (res) => void setTimeout(() => relationshipAnswer('FRIENDS')(res), 50);
    await expect(createFriendsClient(config({ timeoutMs: 1000 })).areFriends(randomUUID(), randomUUID(), AUTH)).resolves.toBe(true);
  });

  test('a connection dropped mid-answer: cannot answer', async () => {
    respond = (res) => res.socket?.destroy();
    await expectUnavailable(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), AUTH));
  });

  test('a header value fetch refuses is not quoted in the error', async () => {
    const token = `${TOKEN}\nx-injected: 1`;
    const error = await rejection(createFriendsClient(config()).areFriends(randomUUID(), randomUUID(), `Bearer ${token}`));
    expect(error.code).toBe('friends_unavailable');
    expect(error.message).not.toContain(TOKEN);
    expect(seen).toHaveLength(0);
  });
});

describe('the cache', () => {
  test('remembers that two players are friends for cacheSeconds, then asks again', async () => {
    let now = 1_000_000;
    const client = createFriendsClient(config({ cacheSeconds: 30 }), { now: () => now });
    const [player, friend] = [randomUUID(), randomUUID()];
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    respond = relationshipAnswer('FRIEND_REQUEST_SENT');
    now += 29_999;
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    expect(seen).toHaveLength(1);
    now += 1;
    expect(await client.areFriends(player, friend, AUTH)).toBe(false);
    expect(seen).toHaveLength(2);
  });

  test('does not remember that two players are not friends', async () => {
    const client = createFriendsClient(config(), { now: () => 0 });
    const [player, friend] = [randomUUID(), randomUUID()];
    respond = relationshipAnswer('FRIEND_REQUEST_PENDING');
    expect(await client.areFriends(player, friend, AUTH)).toBe(false);
    respond = statusAnswer(404);
    expect(await client.areFriends(player, friend, AUTH)).toBe(false);
    respond = relationshipAnswer('FRIENDS');
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    expect(seen).toHaveLength(3);
  });

  test('does not remember a failure either', async () => {
    const client = createFriendsClient(config(), { now: () => 0 });
    const [player, friend] = [randomUUID(), randomUUID()];
    respond = statusAnswer(503);
    await expectUnavailable(client.areFriends(player, friend, AUTH));
    respond = relationshipAnswer('FRIENDS');
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  test('is per pair and per direction: another pair, or the same pair the other way round, is asked', async () => {
    const client = createFriendsClient(config(), { now: () => 0 });
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await client.areFriends(a, b, AUTH);
    await client.areFriends(b, a, AUTH);
    await client.areFriends(a, c, AUTH);
    await client.areFriends(a.toUpperCase(), b.toUpperCase(), AUTH);
    expect(seen.map((s) => s.url)).toEqual([
      `/friends/v2/player/${a}/friend/${b}`,
      `/friends/v2/player/${b}/friend/${a}`,
      `/friends/v2/player/${a}/friend/${c}`,
    ]);
  });

  test('cacheSeconds 0: every check is asked', async () => {
    const client = createFriendsClient(config({ cacheSeconds: 0 }), { now: () => 0 });
    const [player, friend] = [randomUUID(), randomUUID()];
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    expect(await client.areFriends(player, friend, AUTH)).toBe(true);
    expect(seen).toHaveLength(2);
  });

  test('each client has its own cache', async () => {
    const [player, friend] = [randomUUID(), randomUUID()];
    await createFriendsClient(config(), { now: () => 0 }).areFriends(player, friend, AUTH);
    await createFriendsClient(config(), { now: () => 0 }).areFriends(player, friend, AUTH);
    expect(seen).toHaveLength(2);
  });
});
