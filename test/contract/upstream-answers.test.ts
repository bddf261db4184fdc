// Every answer of ours validates against RallyHere's own published schemas (the 2026-08-17 session spec), so a
// client generated from upstream's spec (RallyHere's Unreal SDK is) reads what we send.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { api } from '../support/api-client.js';
import { joinBody } from '../support/fixtures.js';
import { newAdmin, newPlayer } from '../support/players.js';
import { createSession } from '../support/stores.js';

const upstream = JSON.parse(readFileSync(new URL('./upstream/session-api.schemas.json', import.meta.url), 'utf8')) as {
  schemas: Record<string, unknown>;
};
const ajv = new Ajv2020({ allErrors: true, strict: false });
// Formats annotate in JSON Schema 2020-12; uuid and date-time are asserted here all the same, semver (any string upstream takes) is not.
ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
ajv.addFormat('semver', () => true);
ajv.addSchema({ $id: 'upstream', components: { schemas: upstream.schemas } });
const conforms = (name: string, body: unknown) => {
  const validate = ajv.getSchema(`upstream#/components/schemas/${name}`)!;
  expect({ name, ok: validate(body), errors: validate.errors ?? null }).toEqual({ name, ok: true, errors: null });
};

test("a session's life, answer by answer", async () => {
  const s = await createSession({ customData: { map: 'harbour' } });
  const [leader, member, invitee] = [newPlayer(), newPlayer(), newPlayer()];
  conforms('SessionPlayerUpdateResponse', (await api.join(leader, s.sessionId, joinBody({ custom_data: { loadout: 'a' } }))).body);
  conforms(
    'SessionPlayerUpdateResponse',
    (
      await api.join(
        member,
        s.sessionId,
        joinBody({ client_version: 'build-7781', client_settings: { platform: 'Discord', input: 'touch', device_type: 'web' } }),
      )
    ).body,
  );
  conforms('SessionPlayerUpdateResponse', (await api.setPlayer(leader, s.sessionId, invitee.uuid, { status: 'invited' })).body);
  conforms('Session', (await api.get(member, s.sessionId)).body);
  conforms(
    'Session',
    (
      await api.patch(leader, s.sessionId, {
        joinability: { friends: true },
        password: 'secret',
        teams: [{ max_size: 5, custom_data: { side: 'red' } }, { max_size: 5 }],
      })
    ).body,
  );
  conforms('SessionShortCodeResponse', (await api.shortCode(leader, s.sessionId)).body);
  conforms('Session', (await api.get(member, s.sessionId)).body);
  conforms('PlayerSessions', (await api.mine(invitee)).body);
  conforms('PlayerSessions', (await api.sessionsOf(newAdmin(), invitee.uuid)).body);
  conforms('PlayerSessions', (await api.sessionsOf(invitee, invitee.uuid, { deprecated: true })).body);
  conforms('SessionPlayer', (await api.player(member, s.sessionId, member.uuid)).body);
  conforms('SessionPlayer', (await api.player(member, s.sessionId, invitee.uuid)).body);
  conforms('SessionPlayerUpdateResponse', (await api.updatePlayerV2(member, s.sessionId, member.uuid, { custom_data: { v: '2' } })).body);
  conforms('SessionPlayerUpdateResponse', (await api.invite(leader, s.sessionId, newPlayer().uuid, { team_id: 1 })).body);
  conforms('SessionPlayerUpdateResponse', (await api.move(leader, s.sessionId, member.uuid, { team_id: 1 })).body);
  conforms('SessionPermissions', (await api.givePermission(leader, s.sessionId, member.uuid, 'kick')).body);
  conforms('SessionPermissions', (await api.permissions(member, s.sessionId, member.uuid)).body);
  conforms('SessionPlayerUpdateResponse', (await api.promote(leader, s.sessionId, member.uuid)).body);
  const partyId = (await createSession()).sessionId;
  expect((await api.join(newPlayer(), partyId)).status).toBe(200);
  conforms('SessionInviteResponse', (await api.inviteSession(member, s.sessionId, partyId, { overflow_action: 'allow_overflow' })).body);
  expect((await api.kickSession(member, s.sessionId, partyId)).status).toBe(204);
  conforms('PagedPlayersResponse', (await api.players(member, s.sessionId, { query: { page_size: '2' } })).body);
  conforms('SessionTemplates', (await api.templates(member)).body);
  conforms('SessionTemplate', (await api.template(member, 'lobby')).body);
  conforms(
    'SessionJoinResponse',
    (await api.createOrJoin(newPlayer(), { session_type: 'duel', client_version: '1', client_settings: { platform: 'iosDevice', input: 'touch' } }))
      .body,
  );
  expect((await api.deleteSession(newAdmin(), s.sessionId)).status).toBe(204);
  conforms('HzApiErrorModel', (await api.deleteSession(leader, s.sessionId)).body);
});

