// Every status and error code the contract lists for the party operations (the deprecated /player/uuid update and
// kick RallyHere's Unreal SDK calls, the swap, session permissions, a party invited into or kicked from a session,
// deleting a session, the v2 player operations, and the reads of players and of another player's sessions), reached
// through the real handlers (DynamoDB Local, real JWTs), each answer in the HzApiErrorModel envelope; every refusal
// writes nothing; every write's ETag is the one GET then shows, one version further on. The lifecycle operations'
// codes are operation-errors.test.ts's, in the same style.
import { randomUUID } from 'node:crypto';
import { OPERATIONS } from '../../schemas/generated/operations.js';
import { componentValidator } from '../../scripts/openapi-schemas.js';
import { etagOf } from '../../src/sessions/model/etag.js';
import { api, handlerOf } from '../support/api-client.js';
import { httpApiEvent, invoke } from '../support/api.js';
import {
  actor,
  as,
  describeSharedCodes,
  expectError,
  expectStaleIfMatch,
  expectValidationError,
  expectWritten,
  HUGE,
  invitedOf,
  keyboardOnlyLeader,
  kickRefusalTests,
  leaderOf,
  ledSession,
  onLedSession,
  LONG_ID,
  memberOf,
  membershipsOf,
  refused,
  type Actor,
  type RouteCase,
  sessionState,
  snapshot,
  spec,
} from '../support/operation-errors.js';
import { createSession, store } from '../support/stores.js';

const isUpdateResponse = componentValidator(spec, 'SessionPlayerUpdateResponse');
const isSwapResponse = componentValidator(spec, 'SessionPlayersUpdateResponse');
const isPermissions = componentValidator(spec, 'SessionPermissions');
const isInviteResponse = componentValidator(spec, 'SessionInviteResponse');
const isSessionPlayer = componentValidator(spec, 'SessionPlayer');
const isPage = componentValidator(spec, 'PagedPlayersResponse');
const isPlayerSessions = componentValidator(spec, 'PlayerSessions');

const SDK = { headers: { 'content-type': 'application/json; charset=utf-8' } };

/** Leader and `a` on team 0, `b` on team 1 of two 4-seat teams: a and b can swap. */
async function swapSession(over: Parameters<typeof createSession>[0] = {}) {
  const [leader, a, b] = [actor(), actor(), actor()];
  const s = await createSession(over, [leaderOf(leader.uuid), memberOf(a.uuid), memberOf(b.uuid, { teamId: 1 })]);
  return { s, leader, a, b };
}

/** A session of two active players (a leader and a member) and an invite: a party to invite or kick. */
async function partySession() {
  const [pLeader, pMember, pInvited] = [actor(), actor(), actor()];
  const s = await createSession({}, [leaderOf(pLeader.uuid), memberOf(pMember.uuid), invitedOf(pInvited.uuid, pLeader.uuid)]);
  return { party: s, pLeader, pMember, pInvited };
}

/** A lobby led by `leader` that holds a party's leader (a member on team 1) and its member (invited to team 1). */
async function lobbyHoldingParty() {
  const { party, pLeader, pMember } = await partySession();
  const [leader, member] = [actor(), actor()];
  const lobby = await createSession({}, [
    leaderOf(leader.uuid),
    memberOf(member.uuid),
    memberOf(pLeader.uuid, { teamId: 1 }),
    invitedOf(pMember.uuid, leader.uuid, { teamId: 1 }),
  ]);
  return { lobby, party, leader, member, pLeader, pMember };
}

// ---- the codes every operation shares (test/support/operation-errors.ts), for these routes ----

