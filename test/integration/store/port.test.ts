// The store port (src/sessions/store.ts) has two implementations: the DynamoDB store the service runs on and the
// in-memory store the unit tests and the CPU benchmark use. Each case here runs against both, on DynamoDB Local
// and in memory, so the in-memory store cannot drift from what DynamoDB does.
import { randomUUID } from 'node:crypto';
import type { Change } from '../../../src/sessions/model/change.js';
import { newSession, withPlayers } from '../../../src/sessions/model/new-session.js';
import type { Player, Session } from '../../../src/sessions/model/session.js';
import type { SessionStore } from '../../../src/sessions/store.js';
import { seatedPlayer } from '../../support/fixtures.js';
import { MemoryStore } from '../../support/memory-store.js';
import { storeOn } from '../../support/stores.js';

/** The culling index is eventually consistent (a GSI): asked again for a few seconds. */
async function eventually(check: () => Promise<boolean>): Promise<boolean> {
  for (const end = Date.now() + 5_000; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await check()) return true;
  return check();
}

const implementations: [string, () => SessionStore][] = [
  ['DynamoDB', () => storeOn()],
  ['in memory', () => new MemoryStore()],
];

const join = (player: Player, teamId = player.teamId): Change => ({
  event: 'Session Player Joined',
  subject: { playerUuid: player.playerUuid, teamId, status: player.status },
  guards: [
    { kind: 'playerAbsent', playerUuid: player.playerUuid },
    { kind: 'seatFree', teamId },
  ],
  players: [{ kind: 'put', player }],
  seats: { [teamId]: 1 },
  active: 1,
});

