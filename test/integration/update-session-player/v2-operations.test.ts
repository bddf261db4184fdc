// The v2 player operations end to end: invite, promote, move and custom data on one route and one function, each
// told by the suffix of player_uuid; the same rules as the other player operations, each answer with its ETag.
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { api } from '../../support/api-client.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isUpdate = componentValidator(spec, 'SessionPlayerUpdateResponse');
const SDK = { headers: { 'content-type': 'application/json; charset=utf-8' } };

async function party(): Promise<{ id: string; leader: TestPlayer; a: TestPlayer }> {
  const s = await createSession({ teamSizes: [2, 2], canChangeOwnTeam: false });
  const [leader, a] = [newPlayer(), newPlayer()];
  for (const p of [leader, a]) expect((await api.join(p, s.sessionId)).status).toBe(200);
  return { id: s.sessionId, leader, a };
}
const version = async (id: string) => (await store.readSession(id, new Date()))!.version;

test(':invite invites to the team asked, with custom data; overflow_action as the v1 update; the version advances once', async () => {
  const { id, leader } = await party();
  const guest = newPlayer();
  const v = await version(id);
  const r = await api.invite(leader, id, guest.uuid, { team_id: 1, custom_data: { from: 'menu' } }, SDK);
  expect([r.status, r.body]).toEqual([200, { player_uuid: guest.uuid, status: 'invited', team_id: 1, custom_data: { from: 'menu' } }]);
  expect(isUpdate(r.body)).toBe(true);
  expect(await version(id)).toBe(v + 1);
  expect((await api.get(leader, id)).headers.etag).toBe(r.headers.etag);
  // Team 0 is full (leader and member): fail refuses, allow_overflow places on the team with room.
  expect((await api.invite(leader, id, newPlayer().uuid, { team_id: 0 })).body.error_code).toBe('team_full');
  expect((await api.invite(leader, id, newPlayer().uuid, { team_id: 0, overflow_action: 'allow_overflow' })).body.team_id).toBe(1);
  expect((await api.invite(newPlayer(), id, newPlayer().uuid)).body.error_code).toBe('not_session_leader');
});

test(':promote makes a member the leader (the old one a member, in the same write); only for a player in the session', async () => {
  const { id, leader, a } = await party();
  const r = await api.promote(leader, id, a.uuid, SDK);
  expect([r.status, r.body.status]).toEqual([200, 'leader']);
  const teams = (await api.get(a, id)).body.teams as { players: { player_uuid: string; status: string }[] }[];
  const statuses = Object.fromEntries(teams.flatMap((t) => t.players).map((p) => [p.player_uuid, p.status]));
  expect(statuses).toEqual({ [a.uuid]: 'leader', [leader.uuid]: 'member' });
  expect((await api.promote(a, id, newPlayer().uuid)).body.error_code).toBe('player_not_in_session');
  expect((await api.promote(leader, id, a.uuid)).body.error_code).toBe('not_session_leader');
  expect((await api.promote(newPlayer(['session:update-player:self']), id, a.uuid)).body.error_code).toBe('insufficient_permissions');
});

test(':move moves a player to a team with room; a player moving themselves follows the session\u2019s rule', async () => {
  const { id, leader, a } = await party();
  const r = await api.move(leader, id, a.uuid, { team_id: 1 }, SDK);
  expect([r.status, r.body.team_id, r.body.status]).toEqual([200, 1, 'member']);
  expect((await api.move(a, id, a.uuid, { team_id: 0 })).body.error_code).toBe('team_change_not_allowed');
  const same = await api.move(leader, id, a.uuid, {});
  expect([same.status, same.body.team_id, same.headers.etag]).toEqual([200, 1, r.headers.etag]);
  expect((await api.move(leader, id, newPlayer().uuid, { team_id: 1 })).body.error_code).toBe('player_not_in_session');
  expect((await api.move(leader, id, a.uuid, { team_id: 7 })).body.error_code).toBe('team_not_found');
});

test('no suffix: custom data alone, for a player in the session, by themselves, the leader or a trusted caller', async () => {
  const { id, leader, a } = await party();
  const r = await api.updatePlayerV2(a, id, a.uuid, { custom_data: { ready: 'yes' } }, SDK);
  expect([r.status, r.body]).toEqual([200, { player_uuid: a.uuid, status: 'member', team_id: 0, custom_data: { ready: 'yes' } }]);
  expect((await api.updatePlayerV2(leader, id, a.uuid, { custom_data: {} })).body.custom_data).toEqual({});
  expect((await api.updatePlayerV2(newAdmin(), id, a.uuid, { custom_data: { by: 'server' } })).status).toBe(200);
  expect((await api.updatePlayerV2(newPlayer(), id, a.uuid, { custom_data: {} })).body.error_code).toBe('not_session_leader');
  expect((await api.updatePlayerV2(leader, id, newPlayer().uuid, { custom_data: {} })).body.error_code).toBe('player_not_in_session');
  // The body is the operation's: a status or team in it is not read; a bad uuid (or an unknown suffix) is a 422.
  expect((await api.updatePlayerV2(leader, id, a.uuid, { status: 'leader', team_id: 1, custom_data: {} })).body.team_id).toBe(0);
  expect((await api.updatePlayerV2(leader, id, `${a.uuid}:kick`, { custom_data: {} })).status).toBe(422);
  expect((await api.invite(leader, id, 'nope', {})).status).toBe(422);
});

test('members act by session permissions here too: :invite with invite, :move with move, never on the leader', async () => {
  const { id, leader, a } = await party();
  const b = newPlayer();
  await api.join(b, id, { client_version: '1', client_settings: { platform: 'Steam', input: 'gamepad' }, team_id: 1 });
  expect((await api.invite(a, id, newPlayer().uuid, { team_id: 1 })).body.error_code).toBe('not_session_leader');
  await api.givePermission(leader, id, a.uuid, 'invite');
  await api.givePermission(leader, id, a.uuid, 'move');
  expect((await api.invite(a, id, newPlayer().uuid, { team_id: 1 })).body.status).toBe('invited');
  expect((await api.move(a, id, b.uuid, { team_id: 0 })).body.error_code).toBe('team_full');
  expect((await api.move(a, id, leader.uuid, { team_id: 1 })).body.error_code).toBe('not_session_leader');
  await api.kick(leader, id, a.uuid);
  expect((await api.move(leader, id, b.uuid, { team_id: 0 })).body.team_id).toBe(0);
});