const routes: RouteCase[] = [
  {
    operation: 'update_session_player_by_uuid',
    lacking: ['session:update:self', 'session:read:self', 'session:read-player:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s }) => api.setPlayerByUuid(p, s.sessionId, randomUUID(), { status: 'invited', team_id: 1 }, SDK)),
  },
  {
    operation: 'kick_player_from_session_by_uuid',
    lacking: ['session:update:self', 'session:read:self', 'session:promote:self'],
    conflicts: true,
    success: 204,
    arrange: onLedSession('leader', (p, { s, member }) => api.kickByUuid(p, s.sessionId, member.uuid, { query: { reason: 'afk' } })),
  },
  {
    operation: 'swap_players_in_session',
    lacking: ['session:update-player:self', 'session:promote:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: async () => {
      const { s, leader, a, b } = await swapSession();
      return {
        actor: leader,
        send: (auth = leader.auth) => api.swap(as(leader, auth), s.sessionId, [a.uuid, b.uuid], SDK),
        state: sessionState(s.sessionId),
      };
    },
  },
  {
    operation: 'give_player_permission_by_uuid',
    lacking: ['session:update-player:self', 'session:update:self', 'session:read:permission:active'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s, member }) => api.givePermission(p, s.sessionId, member.uuid, 'kick')),
  },
  {
    operation: 'remove_player_permission_by_uuid',
    lacking: ['session:give:permission:active', 'session:update-player:self', 'session:read:permission:active'],
    conflicts: true,
    success: 204,
    arrange: async () => {
      const holder = actor();
      const { s, leader } = await ledSession({}, [memberOf(holder.uuid, { permissions: ['kick'] })]);
      return {
        actor: leader,
        send: (auth = leader.auth) => api.removePermission(as(leader, auth), s.sessionId, holder.uuid, 'kick'),
        state: sessionState(s.sessionId),
      };
    },
  },
  {
    operation: 'get_player_permission_by_uuid',
    lacking: ['session:give:permission:active', 'session:remove:permission:active', 'session:read:self'],
    conflicts: false,
    success: 200,
    arrange: onLedSession('member', (p, { s, member }) => api.permissions(p, s.sessionId, member.uuid)),
  },
  {
    operation: 'invite_session_to_session',
    lacking: ['session:update:self', 'session:read:self', 'session:promote:self'],
    conflicts: true,
    success: 200,
    arrange: async () => {
      const { s, leader } = await ledSession();
      const { party } = await partySession();
      return {
        actor: leader,
        send: (auth = leader.auth) => api.inviteSession(as(leader, auth), s.sessionId, party.sessionId, { team_id: 1 }, SDK),
        state: sessionState(s.sessionId, party.sessionId),
      };
    },
  },
  {
    operation: 'kick_session_from_session',
    lacking: ['session:update-player:self', 'session:update:self', 'session:read:self'],
    conflicts: true,
    success: 204,
    arrange: async () => {
      const { lobby, party, leader } = await lobbyHoldingParty();
      return {
        actor: leader,
        send: (auth = leader.auth) => api.kickSession(as(leader, auth), lobby.sessionId, party.sessionId),
        state: sessionState(lobby.sessionId, party.sessionId),
      };
    },
  },
  {
    operation: 'delete_session',
    lacking: ['session:update:self', 'session:update-player:self', 'session:read:self'],
    conflicts: true,
    success: 204,
    arrange: onLedSession('leader', (p, { s }) => api.deleteSession(p, s.sessionId)),
  },
  {
    operation: 'invite_player_by_uuid_v2',
    lacking: ['session:update-player:self', 'session:promote:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s }) => api.invite(p, s.sessionId, randomUUID(), { team_id: 1 }, SDK)),
  },
  {
    operation: 'move_player_by_uuid_v2',
    lacking: ['session:update:self', 'session:promote:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s, member }) => api.move(p, s.sessionId, member.uuid, { team_id: 1 }, SDK)),
  },
  {
    operation: 'promote_player_by_uuid_v2',
    lacking: ['session:update:self', 'session:update-player:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s, member }) => api.promote(p, s.sessionId, member.uuid, SDK)),
  },
  {
    operation: 'update_player_by_uuid_v2',
    lacking: ['session:update:self', 'session:promote:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('member', (p, { s, member }) => api.updatePlayerV2(p, s.sessionId, member.uuid, { custom_data: { ready: 'yes' } }, SDK)),
  },
  {
    operation: 'get_player_in_session',
    lacking: ['session:update:self', 'session:update-player:self', 'session:read-player:self'],
    conflicts: false,
    success: 200,
    arrange: onLedSession('member', (p, { s, leader }) => api.player(p, s.sessionId, leader.uuid)),
  },
  {
    operation: 'get_players_in_session',
    lacking: ['session:update:self', 'session:update-player:self', 'session:read-player:self'],
    conflicts: false,
    success: 200,
    arrange: onLedSession('member', (p, { s }) => api.players(p, s.sessionId)),
  },
  ...[false, true].map((deprecated): RouteCase => ({
    operation: deprecated ? 'get_player_sessions_by_uuid' : 'get_player_sessions_by_uuid_v2',
    lacking: ['session:read:self', 'session:update:self', 'session:update-player:self'],
    conflicts: false,
    success: 200,
    arrange: async () => {
      const { member } = await ledSession();
      return {
        actor: member,
        send: (auth = member.auth) => api.sessionsOf(as(member, auth), member.uuid, { deprecated }),
        state: () => membershipsOf(member.uuid),
      };
    },
  })),
];

test('every party operation has its case here, and the lifecycle ones are operation-errors.test.ts\u2019s', () => {
  const lifecycle = [
    'join_session_by_id_self',
    'leave_session_by_id_self',
    'kick_player_from_session_by_uuid_v2',
    'update_session_player_by_uuid_v2',
    'update_session_by_id',
    'create_or_join_session',
    'get_player_sessions_self',
  ];
  const elsewhere = ['get_session_by_id', 'generate_session_short_code', 'get_all_session_templates', 'get_session_template_by_type'];
  const covered = new Set([...lifecycle, ...elsewhere, ...routes.map((r) => r.operation)]);
  expect(OPERATIONS.map((o) => o.operationId).filter((id) => !covered.has(id))).toEqual([]);
  expect(new Set(routes.map((r) => r.operation)).size).toBe(routes.length);
});
describeSharedCodes(routes);

// ---- each operation's own codes ----

describe('update_session_player_by_uuid (deprecated; the SDK\u2019s InvitePlayer, SetLeader, ChangePlayerTeam, UpdatePlayerCustomData)', () => {
  test('200 SessionPlayerUpdateResponse with the ETag GET then shows, one version further on', async () => {
    const { s, leader } = await ledSession();
    const guest = randomUUID();
    const r = await api.setPlayerByUuid(leader, s.sessionId, guest, { status: 'invited', team_id: 1, custom_data: { slot: 'a' } }, SDK);
    expect(r.body).toEqual({ player_uuid: guest, status: 'invited', team_id: 1, custom_data: { slot: 'a' } });
    expect(isUpdateResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('a request that changes nothing: 200 with the current ETag, nothing written', async () => {
    const { s, leader, member } = await ledSession();
    const before = await snapshot(s.sessionId);
    const r = await api.setPlayerByUuid(leader, s.sessionId, member.uuid, { team_id: 0 });
    expect([r.status, r.headers.etag]).toEqual([200, etagOf(s)]);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });

  test('403 not_session_leader: a member invites someone, or moves another member', async () => {
    const { s, member, leader } = await ledSession();
    await refused(
      s.sessionId,
      () => api.setPlayerByUuid(member, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }),
      403,
      'not_session_leader',
    );
    await refused(s.sessionId, () => api.setPlayerByUuid(member, s.sessionId, leader.uuid, { team_id: 1 }), 403, 'not_session_leader');
  });

  test('403 session_not_joinable: a player adds themselves to a session that is not joinable', async () => {
    const { s } = await ledSession({ joinable: false });
    const p = actor();
    await refused(s.sessionId, () => api.setPlayerByUuid(p, s.sessionId, p.uuid, { status: 'member', team_id: 0 }), 403, 'session_not_joinable');
  });

  test('403 session_password_required: a player adds themselves to a session with a password', async () => {
    const { s } = await ledSession({ passwordHash: 'hashed' });
    const p = actor();
    await refused(s.sessionId, () => api.setPlayerByUuid(p, s.sessionId, p.uuid, { status: 'member', team_id: 0 }), 403, 'session_password_required');
  });

  test('403 team_full: an invite onto a full team with overflow_action fail', async () => {
    const { s, leader } = await ledSession({ teamSizes: [2, 2] });
    await refused(s.sessionId, () => api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }), 403, 'team_full');
  });

  test('403 crossplay_not_permitted: adding a member the leader will not play with', async () => {
    const { s, leader } = await keyboardOnlyLeader();
    await refused(
      s.sessionId,
      () => api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'member', team_id: 0 }),
      403,
      'crossplay_not_permitted',
    );
  });

  test('403 team_change_not_allowed: a member moves themselves (ChangePlayerTeam, team alone) where the session forbids it', async () => {
    const { s, member } = await ledSession({ canChangeOwnTeam: false });
    await refused(s.sessionId, () => api.setPlayerByUuid(member, s.sessionId, member.uuid, { team_id: 1 }), 403, 'team_change_not_allowed');
  });

  test('403 status_not_allowed: a member sent back to invited; the leader made a member', async () => {
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.setPlayerByUuid(leader, s.sessionId, member.uuid, { status: 'invited' }), 403, 'status_not_allowed');
    await refused(s.sessionId, () => api.setPlayerByUuid(leader, s.sessionId, leader.uuid, { status: 'member' }), 403, 'status_not_allowed');
  });

  test('404 session_not_found', async () => {
    expectError(await api.setPlayerByUuid(actor(), `s-${randomUUID()}`, randomUUID(), { status: 'invited', team_id: 0 }), 404, 'session_not_found');
  });

  test('404 team_not_found', async () => {
    const { s, leader } = await ledSession();
    await refused(
      s.sessionId,
      () => api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 2 }),
      404,
      'team_not_found',
    );
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader } = await ledSession();
    const first = await api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 });
    const again = (headers: Record<string, string>) =>
      api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }, { headers });
    await refused(s.sessionId, () => again({ 'if-match': etagOf(s) }), 412, 'precondition_failed');
    expect((await again({ 'if-match': first.headers.etag! })).status).toBe(200);
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.setPlayerByUuid(leader, s.sessionId, randomUUID(), HUGE), 413, 'payload_too_large');
  });

  test('422: a negative team id; a player uuid that is not a uuid', async () => {
    const { s, leader } = await ledSession();
    const before = await snapshot(s.sessionId);
    expectValidationError(await api.setPlayerByUuid(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: -1 }), ['body', 'team_id']);
    expectValidationError(await api.setPlayerByUuid(leader, s.sessionId, 'not-a-uuid', { status: 'invited' }), ['path', 'player_uuid']);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });
});

