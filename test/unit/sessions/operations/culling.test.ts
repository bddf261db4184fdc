// Presence and culls in the operations, on the in-memory store with a controlled clock: which requests record a query
// and how often, a 304 only while no cull can be due, culls written before a decision or an answer rests on the
// session, the floor moved on without a change of version, and the sweep.
import { randomUUID } from 'node:crypto';
import { etagOf } from '../../../../src/sessions/model/etag.js';
import { newSession, withPlayers } from '../../../../src/sessions/model/new-session.js';
import type { Player, Session } from '../../../../src/sessions/model/session.js';
import { sweepCulls } from '../../../../src/sessions/operations/cull-sweep.js';
import { cullDue } from '../../../../src/sessions/operations/cull.js';
import { getSession } from '../../../../src/sessions/operations/get-session.js';
import { joinSession } from '../../../../src/sessions/operations/join-session.js';
import { joinRequest, seatedPlayer } from '../../../support/fixtures.js';
import { MemoryStore } from '../../../support/memory-store.js';

const T = 60;
const Tms = T * 1000;
const t0 = Date.parse('2026-12-01T10:00:00.000Z');

async function setup(over: { keepAlive?: boolean; sizes?: number[]; culling?: boolean; autoJoin?: boolean } = {}) {
  const store = new MemoryStore();
  const [leader, member] = [randomUUID(), randomUUID()];
  const players: Player[] = [
    seatedPlayer(leader, { status: 'leader', joined: new Date(t0).toISOString() }),
    seatedPlayer(member, { joined: new Date(t0 + 1).toISOString() }),
  ];
  const s = withPlayers(
    newSession({
      sessionId: `s-${randomUUID()}`,
      type: 't',
      teamSizes: over.sizes ?? [2],
      joinable: true,
      ttlSeconds: 0,
      keepAliveOnEmpty: over.keepAlive ?? false,
      autoJoin: over.autoJoin ?? false,
      ...(over.culling === false ? {} : { cullAfterSeconds: T }),
      now: new Date(t0),
    }),
    players,
  );
  await store.createSession(s, players, new Date(t0));
  return { store, s, leader, member };
}
const read = (store: MemoryStore, s: Session, at: number, opts: Parameters<typeof getSession>[2]) =>
  getSession(store, s.sessionId, opts, new Date(at));
const seatedIn = async (store: MemoryStore, s: Session) =>
  (await store.readSessionWithPlayers(s.sessionId, new Date()))!.players.map((p) => p.playerUuid);

test("a player's own read records their query, at most once per T/4; refresh_ttl false, others' and trusted reads do not", async () => {
  const { store, s, leader } = await setup();
  await read(store, s, t0 + 1000, { refreshTtl: true, presenceOf: leader });
  await read(store, s, t0 + 1000 + Tms / 4 - 1, { refreshTtl: true, presenceOf: leader });
  await read(store, s, t0 + 1000 + Tms / 4, { refreshTtl: true, presenceOf: leader });
  await read(store, s, t0 + 1000 + Tms / 2, { refreshTtl: false });
  expect(store.presenceWrites.map((w) => [w.playerUuid, w.at - t0])).toEqual([
    [leader, 1000],
    [leader, 1000 + Tms / 4],
  ]);
});

test("only a leader's or member's query is recorded: an outsider's or an invited player's 304 poll writes nothing", async () => {
  const { store, s } = await setup();
  const invited = randomUUID();
  await store.commitChange(
    s,
    {
      event: 'Session Player Updated',
      guards: [],
      players: [{ kind: 'put', player: seatedPlayer(invited, { status: 'invited', joined: undefined }) }],
      seats: { 0: 0 },
    },
    'version',
    new Date(t0),
  );
  const current = (await store.readSession(s.sessionId, new Date(t0)))!;
  for (const who of [invited, randomUUID()]) {
    const out = await read(store, current, t0 + 10, { refreshTtl: true, held: (e) => e === etagOf(current), presenceOf: who });
    expect(out.notModified).toBe(true);
  }
  expect(store.presenceWrites).toEqual([]);
});

test('a 304 poll records the query too, reading the record first; a session without culling records nothing', async () => {
  const { store, s, leader } = await setup();
  const held = (etag: string) => etag === etagOf(s);
  expect(await read(store, s, t0 + 10, { refreshTtl: true, held, presenceOf: leader })).toEqual({ notModified: true, etag: etagOf(s) });
  expect(store.presenceWrites).toHaveLength(1);
  const plain = await setup({ culling: false });
  const out = await read(plain.store, plain.s, t0 + 10 * Tms, { refreshTtl: true, held: (e) => e === etagOf(plain.s), presenceOf: plain.leader });
  expect(out.notModified).toBe(true);
  expect(plain.store.presenceWrites).toEqual([]);
  expect(plain.store.commits).toEqual([]);
});

