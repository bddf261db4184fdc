// Joinability through PATCH: `joinability` taken whole at upstream's defaults and winning over the deprecated
// `joinable`, which always shows `open`; a friends-only session refuses a newcomer who names no friend in it.
import { api } from '../../support/api-client.js';
import { joinBody } from '../../support/fixtures.js';
import { newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession } from '../../support/stores.js';

async function led(): Promise<{ id: string; leader: TestPlayer }> {
  const s = await createSession();
  const leader = newPlayer();
  await api.join(leader, s.sessionId);
  return { id: s.sessionId, leader };
}

test.each([
  [{ joinable: false }, { open: false, friends: false, platform: true }],
  [{ joinability: { friends: true } }, { open: false, friends: true, platform: true }],
  [{ joinability: { open: true, platform: false } }, { open: true, friends: false, platform: false }],
  [
    { joinable: true, joinability: { open: false, friends: true } },
    { open: false, friends: true, platform: true },
  ],
  [{ joinability: {} }, { open: false, friends: false, platform: true }],
])('PATCH %p shows joinability %p, and joinable equal to its open', async (body, joinability) => {
  const { id, leader } = await led();
  const r = await api.patch(leader, id, body);
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ joinability, joinable: joinability.open });
  expect((await api.get(leader, id)).body).toMatchObject({ joinability, joinable: joinability.open });
});

test('a PATCH that changes only joinability advances the version (a new ETag); the same joinability again does not', async () => {
  const { id, leader } = await led();
  const before = (await api.get(leader, id)).headers.etag;
  const first = await api.patch(leader, id, { joinability: { open: true, friends: true } });
  const again = await api.patch(leader, id, { joinability: { open: true, friends: true } });
  expect(first.headers.etag).not.toBe(before);
  expect(again.headers.etag).toBe(first.headers.etag);
});

test.each([{ joinability: { open: 'yes' } }, { joinability: [] }, { joinability: { friends: 1 } }])('PATCH %p is 422', async (body) => {
  const { id, leader } = await led();
  expect((await api.patch(leader, id, body)).status).toBe(422);
});

describe('a friends-only session', () => {
  test('refuses newcomers who name no friend, or one who is not an active member, as not a friend', async () => {
    const { id, leader } = await led();
    await api.patch(leader, id, { joinability: { friends: true } });
    const p = newPlayer();
    expect((await api.join(p, id)).body.error_code).toBe('not_a_friend');
    expect((await api.join(p, id, joinBody({ friend_uuid: newPlayer().uuid }))).body.error_code).toBe('not_a_friend');
    const invited = newPlayer();
    await api.setPlayer(leader, id, invited.uuid, { status: 'invited', team_id: 0 });
    expect((await api.join(p, id, joinBody({ friend_uuid: invited.uuid }))).body.error_code).toBe('not_a_friend');
    // The invited player is admitted whatever joinability says.
    expect((await api.join(invited, id)).status).toBe(200);
  });

  test('a closed session refuses even with a friend named', async () => {
    const { id, leader } = await led();
    await api.patch(leader, id, { joinability: { open: false, friends: false } });
    expect((await api.join(newPlayer(), id, joinBody({ friend_uuid: leader.uuid }))).body.error_code).toBe('session_not_joinable');
  });

  test('friend_uuid must be a UUID', async () => {
    const { id } = await led();
    const r = await api.join(newPlayer(), id, joinBody({ friend_uuid: 'bob' }));
    expect(r.status).toBe(422);
    expect(r.body.detail[0].loc).toEqual(['body', 'friend_uuid']);
  });
});