describe('kick_player_from_session_by_uuid (deprecated; the SDK\u2019s KickPlayer)', () => {
  test('204 with the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.kickByUuid(leader, s.sessionId, member.uuid, { query: { reason: 'afk' } });
    expect(r.raw).toBeUndefined();
    await expectWritten(r, 204, s.sessionId, s.version, leader);
  });

  kickRefusalTests(api.kickByUuid);
});

describe('swap_players_in_session (the SDK\u2019s SwapPlayerTeams)', () => {
  test('200 SessionPlayersUpdateResponse: both players as they now are, with the ETag GET then shows, one version further on', async () => {
    const { s, leader, a, b } = await swapSession();
    const r = await api.swap(leader, s.sessionId, [a.uuid, b.uuid], SDK);
    expect(r.body).toEqual({
      players: [
        { player_uuid: a.uuid, status: 'member', team_id: 1, custom_data: {} },
        { player_uuid: b.uuid, status: 'member', team_id: 0, custom_data: {} },
      ],
    });
    expect(isSwapResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('403 not_session_leader: a member swaps two others', async () => {
    const { s, a, b } = await swapSession();
    const c = actor();
    await refused(s.sessionId, () => api.swap(c, s.sessionId, [a.uuid, b.uuid]), 403, 'not_session_leader');
    await refused(s.sessionId, () => api.swap(a, s.sessionId, [a.uuid, b.uuid]), 403, 'not_session_leader');
  });

  test('403 players_on_same_team: two players of one team, or one player twice', async () => {
    const other = actor();
    const { s, leader, member } = await ledSession({}, [memberOf(other.uuid)]);
    await refused(s.sessionId, () => api.swap(leader, s.sessionId, [member.uuid, other.uuid]), 403, 'players_on_same_team');
    await refused(s.sessionId, () => api.swap(leader, s.sessionId, [other.uuid, other.uuid]), 403, 'players_on_same_team');
  });

  test('403 leader_not_swappable: the leader is one of the two', async () => {
    const { s, leader, b } = await swapSession();
    await refused(s.sessionId, () => api.swap(leader, s.sessionId, [leader.uuid, b.uuid]), 403, 'leader_not_swappable');
  });

  test('404 session_not_found', async () => {
    expectError(await api.swap(actor(), `s-${randomUUID()}`, [randomUUID(), randomUUID()]), 404, 'session_not_found');
  });

  test('404 player_not_in_session: one of the two is not there', async () => {
    const { s, leader, a } = await swapSession();
    await refused(s.sessionId, () => api.swap(leader, s.sessionId, [a.uuid, randomUUID()]), 404, 'player_not_in_session');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader, a, b } = await swapSession();
    await expectStaleIfMatch(s, leader, (opts) => api.swap(leader, s.sessionId, [a.uuid, b.uuid], opts), {
      change: { custom_data: { round: '2' } },
      current: 200,
    });
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await swapSession();
    await refused(s.sessionId, () => api.swap(leader, s.sessionId, 'x'.repeat(140 * 1024)), 413, 'payload_too_large');
  });

  test('422: one player, three, or two that are not uuids', async () => {
    const { s, leader, a, b } = await swapSession();
    const before = await snapshot(s.sessionId);
    expectValidationError(await api.swap(leader, s.sessionId, [a.uuid]), ['body', 'players']);
    expectValidationError(await api.swap(leader, s.sessionId, [a.uuid, b.uuid, leader.uuid]), ['body', 'players']);
    expectValidationError(await api.swap(leader, s.sessionId, ['x', 'y']), ['body', 'players', 0]);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });
});

describe.each([
  ['give_player_permission_by_uuid', true],
  ['remove_player_permission_by_uuid', false],
] as const)('%s', (_operation, give) => {
  const change = (p: Actor, sessionId: string, target: string, permission = 'kick', opts?: Parameters<typeof api.givePermission>[4]) =>
    give ? api.givePermission(p, sessionId, target, permission, opts) : api.removePermission(p, sessionId, target, permission, opts);
  /** Leader, a member, and a member holding kick (what there is to remove). */
  const arranged = async () => {
    const holder = actor();
    return { ...(await ledSession({}, [memberOf(holder.uuid, { permissions: ['kick'] })])), holder };
  };
  const target = (a: Awaited<ReturnType<typeof arranged>>) => (give ? a.member : a.holder);

  test(`${give ? '200 SessionPermissions' : '204'} with the ETag GET then shows, one version further on`, async () => {
    const a = await arranged();
    const r = await change(a.leader, a.s.sessionId, target(a).uuid, 'kick');
    if (give) {
      expect(r.body).toEqual({ player_uuid: a.member.uuid, permissions: ['kick'] });
      expect(isPermissions(r.body)).toBe(true);
    } else expect(r.raw).toBeUndefined();
    await expectWritten(r, give ? 200 : 204, a.s.sessionId, a.s.version, a.leader);
  });

  test('403 not_active_in_session: a stranger, or an invited player', async () => {
    const invited = actor();
    const a = await arranged();
    const s = await createSession({}, [
      leaderOf(a.leader.uuid),
      memberOf(a.holder.uuid, { permissions: ['kick'] }),
      invitedOf(invited.uuid, a.leader.uuid),
    ]);
    for (const p of [actor(), invited]) await refused(s.sessionId, () => change(p, s.sessionId, a.holder.uuid), 403, 'not_active_in_session');
  });

  test('403 not_session_leader: a member without the permission acts on another', async () => {
    const a = await arranged();
    await refused(a.s.sessionId, () => change(a.member, a.s.sessionId, a.holder.uuid, give ? 'move' : 'kick'), 403, 'not_session_leader');
  });

  test('404 session_not_found', async () => {
    expectError(await change(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
  });

  test('404 player_not_in_session', async () => {
    const a = await arranged();
    await refused(a.s.sessionId, () => change(a.leader, a.s.sessionId, randomUUID()), 404, 'player_not_in_session');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const a = await arranged();
    await expectStaleIfMatch(a.s, a.leader, (opts) => change(a.leader, a.s.sessionId, target(a).uuid, 'kick', opts));
  });

  test('422: a permission upstream does not define; a player uuid that is not a uuid', async () => {
    const a = await arranged();
    const before = await snapshot(a.s.sessionId);
    expectValidationError(await change(a.leader, a.s.sessionId, target(a).uuid, 'admin'), ['path', 'permission']);
    expectValidationError(await change(a.leader, a.s.sessionId, 'not-a-uuid'), ['path', 'player_uuid']);
    expect(await snapshot(a.s.sessionId)).toEqual(before);
  });
});

describe('get_player_permission_by_uuid', () => {
  test('200 SessionPermissions with the ETag of GET', async () => {
    const holder = actor();
    const { s, member } = await ledSession({}, [memberOf(holder.uuid, { permissions: ['kick', 'move'] })]);
    const r = await api.permissions(member, s.sessionId, holder.uuid);
    expect([r.status, r.body]).toEqual([200, { player_uuid: holder.uuid, permissions: ['kick', 'move'] }]);
    expect(isPermissions(r.body)).toBe(true);
    expect(r.headers.etag).toBe((await api.get(member, s.sessionId)).headers.etag);
  });

  test('403 not_active_in_session: a stranger, or an invited player', async () => {
    const invited = actor();
    const { s, member } = await ledSession({}, [invitedOf(invited.uuid, randomUUID())]);
    for (const p of [actor(), invited]) await refused(s.sessionId, () => api.permissions(p, s.sessionId, member.uuid), 403, 'not_active_in_session');
  });

  test('404 session_not_found; 404 player_not_in_session', async () => {
    expectError(await api.permissions(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.permissions(leader, s.sessionId, randomUUID()), 404, 'player_not_in_session');
  });

  test('422: a player uuid that is not a uuid', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await api.permissions(leader, s.sessionId, 'me'), ['path', 'player_uuid']);
  });
});

describe('invite_session_to_session (the SDK\u2019s InviteOtherSession and JoinOtherSession)', () => {
  test('200 SessionInviteResponse: every active member of the party invited, with the ETag GET then shows, one version further on', async () => {
    const { s, leader } = await ledSession();
    const { party, pLeader, pMember } = await partySession();
    const r = await api.inviteSession(leader, s.sessionId, party.sessionId, { team_id: 1, custom_data: { via: 'party' } }, SDK);
    expect(isInviteResponse(r.body)).toBe(true);
    expect(new Set(r.body.players.map((p: { player_uuid: string }) => p.player_uuid))).toEqual(new Set([pLeader.uuid, pMember.uuid]));
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('403 not_session_leader: a member of the session without invite, a player in neither session', async () => {
    const { s, member } = await ledSession({ joinable: false });
    const { party } = await partySession();
    for (const p of [member, actor()])
      await refused([s.sessionId, party.sessionId], () => api.inviteSession(p, s.sessionId, party.sessionId), 403, 'not_session_leader');
  });

  test('403 session_not_joinable, session_password_required: a party member brings the party into a closed or locked session', async () => {
    const { party, pMember } = await partySession();
    const closed = await ledSession({ joinable: false });
    await refused(closed.s.sessionId, () => api.inviteSession(pMember, closed.s.sessionId, party.sessionId), 403, 'session_not_joinable');
    const locked = await ledSession({ passwordHash: 'hashed' });
    await refused(locked.s.sessionId, () => api.inviteSession(pMember, locked.s.sessionId, party.sessionId), 403, 'session_password_required');
  });

  test('403 team_full: the team asked has no room, overflow_action fail', async () => {
    const { s, leader } = await ledSession({ teamSizes: [3, 3] });
    const { party } = await partySession();
    await refused(s.sessionId, () => api.inviteSession(leader, s.sessionId, party.sessionId, { team_id: 0 }), 403, 'team_full');
  });

  test('404 session_not_found: either session unknown', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    await refused(s.sessionId, () => api.inviteSession(leader, s.sessionId, `s-${randomUUID()}`), 404, 'session_not_found');
    await refused(party.sessionId, () => api.inviteSession(leader, `s-${randomUUID()}`, party.sessionId), 404, 'session_not_found');
  });

  test('404 team_not_found', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    await refused(s.sessionId, () => api.inviteSession(leader, s.sessionId, party.sessionId, { team_id: 2 }), 404, 'team_not_found');
  });

  test('404 route_not_found: the route serves only its own suffix (`{invited_session_id}:invite`)', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    const handler = await handlerOf('invite_session_to_session');
    const event = httpApiEvent({
      method: 'POST',
      route: '/session/v1/session/{session_id}/invited-session/{invited_session_id}',
      pathParameters: { session_id: s.sessionId, invited_session_id: party.sessionId },
      headers: leader.auth,
      body: {},
    });
    await refused([s.sessionId, party.sessionId], () => invoke(handler, event), 404, 'route_not_found');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    await expectStaleIfMatch(s, leader, (opts) => api.inviteSession(leader, s.sessionId, party.sessionId, {}, opts), {
      change: { custom_data: { round: '2' } },
      current: 200,
    });
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    await refused(s.sessionId, () => api.inviteSession(leader, s.sessionId, party.sessionId, HUGE), 413, 'payload_too_large');
  });

  test('422: a negative team id; an unknown overflow action', async () => {
    const { s, leader } = await ledSession();
    const { party } = await partySession();
    const before = await snapshot(s.sessionId);
    expectValidationError(await api.inviteSession(leader, s.sessionId, party.sessionId, { team_id: -1 }), ['body', 'team_id']);
    expectValidationError(await api.inviteSession(leader, s.sessionId, party.sessionId, { overflow_action: 'squeeze' }), ['body', 'overflow_action']);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });
});

describe('kick_session_from_session (the SDK\u2019s KickOtherSession)', () => {
  test('204: the party\u2019s member and pending invite removed, with the ETag GET then shows, one version further on', async () => {
    const { lobby, party, leader, member, pLeader, pMember } = await lobbyHoldingParty();
    const r = await api.kickSession(leader, lobby.sessionId, party.sessionId, SDK);
    expect(r.raw).toBeUndefined();
    await expectWritten(r, 204, lobby.sessionId, lobby.version, leader);
    const left = (await snapshot(lobby.sessionId))!.players.map((p) => p.playerUuid);
    expect(left.sort()).toEqual([leader.uuid, member.uuid].sort());
    expect(left).not.toContain(pLeader.uuid);
    expect(left).not.toContain(pMember.uuid);
  });

  test('403 not_session_leader: a member of the session, a player of the party', async () => {
    const { lobby, party, member, pLeader } = await lobbyHoldingParty();
    for (const p of [member, pLeader])
      await refused([lobby.sessionId, party.sessionId], () => api.kickSession(p, lobby.sessionId, party.sessionId), 403, 'not_session_leader');
  });

  test('404 session_not_found', async () => {
    const { party } = await partySession();
    expectError(await api.kickSession(actor(), `s-${randomUUID()}`, party.sessionId), 404, 'session_not_found');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { lobby, party, leader } = await lobbyHoldingParty();
    await expectStaleIfMatch(lobby, leader, (opts) => api.kickSession(leader, lobby.sessionId, party.sessionId, opts));
  });

  test('422: a session id longer than the contract allows', async () => {
    const { lobby, leader } = await lobbyHoldingParty();
    expectValidationError(await api.kickSession(leader, lobby.sessionId, LONG_ID), ['path', 'kicked_session_id']);
    expectValidationError(await api.kickSession(leader, LONG_ID, lobby.sessionId), ['path', 'session_id']);
  });
});

describe('delete_session (the SDK\u2019s DeleteSession)', () => {
  test('204 without an ETag (no state names the session any more); GET then answers 404', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.deleteSession(leader, s.sessionId, SDK);
    expect([r.status, r.headers.etag, r.raw]).toEqual([204, undefined, undefined]);
    expectError(await api.get(member, s.sessionId), 404, 'session_not_found');
  });

  test('403 not_session_leader: a member, an invited player, a stranger', async () => {
    const invited = actor();
    const { s, member } = await ledSession({}, [invitedOf(invited.uuid, randomUUID())]);
    for (const p of [member, invited, actor()]) await refused(s.sessionId, () => api.deleteSession(p, s.sessionId), 403, 'not_session_leader');
  });

  test('404 session_not_found', async () => {
    expectError(await api.deleteSession(actor(), `s-${randomUUID()}`), 404, 'session_not_found');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => api.deleteSession(leader, s.sessionId, opts), { current: 204 });
  });

  test('422: a session id longer than the contract allows', async () => {
    expectValidationError(await api.deleteSession(actor(), LONG_ID), ['path', 'session_id']);
  });
});

