// Every status and error code the contract lists for the lifecycle operations, reached through the real handlers
// (DynamoDB Local, real JWTs), each answer in the HzApiErrorModel envelope; every refusal writes nothing; every
// write's ETag is the one GET then shows, one version further on.
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { componentValidator } from '../../scripts/openapi-schemas.js';
import type { ErrorCode } from '../../src/errors/api-error.js';
import { resetTemplates } from '../../src/runtime/templates.js';
import { etagOf } from '../../src/sessions/model/etag.js';
import type { CommitResult, CreateResult } from '../../src/sessions/store.js';
import { api } from '../support/api-client.js';
import { decorate } from '../support/decorate.js';
import { joinBody } from '../support/fixtures.js';
import {
  actor,
  describeSharedCodes,
  expectError,
  expectValidationError,
  HUGE,
  invitedOf,
  keyboardOnlyLeader,
  kickRefusalTests,
  leaderOf,
  ledSession,
  onLedSession,
  LONG_ID,
  membershipsOf,
  refused,
  type RouteCase,
  sessionState,
  snapshot,
  spec,
  version,
} from '../support/operation-errors.js';
import { withStore } from '../support/sdk-faults.js';
import { createSession, store } from '../support/stores.js';

// Session types of this file only, so that no other suite's create-or-join ever meets these sessions.
const T = `ec-${randomUUID().slice(0, 8)}`;
const TYPE = { open: `${T}-open`, xp: `${T}-xp`, busy: `${T}-busy`, duel: `${T}-duel`, closed: `${T}-closed`, versioned: `${T}-versioned` };
const templatesFile = joinPath(tmpdir(), `${T}-templates.json`);
const autoJoin = { num_teams: 1, players_per_team: 4, attempt_auto_join: true, default_public: true, can_be_created_by_players_directly: true };
writeFileSync(
  templatesFile,
  JSON.stringify([
    { session_type: TYPE.open, ...autoJoin },
    { session_type: TYPE.xp, ...autoJoin },
    { session_type: TYPE.busy, ...autoJoin },
    { session_type: TYPE.duel, num_teams: 2, players_per_team: 1, can_be_created_by_players_directly: true },
    { session_type: TYPE.closed, num_teams: 2, players_per_team: 5, can_be_created_by_players_directly: false },
    { session_type: TYPE.versioned, can_be_created_by_players_directly: true, client_version_range: '>=2.0.0' },
  ]),
);
process.env.SESSION_TEMPLATES_FILE = templatesFile;
resetTemplates();
afterAll(() => rmSync(templatesFile, { force: true }));

const isSession = componentValidator(spec, 'Session');
const isUpdateResponse = componentValidator(spec, 'SessionPlayerUpdateResponse');
const isJoinResponse = componentValidator(spec, 'SessionJoinResponse');
const isPlayerSessions = componentValidator(spec, 'PlayerSessions');

const createBody = (session_type: string, extra: Record<string, unknown> = {}) => ({
  session_type,
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  ...extra,
});

// ---- the codes every operation shares (test/support/operation-errors.ts), for these routes ----

