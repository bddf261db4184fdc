// Intra-session permissions end to end (RallyHere's SDK delegated permissions): given, shown, read and removed by the
// leader or a trusted caller; members act on others by them (invite, kick, move), never on the leader; a permission
// taken away between a delegate's read and write is a fact the write relied on.
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { removePlayer } from '../../../src/sessions/operations/remove-player.js';
import { api } from '../../support/api-client.js';
import { joinBody } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { decorate } from '../../support/decorate.js';
import { createSession, store } from '../../support/stores.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isPermissions = componentValidator(spec, 'SessionPermissions');
const SDK = { headers: { 'content-type': 'application/json; charset=utf-8' } };

/** A party: its leader, two members on team 0, an invited player. */
async function party(): Promise<{ id: string; leader: TestPlayer; a: TestPlayer; b: TestPlayer; invited: TestPlayer }> {
  const s = await createSession({ teamSizes: [4, 4] });
  const [leader, a, b, invited] = [newPlayer(), newPlayer(), newPlayer(), newPlayer()];
  for (const p of [leader, a, b]) expect((await api.join(p, s.sessionId)).status).toBe(200);
  await api.setPlayer(leader, s.sessionId, invited.uuid, { status: 'invited' });
  return { id: s.sessionId, leader, a, b, invited };
}
const shown = async (viewer: TestPlayer, id: string, uuid: string) =>
  (await api.get(viewer, id)).body.teams
    .flatMap((t: { players: { player_uuid: string }[] }) => t.players)
    .find((p: { player_uuid: string }) => p.player_uuid === uuid);

test('the leader gives a permission: answered with the ETag GET then shows; the session shows it; giving it again changes nothing', async () => {
  const { id, leader, a } = await party();
  const r = await api.givePermission(leader, id, a.uuid, 'kick', SDK);
  expect([r.status, r.body]).toEqual([200, { player_uuid: a.uuid, permissions: ['kick'] }]);
  expect(isPermissions(r.body)).toBe(true);
  const g = await api.get(a, id);
  expect(g.headers.etag).toBe(r.headers.etag);
  expect((await shown(a, id, a.uuid)).session_permissions).toEqual(['kick']);
  const again = await api.givePermission(leader, id, a.uuid, 'kick');
  expect([again.status, again.headers.etag]).toEqual([200, r.headers.etag]);
  const both = await api.givePermission(newAdmin(), id, a.uuid, 'invite');
  expect(both.body.permissions).toEqual(['invite', 'kick']);
  const read = await api.permissions(a, id, a.uuid);
  expect([read.status, read.body, read.headers.etag]).toEqual([200, { player_uuid: a.uuid, permissions: ['invite', 'kick'] }, both.headers.etag]);
});

test('a member holding kick removes another member and cancels an invite, never the leader; without it, 403', async () => {
  const { id, leader, a, b, invited } = await party();
  expect((await api.kickByUuid(a, id, b.uuid)).body.error_code).toBe('not_session_leader');
  await api.givePermission(leader, id, a.uuid, 'kick');
  expect((await api.kickByUuid(a, id, leader.uuid)).body.error_code).toBe('not_session_leader');
  expect((await api.kickByUuid(a, id, b.uuid, { query: { reason: 'afk' } })).status).toBe(204);
  expect((await api.kick(a, id, invited.uuid)).status).toBe(204);
  expect((await api.get(leader, id)).body.teams[0].players.map((p: { player_uuid: string }) => p.player_uuid).sort()).toEqual(
    [leader.uuid, a.uuid].sort(),
  );
});

test('a member holding invite invites (SDK InvitePlayer), but may not reserve, add or promote; one holding move moves others, not the leader', async () => {
  const { id, leader, a, b } = await party();
  const guest = newPlayer();
  expect((await api.setPlayerByUuid(a, id, guest.uuid, { status: 'invited', team_id: 1 })).body.error_code).toBe('not_session_leader');
  await api.givePermission(leader, id, a.uuid, 'invite');
  const inv = await api.setPlayerByUuid(a, id, guest.uuid, { status: 'invited', team_id: 1 }, SDK);
  expect([inv.status, inv.body.status, inv.body.team_id]).toEqual([200, 'invited', 1]);
  expect((await shown(leader, id, guest.uuid)).inviting_player_uuid).toBe(a.uuid);
  for (const status of ['reserved', 'member'])
    expect((await api.setPlayerByUuid(a, id, newPlayer().uuid, { status })).body.error_code).toBe('not_session_leader');
  expect((await api.setPlayerByUuid(a, id, b.uuid, { status: 'leader' })).body.error_code).toBe('not_session_leader');
  // Moving needs move.
  expect((await api.setPlayerByUuid(a, id, b.uuid, { team_id: 1 })).body.error_code).toBe('not_session_leader');
  await api.givePermission(leader, id, a.uuid, 'move');
  const moved = await api.setPlayerByUuid(a, id, b.uuid, { team_id: 1 }, SDK);
  expect([moved.status, moved.body.team_id, moved.body.status]).toEqual([200, 1, 'member']);
  expect((await api.setPlayerByUuid(a, id, leader.uuid, { team_id: 1 })).body.error_code).toBe('not_session_leader');
  expect((await api.setPlayerByUuid(a, id, b.uuid, { team_id: 0, custom_data: { x: '1' } })).body.error_code).toBe('not_session_leader');
});

