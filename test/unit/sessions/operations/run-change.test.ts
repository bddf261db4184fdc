// The read-decide-write loop (src/sessions/operations/run-change.ts) on the in-memory store: how each attempt is
// conditioned, what a lost race costs, when the answer carries an ETag and which, and where it gives up.
import { randomUUID } from 'node:crypto';
import { ApiError } from '../../../../src/errors/api-error.js';
import { etagOf } from '../../../../src/sessions/model/etag.js';
import { newSession, withPlayers } from '../../../../src/sessions/model/new-session.js';
import { type JoinRequest, type Player, type Session } from '../../../../src/sessions/model/session.js';
import { joinSession } from '../../../../src/sessions/operations/join-session.js';
import { joinRequest, seatedPlayer } from '../../../support/fixtures.js';
import { MemoryStore } from '../../../support/memory-store.js';
import { decorate } from '../../../support/decorate.js';

const request = (playerUuid: string = randomUUID(), over: Partial<JoinRequest> = {}): JoinRequest => joinRequest(playerUuid, over);

async function sessionIn(store: MemoryStore, sizes = [4], players: Player[] = []): Promise<Session> {
  const s = withPlayers(newSession({ sessionId: `s-${randomUUID()}`, type: 't', teamSizes: sizes, joinable: true }), players);
  await store.createSession(s, players, new Date());
  return s;
}

/** Before each of the first `races` commits, another player's join really lands. */
const racing = (store: MemoryStore, races: number) => {
  let left = races;
  return decorate(store, {
    async commitChange(read, change, mode, now) {
      if (left-- > 0) await joinSession(store, read.sessionId, request());
      return store.commitChange(read, change, mode, now);
    },
  });
};

test('uncontended: one attempt on the version read, and the ETag of the version it wrote, with no read back', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store);
  const reads = { count: 0 };
  const counting = decorate(store, {
    readSession: async (...args) => (reads.count++, store.readSession(...args)),
  });
  const out = await joinSession(counting, s.sessionId, request());
  expect(store.commits.map((c) => [c.mode, c.ok])).toEqual([['version', true]]);
  expect({ attempts: out.attempts, written: out.written, etag: out.etag, readBacks: reads.count }).toEqual({
    attempts: 1,
    written: true,
    etag: etagOf({ ...s, version: s.version + 1 }),
    readBacks: 0,
  });
});

test('a lost race is decided again with the state that won and written on the facts; the ETag is read back', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store, [10]);
  const out = await joinSession(racing(store, 2), s.sessionId, request());
  expect(store.commits.filter((c) => c.read.sessionId === s.sessionId).map((c) => [c.mode, c.ok])).toEqual([
    ['version', true], // the first race's own join
    ['version', false],
    ['version', true], // the second race's join
    ['facts', true],
  ]);
  const after = (await store.readSession(s.sessionId, new Date()))!;
  expect({ attempts: out.attempts, etag: out.etag }).toEqual({ attempts: 2, etag: etagOf(after) });
  expect(after.version).toBe(s.version + 3);
});

test('If-Match names the state the change applies to: another state is 412 before anything is written', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store);
  const err = await joinSession(store, s.sessionId, request(), { ifMatch: (etag) => etag === '"other-1"' }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'precondition_failed' });
  expect(store.commits).toEqual([]);
});

test('If-Match and a lost race: 412, since the state the client named is gone', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store);
  const named = etagOf(s);
  const err = await joinSession(racing(store, 1), s.sessionId, request(), { ifMatch: (etag) => etag === named }).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'precondition_failed' });
});

test('a join that changes nothing writes nothing and answers the ETag of a snapshot of the state', async () => {
  const store = new MemoryStore();
  const member = seatedPlayer(randomUUID(), { clientSettings: { platform: 'Steam', input: 'gamepad' } });
  const s = await sessionIn(store, [4], [seatedPlayer(randomUUID(), { status: 'leader' }), member]);
  const out = await joinSession(store, s.sessionId, request(member.playerUuid, { clientVersion: member.clientVersion! }));
  expect({ written: out.written, etag: out.etag, commits: store.commits.length }).toEqual({ written: false, etag: etagOf(s), commits: 0 });
});

test('a change lands between the two reads of an unchanged answer: it is decided again, never answered with the first ETag', async () => {
  const store = new MemoryStore();
  const member = seatedPlayer(randomUUID(), { clientSettings: { platform: 'Steam', input: 'gamepad' } });
  const s = await sessionIn(store, [4], [seatedPlayer(randomUUID(), { status: 'leader' }), member]);
  let reads = 0;
  const between = decorate(store, {
    async readSessionAndPlayers(...args) {
      if (++reads === 2) await joinSession(store, s.sessionId, request());
      return store.readSessionAndPlayers(...args);
    },
  });
  const out = await joinSession(between, s.sessionId, request(member.playerUuid, { clientVersion: member.clientVersion! }));
  expect(out.etag).toBe(etagOf({ ...s, version: s.version + 1 }));
});

