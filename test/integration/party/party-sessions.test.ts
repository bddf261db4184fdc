// A whole party invited into a session and removed from it (invite_session_to_session, kick_session_from_session)
// through the real handlers on DynamoDB Local, both ways RallyHere's SDK calls the invite (InviteOtherSession from
// the session's leader, JoinOtherSession from the party's member), each answer checked against the contract.
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import { PARTY_PLAYERS_PER_TRANSACTION } from '../../../src/sessions/store.js';
import { api } from '../../support/api-client.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { inviteSession } from '../../../src/sessions/operations/party.js';
import { decorate } from '../../support/decorate.js';
import { createSession, seedSession, store } from '../../support/stores.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isInviteResponse = componentValidator(spec, 'SessionInviteResponse');
const SDK = { headers: { 'content-type': 'application/json; charset=utf-8' } };

/** A session whose players joined in this order (the first leads), closed after they did when `joinable` is false. */
async function sessionOf(players: TestPlayer[], overrides: Parameters<typeof createSession>[0] = {}): Promise<string> {
  const s = await createSession({ teamSizes: [4, 4], ...overrides, joinable: true });
  for (const p of players) expect((await api.join(p, s.sessionId, joinBody({ team_id: 0 }))).status).toBe(200);
  if (overrides.joinable === false) expect((await api.patch(players[0]!, s.sessionId, { joinable: false })).status).toBe(200);
  return s.sessionId;
}
const version = async (id: string) => (await store.readSession(id, new Date()))!.version;
const statuses = async (id: string) => {
  const all = await store.readSessionWithPlayers(id, new Date());
  return Object.fromEntries((all?.players ?? []).map((p) => [p.playerUuid, `${p.status}@${p.teamId}`]));
};

test('InviteOtherSession: the leader invites every active member of another session, in one transaction, with custom data', async () => {
  const [host, pLeader, pMember] = [newPlayer(), newPlayer(), newPlayer()];
  const lobby = await sessionOf([host], { teamSizes: [4, 4] });
  const partyId = await sessionOf([pLeader, pMember]);
  // A player only invited to the party is not one of its members.
  expect((await api.invite(pLeader, partyId, randomUUID())).status).toBe(200);
  const v = await version(lobby);
  const r = await api.inviteSession(host, lobby, partyId, { team_id: 1, custom_data: { via: 'party' } }, SDK);
  expect(r.status).toBe(200);
  expect(isInviteResponse(r.body)).toBe(true);
  expect(r.body.players).toEqual([
    { player_uuid: pLeader.uuid, status: 'invited', team_id: 1, custom_data: { via: 'party' } },
    { player_uuid: pMember.uuid, status: 'invited', team_id: 1, custom_data: { via: 'party' } },
  ]);
  expect(await version(lobby)).toBe(v + 1);
  expect((await api.get(host, lobby)).headers.etag).toBe(r.headers.etag);
  // Each accepts by joining, as any invitee does.
  expect((await api.join(pMember, lobby, joinBody({ team_id: 1 }))).body.status).toBe('member');
  // Sent again: those already in the session are left as they are; nothing to do is no change.
  const again = await api.inviteSession(host, lobby, partyId, { team_id: 1 });
  expect([again.status, again.body.players]).toEqual([200, []]);
  expect(await version(lobby)).toBe(v + 2);
  expect(again.headers.etag).toBe((await api.get(host, lobby)).headers.etag);
});

test('JoinOtherSession: a member of the party brings it into an open session without a password, not into any other', async () => {
  const [host, pLeader, pMember] = [newPlayer(), newPlayer(), newPlayer()];
  const lobby = await sessionOf([host]);
  const partyId = await sessionOf([pLeader, pMember]);
  const r = await api.inviteSession(pMember, lobby, partyId, {}, SDK);
  expect([r.status, r.body.players.map((p: { player_uuid: string }) => p.player_uuid)]).toEqual([200, [pLeader.uuid, pMember.uuid]]);
  expect(r.body.players.map((p: { team_id: number }) => p.team_id)).toEqual([0, 0]);

  const closed = await sessionOf([newPlayer()], { joinable: false });
  expect((await api.inviteSession(pMember, closed, partyId)).body.error_code).toBe('session_not_joinable');
  const locked = await sessionOf([newPlayer()]);
  const lockedLeader = (await store.readSession(locked, new Date()))!.leader!;
  expect((await api.patch(newPlayer(undefined, lockedLeader), locked, { password: 'secret' })).status).toBe(200);
  expect((await api.inviteSession(pMember, locked, partyId)).body.error_code).toBe('session_password_required');
  // Someone in neither session, or in the session without leading it or holding `invite`, may not.
  expect((await api.inviteSession(newPlayer(), lobby, partyId)).body.error_code).toBe('not_session_leader');
});

