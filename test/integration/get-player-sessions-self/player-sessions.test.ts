// Get Player Sessions Self through the real handler: the caller's sessions by type, pending invites with who
// invited, reservations, a content ETag with If-None-Match / 304, and sessions that expired or were deleted gone.
import { api } from '../../support/api-client.js';
import { seatedPlayer } from '../../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../../support/players.js';
import { createSession, store } from '../../support/stores.js';
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { componentValidator, loadSpec } from '../../../scripts/openapi-schemas.js';
import type { Player } from '../../../src/sessions/model/session.js';

const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isPlayerSessions = componentValidator(spec, 'PlayerSessions');

const client = () => newPlayer();

const leaderOf = (uuid: string) => seatedPlayer(uuid, { status: 'leader', joined: '2026-01-01T00:00:00.000Z' });
/** A session of `type` led by a fresh player, with `players` seated too. */
async function led(type: string, players: Player[] = [], over: Parameters<typeof createSession>[0] = {}) {
  const leader = client();
  const s = await createSession({ type, ...over }, [leaderOf(leader.uuid), ...players]);
  return { id: s.sessionId, leader };
}
const sorted = (ids: string[]) => [...ids].sort();
const mine = async (p: TestPlayer) => {
  const r = await api.mine(p);
  expect(r.status).toBe(200);
  expect(isPlayerSessions(r.body)).toBe(true);
  return r;
};

describe('what is listed', () => {
  test('a player in no session: no types', async () => {
    const r = await mine(client());
    expect(r.body.sessions).toEqual({});
    expect(Date.parse(r.body.last_updated_timestamp)).not.toBeNaN();
  });

  test('by type: sessions the player is in, pending invites with who invited, reservations', async () => {
    const p = client();
    const [alpha, beta] = [`alpha-${randomUUID()}`, `beta-${randomUUID()}`];
    const a1 = await led(alpha, [seatedPlayer(p.uuid)]);
    const a2 = await led(alpha);
    expect((await api.join(p, a2.id)).status).toBe(200);
    const a3 = await led(alpha);
    expect((await api.setPlayer(a3.leader, a3.id, p.uuid, { status: 'invited', team_id: 1 })).status).toBe(200);
    const b1 = await led(beta);
    expect((await api.join(p, b1.id)).body.status).toBe('member');
    const b2 = await led(beta);
    const admin = newAdmin();
    expect((await api.setPlayer(admin, b2.id, p.uuid, { status: 'reserved', team_id: 0 })).status).toBe(200);
    // An invite seeded without an inviter lists no inviting_player_uuid.
    const b3 = await led(beta, [seatedPlayer(p.uuid, { status: 'invited', joined: undefined })]);

    const r = await mine(p);
    expect(r.body).toEqual({
      sessions: {
        [alpha]: {
          type: alpha,
          session_ids: sorted([a1.id, a2.id]),
          pending_invites: { [a3.id]: { session_id: a3.id, inviting_player_uuid: a3.leader.uuid } },
          reserved_sessions: [],
        },
        [beta]: {
          type: beta,
          session_ids: [b1.id],
          pending_invites: { [b3.id]: { session_id: b3.id } },
          reserved_sessions: [b2.id],
        },
      },
      last_updated_timestamp: expect.any(String),
    });
  });

  test('an invite by a trusted caller names them as the inviting player', async () => {
    const p = client();
    const s = await led(`gamma-${randomUUID()}`);
    const admin = newAdmin();
    await api.setPlayer(admin, s.id, p.uuid, { status: 'invited', team_id: 0 });
    const entry = Object.values((await mine(p)).body.sessions)[0] as { pending_invites: Record<string, unknown> };
    expect(entry.pending_invites[s.id]).toEqual({ session_id: s.id, inviting_player_uuid: admin.uuid });
  });

  test('accepting an invite moves it from pending_invites to session_ids', async () => {
    const p = client();
    const type = `delta-${randomUUID()}`;
    const s = await led(type, [], { joinable: false });
    await api.setPlayer(s.leader, s.id, p.uuid, { status: 'invited', team_id: 0 });
    expect(Object.keys((await mine(p)).body.sessions[type].pending_invites)).toEqual([s.id]);
    expect((await api.join(p, s.id)).body.status).toBe('member');
    expect((await mine(p)).body.sessions[type]).toEqual({ type, session_ids: [s.id], pending_invites: {}, reserved_sessions: [] });
  });
});