describe('invite_player_by_uuid_v2', () => {
  test('200 SessionPlayerUpdateResponse with the ETag GET then shows, one version further on', async () => {
    const { s, leader } = await ledSession();
    const guest = randomUUID();
    const r = await api.invite(leader, s.sessionId, guest, { team_id: 1, custom_data: { from: 'menu' } }, SDK);
    expect(r.body).toEqual({ player_uuid: guest, status: 'invited', team_id: 1, custom_data: { from: 'menu' } });
    expect(isUpdateResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('403 not_session_leader: a member without invite, a stranger', async () => {
    const { s, member } = await ledSession();
    for (const p of [member, actor()])
      await refused(s.sessionId, () => api.invite(p, s.sessionId, randomUUID(), { team_id: 1 }), 403, 'not_session_leader');
  });

  test('403 team_full: the team asked is full, overflow_action fail', async () => {
    const { s, leader } = await ledSession({ teamSizes: [2, 2] });
    await refused(s.sessionId, () => api.invite(leader, s.sessionId, randomUUID(), { team_id: 0 }), 403, 'team_full');
  });

  test('403 status_not_allowed: inviting a player who is already a member', async () => {
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.invite(leader, s.sessionId, member.uuid, { team_id: 0 }), 403, 'status_not_allowed');
  });

  test('404 session_not_found; 404 team_not_found', async () => {
    expectError(await api.invite(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.invite(leader, s.sessionId, randomUUID(), { team_id: 2 }), 404, 'team_not_found');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { s, leader } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => api.invite(leader, s.sessionId, randomUUID(), {}, opts));
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.invite(leader, s.sessionId, randomUUID(), HUGE), 413, 'payload_too_large');
  });

  test('422: a negative team id; a player uuid that is not a uuid', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await api.invite(leader, s.sessionId, randomUUID(), { team_id: -1 }), ['body', 'team_id']);
    expectValidationError(await api.invite(leader, s.sessionId, 'nope', {}), ['path', 'player_uuid']);
  });
});

