// Expiry, through the real handlers: a session past its time-to-live is gone at once for every operation, even
// while its items are still in the table; writes extend its life, a GET only past half of it and never as a change
// of state; a session id re-created after expiry is a new session, with new ETags and none of the old players.
import { api, type RequestOptions } from '../../support/api-client.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ERRORS, type ErrorCode } from '../../../src/errors/api-error.js';
import { etagOf } from '../../../src/sessions/model/etag.js';
import type { Player, Session } from '../../../src/sessions/model/session.js';
import { newSession } from '../../../src/sessions/model/new-session.js';
import { sessionKey } from '../../../src/dynamodb/items.js';
import { type Answer } from '../../support/api.js';
import { testDocumentClient, testTableName } from '../../support/dynamodb.js';

const client = () => newPlayer();

function expectError(r: Answer, status: number, code: ErrorCode) {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { auth_success: true, error_code: code, desc: ERRORS[code].desc } });
}

const TTL = 3600;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const nowSeconds = () => Math.floor(Date.now() / 1000);
const read = (id: string) => store.readSession(id, new Date());
/** The session item as DynamoDB holds it, live or not. */
const rawItem = async (id: string) =>
  (await testDocumentClient().send(new GetCommand({ TableName: testTableName(), Key: sessionKey(id), ConsistentRead: true }))).Item;

/** A session with a leader, a member and an invited player, created `minutes` ago with a one-hour time-to-live. */
async function sessionFrom(minutes: number, over: Parameters<typeof createSession>[0] = {}) {
  const [leader, member, guest] = [client(), client(), client()];
  const players: Player[] = [
    seatedPlayer(leader.uuid, { status: 'leader', joined: '2026-01-01T00:00:00.000Z' }),
    seatedPlayer(member.uuid, { joined: '2026-01-01T00:00:01.000Z' }),
    seatedPlayer(guest.uuid, { status: 'invited', invitedBy: leader.uuid, joined: undefined }),
  ];
  const s = await createSession({ ttlSeconds: TTL, now: minutesAgo(minutes), ...over }, players);
  return { s, leader, member, guest };
}

describe('a session past its time-to-live is gone at once', () => {
  let s: Session;
  let leader: TestPlayer, member: TestPlayer, guest: TestPlayer;

  beforeAll(async () => {
    ({ s, leader, member, guest } = await sessionFrom(61));
    // Not deleted: only past its expiry, as before DynamoDB's TTL gets to it.
    const item = await rawItem(s.sessionId);
    expect(item).toBeDefined();
    expect(Number(item!.expires_at)).toBeLessThanOrEqual(nowSeconds());
  });

  test('GET: 404 session_not_found, with or without If-None-Match', async () => {
    expectError(await api.get(leader, s.sessionId), 404, 'session_not_found');
    expectError(await api.get(leader, s.sessionId, { headers: { 'if-none-match': etagOf(s) } }), 404, 'session_not_found');
  });

  test('join: 404 for a newcomer and for a member', async () => {
    expectError(await api.join(client(), s.sessionId), 404, 'session_not_found');
    expectError(await api.join(member, s.sessionId), 404, 'session_not_found');
  });

  test('leave: 404 session_not_found (not player_not_in_session), for a member and for an invited player', async () => {
    expectError(await api.leave(member, s.sessionId), 404, 'session_not_found');
    expectError(await api.leave(guest, s.sessionId), 404, 'session_not_found');
  });

  test('kick: 404 session_not_found', async () => {
    expectError(await api.kick(leader, s.sessionId, member.uuid), 404, 'session_not_found');
    expectError(await api.kick(newAdmin(), s.sessionId, member.uuid), 404, 'session_not_found');
  });

  test('update player: 404 session_not_found', async () => {
    expectError(await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }), 404, 'session_not_found');
    expectError(await api.setPlayer(newAdmin(), s.sessionId, member.uuid, { status: 'member', team_id: 1 }), 404, 'session_not_found');
  });

  test('update session: 404 session_not_found', async () => {
    expectError(await api.patch(leader, s.sessionId, { joinable: false }), 404, 'session_not_found');
    expectError(await api.patch(newAdmin(), s.sessionId, { custom_data: { a: 'b' } }), 404, 'session_not_found');
  });

  test('none of it wrote anything: the expired item is as it was created', async () => {
    const item = await rawItem(s.sessionId);
    expect(Number(item!.version)).toBe(s.version);
    expect(Number(item!.expires_at)).toBe(s.expiresAt);
  });

  test("its players' sessions no longer list it", async () => {
    expect((await api.mine(member)).body.sessions).toEqual({});
    expect((await api.mine(guest)).body.sessions).toEqual({});
  });
});