const routes: RouteCase[] = [
  {
    operation: 'join_session_by_id_self',
    lacking: ['session:update:self', 'session:read:self', 'session:promote:self'],
    conflicts: true,
    success: 200,
    arrange: async () => {
      const { s } = await ledSession();
      const joiner = actor();
      return { actor: joiner, send: (auth = joiner.auth) => api.join({ ...joiner, auth }, s.sessionId), state: sessionState(s.sessionId) };
    },
  },
  {
    operation: 'leave_session_by_id_self',
    lacking: ['session:update-player:self', 'session:read:self', 'session:promote:self'],
    conflicts: true,
    success: 204,
    arrange: onLedSession('member', (p, { s }) => api.leave(p, s.sessionId)),
  },
  {
    operation: 'kick_player_from_session_by_uuid_v2',
    lacking: ['session:update:self', 'session:read:self', 'session:promote:self'],
    conflicts: true,
    success: 204,
    arrange: onLedSession('leader', (p, { s, member }) => api.kick(p, s.sessionId, member.uuid)),
  },
  {
    operation: 'update_session_player_by_uuid_v2',
    lacking: ['session:update-player:self', 'session:update:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s }) => api.setPlayer(p, s.sessionId, randomUUID(), { status: 'invited', team_id: 1 })),
  },
  {
    operation: 'update_session_by_id',
    lacking: ['session:update-player:self', 'session:promote:self', 'session:read:self'],
    conflicts: true,
    success: 200,
    arrange: onLedSession('leader', (p, { s }) => api.patch(p, s.sessionId, { joinable: false })),
  },
  {
    operation: 'create_or_join_session',
    lacking: ['session:update-player:self', 'session:read:self', 'session:update:self'],
    conflicts: false,
    success: 200,
    arrange: async () => {
      const a = actor();
      return { actor: a, send: (auth = a.auth) => api.createOrJoin({ ...a, auth }, createBody(TYPE.duel)), state: () => membershipsOf(a.uuid) };
    },
  },
  {
    operation: 'get_player_sessions_self',
    lacking: ['session:read:self', 'session:update-player:self', 'session:update:self'],
    conflicts: false,
    success: 200,
    arrange: async () => {
      const { s, member } = await ledSession();
      return { actor: member, send: (auth = member.auth) => api.mine({ ...member, auth }), state: sessionState(s.sessionId) };
    },
  },
];

describeSharedCodes(routes, { loggerFieldsInTitle: true });

// ---- each operation's own codes ----

describe('leave_session_by_id_self', () => {
  test('204 with the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.leave(member, s.sessionId);
    expect(r.status).toBe(204);
    expect(r.raw).toBeUndefined();
    expect(r.headers.etag).toBe(etagOf({ ...s, version: s.version + 1 }));
    expect((await api.get(leader, s.sessionId)).headers.etag).toBe(r.headers.etag);
    expect(await version(s.sessionId)).toBe(s.version + 1);
  });

  test('204 for the last active player: the session is gone, so no ETag names it', async () => {
    const p = actor();
    const s = await createSession({}, [leaderOf(p.uuid)]);
    const r = await api.leave(p, s.sessionId);
    expect(r.status).toBe(204);
    expect(r.headers.etag).toBeUndefined();
    expectError(await api.get(p, s.sessionId), 404, 'session_not_found');
  });

  test('404 session_not_found: no such session (and none is made)', async () => {
    const id = `s-${randomUUID()}`;
    expectError(await api.leave(actor(), id), 404, 'session_not_found');
    expect(await store.readSession(id, new Date())).toBeUndefined();
  });

  test('404 player_not_in_session', async () => {
    const { s } = await ledSession();
    await refused(s.sessionId, () => api.leave(actor(), s.sessionId), 404, 'player_not_in_session');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader, member } = await ledSession();
    const stale = etagOf(s);
    expect((await api.patch(leader, s.sessionId, { custom_data: { round: '2' } })).status).toBe(200);
    await refused(s.sessionId, () => api.leave(member, s.sessionId, { headers: { 'if-match': stale } }), 412, 'precondition_failed');
    const current = (await api.get(leader, s.sessionId)).headers.etag!;
    expect((await api.leave(member, s.sessionId, { headers: { 'if-match': current } })).status).toBe(204);
  });

  test('422: a session id longer than the contract allows', async () => {
    expectValidationError(await api.leave(actor(), LONG_ID), ['path', 'session_id']);
  });
});

describe('kick_player_from_session_by_uuid_v2', () => {
  test('204 with the ETag GET then shows, one version further on', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.kick(leader, s.sessionId, member.uuid);
    expect(r.status).toBe(204);
    expect(r.headers.etag).toBeDefined();
    expect((await api.get(leader, s.sessionId)).headers.etag).toBe(r.headers.etag);
    expect(await version(s.sessionId)).toBe(s.version + 1);
  });

  test('204 for a player removing themselves, the leader cancelling an invite, a trusted caller kicking the leader', async () => {
    const guest = randomUUID();
    const { s, leader, member } = await ledSession({}, [invitedOf(guest, randomUUID())]);
    const self = await api.kick(member, s.sessionId, member.uuid);
    expect(self.status).toBe(204);
    const cancel = await api.kick(leader, s.sessionId, guest);
    expect(cancel.status).toBe(204);
    expect(cancel.headers.etag).toBe(etagOf({ ...s, version: s.version + 2 }));
    const other = actor();
    expect((await api.setPlayer(leader, s.sessionId, other.uuid, { status: 'member', team_id: 1 })).status).toBe(200);
    const trusted = await api.kick(actor(randomUUID(), ['session:update-player:any']), s.sessionId, leader.uuid);
    expect(trusted.status).toBe(204);
    expect((await api.get(other, s.sessionId)).headers.etag).toBe(trusted.headers.etag);
    const after = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(after.session.version).toBe(s.version + 4);
    expect(after.players.map((p) => [p.playerUuid, p.status])).toEqual([[other.uuid, 'leader']]);
  });

  kickRefusalTests(api.kick);
});