test('conflicts every time: 409 session_conflict after the bounded attempts, nothing written', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store);
  let attempts = 0;
  const busy = decorate(store, { commitChange: async () => (attempts++, { ok: false as const, retry: 'conflict' as const }) });
  const err = await joinSession(busy, s.sessionId, request(), { maxAttempts: 4 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect({ code: (err as ApiError).code, attempts, version: (await store.readSession(s.sessionId, new Date()))?.version }).toEqual({
    code: 'session_conflict',
    attempts: 4,
    version: s.version,
  });
});

test('a race that takes the last seat turns the join into team_full', async () => {
  const store = new MemoryStore();
  const s = await sessionIn(store, [1]);
  await expect(joinSession(racing(store, 1), s.sessionId, request())).rejects.toMatchObject({ code: 'team_full' });
});

test('an unknown session is session_not_found, with no write', async () => {
  const store = new MemoryStore();
  await expect(joinSession(store, 'nope', request())).rejects.toMatchObject({ code: 'session_not_found' });
  expect(store.commits).toEqual([]);
});

describe("an answer's ETag names a state in which the answer holds", () => {
  test('a facts-conditioned join whose player changes again before the read-back answers no ETag it cannot stand behind', async () => {
    const store = new MemoryStore();
    const leader = seatedPlayer(randomUUID(), { status: 'leader' });
    const me = seatedPlayer(randomUUID(), { clientSettings: { platform: 'Steam', input: 'gamepad' } });
    const s = await sessionIn(store, [4], [leader, me]);
    let commits = 0;
    // The first attempt loses to a leader's update; once the retry has committed, the player's other device writes.
    const busy = decorate(store, {
      async commitChange(read, change, mode, now) {
        if (++commits === 1)
          await joinSession(store, s.sessionId, request(leader.playerUuid, { clientVersion: '1.0.0', customData: { round: '2' } }));
        const out = await store.commitChange(read, change, mode, now);
        if (commits === 2) await joinSession(store, s.sessionId, request(me.playerUuid, { customData: { device: 'b' } }));
        return out;
      },
    });
    const out = await joinSession(busy, s.sessionId, request(me.playerUuid, { customData: { device: 'a' } }));
    expect(out.result.customData).toEqual({ device: 'a' });
    const now = (await store.readSessionWithPlayers(s.sessionId, new Date()))!;
    // The state now shows the other device's data: its ETag must not be this answer's.
    expect(now.players.find((p) => p.playerUuid === me.playerUuid)?.customData).toEqual({ device: 'b' });
    expect(out.etag).not.toBe(etagOf(now.session));
    expect(out.etag).toBeUndefined();
  });

  test('a facts-conditioned join answers the ETag of the state read back when its player is still as written', async () => {
    const store = new MemoryStore();
    const s = await sessionIn(store, [10]);
    let commits = 0;
    const racing = decorate(store, {
      async commitChange(read, change, mode, now) {
        if (++commits === 1) await joinSession(store, read.sessionId, request());
        const out = await store.commitChange(read, change, mode, now);
        // An unrelated player joins after our commit: the state read back is still one in which the answer holds.
        if (commits === 2) await joinSession(store, read.sessionId, request());
        return out;
      },
    });
    const out = await joinSession(racing, s.sessionId, request());
    expect(out.etag).toBe(etagOf((await store.readSession(s.sessionId, new Date()))!));
  });
});

describe('a join that changes nothing answers 200 under any rate of unrelated writes', () => {
  test('an unrelated player writes before every read: still 200 with the ETag of a state in which the player is as answered', async () => {
    const store = new MemoryStore();
    const me = seatedPlayer(randomUUID(), { clientSettings: { platform: 'Steam', input: 'gamepad' } });
    const s = await sessionIn(store, [40], [seatedPlayer(randomUUID(), { status: 'leader' }), me]);
    const busy = decorate(store, {
      async readSessionAndPlayers(...args) {
        await joinSession(store, s.sessionId, request());
        return store.readSessionAndPlayers(...args);
      },
      async readSnapshot(...args) {
        await joinSession(store, s.sessionId, request());
        return store.readSnapshot(...args);
      },
    });
    const out = await joinSession(busy, s.sessionId, request(me.playerUuid, { clientVersion: me.clientVersion! }));
    const now = (await store.readSession(s.sessionId, new Date()))!;
    expect({ written: out.written, etag: out.etag }).toEqual({ written: false, etag: etagOf(now) });
  });
});
