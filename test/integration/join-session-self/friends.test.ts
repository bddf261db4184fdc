// Friends-only sessions end to end: the join asks the friends service (our local one, over real HTTP, on DynamoDB
// Local) with the caller's own token; a friend of an active member is admitted, anyone else refused; the service
// refusing the token means "not a friend"; the service down or slow fails friend joins closed with 503 and leaves
// every other join alone.
import { createServer, type Server } from 'node:http';
import { api } from '../../support/api-client.js';
import { closedPort, setEnv, withEnv } from '../../support/environment.js';
import { joinBody } from '../../support/fixtures.js';
import { makeFriends, newFriendsPlayer, startTestFriendsService, type TestFriendsService } from '../../support/friends.js';
import { newPlayer, type TestPlayer } from '../../support/players.js';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { playerKey } from '../../../src/dynamodb/items.js';
import { testTableName } from '../../support/dynamodb.js';
import { withStore } from '../../support/sdk-faults.js';
import { decorate } from '../../support/decorate.js';
import { createSession, store, testClient } from '../../support/stores.js';

let friends: TestFriendsService;
let restore: () => void;

beforeAll(async () => {
  friends = await startTestFriendsService();
  restore = setEnv({ FRIENDS_API_URL: friends.baseUrl, FRIENDS_CACHE_SECONDS: '0' });
});
afterAll(async () => {
  restore();
  await friends.stop();
});

/** A friends-only session led by `leader`. */
async function friendsOnly(leader: TestPlayer, over = {}): Promise<string> {
  const s = await createSession({ joinable: false, friendsMayJoin: true, ...over });
  expect((await api.join(leader, s.sessionId)).status).toBe(403);
  // Its first member arrives by invitation, as a friends-only party's leader would.
  const admin = newPlayer(['session:*']);
  expect((await api.setPlayer(admin, s.sessionId, leader.uuid, { status: 'invited', team_id: 0 })).status).toBe(200);
  expect((await api.join(leader, s.sessionId)).status).toBe(200);
  return s.sessionId;
}

test("a friend of an active member joins by naming them; the member's friend list is asked with the joiner's own token", async () => {
  const [leader, friend] = [newFriendsPlayer(), newFriendsPlayer()];
  await makeFriends(friends, leader, friend);
  const id = await friendsOnly(leader);
  const r = await api.join(friend, id, joinBody({ friend_uuid: leader.uuid }));
  expect([r.status, r.body.status]).toEqual([200, 'member']);
  expect((await store.readSession(id, new Date()))?.activeCount).toBe(2);
});

test('a player who is not a friend, or only half a friend (a request not accepted), is refused as not a friend', async () => {
  const [leader, stranger, pending] = [newFriendsPlayer(), newFriendsPlayer(), newFriendsPlayer()];
  const id = await friendsOnly(leader);
  const refused = await api.join(stranger, id, joinBody({ friend_uuid: leader.uuid }));
  expect([refused.status, refused.body]).toEqual([403, { auth_success: true, error_code: 'not_a_friend', desc: expect.any(String) }]);
  const put = await fetch(`${friends.baseUrl}/friends/v2/player/${pending.uuid}/friend/${leader.uuid}`, { method: 'PUT', headers: pending.auth });
  expect(put.status).toBe(200);
  expect((await api.join(pending, id, joinBody({ friend_uuid: leader.uuid }))).body.error_code).toBe('not_a_friend');
});

test('the friends service refusing the caller\u2019s token (no friend-list permission) is a refusal as not a friend, not an auth failure', async () => {
  const leader = newFriendsPlayer();
  const friend = newFriendsPlayer();
  await makeFriends(friends, leader, friend);
  const id = await friendsOnly(leader);
  const withoutFriendList = newPlayer(['session:update-player:self'], friend.uuid);
  const r = await api.join(withoutFriendList, id, joinBody({ friend_uuid: leader.uuid }));
  expect([r.status, r.body.error_code, r.body.auth_success]).toEqual([403, 'not_a_friend', true]);
});

test('a friend who left no longer admits anyone', async () => {
  const [leader, member, friendOfMember] = [newFriendsPlayer(), newFriendsPlayer(), newFriendsPlayer()];
  await makeFriends(friends, member, friendOfMember);
  const id = await friendsOnly(leader, { keepAliveOnEmpty: true });
  await api.setPlayer(leader, id, member.uuid, { status: 'invited', team_id: 0 });
  await api.join(member, id);
  expect((await api.leave(member, id)).status).toBe(204);
  expect((await api.join(friendOfMember, id, joinBody({ friend_uuid: member.uuid }))).body.error_code).toBe('not_a_friend');
});

test('a friend who leaves between the join\u2019s read and its write: the write is refused, and the join decided again without them', async () => {
  const [leader, member, friendOfMember] = [newFriendsPlayer(), newFriendsPlayer(), newFriendsPlayer()];
  await makeFriends(friends, member, friendOfMember);
  const id = await friendsOnly(leader);
  await api.setPlayer(leader, id, member.uuid, { status: 'invited', team_id: 0 });
  await api.join(member, id);
  let left = false;
  // The friend's membership goes away just before the join's first write; the session item does not change, so only
  // the condition on the friend's own item can tell.
  const racing = decorate(store, {
    commitChange: async (...args: Parameters<typeof store.commitChange>) => {
      if (!left) {
        left = true;
        await testClient().send(new DeleteCommand({ TableName: testTableName(), Key: playerKey(id, member.uuid) }));
      }
      return store.commitChange(...args);
    },
  });
  const r = await withStore(racing, () => api.join(friendOfMember, id, joinBody({ friend_uuid: member.uuid })));
  expect(left).toBe(true);
  expect([r.status, r.body.error_code]).toEqual([403, 'not_a_friend']);
});

describe('the friends service down or slow', () => {
  let slow: Server;
  let slowUrl: string;
  beforeAll(async () => {
    // A stand-in for a hung friends service: it accepts the request and never answers.
    slow = createServer(() => undefined);
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
  });

  test.each([
    ['down', async () => `http://127.0.0.1:${await closedPort()}`],
    ['slow', async () => slowUrl],
    ['not configured', async () => undefined],
  ])('%s: a friend join answers 503 friends_unavailable with Retry-After; an open join is unaffected', async (_how, url) => {
    const leader = newFriendsPlayer();
    const id = await friendsOnly(leader);
    const open = await createSession();
    await withEnv({ FRIENDS_API_URL: await url(), FRIENDS_API_TIMEOUT_MS: '300' }, async () => {
      const r = await api.join(newFriendsPlayer(), id, joinBody({ friend_uuid: leader.uuid }));
      expect([r.status, r.body.error_code, r.headers['retry-after']]).toEqual([503, 'friends_unavailable', '2']);
      expect((await api.join(newPlayer(), open.sessionId)).status).toBe(200);
      // A friends-only join naming nobody in the session asks nothing, so it is refused at once.
      expect((await api.join(newPlayer(), id, joinBody({ friend_uuid: newPlayer().uuid }))).body.error_code).toBe('not_a_friend');
    });
  });
});