describe.each(implementations)('%s store', (_, make) => {
  let store: SessionStore;
  const now = () => new Date();
  beforeEach(() => {
    store = make();
  });

  async function created(over: Partial<Parameters<typeof newSession>[0]> = {}, players: Player[] = []): Promise<Session> {
    const s = withPlayers(
      newSession({ sessionId: `port-${randomUUID()}`, type: `port-${randomUUID()}`, teamSizes: [2, 2], joinable: true, ...over }),
      players,
    );
    expect(await store.createSession(s, players, now())).toBe('created');
    return s;
  }

  test('a created session reads back as written, with its players; its id is taken while it lives', async () => {
    const leader = seatedPlayer(randomUUID(), { status: 'leader' });
    const s = await created({}, [leader]);
    expect(await store.readSession(s.sessionId, now())).toEqual(s);
    expect(await store.readSessionWithPlayers(s.sessionId, now())).toEqual({ session: s, players: [leader], consistent: true, presence: new Map() });
    const both = await store.readSessionAndPlayers(s.sessionId, [leader.playerUuid, randomUUID()], now());
    expect({ session: both.session, players: [...both.players.values()] }).toEqual({ session: s, players: [leader] });
    expect(await store.createSession({ ...s, incarnation: 'other' }, [], now())).toBe('taken');
  });

  test('presence and the cull floor: recorded and read per incarnation, the floor kept by changes and moved without a version', async () => {
    const leader = seatedPlayer(randomUUID(), { status: 'leader' });
    const s = await created({ cullAfterSeconds: 60 }, [leader]);
    expect(s.nextCullAt).toBe(Date.parse(leader.joined!) + 60_000);
    // A player's item and record, as culling reads them; another incarnation's, or a stranger's, are none.
    const presenceOf = async (of: Session, uuid: string) => {
      const { players, seen } = await store.readPresence(of, [uuid, randomUUID()]);
      return { seen: seen.get(uuid), status: players.get(uuid)?.status, others: players.size - Number(players.has(uuid)) };
    };
    expect(await presenceOf(s, leader.playerUuid)).toEqual({ status: 'leader', others: 0 });
    const at = new Date(Date.now() + 5_000);
    await store.recordPresence(s, leader.playerUuid, at);
    expect(await presenceOf(s, leader.playerUuid)).toEqual({ seen: at.getTime(), status: 'leader', others: 0 });
    expect(await presenceOf({ ...s, incarnation: 'other' }, leader.playerUuid)).toEqual({ others: 0 });
    expect(await presenceOf(s, randomUUID())).toEqual({ others: 0 });
    expect((await store.readSessionWithPlayers(s.sessionId, now()))!.presence).toEqual(new Map([[leader.playerUuid, at.getTime()]]));
    // Only ever later: a request with an older clock that writes last leaves the record as it was; another
    // incarnation's record is replaced whatever its time.
    await store.recordPresence(s, leader.playerUuid, new Date(at.getTime() - 1));
    expect(await presenceOf(s, leader.playerUuid)).toEqual({ seen: at.getTime(), status: 'leader', others: 0 });
    await store.recordPresence({ ...s, incarnation: 'other' }, leader.playerUuid, new Date(at.getTime() - 2));
    await store.recordPresence(s, leader.playerUuid, new Date(at.getTime() - 3));
    expect(await presenceOf(s, leader.playerUuid)).toEqual({ seen: at.getTime() - 3, status: 'leader', others: 0 });
    await store.recordPresence(s, leader.playerUuid, at);
    // Due by a time past the floor, not before it; moving the floor leaves the version alone.
    expect(await store.sessionsDueForCull(new Date(s.nextCullAt! - 1), 1000)).not.toContain(s.sessionId);
    await store.setNextCull(s, Date.now() - 1);
    expect(await eventually(async () => (await store.sessionsDueForCull(now(), 1000)).includes(s.sessionId))).toBe(true);
    const moved = (await store.readSession(s.sessionId, now()))!;
    expect([moved.version, moved.nextCullAt]).toEqual([s.version, expect.any(Number)]);
    await store.setNextCull(s, undefined);
    expect((await store.readSession(s.sessionId, now()))!.nextCullAt).toBeUndefined();
    // Computed on a version that has moved on (a join set a floor since): not written.
    const other = seatedPlayer(randomUUID(), { teamId: 1 });
    expect(await store.commitChange(moved, join(other), 'version', now())).toEqual({ ok: true });
    const floorOfJoin = (await store.readSession(s.sessionId, now()))!.nextCullAt;
    expect(floorOfJoin).toBeGreaterThan(Date.now());
    await store.setNextCull(moved, undefined);
    expect((await store.readSession(s.sessionId, now()))!.nextCullAt).toBe(floorOfJoin);
    const joinedOnce = (await store.readSession(s.sessionId, now()))!;
    await store.setNextCull(joinedOnce, undefined);
    // A join into a session with no floor sets it; a change naming the floor sets it; an end removes it.
    const member = seatedPlayer(randomUUID());
    expect(await store.commitChange(joinedOnce, join(member), 'version', now())).toEqual({ ok: true });
    const joined = (await store.readSession(s.sessionId, now()))!;
    expect(joined.nextCullAt).toBeGreaterThan(Date.now() + 50_000);
    const floor = Date.now() + 123_000;
    expect(await store.commitChange(joined, { event: 'Session Updated', guards: [], players: [], nextCullAt: floor }, 'version', now())).toEqual({
      ok: true,
    });
    expect((await store.readSession(s.sessionId, now()))!.nextCullAt).toBe(floor);
  });

  test("a cull's silence check: it commits while the player's presence is as old as decided, and not once they queried", async () => {
    const [leader, member] = [seatedPlayer(randomUUID(), { status: 'leader' }), seatedPlayer(randomUUID())];
    const s = await created({ cullAfterSeconds: 60 }, [leader, member]);
    const before = Date.now();
    await store.recordPresence(s, member.playerUuid, new Date(before - 1_000));
    const cull = (atMost: number): Change => ({
      event: 'Session Player Left',
      reason: 'culled',
      guards: [
        { kind: 'playerRevision', playerUuid: member.playerUuid, revision: member.revision },
        { kind: 'presenceBefore', playerUuid: member.playerUuid, atMost },
      ],
      players: [{ kind: 'delete', playerUuid: member.playerUuid }],
      seats: { 0: -1 },
      active: -1,
    });
    expect((await store.commitChange(s, cull(before - 2_000), 'version', now())).ok).toBe(false);
    expect((await store.readSessionWithPlayers(s.sessionId, now()))!.players).toHaveLength(2);
    expect(await store.commitChange(s, cull(before - 1_000), 'version', now())).toEqual({ ok: true });
    expect((await store.readSessionWithPlayers(s.sessionId, now()))!.players.map((p) => p.playerUuid)).toEqual([leader.playerUuid]);
  });

  test('an unknown or expired session reads as absent, and its id can be created again', async () => {
    expect(await store.readSession(`port-${randomUUID()}`, now())).toBeUndefined();
    const s = await created({ now: new Date(Date.now() - 7200_000), ttlSeconds: 3600 });
    expect(await store.readSession(s.sessionId, now())).toBeUndefined();
    expect(await store.readSessionWithPlayers(s.sessionId, now())).toBeUndefined();
    expect(await store.createSession({ ...s, incarnation: 'next', expiresAt: undefined }, [], now())).toBe('created');
  });

  test('version mode: a commit on the version read lands once; on a version that moved on it hands back the state', async () => {
    const s = await created();
    const a = seatedPlayer(randomUUID());
    expect(await store.commitChange(s, join(a), 'version', now())).toEqual({ ok: true });
    const after = (await store.readSessionWithPlayers(s.sessionId, now()))!;
    expect(after.session).toMatchObject({
      version: s.version + 1,
      activeCount: 1,
      teams: [
        { maxSize: 2, occupied: 1 },
        { maxSize: 2, occupied: 0 },
      ],
    });
    expect(after.players).toEqual([a]);
    const stale = await store.commitChange(s, join(seatedPlayer(randomUUID())), 'version', now());
    expect(stale).toMatchObject({ ok: false, retry: 'decide', session: { version: s.version + 1 } });
  });

  test('facts mode: changes that keep to the facts commit side by side; a guard that no longer holds refuses', async () => {
    const s = await created({ teamSizes: [2] });
    const [a, b, c] = [seatedPlayer(randomUUID()), seatedPlayer(randomUUID()), seatedPlayer(randomUUID())];
    expect(await store.commitChange(s, join(a), 'facts', now())).toEqual({ ok: true });
    expect(await store.commitChange(s, join(b), 'facts', now())).toEqual({ ok: true });
    // The team is full now: the seat guard fails, the session comes back as it is.
    const full = await store.commitChange(s, join(c), 'facts', now());
    expect(full).toMatchObject({ ok: false, retry: 'decide', session: { version: s.version + 2, teams: [{ occupied: 2 }] } });
    expect((await store.readSession(s.sessionId, now()))?.version).toBe(s.version + 2);
  });

  test('a player guard that fails alone asks for a new read; with the session guard, it hands back the player', async () => {
    const a = seatedPlayer(randomUUID());
    const s = await created({ teamSizes: [1] }, [a]);
    expect(await store.commitChange(s, join(a), 'version', now())).toEqual({ ok: false, retry: 'reread' });
    const both = await store.commitChange(s, join(a), 'facts', now());
    expect(both).toMatchObject({ ok: false, retry: 'decide', session: { version: s.version } });
    expect(both.ok === false && both.retry === 'decide' && both.players.get(a.playerUuid)).toEqual(a);
  });

  test("a deleting change ends the session at once; its players stay until cleaned up, then only that incarnation's go", async () => {
    const a = seatedPlayer(randomUUID(), { status: 'leader' });
    const s = await created({ teamSizes: [2] }, [a]);
    const del: Change = {
      event: 'Session Player Left',
      guards: [],
      players: [{ kind: 'delete', playerUuid: a.playerUuid }],
      seats: { 0: -1 },
      active: -1,
      leader: { remove: true },
      deleteSession: true,
    };
    expect(await store.commitChange(s, del, 'version', now())).toEqual({ ok: true });
    expect(await store.readSession(s.sessionId, now())).toBeUndefined();
    const b = seatedPlayer(randomUUID());
    const again = { ...s, incarnation: `re-${randomUUID().slice(0, 8)}`, expiresAt: undefined };
    expect(await store.createSession(withPlayers(again, [b]), [b], now())).toBe('created');
    expect(await store.deleteOrphanPlayers(s.sessionId, s.incarnation)).toBe(true);
    expect((await store.readSessionWithPlayers(s.sessionId, now()))?.players).toEqual([b]);
  });

  test('the open-session index follows the transactions that open and fill a session', async () => {
    const type = `port-open-${randomUUID()}`;
    const s = await created({ type, teamSizes: [1], autoJoin: true });
    expect(await store.openSessions(type, 10)).toEqual([{ sessionId: s.sessionId, incarnation: s.incarnation, created: s.created }]);
    expect(await store.commitChange(s, join(seatedPlayer(randomUUID())), 'facts', now())).toEqual({ ok: true });
    expect(await store.openSessions(type, 10)).toEqual([]);
    const t = await created({ type, teamSizes: [1], autoJoin: true });
    await store.dropOpenSession(type, { sessionId: t.sessionId, incarnation: 'not-it', created: t.created });
    expect(await store.openSessions(type, 10)).toHaveLength(1);
    await store.dropOpenSession(type, { sessionId: t.sessionId, incarnation: t.incarnation, created: t.created });
    expect(await store.openSessions(type, 10)).toEqual([]);
  });

  test('seat tickets count from 0 and keep the epoch of the first', async () => {
    const type = `port-ticket-${randomUUID()}`;
    expect(await store.takeTicket(type, 'e1')).toEqual({ n: 0, epoch: 'e1' });
    expect(await store.takeTicket(type, 'e2')).toEqual({ n: 1, epoch: 'e1' });
  });

  test("a player's memberships are those of live sessions, with invites and who sent them", async () => {
    const uuid = randomUUID();
    const inviter = randomUUID();
    const a = await created({}, [seatedPlayer(uuid, { status: 'leader' })]);
    const b = await created({}, [seatedPlayer(uuid, { status: 'invited', invitedBy: inviter })]);
    await created({ now: new Date(Date.now() - 7200_000), ttlSeconds: 3600 }, [seatedPlayer(uuid)]);
    const found = (await store.playerMemberships(uuid, now())).sort((x, y) => x.sessionId.localeCompare(y.sessionId));
    const want = [
      { sessionId: a.sessionId, type: a.type, status: 'leader' },
      { sessionId: b.sessionId, type: b.type, status: 'invited', invitedBy: inviter },
    ].sort((x, y) => x.sessionId.localeCompare(y.sessionId));
    expect(found).toEqual(want);
  });

  test('extending the expiry moves it, not the version', async () => {
    const s = await created({ ttlSeconds: 3600, now: new Date(Date.now() - 3000_000) });
    await store.extendExpiry(s, now());
    const after = (await store.readSession(s.sessionId, now()))!;
    expect(after.version).toBe(s.version);
    expect(after.expiresAt).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000) + 3600 - 5);
  });
});