test('a member of the session holding `invite` invites a party; a trusted caller any party into any session', async () => {
  const [host, helper] = [newPlayer(), newPlayer()];
  const lobby = await sessionOf([host, helper], { joinable: false });
  const partyId = await sessionOf([newPlayer(), newPlayer()]);
  expect((await api.inviteSession(helper, lobby, partyId)).body.error_code).toBe('not_session_leader');
  expect((await api.givePermission(host, lobby, helper.uuid, 'invite')).status).toBe(200);
  expect((await api.inviteSession(helper, lobby, partyId)).body.players).toHaveLength(2);
  const other = await sessionOf([newPlayer()], { joinable: false });
  expect((await api.inviteSession(newPlayer(['session:update-player:any']), other, partyId)).body.players).toHaveLength(2);
  expect((await api.inviteSession(newPlayer(['session:read:self']), other, partyId)).body.error_code).toBe('insufficient_permissions');
});

test('overflow actions for a group: fail refuses and writes nothing; the others place, drop or overfill as upstream says', async () => {
  const party = [newPlayer(), newPlayer(), newPlayer()];
  const partyId = await sessionOf(party);
  const setup = async () => {
    const host = newPlayer();
    return { host, lobby: await sessionOf([host], { teamSizes: [2, 2, 1] }) };
  };
  const { host, lobby } = await setup();
  const v = await version(lobby);
  expect((await api.inviteSession(host, lobby, partyId, { team_id: 0 })).body.error_code).toBe('team_full');
  expect(await version(lobby)).toBe(v);
  const teams = async (body: unknown) => {
    const s = await setup();
    const r = await api.inviteSession(s.host, s.lobby, partyId, body);
    return r.status === 200 ? r.body.players.map((p: { team_id: number }) => p.team_id) : r.body.error_code;
  };
  expect(await teams({ team_id: 0, overflow_action: 'allow_overflow' })).toEqual([0, 1, 1]);
  expect(await teams({ team_id: 0, overflow_action: 'partial_without_overflow' })).toEqual([0]);
  expect(await teams({ team_id: 2, overflow_action: 'partial_with_overflow' })).toEqual([2, 0, 1]);
  expect(await teams({ team_id: 0, overflow_action: 'overfill' })).toEqual([0, 0, 0]);
  expect(await teams({ team_id: 1 })).toBe('team_full');
  expect(await teams({ team_id: 3 })).toBe('team_not_found');
  const full = await sessionOf([newPlayer()], { teamSizes: [1] });
  const fullLeader = (await store.readSession(full, new Date()))!.leader!;
  const none = await api.inviteSession(newPlayer(undefined, fullLeader), full, partyId, { overflow_action: 'partial_with_overflow' });
  expect(none.body.error_code).toBe('team_full');
  expect((await api.inviteSession(host, lobby, `s-${randomUUID()}`)).body.error_code).toBe('session_not_found');
  expect((await api.inviteSession(host, `s-${randomUUID()}`, partyId)).body.error_code).toBe('session_not_found');
});