describe('every write extends the life of the session', () => {
  // Created 20 minutes ago: 40 minutes left. After a write: a full hour from the write.
  const writes: [string, (x: Awaited<ReturnType<typeof sessionFrom>>) => Promise<Answer>, number][] = [
    ['a join', ({ s }) => api.join(client(), s.sessionId), 200],
    ['a member leaving', ({ s, member }) => api.leave(member, s.sessionId), 204],
    ['an invited player declining', ({ s, guest }) => api.leave(guest, s.sessionId), 204],
    ['a kick', ({ s, leader, member }) => api.kick(leader, s.sessionId, member.uuid), 204],
    ['an invite', ({ s, leader }) => api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 1 }), 200],
    ['a promotion', ({ s, leader, member }) => api.setPlayer(leader, s.sessionId, member.uuid, { status: 'leader', team_id: 0 }), 200],
    ['a session update', ({ s, leader }) => api.patch(leader, s.sessionId, { joinable: false }), 200],
  ];

  test.each(writes)('%s: expires_at moves to a full time-to-live from the write', async (_name, write, status) => {
    const x = await sessionFrom(20);
    const before = (await read(x.s.sessionId))!;
    expect(before.expiresAt).toBe(x.s.expiresAt);
    const t0 = nowSeconds();
    expect((await write(x)).status).toBe(status);
    const after = (await read(x.s.sessionId))!;
    expect(after.expiresAt!).toBeGreaterThanOrEqual(t0 + TTL);
    expect(after.expiresAt!).toBeGreaterThan(before.expiresAt!);
    expect(after.version).toBe(before.version + 1);
  });

  test('a request that changes nothing writes nothing, and extends nothing', async () => {
    const x = await sessionFrom(20);
    expect((await api.setPlayer(x.leader, x.s.sessionId, x.member.uuid, { status: 'member', team_id: 0 })).status).toBe(200);
    expect((await read(x.s.sessionId))!).toMatchObject({ version: x.s.version, expiresAt: x.s.expiresAt });
  });
});

describe('GET and refresh_ttl', () => {
  /** GET, then the session as stored and its ETag as GET shows it. */
  async function getAndRead(p: TestPlayer, s: Session, opts: RequestOptions = {}) {
    const t0 = nowSeconds();
    const r = await api.get(p, s.sessionId, opts);
    return { r, t0, after: (await read(s.sessionId))! };
  }

  test.each<[string, Record<string, string>]>([
    ['refresh_ttl left out (default true)', {}],
    ['refresh_ttl=true', { refresh_ttl: 'true' }],
  ])('past half its time-to-live, %s: extended, version and ETag unchanged', async (_name, query) => {
    const { s, leader } = await sessionFrom(40);
    const { r, t0, after } = await getAndRead(leader, s, { query });
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBe(etagOf(s));
    expect(after.expiresAt!).toBeGreaterThanOrEqual(t0 + TTL);
    expect(after.version).toBe(s.version);
    expect((await api.get(leader, s.sessionId)).headers.etag).toBe(etagOf(s));
  });

  test('past half its time-to-live, a 304 extends it too', async () => {
    const { s, leader } = await sessionFrom(40);
    const { r, t0, after } = await getAndRead(leader, s, { headers: { 'if-none-match': etagOf(s) } });
    expect(r.status).toBe(304);
    expect(r.headers.etag).toBe(etagOf(s));
    expect(after.expiresAt!).toBeGreaterThanOrEqual(t0 + TTL);
    expect(after.version).toBe(s.version);
  });

  test('before half its time-to-live: not extended (reads do not write)', async () => {
    const { s, leader } = await sessionFrom(10);
    const before = await rawItem(s.sessionId);
    const { r, after } = await getAndRead(leader, s, { query: { refresh_ttl: 'true' } });
    expect(r.status).toBe(200);
    expect(after.expiresAt).toBe(s.expiresAt);
    // Not a write at all: the item, its last published change included, is exactly as it was.
    expect(await rawItem(s.sessionId)).toEqual(before);
  });

  test('refresh_ttl=false: not extended, even past half its time-to-live', async () => {
    const { s, leader } = await sessionFrom(40);
    const { r, after } = await getAndRead(leader, s, { query: { refresh_ttl: 'false' } });
    expect(r.status).toBe(200);
    expect(after.expiresAt).toBe(s.expiresAt);
    const { after: after304 } = await getAndRead(leader, s, { query: { refresh_ttl: 'false' }, headers: { 'if-none-match': etagOf(s) } });
    expect(after304.expiresAt).toBe(s.expiresAt);
  });

  test('an extended session lives on past its first expiry, with its players', async () => {
    const { s, leader, member, guest } = await sessionFrom(40);
    expect((await api.get(leader, s.sessionId)).status).toBe(200);
    // Read as of a moment after the original expiry (20 minutes from now): still there.
    const later = new Date((s.expiresAt! + 60) * 1000);
    const found = await store.readSessionWithPlayers(s.sessionId, later);
    expect(found?.players.map((p) => p.playerUuid).sort()).toEqual([leader.uuid, member.uuid, guest.uuid].sort());
  });
});