describe('update_session_player_by_uuid_v2', () => {
  test('200 SessionPlayerUpdateResponse with the ETag GET then shows, one version further on', async () => {
    const { s, leader } = await ledSession();
    const guest = randomUUID();
    const r = await api.setPlayer(leader, s.sessionId, guest, { status: 'reserved', team_id: 1, custom_data: { slot: 'a' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ player_uuid: guest, status: 'reserved', team_id: 1, custom_data: { slot: 'a' } });
    expect(isUpdateResponse(r.body)).toBe(true);
    expect((await api.get(leader, s.sessionId)).headers.etag).toBe(r.headers.etag);
    expect(await version(s.sessionId)).toBe(s.version + 1);
  });

  test('a request that changes nothing: 200 with the current ETag, nothing written', async () => {
    const { s, leader, member } = await ledSession();
    const before = await snapshot(s.sessionId);
    const r = await api.setPlayer(leader, s.sessionId, member.uuid, { status: 'member', team_id: 0 });
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBe(etagOf(s));
    expect(await snapshot(s.sessionId)).toEqual(before);
  });

  test('403 not_session_leader: a member invites someone', async () => {
    const { s, member } = await ledSession();
    await refused(s.sessionId, () => api.setPlayer(member, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }), 403, 'not_session_leader');
  });

  test('403 session_not_joinable: a player adds themselves to a session that is not joinable', async () => {
    const { s } = await ledSession({ joinable: false });
    const p = actor();
    await refused(s.sessionId, () => api.setPlayer(p, s.sessionId, p.uuid, { status: 'member', team_id: 0 }), 403, 'session_not_joinable');
  });

  test('403 team_full: an invite onto a full team with overflow_action fail', async () => {
    const { s, leader } = await ledSession({ teamSizes: [2, 2] });
    await refused(s.sessionId, () => api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }), 403, 'team_full');
    // allow_overflow puts the player on the team with room instead.
    const r = await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0, overflow_action: 'allow_overflow' });
    expect(r.body).toMatchObject({ status: 'invited', team_id: 1 });
  });

  test('403 crossplay_not_permitted: adding a member the leader will not play with', async () => {
    const { s, leader } = await keyboardOnlyLeader();
    await refused(
      s.sessionId,
      () => api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'member', team_id: 0 }),
      403,
      'crossplay_not_permitted',
    );
    // An invite is fine: invited players are not active.
    expect((await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 })).status).toBe(200);
  });

  test('403 team_change_not_allowed: a member moves themselves where the session forbids it', async () => {
    const { s, member } = await ledSession({ canChangeOwnTeam: false });
    await refused(
      s.sessionId,
      () => api.setPlayer(member, s.sessionId, member.uuid, { status: 'member', team_id: 1 }),
      403,
      'team_change_not_allowed',
    );
  });

  test('403 status_not_allowed: a member sent back to invited; the leader made a member', async () => {
    const { s, leader, member } = await ledSession();
    await refused(s.sessionId, () => api.setPlayer(leader, s.sessionId, member.uuid, { status: 'invited', team_id: 0 }), 403, 'status_not_allowed');
    await refused(s.sessionId, () => api.setPlayer(leader, s.sessionId, leader.uuid, { status: 'member', team_id: 0 }), 403, 'status_not_allowed');
  });

  test('404 session_not_found', async () => {
    expectError(await api.setPlayer(actor(), `s-${randomUUID()}`, randomUUID(), { status: 'invited', team_id: 0 }), 404, 'session_not_found');
  });

  test('404 team_not_found', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 2 }), 404, 'team_not_found');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader } = await ledSession();
    const first = await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 });
    await refused(
      s.sessionId,
      () => api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }, { headers: { 'if-match': etagOf(s) } }),
      412,
      'precondition_failed',
    );
    const r = await api.setPlayer(
      leader,
      s.sessionId,
      randomUUID(),
      { status: 'invited', team_id: 0 },
      { headers: { 'if-match': first.headers.etag! } },
    );
    expect(r.status).toBe(200);
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.setPlayer(leader, s.sessionId, randomUUID(), HUGE), 413, 'payload_too_large');
  });

  test('422: a negative team id', async () => {
    const { s, leader } = await ledSession();
    const before = await snapshot(s.sessionId);
    expectValidationError(await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: -1 }), ['body', 'team_id']);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });

  // For a player acting on themselves without authority, `leader` is a wish, as on a join.
  test('a member asking to be leader of a led session stays a member; the session keeps exactly one leader', async () => {
    const { s, leader, member } = await ledSession();
    const r = await api.setPlayer(member, s.sessionId, member.uuid, { status: 'leader', team_id: 0 });
    expect(r.status).toBe(200);
    const after = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(after.players.filter((p) => p.status === 'leader').map((p) => p.playerUuid)).toEqual([leader.uuid]);
    expect(after.session.leader).toBe(leader.uuid);
    expect(r.body.status).toBe('member');
  });
});

