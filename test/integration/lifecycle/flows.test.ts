// The session lifecycle end to end: real handlers, DynamoDB Local, real JWTs.
import { randomUUID } from 'node:crypto';
import { type Answer } from '../../support/api.js';
import { api } from '../../support/api-client.js';
import { joinBody, seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';

const client = () => newPlayer();
const statuses = (g: Answer) =>
  Object.fromEntries(
    g.body.teams.flatMap((t: { players: { player_uuid: string; status: string }[] }) => t.players.map((p) => [p.player_uuid, p.status])),
  );

describe('create or join', () => {
  const createBody = (session_type: string, extra: Record<string, unknown> = {}) => ({
    session_type,
    client_version: '1.2.0',
    client_settings: { platform: 'Steam', input: 'gamepad' },
    ...extra,
  });

  test('a type players may create: the creator leads team 0; the next caller creates their own', async () => {
    const [a, b] = [client(), client()];
    const ra = await api.createOrJoin(a, createBody('duel'));
    expect(ra.status).toBe(200);
    expect(ra.headers.etag).toBeDefined();
    const g = await api.get(a, ra.body.session_id);
    expect(g.body).toMatchObject({ type: 'duel', joinable: false });
    expect(g.body.teams.map((t: { max_size: number }) => t.max_size)).toEqual([1, 1]);
    expect(statuses(g)).toEqual({ [a.uuid]: 'leader' });
    const rb = await api.createOrJoin(b, createBody('duel'));
    expect(rb.body.session_id).not.toBe(ra.body.session_id);
  });

  test('an auto-join type: the second player joins the first session', async () => {
    const type = 'lobby';
    const [a, b] = [client(), client()];
    const ra = await api.createOrJoin(a, createBody(type));
    const rb = await api.createOrJoin(b, createBody(type));
    expect(rb.status).toBe(200);
    expect(rb.body.session_id).toBe(ra.body.session_id);
    expect(statuses(await api.get(a, ra.body.session_id))).toEqual({ [a.uuid]: 'leader', [b.uuid]: 'member' });
  });

  test('the placement stops one DynamoDB request attempt (2 s) before the function times out: with less left, 409 session_conflict and no session', async () => {
    const p = client();
    const late = await api.createOrJoin(p, createBody('lobby'), { timeoutMs: 1_900 });
    expect([late.status, late.body.error_code, late.headers['retry-after']]).toEqual([409, 'session_conflict', '1']);
    expect((await api.mine(p)).body.sessions).toEqual({});
    const inTime = await api.createOrJoin(p, createBody('lobby'), { timeoutMs: 3_000 });
    expect(inTime.status).toBe(200);
  });

  test('unknown type: 400 session_type_not_found; a type players may not create: 403', async () => {
    const p = client();
    expect((await api.createOrJoin(p, createBody('nope'))).body.error_code).toBe('session_type_not_found');
    expect((await api.createOrJoin(p, createBody('nope'))).status).toBe(400);
    const r = await api.createOrJoin(p, createBody('matchmade'));
    expect(r).toMatchObject({ status: 403, body: { error_code: 'session_creation_not_allowed' } });
  });

  test('a client version outside the template range: 403 client_version_incompatible', async () => {
    const r = await api.createOrJoin(client(), createBody('raid', { client_version: '0.9.0' }));
    expect(r).toMatchObject({ status: 403, body: { error_code: 'client_version_incompatible' } });
  });

  test('player details: team and custom data of `player` are used', async () => {
    const p = client();
    const r = await api.createOrJoin(p, createBody('raid', { player: joinBody({ team_id: 2, custom_data: { role: 'healer' } }) }));
    const g = await api.get(p, r.body.session_id);
    expect(g.body.teams[2].players[0]).toMatchObject({ player_uuid: p.uuid, status: 'leader', custom_data: { role: 'healer' } });
  });
});

describe('invite, accept, leave', () => {
  test('invite → accept by join → leave → the seat is free again', async () => {
    const leader = client();
    const guest = client();
    const s = await createSession({ teamSizes: [2], joinable: false }, [seatedPlayer(leader.uuid, { status: 'leader' })]);
    const inv = await api.setPlayer(leader, s.sessionId, guest.uuid, { status: 'invited', team_id: 0 });
    expect(inv).toMatchObject({ status: 200, body: { player_uuid: guest.uuid, status: 'invited', team_id: 0 } });
    const mine = await api.mine(guest);
    expect(mine.body.sessions.test.pending_invites[s.sessionId]).toEqual({ session_id: s.sessionId, inviting_player_uuid: leader.uuid });
    expect((await api.mine(guest, { headers: { 'if-none-match': mine.headers.etag! } })).status).toBe(304);
    // A third player cannot get in: not joinable, and the invite holds the other seat anyway.
    expect((await api.join(client(), s.sessionId)).body.error_code).toBe('session_not_joinable');
    expect((await api.join(guest, s.sessionId)).body.status).toBe('member');
    expect((await api.mine(guest)).body.sessions.test.session_ids).toEqual([s.sessionId]);
    const left = await api.leave(guest, s.sessionId);
    expect(left.status).toBe(204);
    expect(left.headers.etag).toBeDefined();
    expect(await api.leave(guest, s.sessionId)).toMatchObject({ status: 404, body: { error_code: 'player_not_in_session' } });
    const after = await store.readSession(s.sessionId, new Date());
    expect(after?.teams[0]?.occupied).toBe(1);
    // The seat is free: the leader can invite someone else into it.
    expect((await api.setPlayer(leader, s.sessionId, randomUUID(), { status: 'reserved', team_id: 0 })).status).toBe(200);
  });

  test('an invited player leaving declines the invite', async () => {
    const leader = client();
    const guest = client();
    const s = await createSession({ teamSizes: [2] }, [
      seatedPlayer(leader.uuid, { status: 'leader' }),
      seatedPlayer(guest.uuid, { status: 'invited', joined: undefined }),
    ]);
    expect((await api.leave(guest, s.sessionId)).status).toBe(204);
    expect(statuses(await api.get(leader, s.sessionId))).toEqual({ [leader.uuid]: 'leader' });
  });

  test('only the leader (or a trusted caller) acts on others', async () => {
    const [leader, member, outsider] = [client(), client(), client()];
    const s = await createSession({}, [seatedPlayer(leader.uuid, { status: 'leader' }), seatedPlayer(member.uuid)]);
    expect((await api.setPlayer(member, s.sessionId, outsider.uuid, { status: 'invited', team_id: 0 })).body.error_code).toBe('not_session_leader');
    expect((await api.kick(member, s.sessionId, leader.uuid)).body.error_code).toBe('not_session_leader');
    expect((await api.patch(member, s.sessionId, { joinable: false })).body.error_code).toBe('not_session_leader');
    const admin = newAdmin();
    expect((await api.setPlayer(admin, s.sessionId, outsider.uuid, { status: 'member', team_id: 1 })).body).toMatchObject({
      status: 'member',
      team_id: 1,
    });
  });
});

describe('leaders', () => {
  test('a promotion makes the old leader a member, in one change', async () => {
    const [leader, member] = [client(), client()];
    const s = await createSession({}, [seatedPlayer(leader.uuid, { status: 'leader' }), seatedPlayer(member.uuid)]);
    const r = await api.setPlayer(leader, s.sessionId, member.uuid, { status: 'leader', team_id: 0 });
    expect(r.body.status).toBe('leader');
    expect(statuses(await api.get(leader, s.sessionId))).toEqual({ [leader.uuid]: 'member', [member.uuid]: 'leader' });
    expect((await store.readSession(s.sessionId, new Date()))?.version).toBe(s.version + 1);
  });

  test('a leaving leader hands over to the member who joined earliest', async () => {
    const [leader, early, late] = [client(), client(), client()];
    const s = await createSession({}, [
      seatedPlayer(leader.uuid, { status: 'leader', joined: '2026-01-01T00:00:00.000Z' }),
      seatedPlayer(late.uuid, { joined: '2026-01-01T00:00:09.000Z' }),
      seatedPlayer(early.uuid, { joined: '2026-01-01T00:00:05.000Z' }),
    ]);
    expect((await api.leave(leader, s.sessionId)).status).toBe(204);
    expect(statuses(await api.get(early, s.sessionId))).toEqual({ [early.uuid]: 'leader', [late.uuid]: 'member' });
  });

  test('the last member leaving deletes the session, unless its template keeps it alive', async () => {
    const p = client();
    const gone = await createSession({}, [
      seatedPlayer(p.uuid, { status: 'leader' }),
      seatedPlayer(randomUUID(), { status: 'invited', joined: undefined }),
    ]);
    expect((await api.leave(p, gone.sessionId)).status).toBe(204);
    expect((await api.get(p, gone.sessionId)).status).toBe(404);
    const kept = await createSession({ keepAliveOnEmpty: true }, [seatedPlayer(p.uuid, { status: 'leader' })]);
    expect((await api.leave(p, kept.sessionId)).status).toBe(204);
    const g = await api.get(p, kept.sessionId);
    expect(g.status).toBe(200);
    expect(statuses(g)).toEqual({});
    // The next joiner leads it.
    expect((await api.join(client(), kept.sessionId)).body.status).toBe('leader');
  });

  test('leader-leaves race: the leader leaves while two members join; exactly one leader at the end', async () => {
    for (let round = 0; round < 5; round++) {
      const [leader, m1, j1, j2] = [client(), client(), client(), client()];
      const s = await createSession({ teamSizes: [8] }, [seatedPlayer(leader.uuid, { status: 'leader' }), seatedPlayer(m1.uuid)]);
      const results = await Promise.all([api.leave(leader, s.sessionId), api.join(j1, s.sessionId), api.join(j2, s.sessionId)]);
      expect(results.map((r) => r.status)).toEqual([204, 200, 200]);
      const found = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
      const leaders = found.players.filter((p) => p.status === 'leader');
      expect(leaders).toHaveLength(1);
      expect(found.session.leader).toBe(leaders[0]!.playerUuid);
      expect(found.session.activeCount).toBe(3);
    }
  });
});

describe('session updates', () => {
  test('joinable, custom data and teams; never below occupancy', async () => {
    const [leader, m] = [client(), client()];
    const s = await createSession({ teamSizes: [2, 2] }, [seatedPlayer(leader.uuid, { status: 'leader' }), seatedPlayer(m.uuid, { teamId: 1 })]);
    const r = await api.patch(leader, s.sessionId, {
      joinable: false,
      custom_data: { map: 'harbour' },
      teams: [{ max_size: 3 }, { max_size: 1, custom_data: { colour: 'red' } }, { max_size: 5 }],
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ joinable: false, custom_data: { map: 'harbour' } });
    expect(r.body.teams.map((t: { max_size: number }) => t.max_size)).toEqual([3, 1, 5]);
    expect(r.body.teams[1].custom_data).toEqual({ colour: 'red' });
    expect(r.headers.etag).toBe((await api.get(leader, s.sessionId)).headers.etag);
    expect((await api.patch(leader, s.sessionId, { teams: [{ max_size: 3 }] })).body.error_code).toBe('team_size_below_occupancy');
    expect((await api.patch(leader, s.sessionId, { teams: [{ max_size: 3 }, { max_size: 0 }] })).status).toBe(422);
  });
});