describe('ETag and If-None-Match', () => {
  test('the same memberships give the same weak ETag; If-None-Match naming it (weak, strong, in a list, or *) is 304', async () => {
    const p = client();
    await led(`eps-${randomUUID()}`, [seatedPlayer(p.uuid)]);
    const first = await mine(p);
    const etag = first.headers.etag!;
    // Weak: the answers it names differ in last_updated_timestamp, and a strong ETag promises the same bytes.
    expect(etag).toMatch(/^W\/"[A-Za-z0-9_-]{22}"$/);
    const second = await mine(p);
    expect(second.headers.etag).toBe(etag);
    for (const header of [etag, etag.slice(2), `"nope", ${etag}`, '*']) {
      const r = await api.mine(p, { headers: { 'if-none-match': header } });
      expect([header, r.status, r.headers.etag, r.raw]).toEqual([header, 304, etag, undefined]);
    }
  });

  test('a stale ETag gets the new list; every change of membership is a new ETag', async () => {
    const p = client();
    const type = `eps-${randomUUID()}`;
    const s = await led(type);
    const etags = [(await mine(p)).headers.etag!];
    await api.setPlayer(s.leader, s.id, p.uuid, { status: 'invited', team_id: 0 });
    etags.push((await mine(p)).headers.etag!);
    await api.join(p, s.id);
    etags.push((await mine(p)).headers.etag!);
    await api.leave(p, s.id);
    const back = await api.mine(p, { headers: { 'if-none-match': etags[2]! } });
    expect(back.status).toBe(200);
    expect(back.body.sessions).toEqual({});
    etags.push(back.headers.etag!);
    expect(new Set(etags.slice(0, 3)).size).toBe(3);
    // Back in no session: the same content as at first, the same ETag.
    expect(etags[3]).toBe(etags[0]);
  });

  test('a change in another player of the session does not change my list or its ETag', async () => {
    const p = client();
    const s = await led(`eps-${randomUUID()}`, [seatedPlayer(p.uuid)]);
    const before = (await mine(p)).headers.etag!;
    await api.join(client(), s.id);
    expect((await api.mine(p, { headers: { 'if-none-match': before } })).status).toBe(304);
  });
});

describe('sessions that are gone are not listed', () => {
  test('an expired session, although its player items are still there', async () => {
    const p = client();
    const type = `gone-${randomUUID()}`;
    const live = await led(type, [seatedPlayer(p.uuid)]);
    const expired = await led(type, [seatedPlayer(p.uuid)], { ttlSeconds: 3600, now: new Date(Date.now() - 3_700_000) });
    const invitedToExpired = await led(type, [seatedPlayer(p.uuid, { status: 'invited', joined: undefined })], {
      ttlSeconds: 3600,
      now: new Date(Date.now() - 3_700_000),
    });
    expect((await store.readSessionAndPlayers(expired.id, [p.uuid], new Date(Date.now() - 3_650_000))).players.has(p.uuid)).toBe(true);
    expect((await mine(p)).body.sessions[type]).toEqual({ type, session_ids: [live.id], pending_invites: {}, reserved_sessions: [] });
    expect((await api.get(p, invitedToExpired.id)).status).toBe(404);
  });

  test('a session deleted when its last member left', async () => {
    const p = client();
    const type = `gone-${randomUUID()}`;
    const s = await led(type, [seatedPlayer(p.uuid, { status: 'invited', joined: undefined })]);
    expect(Object.keys((await mine(p)).body.sessions[type].pending_invites)).toEqual([s.id]);
    expect((await api.leave(s.leader, s.id)).status).toBe(204);
    expect((await api.get(p, s.id)).status).toBe(404);
    expect((await mine(p)).body.sessions).toEqual({});
    expect((await mine(s.leader)).body.sessions).toEqual({});
  });

  test('a session the player was kicked from, and an invite they declined', async () => {
    const p = client();
    const type = `gone-${randomUUID()}`;
    const kicked = await led(type, [seatedPlayer(p.uuid)]);
    const declined = await led(type, [seatedPlayer(p.uuid, { status: 'invited', joined: undefined })]);
    const kept = await led(type, [seatedPlayer(p.uuid)]);
    expect((await api.kick(kicked.leader, kicked.id, p.uuid)).status).toBe(204);
    expect((await api.leave(p, declined.id)).status).toBe(204);
    expect((await mine(p)).body.sessions[type]).toEqual({ type, session_ids: [kept.id], pending_invites: {}, reserved_sessions: [] });
  });
});