test('no 304 once a cull may be due: the cull is written and the culled state answered, under its own version', async () => {
  const { store, s, leader, member } = await setup();
  await read(store, s, t0 + Tms / 2, { refreshTtl: true, presenceOf: leader });
  const held = (etag: string) => etag === etagOf(s);
  expect((await read(store, s, t0 + Tms - 1, { refreshTtl: true, held, presenceOf: leader })).notModified).toBe(true);
  const after = await read(store, s, t0 + Tms + 1, { refreshTtl: true, held, presenceOf: leader });
  if (after.notModified) throw new Error('expected the culled state');
  expect(after.players.map((p) => p.playerUuid)).toEqual([leader]);
  expect(after.session.version).toBe(s.version + 1);
  expect(after.culled).toBe(1);
  expect(store.commits.map((c) => [c.change.reason, c.mode, c.ok])).toEqual([['culled', 'version', true]]);
  expect(await seatedIn(store, s)).toEqual([leader]);
  expect(after.players.some((p) => p.playerUuid === member)).toBe(false);
});

test('when nobody is due after all, the floor moves on and the version stays: the next polls are 304s again', async () => {
  const { store, s, leader, member } = await setup();
  for (const at of [Tms / 2, Tms / 2 + 1]) {
    await read(store, s, t0 + at, { refreshTtl: true, presenceOf: leader });
    await read(store, s, t0 + at, { refreshTtl: true, presenceOf: member });
  }
  const held = (etag: string) => etag === etagOf(s);
  // The floor has passed: the players are read (the handler then answers 304 on the same version), nothing is written.
  const full = await read(store, s, t0 + Tms + 5, { refreshTtl: true, held });
  if (full.notModified) throw new Error('expected a full read past the floor');
  expect(etagOf(full.session)).toBe(etagOf(s));
  expect(store.commits).toEqual([]);
  expect((await read(store, s, t0 + Tms + 6, { refreshTtl: true, held })).notModified).toBe(true);
  expect((await store.readSession(s.sessionId, new Date(t0)))!.nextCullAt).toBe(t0 + Tms / 2 + Tms);
});

test("a join into a full team finds the culled seat free at once; the join is the joiner's query, with no presence written after it", async () => {
  const { store, s, leader } = await setup({ sizes: [2] });
  await read(store, s, t0 + Tms / 2, { refreshTtl: true, presenceOf: leader });
  const joiner = randomUUID();
  const early = await joinSession(store, s.sessionId, joinRequest(joiner), { clock: () => new Date(t0 + Tms / 2 + 1) }).catch(
    (e: Error) => e.message,
  );
  expect(early).toMatch(/team_full/);
  const joined = await joinSession(store, s.sessionId, joinRequest(joiner), { clock: () => new Date(t0 + Tms + 1), presenceOf: joiner });
  expect(joined.result.status).toBe('member');
  expect(joined.culled).toBe(1);
  expect(store.commits.filter((c) => c.ok).map((c) => c.change.reason ?? c.change.event)).toEqual(['culled', 'Session Player Joined']);
  // The joiner was seated just now: that is their query, with no presence written after the join.
  expect(store.presenceWrites.map((w) => w.playerUuid)).toEqual([leader]);
});

/** The store's calls by name, in order: what an operation asks of the table. */
function recording(store: MemoryStore): { store: MemoryStore; calls: string[] } {
  const calls: string[] = [];
  const recorder = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(key));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store: recorder, calls };
}

test('a join into free seats of a session that culls, before its floor passes, asks of the store exactly what a join asks of one that does not', async () => {
  const callsOfJoin = async (culling: boolean) => {
    const { store, s, leader } = await setup({ sizes: [3], culling });
    // The floor, which the join comes before.
    expect(s.nextCullAt).toBe(culling ? t0 + Tms : undefined);
    await read(store, s, t0 + Tms / 4, { refreshTtl: true, presenceOf: leader });
    const recorded = recording(store);
    const joiner = randomUUID();
    const joined = await joinSession(recorded.store, s.sessionId, joinRequest(joiner), { clock: () => new Date(t0 + Tms / 2), presenceOf: joiner });
    expect(joined.result.status).toBe('member');
    return recorded.calls;
  };
  const culling = await callsOfJoin(true);
  expect(culling).toEqual(await callsOfJoin(false));
  expect(culling).toEqual(['readSessionAndPlayers', 'commitChange']);
});

