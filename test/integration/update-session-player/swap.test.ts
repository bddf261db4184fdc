// swap_players_in_session end to end (RallyHere's SDK SwapPlayerTeams): one transaction, seats unchanged, leaders kept.
import { api } from '../../support/api-client.js';
import { newAdmin, newPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

async function party() {
  const s = await createSession({ teamSizes: [2, 2] });
  const [leader, a, b] = [newPlayer(), newPlayer(), newPlayer()];
  await api.join(leader, s.sessionId);
  await api.join(a, s.sessionId);
  await api.join(b, s.sessionId, { client_version: '1', client_settings: { platform: 'Steam', input: 'gamepad' }, team_id: 1 });
  return { id: s.sessionId, leader, a, b };
}

test('the leader swaps two players on different teams: both answered, the version advances once, the ETag is GET\u2019s', async () => {
  const { id, leader, a, b } = await party();
  const before = await store.readSession(id, new Date());
  const r = await api.swap(leader, id, [a.uuid, b.uuid], { headers: { 'content-type': 'application/json; charset=utf-8' } });
  expect(r.status).toBe(200);
  expect(r.body).toEqual({
    players: [
      { player_uuid: a.uuid, status: 'member', team_id: 1, custom_data: {} },
      { player_uuid: b.uuid, status: 'member', team_id: 0, custom_data: {} },
    ],
  });
  const after = await store.readSession(id, new Date());
  expect(after!.version).toBe(before!.version + 1);
  expect(after!.teams.map((t) => t.occupied)).toEqual(before!.teams.map((t) => t.occupied));
  expect((await api.get(leader, id)).headers.etag).toBe(r.headers.etag);
});

test('refusals: a member, the leader swapped, the same team, a stranger; 422 for anything but two UUIDs', async () => {
  const { id, leader, a, b } = await party();
  expect((await api.swap(a, id, [a.uuid, b.uuid])).body.error_code).toBe('not_session_leader');
  expect((await api.swap(leader, id, [leader.uuid, b.uuid])).body.error_code).toBe('leader_not_swappable');
  expect((await api.swap(leader, id, [leader.uuid, a.uuid])).body.error_code).toBe('players_on_same_team');
  expect((await api.swap(leader, id, [a.uuid, a.uuid])).body.error_code).toBe('players_on_same_team');
  expect((await api.swap(leader, id, [a.uuid, newPlayer().uuid])).status).toBe(404);
  for (const players of [[a.uuid], [a.uuid, b.uuid, leader.uuid], ['x', 'y'], 'ab']) expect((await api.swap(leader, id, players)).status).toBe(422);
  expect((await api.swap(newAdmin(), id, [a.uuid, b.uuid])).status).toBe(200);
});
