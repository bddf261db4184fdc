// Party management as RallyHere's Unreal SDK calls it (RallyHereIntegration, 2026-07): the deprecated
// /player/uuid/{player_uuid} routes, with the bodies it sends (a status alone, a team alone, custom data alone) and
// `Content-Type: application/json; charset=utf-8`; and the v2 routes, which share the rules, answer the same.
import { api, type RequestOptions } from '../../support/api-client.js';
import { newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

const SDK: RequestOptions = { headers: { 'content-type': 'application/json; charset=utf-8' } };
const routes = [
  ['update_session_player_by_uuid (the SDK)', api.setPlayerByUuid, api.kickByUuid],
  ['update_session_player_by_uuid_v2', api.setPlayer, api.kick],
] as const;

async function party(): Promise<{ id: string; leader: TestPlayer; member: TestPlayer }> {
  const s = await createSession();
  const [leader, member] = [newPlayer(), newPlayer()];
  await api.join(leader, s.sessionId);
  await api.join(member, s.sessionId);
  return { id: s.sessionId, leader, member };
}
const membership = async (id: string, uuid: string) => {
  const { players } = await store.readSessionAndPlayers(id, [uuid], new Date());
  const p = players.get(uuid);
  return p && { status: p.status, teamId: p.teamId, customData: p.customData };
};

describe.each(routes)('%s', (_name, setPlayer, kick) => {
  test('InvitePlayer: status invited and a team; the invitee accepts by joining', async () => {
    const { id, leader } = await party();
    const guest = newPlayer();
    const r = await setPlayer(leader, id, guest.uuid, { status: 'invited', team_id: 1 }, SDK);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ player_uuid: guest.uuid, status: 'invited', team_id: 1, custom_data: {} });
    expect(
      (await api.join(guest, id, { client_version: '1', client_settings: { platform: 'Steam', input: 'gamepad' }, team_id: 1 }, SDK)).body.status,
    ).toBe('member');
  });

  test('SetLeader: status leader alone promotes, the old leader becomes a member, teams and data kept', async () => {
    const { id, leader, member } = await party();
    await setPlayer(leader, id, member.uuid, { custom_data: { role: 'healer' } }, SDK);
    const r = await setPlayer(leader, id, member.uuid, { status: 'leader' }, SDK);
    expect(r.body).toMatchObject({ status: 'leader', team_id: 0, custom_data: { role: 'healer' } });
    expect(await membership(id, leader.uuid)).toMatchObject({ status: 'member', teamId: 0 });
  });

  test('ChangePlayerTeam: team_id alone moves the player, keeping their status and custom data', async () => {
    const { id, leader, member } = await party();
    await setPlayer(leader, id, member.uuid, { custom_data: { role: 'tank' } }, SDK);
    const r = await setPlayer(leader, id, member.uuid, { team_id: 1 }, SDK);
    expect(r.body).toEqual({ player_uuid: member.uuid, status: 'member', team_id: 1, custom_data: { role: 'tank' } });
    // A leader moved keeps leading.
    expect((await setPlayer(leader, id, leader.uuid, { team_id: 1 }, SDK)).body).toMatchObject({ status: 'leader', team_id: 1 });
  });

  test('UpdatePlayerCustomData: custom data alone, status and team kept', async () => {
    const { id, leader, member } = await party();
    await setPlayer(leader, id, member.uuid, { team_id: 1 }, SDK);
    const r = await setPlayer(leader, id, member.uuid, { custom_data: { ready: 'yes' } }, SDK);
    expect(r.body).toEqual({ player_uuid: member.uuid, status: 'member', team_id: 1, custom_data: { ready: 'yes' } });
    expect(await membership(id, member.uuid)).toEqual({ status: 'member', teamId: 1, customData: { ready: 'yes' } });
  });

  test('an empty body changes nothing and answers the membership; a player not yet in the session is added as a member', async () => {
    const { id, leader, member } = await party();
    const etag = (await api.get(leader, id)).headers.etag;
    const same = await setPlayer(leader, id, member.uuid, {}, SDK);
    expect([same.body.status, same.headers.etag]).toEqual(['member', etag]);
    const added = await setPlayer(leader, id, newPlayer().uuid, {}, SDK);
    expect(added.body).toMatchObject({ status: 'member', team_id: 0, custom_data: {} });
  });

  test('KickPlayer: DELETE with ?reason= removes the player; a member may not kick', async () => {
    const { id, leader, member } = await party();
    expect((await kick(member, id, leader.uuid, { query: { reason: 'mutiny' } })).body.error_code).toBe('not_session_leader');
    expect((await kick(leader, id, member.uuid, { query: { reason: 'afk' } })).status).toBe(204);
    expect(await membership(id, member.uuid)).toBeUndefined();
  });
});