test('a join into free seats once the floor has passed reads the presence of whom it rests on, not the players, and writes no cull; the next read does', async () => {
  const { store, s, leader, member } = await setup({ sizes: [3] });
  await read(store, s, t0 + Tms / 2, { refreshTtl: true, presenceOf: leader });
  const recorded = recording(store);
  const joiner = randomUUID();
  const at = t0 + Tms + 5;
  const joined = await joinSession(recorded.store, s.sessionId, joinRequest(joiner), { clock: () => new Date(at), presenceOf: joiner });
  expect([joined.result.status, joined.culled, joined.etag]).toEqual(['member', 0, etagOf({ ...s, version: s.version + 1 })]);
  expect(recorded.calls).toEqual(['readSessionAndPlayers', 'readPresence', 'commitChange']);
  // The silent member is still seated: the join's ETag names that state. The next read writes the cull under a new one.
  expect(await seatedIn(store, s)).toEqual([leader, member, joiner]);
  const after = await read(store, s, at + 1, { refreshTtl: true, held: (e) => e === joined.etag });
  if (after.notModified) throw new Error('expected the culled state');
  expect([after.culled, after.players.map((p) => p.playerUuid)]).toEqual([1, [leader, joiner]]);
});

test("past the floor, a join naming a state (If-Match, If-None-Match) and one taking an open session's last seat write the culls first", async () => {
  const silent = async (over: Parameters<typeof setup>[0] = {}) => {
    const set = await setup({ sizes: [3], ...over });
    await read(set.store, set.s, t0 + Tms / 2, { refreshTtl: true, presenceOf: set.leader });
    return set;
  };
  const at = () => new Date(t0 + Tms + 5);
  const held = etagOf((await silent()).s);
  // The ETag held from before the cull names a state the session is no longer in, as a GET then would answer.
  const matching = await silent();
  const refused = await joinSession(matching.store, matching.s.sessionId, joinRequest(randomUUID()), { clock: at, ifMatch: (e) => e === held }).catch(
    (e: Error) => e.message,
  );
  expect([refused, await seatedIn(matching.store, matching.s)]).toEqual([expect.stringMatching(/precondition_failed/), [matching.leader]]);
  const none = await silent();
  const joined = await joinSession(none.store, none.s.sessionId, joinRequest(randomUUID()), { clock: at, ifNoneMatch: (e) => e === held });
  expect(joined.culled).toBe(1);
  // The third seat of an open session: the culled session keeps a free one, so create-or-join still finds it.
  const open = await silent({ autoJoin: true });
  expect((await open.store.openSessions('t', 10)).map((o) => o.sessionId)).toEqual([open.s.sessionId]);
  const last = await joinSession(open.store, open.s.sessionId, joinRequest(randomUUID()), { clock: at });
  expect(last.culled).toBe(1);
  expect((await open.store.openSessions('t', 10)).map((o) => o.sessionId)).toEqual([open.s.sessionId]);
});

test('a join once the floor has passed writes the culls first when one it rests on is due: a silent leader hands on the lead, a silent caller joins afresh', async () => {
  const led = await setup({ sizes: [3] });
  await read(led.store, led.s, t0 + Tms / 2, { refreshTtl: true, presenceOf: led.member });
  const joiner = randomUUID();
  const joined = await joinSession(led.store, led.s.sessionId, joinRequest(joiner), { clock: () => new Date(t0 + Tms + 5), presenceOf: joiner });
  expect([joined.result.status, joined.culled]).toEqual(['member', 1]);
  expect((await led.store.readSession(led.s.sessionId, new Date(t0)))!.leader).toBe(led.member);

  const back = await setup({ sizes: [3] });
  await read(back.store, back.s, t0 + Tms / 2, { refreshTtl: true, presenceOf: back.leader });
  const at = t0 + Tms + 5;
  const rejoined = await joinSession(back.store, back.s.sessionId, joinRequest(back.member, { customData: { back: 'yes' } }), {
    clock: () => new Date(at),
    presenceOf: back.member,
  });
  expect([rejoined.result.status, rejoined.result.joined, rejoined.culled]).toEqual(['member', new Date(at).toISOString(), 1]);
  expect(back.store.commits.filter((c) => c.ok).map((c) => c.change.reason ?? c.change.event)).toEqual(['culled', 'Session Player Joined']);
});