test('KickOtherSession: the leader removes the party\u2019s members and pending invites alike; seats and aggregates follow', async () => {
  const [host, stays, pLeader, pMember] = [newPlayer(), newPlayer(), newPlayer(), newPlayer()];
  const lobby = await sessionOf([host, stays]);
  const partyId = await sessionOf([pLeader, pMember]);
  await api.inviteSession(host, lobby, partyId, { team_id: 1 });
  expect((await api.join(pLeader, lobby, joinBody({ team_id: 1 }))).status).toBe(200);
  expect(await statuses(lobby)).toEqual({
    [host.uuid]: 'leader@0',
    [stays.uuid]: 'member@0',
    [pLeader.uuid]: 'member@1',
    [pMember.uuid]: 'invited@1',
  });
  expect((await api.kickSession(stays, lobby, partyId)).body.error_code).toBe('not_session_leader');
  const v = await version(lobby);
  const r = await api.kickSession(host, lobby, partyId, SDK);
  expect(r.status).toBe(204);
  expect(await version(lobby)).toBe(v + 1);
  expect(r.headers.etag).toBe((await api.get(host, lobby)).headers.etag);
  expect(await statuses(lobby)).toEqual({ [host.uuid]: 'leader@0', [stays.uuid]: 'member@0' });
  const s = (await store.readSession(lobby, new Date()))!;
  expect([s.teams.map((t) => t.occupied), s.activeCount]).toEqual([[2, 0], 2]);
  // Nothing left to remove: 204, no change.
  expect((await api.kickSession(host, lobby, partyId)).status).toBe(204);
  expect(await version(lobby)).toBe(v + 1);
});

test('a kick that takes the leader hands leadership on; one that takes everyone ends the session', async () => {
  const [a, b, c] = [newPlayer(), newPlayer(), newPlayer()];
  const partyId = await sessionOf([a, b]);
  const lobby = await sessionOf([a, c, b]);
  expect((await api.kickSession(a, lobby, partyId)).status).toBe(204);
  expect(await statuses(lobby)).toEqual({ [c.uuid]: 'leader@0' });
  const solo = await sessionOf([a, b]);
  expect((await api.kickSession(newAdmin(), solo, partyId)).status).toBe(204);
  expect((await api.get(newAdmin(), solo)).status).toBe(404);
  expect((await api.kickSession(newAdmin(), solo, partyId)).body.error_code).toBe('session_not_found');
});

test(`a party larger than one transaction (${PARTY_PLAYERS_PER_TRANSACTION}) is invited and removed in batches, and answers without an ETag`, async () => {
  const members = Array.from({ length: PARTY_PLAYERS_PER_TRANSACTION + 17 }, (_, i) =>
    seatedPlayer(randomUUID(), { status: i === 0 ? 'leader' : 'member', joined: new Date(1_700_000_000_000 + i).toISOString() }),
  );
  const party = await seedSession({ teamSizes: [200] }, members);
  const host = newPlayer();
  const lobby = await sessionOf([host], { teamSizes: [60, 60] });
  const v = await version(lobby);
  const r = await api.inviteSession(host, lobby, party.sessionId, { overflow_action: 'allow_overflow' });
  expect([r.status, r.body.players.length, r.headers.etag]).toEqual([200, members.length, undefined]);
  expect(await version(lobby)).toBe(v + 2);
  expect(new Set(r.body.players.map((p: { player_uuid: string }) => p.player_uuid))).toEqual(new Set(members.map((m) => m.playerUuid)));
  const s = (await store.readSession(lobby, new Date()))!;
  expect(s.teams.map((t) => t.occupied)).toEqual([60, members.length + 1 - 60]);
  const k = await api.kickSession(host, lobby, party.sessionId);
  expect([k.status, k.headers.etag]).toEqual([204, undefined]);
  expect(await statuses(lobby)).toEqual({ [host.uuid]: 'leader@0' });
  expect((await store.readSession(lobby, new Date()))!.teams.map((t) => t.occupied)).toEqual([1, 0]);
});

test('JoinOtherSession relies on the caller still being in the party: one who left it between the read and the write is refused', async () => {
  const [host, pLeader, pMember] = [newPlayer(), newPlayer(), newPlayer()];
  const lobby = await sessionOf([host]);
  const partyId = await sessionOf([pLeader, pMember]);
  let left = false;
  const racing = decorate(store, {
    async commitChange(read, change, mode, now) {
      if (!left) expect((await api.leave(pMember, partyId)).status).toBe(204);
      left = true;
      return store.commitChange(read, change, mode, now);
    },
  });
  const v = await version(lobby);
  await expect(
    inviteSession(racing, lobby, partyId, { playerUuid: pMember.uuid, trusted: false }, { overflowAction: 'fail', customData: {} }),
  ).rejects.toMatchObject({
    code: 'not_session_leader',
  });
  expect(await version(lobby)).toBe(v);
  expect(await statuses(lobby)).toEqual({ [host.uuid]: 'leader@0' });
});