describe('promote_player_by_uuid_v2', () => {
  test('200: the member leads, the old leader is a member, in one write; the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.promote(leader, s.sessionId, member.uuid, SDK);
    expect(r.body).toEqual({ player_uuid: member.uuid, status: 'leader', team_id: 0, custom_data: {} });
    expect(isUpdateResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
    expect((await store.readSession(s.sessionId, new Date()))!.leader).toBe(member.uuid);
  });

  test('403 not_session_leader: a member promotes another', async () => {
    const other = actor();
    const { s, member } = await ledSession({}, [memberOf(other.uuid)]);
    await refused(s.sessionId, () => api.promote(member, s.sessionId, other.uuid), 403, 'not_session_leader');
  });

  test('403 crossplay_not_permitted: an invited player who would not play with the session becomes no leader of it', async () => {
    const xboxOnly = actor();
    const { s, leader } = await ledSession({}, [
      invitedOf(xboxOnly.uuid, randomUUID(), {
        clientSettings: { platform: 'XboxLive', input: 'gamepad' },
        crossplay: { permitted_platform: 'desired_platforms_xboxlike', permitted_input: 'desired_inputs_any' },
      }),
    ]);
    await refused(s.sessionId, () => api.promote(leader, s.sessionId, xboxOnly.uuid), 403, 'crossplay_not_permitted');
  });

  test('404 session_not_found; 404 player_not_in_session', async () => {
    expectError(await api.promote(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.promote(leader, s.sessionId, randomUUID()), 404, 'player_not_in_session');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { s, leader, member } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => api.promote(leader, s.sessionId, member.uuid, opts));
  });

  test('422: a player uuid that is not a uuid', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await api.promote(leader, s.sessionId, 'nope'), ['path', 'player_uuid']);
  });
});