test('a culled leader hands the lead on; the last one culled ends the session; with keep-alive it stays without a floor', async () => {
  const { store, s, leader, member } = await setup();
  await read(store, s, t0 + Tms / 2, { refreshTtl: true, presenceOf: member });
  await cullDue(store, s.sessionId, { clock: () => new Date(t0 + Tms) });
  const led = (await store.readSessionWithPlayers(s.sessionId, new Date(t0)))!;
  expect([led.session.leader, led.players.map((p) => `${p.playerUuid}:${p.status}`)]).toEqual([member, [`${member}:leader`]]);
  expect(await cullDue(store, s.sessionId, { clock: () => new Date(t0 + 2 * Tms) })).toEqual({ culled: 1 });
  expect(await store.readSession(s.sessionId, new Date(t0 + 2 * Tms))).toBeUndefined();
  expect(leader).not.toBe(member);

  const kept = await setup({ keepAlive: true });
  const out = await cullDue(kept.store, kept.s.sessionId, { clock: () => new Date(t0 + Tms + 1) });
  expect(out.culled).toBe(2);
  expect(out.after!.players).toEqual([]);
  expect(out.after!.session.nextCullAt).toBeUndefined();
  expect((await kept.store.readSession(kept.s.sessionId, new Date(t0)))!.nextCullAt).toBeUndefined();
});

test('the sweep takes the sessions whose floor has passed, and only those', async () => {
  const due = await setup();
  const store = due.store;
  const later = withPlayers(
    newSession({
      sessionId: `s-${randomUUID()}`,
      type: 't',
      teamSizes: [2],
      joinable: true,
      ttlSeconds: 0,
      cullAfterSeconds: 10 * T,
      now: new Date(t0),
    }),
    [seatedPlayer(randomUUID(), { status: 'leader', joined: new Date(t0).toISOString() })],
  );
  await store.createSession(later, [], new Date(t0));
  const out = await sweepCulls(store, { now: new Date(t0 + Tms + 1), deadline: Date.now() + 5000 });
  expect(out).toEqual({ sessions: 1, culled: 2, failed: [] });
  expect(await store.readSession(due.s.sessionId, new Date(t0 + Tms + 1))).toBeUndefined();
  expect(await store.readSession(later.sessionId, new Date(t0 + Tms + 1))).toBeDefined();
  expect(await store.sessionsDueForCull(new Date(t0 + Tms + 1), 10)).toEqual([]);
});

test('the sweep counts every cull of sessions culled side by side, and takes expired sessions out of its way', async () => {
  const store = new MemoryStore();
  const live: Session[] = [];
  for (let i = 0; i < 6; i++) {
    const players = [
      seatedPlayer(randomUUID(), { status: 'leader', joined: new Date(t0).toISOString() }),
      seatedPlayer(randomUUID(), { joined: new Date(t0).toISOString() }),
    ];
    const s = withPlayers(
      newSession({
        sessionId: `s-${i}-${randomUUID()}`,
        type: 't',
        teamSizes: [2],
        joinable: true,
        ttlSeconds: 0,
        keepAliveOnEmpty: true,
        cullAfterSeconds: T,
        now: new Date(t0),
      }),
      players,
    );
    await store.createSession(s, players, new Date(t0));
    live.push(s);
  }
  // Expired ones with older floors come first in the index, more of them than one round asks for.
  for (let i = 0; i < 5; i++) {
    const p = seatedPlayer(randomUUID(), { status: 'leader', joined: new Date(t0 - Tms).toISOString() });
    const dead = withPlayers(
      newSession({
        sessionId: `d-${i}-${randomUUID()}`,
        type: 't',
        teamSizes: [2],
        joinable: true,
        ttlSeconds: 60,
        cullAfterSeconds: T,
        now: new Date(t0 - Tms),
      }),
      [p],
    );
    await store.createSession(dead, [p], new Date(t0 - Tms));
  }
  const at = new Date(t0 + 2 * Tms);
  const out = await sweepCulls(store, { now: at, deadline: Date.now() + 5000, batch: 3, concurrency: 4 });
  expect(out.failed).toEqual([]);
  expect(out.culled).toBe(12);
  for (const s of live) expect((await store.readSessionWithPlayers(s.sessionId, at))!.players).toEqual([]);
  expect(await store.sessionsDueForCull(at, 100)).toEqual([]);
});