describe('a session id re-created after expiry', () => {
  async function reborn() {
    const old = await sessionFrom(61);
    const fresh = newSession({ sessionId: old.s.sessionId, type: 'test', teamSizes: [4, 4], joinable: true });
    expect(await store.createSession(fresh, [], new Date())).toBe('created');
    return { ...old, fresh };
  }

  test('the id of a live session cannot be taken', async () => {
    const { s } = await sessionFrom(10);
    expect(await store.createSession(newSession({ sessionId: s.sessionId, type: 'test', teamSizes: [4], joinable: true }), [], new Date())).toBe(
      'taken',
    );
  });

  test('gets new ETags: the old ones neither name it nor match it', async () => {
    const { s, leader, fresh } = await reborn();
    expect(fresh.version).toBe(s.version);
    const g = await api.get(leader, s.sessionId);
    expect(g.status).toBe(200);
    expect(g.headers.etag).toBe(etagOf(fresh));
    expect(g.headers.etag).not.toBe(etagOf(s));
    expect((await api.get(leader, s.sessionId, { headers: { 'if-none-match': etagOf(s) } })).status).toBe(200);
    // And a write's ETag is of the new incarnation too.
    const j = await api.join(client(), s.sessionId);
    expect(j.headers.etag).toBe(etagOf({ ...fresh, version: fresh.version + 1 }));
  });

  test('the players of the expired session are not members of the new one', async () => {
    const { s, leader, member, guest, fresh } = await reborn();
    const g = await api.get(leader, s.sessionId);
    expect(g.body.teams.flatMap((t: { players: unknown[] }) => t.players)).toEqual([]);
    const now = (await read(s.sessionId))!;
    expect(now).toMatchObject({ activeCount: 0, incarnation: fresh.incarnation });
    expect(now.leader).toBeUndefined();
    expect(now.teams.map((t) => t.occupied)).toEqual([0, 0]);
    // Not in it: leaving, being kicked, declining.
    expectError(await api.leave(member, s.sessionId), 404, 'player_not_in_session');
    expectError(await api.leave(guest, s.sessionId), 404, 'player_not_in_session');
    expectError(await api.kick(newAdmin(), s.sessionId, member.uuid), 404, 'player_not_in_session');
    // The old leader has no authority over it.
    expectError(await api.patch(leader, s.sessionId, { joinable: false }), 403, 'not_session_leader');
    expectError(await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'invited', team_id: 0 }), 403, 'not_session_leader');
    // Nobody lists it.
    for (const p of [leader, member, guest]) expect((await api.mine(p)).body.sessions).toEqual({});
  });

  test('an old member joining is a newcomer: the first becomes leader, seats are counted afresh', async () => {
    const { s, member, guest } = await reborn();
    const r = await api.join(member, s.sessionId, joinBody({ team_id: 1 }));
    expect(r.body).toMatchObject({ player_uuid: member.uuid, status: 'leader', team_id: 1 });
    // The old invite is not accepted by a join: it is a plain join of a joinable session.
    const rg = await api.join(guest, s.sessionId);
    expect(rg.body.status).toBe('member');
    const found = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    expect(found.session.teams.map((t) => t.occupied)).toEqual([1, 1]);
    expect(found.session.activeCount).toBe(2);
    const g = await api.get(member, s.sessionId);
    const guestView = g.body.teams[0].players.find((p: { player_uuid: string }) => p.player_uuid === guest.uuid);
    expect(guestView).toBeDefined();
    expect(guestView.inviting_player_uuid).toBeUndefined();
    expect(guestView.invited).toBeUndefined();
  });
});