describe('move_player_by_uuid_v2', () => {
  test('200: the member on the team asked, with the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.move(leader, s.sessionId, member.uuid, { team_id: 1 }, SDK);
    expect(r.body).toEqual({ player_uuid: member.uuid, status: 'member', team_id: 1, custom_data: {} });
    expect(isUpdateResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('403 not_session_leader: a member without move moves another; one with it moves the leader', async () => {
    const [plain, mover] = [actor(), actor()];
    const { s, leader, member } = await ledSession({}, [memberOf(plain.uuid), memberOf(mover.uuid, { permissions: ['move'] })]);
    await refused(s.sessionId, () => api.move(plain, s.sessionId, member.uuid, { team_id: 1 }), 403, 'not_session_leader');
    await refused(s.sessionId, () => api.move(mover, s.sessionId, leader.uuid, { team_id: 1 }), 403, 'not_session_leader');
  });

  test('403 team_full: the team asked has no free seat', async () => {
    const other = actor();
    const { s, leader, member } = await ledSession({ teamSizes: [2, 1] }, [memberOf(other.uuid, { teamId: 1 })]);
    await refused(s.sessionId, () => api.move(leader, s.sessionId, member.uuid, { team_id: 1 }), 403, 'team_full');
  });

  test('403 team_change_not_allowed: a member moves themselves where the session forbids it', async () => {
    const { s, member } = await ledSession({ canChangeOwnTeam: false });
    await refused(s.sessionId, () => api.move(member, s.sessionId, member.uuid, { team_id: 1 }), 403, 'team_change_not_allowed');
  });

  test('404 session_not_found; 404 player_not_in_session; 404 team_not_found', async () => {
    expectError(await api.move(actor(), `s-${randomUUID()}`, randomUUID(), { team_id: 0 }), 404, 'session_not_found');
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.move(leader, s.sessionId, randomUUID(), { team_id: 1 }), 404, 'player_not_in_session');
    await refused(s.sessionId, () => api.move(leader, s.sessionId, member.uuid, { team_id: 2 }), 404, 'team_not_found');
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { s, leader, member } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => api.move(leader, s.sessionId, member.uuid, { team_id: 1 }, opts));
  });

  test('413 payload_too_large', async () => {
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.move(leader, s.sessionId, member.uuid, HUGE), 413, 'payload_too_large');
  });

  test('422: a negative team id', async () => {
    const { s, leader, member } = await ledSession();
    expectValidationError(await api.move(leader, s.sessionId, member.uuid, { team_id: -1 }), ['body', 'team_id']);
  });
});