describe('update_session_by_id', () => {
  test('200 Session with the ETag GET then shows, one version further on', async () => {
    const { s, leader } = await ledSession();
    const r = await api.patch(leader, s.sessionId, {
      joinable: false,
      custom_data: { map: 'harbour' },
      teams: [{ max_size: 5 }, { max_size: 4 }, { max_size: 2 }],
    });
    expect(r.status).toBe(200);
    expect(isSession(r.body)).toBe(true);
    expect(r.body).toMatchObject({ session_id: s.sessionId, joinable: false, custom_data: { map: 'harbour' } });
    const g = await api.get(leader, s.sessionId);
    expect(g.headers.etag).toBe(r.headers.etag);
    expect(g.body).toEqual(r.body);
    expect(await version(s.sessionId)).toBe(s.version + 1);
  });

  test('a trusted caller who is not in the session may update it', async () => {
    const { s } = await ledSession();
    const r = await api.patch(actor(randomUUID(), ['session:update:any']), s.sessionId, { joinable: false });
    expect(r.status).toBe(200);
    expect(await version(s.sessionId)).toBe(s.version + 1);
  });

  test('403 not_session_leader: a member updates the session', async () => {
    const { s, member } = await ledSession();
    await refused(s.sessionId, () => api.patch(member, s.sessionId, { joinable: false }), 403, 'not_session_leader');
  });

  test('403 team_size_below_occupancy: shrinking a team below its seats; removing a team holding an invite', async () => {
    const { s, leader } = await ledSession({}, [invitedOf(randomUUID(), randomUUID(), { teamId: 1 })]);
    await refused(s.sessionId, () => api.patch(leader, s.sessionId, { teams: [{ max_size: 1 }, { max_size: 4 }] }), 403, 'team_size_below_occupancy');
    await refused(s.sessionId, () => api.patch(leader, s.sessionId, { joinable: false, teams: [{ max_size: 4 }] }), 403, 'team_size_below_occupancy');
  });

  test('404 session_not_found', async () => {
    expectError(await api.patch(actor(), `s-${randomUUID()}`, { joinable: false }), 404, 'session_not_found');
  });

  test('412 precondition_failed: a stale If-Match; the current one works', async () => {
    const { s, leader } = await ledSession();
    const first = await api.patch(leader, s.sessionId, { custom_data: { a: '1' } });
    await refused(
      s.sessionId,
      () => api.patch(leader, s.sessionId, { custom_data: { a: '2' } }, { headers: { 'if-match': etagOf(s) } }),
      412,
      'precondition_failed',
    );
    expect((await api.patch(leader, s.sessionId, { custom_data: { a: '2' } }, { headers: { 'if-match': first.headers.etag! } })).status).toBe(200);
  });

  test('413 payload_too_large', async () => {
    const { s, leader } = await ledSession();
    await refused(s.sessionId, () => api.patch(leader, s.sessionId, HUGE), 413, 'payload_too_large');
  });

  test('422: a team of size 0', async () => {
    const { s, leader } = await ledSession();
    const before = await snapshot(s.sessionId);
    expectValidationError(await api.patch(leader, s.sessionId, { teams: [{ max_size: 0 }] }), ['body', 'teams', 0, 'max_size']);
    expect(await snapshot(s.sessionId)).toEqual(before);
  });
});