test("a party as RallyHere's Unreal SDK manages it: the swap and the deprecated /player/uuid update, answer by answer", async () => {
  const SDK = { headers: { 'content-type': 'application/json; charset=utf-8' } };
  const s = await createSession({ teamSizes: [3, 3] });
  const [leader, red, blue, guest] = [newPlayer(), newPlayer(), newPlayer(), newPlayer()];
  expect((await api.join(leader, s.sessionId)).status).toBe(200);
  expect((await api.join(red, s.sessionId, joinBody({ custom_data: { loadout: 'a' } }))).status).toBe(200);
  expect((await api.join(blue, s.sessionId, joinBody({ team_id: 1 }))).status).toBe(200);
  // SwapPlayerTeams: swap_players_in_session answers both players as they now are.
  const swapped = await api.swap(leader, s.sessionId, [red.uuid, blue.uuid], SDK);
  expect(swapped.body.players).toHaveLength(2);
  conforms('SessionPlayersUpdateResponse', swapped.body);
  conforms('SessionPlayersUpdateResponse', (await api.swap(newAdmin(), s.sessionId, [red.uuid, blue.uuid])).body);
  // update_session_player_by_uuid with each body the SDK sends: InvitePlayer, ChangePlayerTeam, UpdatePlayerCustomData, SetLeader.
  conforms('SessionPlayerUpdateResponse', (await api.setPlayerByUuid(leader, s.sessionId, guest.uuid, { status: 'invited', team_id: 1 }, SDK)).body);
  conforms('SessionPlayerUpdateResponse', (await api.setPlayerByUuid(leader, s.sessionId, red.uuid, { team_id: 0 }, SDK)).body);
  conforms('SessionPlayerUpdateResponse', (await api.setPlayerByUuid(leader, s.sessionId, blue.uuid, { custom_data: { loadout: 'b' } }, SDK)).body);
  conforms('SessionPlayerUpdateResponse', (await api.setPlayerByUuid(leader, s.sessionId, blue.uuid, { status: 'leader' }, SDK)).body);
  // Refusals on both routes, in the envelope upstream documents: the old leader, a member now, acts on others no more.
  const refusedSwap = await api.swap(leader, s.sessionId, [red.uuid, guest.uuid]);
  expect(refusedSwap.body.error_code).toBe('not_session_leader');
  conforms('HzApiErrorModel', refusedSwap.body);
  const refusedMove = await api.setPlayerByUuid(leader, s.sessionId, guest.uuid, { team_id: 0 });
  expect(refusedMove.body.error_code).toBe('not_session_leader');
  conforms('HzApiErrorModel', refusedMove.body);
  conforms('HTTPValidationError', (await api.swap(blue, s.sessionId, [red.uuid])).body);
});

test('errors and validation errors', async () => {
  const s = await createSession({ joinable: false });
  conforms('HzApiErrorModel', (await api.join(newPlayer(), s.sessionId)).body);
  conforms('HzApiErrorModel', (await api.get(newAdmin(), 'no-such-session')).body);
  conforms('HTTPValidationError', (await api.join(newPlayer(), s.sessionId, { team_id: -1 }, { query: { refresh_ttl: 'maybe' } })).body);
});