describe('update_player_by_uuid_v2', () => {
  test('200: the custom data replaced, status and team kept, with the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.updatePlayerV2(leader, s.sessionId, member.uuid, { custom_data: { ready: 'yes' } }, SDK);
    expect(r.body).toEqual({ player_uuid: member.uuid, status: 'member', team_id: 0, custom_data: { ready: 'yes' } });
    expect(isUpdateResponse(r.body)).toBe(true);
    await expectWritten(r, 200, s.sessionId, s.version, leader);
  });

  test('403 not_session_leader: a member updates another, a stranger updates a member', async () => {
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.updatePlayerV2(member, s.sessionId, leader.uuid, { custom_data: {} }), 403, 'not_session_leader');
    await refused(s.sessionId, () => api.updatePlayerV2(actor(), s.sessionId, member.uuid, { custom_data: {} }), 403, 'not_session_leader');
  });

  test('404 session_not_found; 404 player_not_in_session, the leader\u2019s request or the player\u2019s own', async () => {
    expectError(await api.updatePlayerV2(actor(), `s-${randomUUID()}`, randomUUID(), { custom_data: {} }), 404, 'session_not_found');
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.updatePlayerV2(leader, s.sessionId, randomUUID(), { custom_data: {} }), 404, 'player_not_in_session');
    const outsider = actor();
    await refused(
      s.sessionId,
      () => api.updatePlayerV2(outsider, s.sessionId, outsider.uuid, { custom_data: { x: '1' } }),
      404,
      'player_not_in_session',
    );
  });

  test('412 precondition_failed: a stale If-Match', async () => {
    const { s, leader, member } = await ledSession();
    await expectStaleIfMatch(s, leader, (opts) => api.updatePlayerV2(member, s.sessionId, member.uuid, { custom_data: { x: '1' } }, opts));
  });

  test('413 payload_too_large', async () => {
    const { s, member } = await ledSession();
    await refused(s.sessionId, () => api.updatePlayerV2(member, s.sessionId, member.uuid, HUGE), 413, 'payload_too_large');
  });

  test('422: custom data that is not an object of strings; an unknown suffix goes to this operation, whose uuid it is not', async () => {
    const { s, member } = await ledSession();
    expectValidationError(await api.updatePlayerV2(member, s.sessionId, member.uuid, { custom_data: { x: 1 } }), ['body', 'custom_data', 'x']);
    expectValidationError(await api.updatePlayerV2(member, s.sessionId, `${member.uuid}:kick`, { custom_data: {} }), ['path', 'player_uuid']);
  });
});