describe('create_or_join_session', () => {
  /** Refused, and nothing made: the caller is in no session, and the type's open sessions are as they were. */
  async function refusedCreate(type: string, body: unknown, status: number, code: ErrorCode, headers: Record<string, string> = {}) {
    const p = actor();
    const open = await store.openSessions(type, 100);
    expectError(await api.createOrJoin(p, body, { headers }), status, code);
    expect(await membershipsOf(p.uuid)).toEqual([]);
    expect(await store.openSessions(type, 100)).toEqual(open);
  }

  test('412 precondition_failed: any If-Match, * included (the collection of sessions has no ETag); nothing created or joined', async () => {
    for (const header of ['*', '"x-1"']) await refusedCreate(TYPE.open, createBody(TYPE.open), 412, 'precondition_failed', { 'if-match': header });
  });

  test('200 on creation: SessionJoinResponse with the ETag GET then shows', async () => {
    const p = actor();
    const r = await api.createOrJoin(p, createBody(TYPE.duel));
    expect(r.status).toBe(200);
    expect(isJoinResponse(r.body)).toBe(true);
    const g = await api.get(p, r.body.session_id);
    expect(g.headers.etag).toBe(r.headers.etag);
    expect((await store.readSession(r.body.session_id, new Date()))?.version).toBe(1);
  });

  // create-or-join.ts joins with `readBack: false` ("the answer names the session, so the ETag is not read
  // back"), so a join through create-or-join answers without an ETag although the contract lists one on 200.
  test('200 on a join: the version advanced by exactly one; the answer carries no ETag (not read back by design)', async () => {
    const [a, b] = [actor(), actor()];
    const ra = await api.createOrJoin(a, createBody(TYPE.open));
    const v = await version(ra.body.session_id);
    const rb = await api.createOrJoin(b, createBody(TYPE.open));
    expect(rb.status).toBe(200);
    expect(rb.body.session_id).toBe(ra.body.session_id);
    expect(await version(ra.body.session_id)).toBe(v! + 1);
    expect(rb.headers.etag).toBeUndefined();
  });

  test('400 session_type_not_found', () => refusedCreate(`${T}-nope`, createBody(`${T}-nope`), 400, 'session_type_not_found'));

  test('403 session_creation_not_allowed', () => refusedCreate(TYPE.closed, createBody(TYPE.closed), 403, 'session_creation_not_allowed'));

  test('403 client_version_incompatible', () =>
    refusedCreate(TYPE.versioned, createBody(TYPE.versioned, { client_version: '1.9.9' }), 403, 'client_version_incompatible'));

  test('403 status_not_allowed: asking to be invited', () =>
    refusedCreate(TYPE.duel, createBody(TYPE.duel, { player: joinBody({ status: 'invited' }) }), 403, 'status_not_allowed'));

  test('404 team_not_found: a team the type does not have', () =>
    refusedCreate(TYPE.duel, createBody(TYPE.duel, { player: joinBody({ team_id: 2 }) }), 404, 'team_not_found'));

  test('413 payload_too_large', () =>
    refusedCreate(
      TYPE.duel,
      JSON.stringify(createBody(TYPE.duel, { player: joinBody({ custom_data: { blob: 'x'.repeat(140 * 1024) } }) })),
      413,
      'payload_too_large',
    ));

  test('422: no session_type', async () => {
    const p = actor();
    expectValidationError(await api.createOrJoin(p, { client_version: '1.0.0', client_settings: { platform: 'Steam', input: 'gamepad' } }), [
      'body',
      'session_type',
    ]);
    expect(await membershipsOf(p.uuid)).toEqual([]);
  });

  test('409 session_conflict: no session can be created or joined within the time budget', async () => {
    // Every creation finds its id taken and every join conflicts: the player keeps looking until the budget ends.
    const busy = decorate(store, {
      createSession: async (): Promise<CreateResult> => 'taken',
      commitChange: async (): Promise<CommitResult> => ({ ok: false, retry: 'conflict' }),
    });
    await withStore(busy, () => refusedCreate(TYPE.busy, createBody(TYPE.busy), 409, 'session_conflict'));
  }, 30_000);

  // Create-or-join joins "the first public session of that type that has room for the player", otherwise creates
  // one: the contract lists no crossplay_not_permitted for it.
  test('an open session whose members rule the player out by crossplay is skipped, not answered with 403', async () => {
    const xboxOnly = actor();
    const s = await createSession({ type: TYPE.xp, teamSizes: [4], autoJoin: true }, [
      leaderOf(xboxOnly.uuid, {
        clientSettings: { platform: 'XboxLive', input: 'gamepad' },
        crossplay: { permitted_platform: 'desired_platforms_xboxlike', permitted_input: 'desired_inputs_any' },
      }),
    ]);
    expect((await store.openSessions(TYPE.xp, 10)).map((e) => e.sessionId)).toEqual([s.sessionId]);
    const steam = actor();
    const r = await api.createOrJoin(steam, createBody(TYPE.xp));
    expect(r.status).toBe(200);
    expect(r.body.session_id).not.toBe(s.sessionId);
  });
});

describe('get_player_sessions_self', () => {
  test('200 PlayerSessions with an ETag; If-None-Match naming it: 304 with the ETag and no body', async () => {
    const { s, member } = await ledSession();
    const r = await api.mine(member);
    expect(r.status).toBe(200);
    expect(isPlayerSessions(r.body)).toBe(true);
    expect(r.body.sessions.test.session_ids).toEqual([s.sessionId]);
    expect(r.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    const again = await api.mine(member, { headers: { 'if-none-match': r.headers.etag! } });
    expect(again.status).toBe(304);
    expect(again.headers.etag).toBe(r.headers.etag);
    expect(again.raw).toBeUndefined();
  });
});