test('who may give and remove: a member only what they hold; an invited player or a stranger not at all; 422 for an unknown permission', async () => {
  const { id, leader, a, b, invited } = await party();
  expect((await api.givePermission(a, id, b.uuid, 'kick')).body.error_code).toBe('not_session_leader');
  expect((await api.givePermission(a, id, a.uuid, 'kick')).body.error_code).toBe('not_session_leader');
  await api.givePermission(leader, id, a.uuid, 'kick');
  expect((await api.givePermission(a, id, b.uuid, 'kick')).body.permissions).toEqual(['kick']);
  expect((await api.givePermission(a, id, b.uuid, 'move')).body.error_code).toBe('not_session_leader');
  for (const p of [invited, newPlayer()]) {
    expect((await api.givePermission(p, id, b.uuid, 'kick')).body.error_code).toBe('not_active_in_session');
    expect((await api.permissions(p, id, b.uuid)).body.error_code).toBe('not_active_in_session');
  }
  expect((await api.permissions(newAdmin(), id, b.uuid)).body.permissions).toEqual(['kick']);
  expect((await api.givePermission(leader, id, newPlayer().uuid, 'kick')).body.error_code).toBe('player_not_in_session');
  expect((await api.givePermission(leader, id, b.uuid, 'admin')).status).toBe(422);
  expect((await api.givePermission(leader, `s-${randomUUID()}`, b.uuid, 'kick')).body.error_code).toBe('session_not_found');
  // Removing: 204 with the new ETag; a member drops their own; removing what is not held changes nothing.
  const r = await api.removePermission(a, id, a.uuid, 'kick', SDK);
  expect([r.status, r.headers.etag]).toEqual([204, (await api.get(leader, id)).headers.etag]);
  expect((await api.permissions(leader, id, a.uuid)).body.permissions).toEqual([]);
  const none = await api.removePermission(leader, id, a.uuid, 'kick');
  expect([none.status, none.headers.etag]).toEqual([204, r.headers.etag]);
  expect((await api.removePermission(a, id, b.uuid, 'kick')).body.error_code).toBe('not_session_leader');
  expect((await api.removePermission(leader, id, b.uuid, 'kick')).status).toBe(204);
  expect((await api.kick(b, id, a.uuid)).body.error_code).toBe('not_session_leader');
});

test('a permission taken away between the delegate\u2019s read and write: the kick is decided again, and refused', async () => {
  const { id, leader, a, b } = await party();
  await api.givePermission(leader, id, a.uuid, 'kick');
  let taken = false;
  const racing = decorate(store, {
    async commitChange(read, change, mode, now) {
      if (!taken) {
        taken = true;
        expect((await api.removePermission(leader, id, a.uuid, 'kick')).status).toBe(204);
        // Facts mode: only the decision's guards stand between the kick and the change that just landed.
        return store.commitChange(read, change, 'facts', now);
      }
      return store.commitChange(read, change, mode, now);
    },
  });
  await expect(removePlayer(racing, id, { playerUuid: a.uuid, trusted: false }, b.uuid)).rejects.toMatchObject({ code: 'not_session_leader' });
  expect(await shown(leader, id, b.uuid)).toBeDefined();
});

test('permissions stay with the player through a re-join and an update, and go with them when they leave', async () => {
  const { id, leader, a } = await party();
  await api.givePermission(leader, id, a.uuid, 'move');
  await api.join(a, id, joinBody({ custom_data: { ready: 'yes' } }));
  await api.setPlayer(leader, id, a.uuid, { team_id: 1 });
  expect((await api.permissions(leader, id, a.uuid)).body.permissions).toEqual(['move']);
  await api.leave(a, id);
  await api.join(a, id);
  expect((await api.permissions(leader, id, a.uuid)).body.permissions).toEqual([]);
});