describe('get_player_in_session', () => {
  test('200 SessionPlayer with the ETag of GET', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.player(member, s.sessionId, leader.uuid);
    expect([r.status, r.body.player_uuid, r.body.status]).toEqual([200, leader.uuid, 'leader']);
    expect(isSessionPlayer(r.body)).toBe(true);
    expect(r.headers.etag).toBe((await api.get(member, s.sessionId)).headers.etag);
  });

  test('404 session_not_found; 404 player_not_in_session', async () => {
    expectError(await api.player(actor(), `s-${randomUUID()}`, randomUUID()), 404, 'session_not_found');
    const { s, leader } = await ledSession();
    expectError(await api.player(leader, s.sessionId, randomUUID()), 404, 'player_not_in_session');
  });

  test('422: a player uuid that is not a uuid; a refresh_ttl that is not a boolean', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await api.player(leader, s.sessionId, 'me'), ['path', 'player_uuid']);
    expectValidationError(await api.player(leader, s.sessionId, leader.uuid, { query: { refresh_ttl: 'maybe' } }), ['query', 'refresh_ttl']);
  });
});

describe('get_players_in_session', () => {
  test('200 PagedPlayersResponse with the ETag of GET', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.players(member, s.sessionId, { query: { page_size: '1' } });
    expect([r.status, r.body.cursor]).toEqual([200, 1]);
    expect(isPage(r.body)).toBe(true);
    expect(r.headers.etag).toBe((await api.get(leader, s.sessionId)).headers.etag);
  });

  test('404 session_not_found', async () => {
    expectError(await api.players(actor(), `s-${randomUUID()}`), 404, 'session_not_found');
  });

  test('422: a page size out of bounds; a negative cursor', async () => {
    const { s, leader } = await ledSession();
    expectValidationError(await api.players(leader, s.sessionId, { query: { page_size: '51' } }), ['query', 'page_size']);
    expectValidationError(await api.players(leader, s.sessionId, { query: { cursor: '-1' } }), ['query', 'cursor']);
  });
});

describe.each([false, true])('get_player_sessions_by_uuid (deprecated route: %s)', (deprecated) => {
  test('200 PlayerSessions with an ETag; If-None-Match naming it: 304 with the ETag and no body', async () => {
    const { s, member } = await ledSession();
    const r = await api.sessionsOf(member, member.uuid, { deprecated });
    expect(r.status).toBe(200);
    expect(isPlayerSessions(r.body)).toBe(true);
    expect(r.body.sessions.test.session_ids).toEqual([s.sessionId]);
    const again = await api.sessionsOf(member, member.uuid, { deprecated, headers: { 'if-none-match': r.headers.etag! } });
    expect([again.status, again.headers.etag, again.raw]).toEqual([304, r.headers.etag, undefined]);
  });

  test("403 insufficient_permissions: another player's sessions, without session:read-player:any", async () => {
    const { member } = await ledSession();
    expectError(await api.sessionsOf(actor(), member.uuid, { deprecated }), 403, 'insufficient_permissions');
  });

  test('422: a player uuid that is not a uuid', async () => {
    expectValidationError(await api.sessionsOf(actor(randomUUID(), ['session:read-player:any']), 'nope', { deprecated }), ['path', 'player_uuid']);
  });
});
