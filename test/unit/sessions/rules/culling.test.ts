// The culling rules with a controlled clock: who is due (leaders and members T past their last query; never invited
// or reserved players), what a cull writes (the lead handed on, the session ended or kept alive), the facts it rests
// on, the floor it leaves, batches, and the precision the presence throttle gives.
import { decideCull } from '../../../../src/sessions/rules/culling.js';
import { cullMayBeDue, isDue, lastQueryOf, nextCullOf, noneDue, presenceWriteDue } from '../../../../src/sessions/model/presence.js';
import { newSession, withPlayers } from '../../../../src/sessions/model/new-session.js';
import type { Player, Session } from '../../../../src/sessions/model/session.js';
import { seatedPlayer } from '../../../support/fixtures.js';

const T = 60;
const t0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms).toISOString();

function sessionOf(players: Player[], over: Partial<Session> = {}): Session {
  return {
    ...withPlayers(newSession({ sessionId: 's', type: 'lobby', teamSizes: [4, 4], joinable: true, cullAfterSeconds: T, now: new Date(t0) }), players),
    ...over,
  };
}
const leader = seatedPlayer('a-leader', { status: 'leader', joined: at(0) });
const early = seatedPlayer('b-early', { joined: at(1_000) });
const late = seatedPlayer('c-late', { joined: at(2_000), teamId: 1 });
const invited = seatedPlayer('d-invited', { status: 'invited', joined: undefined, invited: at(0) });
const reserved = seatedPlayer('e-reserved', { status: 'reserved', joined: undefined, invited: at(0) });

describe('presence', () => {
  test('a last query is the later of the recorded presence and the joining', () => {
    expect(lastQueryOf(early, new Map())).toBe(t0 + 1_000);
    expect(lastQueryOf(early, new Map([['b-early', t0 + 5_000]]))).toBe(t0 + 5_000);
    expect(lastQueryOf(early, new Map([['b-early', t0]]))).toBe(t0 + 1_000);
  });

  test.each([
    ['no record yet', undefined, 0, true],
    ['recorded just now', t0, t0 + 1, false],
    ['a hair under T/4 ago', t0, t0 + (T * 1000) / 4 - 1, false],
    ['T/4 ago', t0, t0 + (T * 1000) / 4, true],
  ])('a query is recorded at most once per T/4: %s', (_, recorded, now, due) => {
    expect(presenceWriteDue({ cullAfterSeconds: T }, recorded, now)).toBe(due);
  });

  test('a session without culling records nothing and culls no one', () => {
    expect(presenceWriteDue({}, undefined, t0)).toBe(false);
    expect(isDue({}, early, new Map(), t0 + 1e9)).toBe(false);
    expect(cullMayBeDue({ nextCullAt: t0 }, t0 + 1e9)).toBe(false);
  });

  test('the precision the throttle gives: querying every 3T/4 is never culled; silence is culled T after the last query', () => {
    const Tms = T * 1000;
    for (const gap of [0.75 * Tms, 0.5 * Tms, 0.3 * Tms, 0.1 * Tms]) {
      let recorded: number | undefined;
      for (let q = t0; q < t0 + 20 * Tms; q += gap) {
        // Between queries, at every millisecond that matters (just before the next), the player is not due.
        const p = seatedPlayer('p', { joined: at(0) });
        const presence = new Map(recorded === undefined ? [] : [['p', recorded]]);
        expect(isDue({ cullAfterSeconds: T }, p, presence, q - 1)).toBe(false);
        if (presenceWriteDue({ cullAfterSeconds: T }, recorded, q)) recorded = q;
      }
      // Silent from the last query on: due at most T after it.
      const last = t0 + Math.floor((20 * Tms - 1) / gap) * gap;
      expect(isDue({ cullAfterSeconds: T }, seatedPlayer('p', { joined: at(0) }), new Map([['p', recorded!]]), last + Tms)).toBe(true);
    }
  });

  test('the floor is the oldest last query of a leader or member, plus T; none without them', () => {
    expect(nextCullOf({ cullAfterSeconds: T }, [leader, early, invited], new Map([['a-leader', t0 + 9_000]]))).toBe(t0 + 1_000 + T * 1000);
    expect(nextCullOf({ cullAfterSeconds: T }, [invited, reserved], new Map())).toBeUndefined();
    expect(sessionOf([leader, early]).nextCullAt).toBe(t0 + T * 1000);
    expect(cullMayBeDue(sessionOf([leader]), t0 + T * 1000 - 1)).toBe(false);
    expect(cullMayBeDue(sessionOf([leader]), t0 + T * 1000)).toBe(true);
  });

  test('none due: each player named is a leader or member as read, short of T since their last query', () => {
    const Tms = T * 1000;
    const read = new Map([leader, early, invited].map((p) => [p.playerUuid, p]));
    const presence = new Map([['a-leader', t0 + 5_000]]);
    const culls = { cullAfterSeconds: T };
    expect(noneDue(culls, ['a-leader', 'b-early'], read, presence, t0 + 1_000 + Tms - 1)).toBe(true);
    expect(noneDue(culls, ['a-leader', 'b-early'], read, presence, t0 + 1_000 + Tms)).toBe(false);
    expect(noneDue(culls, ['a-leader'], read, presence, t0 + 5_000 + Tms - 1)).toBe(true);
    expect(noneDue(culls, ['a-leader'], read, presence, t0 + 5_000 + Tms)).toBe(false);
    // Not read, or not active: not known to stay, so possibly due.
    expect(noneDue(culls, ['c-late'], read, presence, t0)).toBe(false);
    expect(noneDue(culls, ['d-invited'], read, presence, t0)).toBe(false);
    expect(noneDue(culls, [], read, presence, t0 + 1e9)).toBe(true);
  });
});

describe('decideCull', () => {
  const Tms = T * 1000;
  const players = [leader, early, late, invited, reserved];

  test('no one due: unchanged, with the floor the session should carry', () => {
    const presence = new Map([['a-leader', t0 + 30_000]]);
    expect(decideCull(sessionOf(players), players, presence, t0 + Tms, 48)).toEqual({
      kind: 'unchanged',
      result: { culled: [], remaining: 0, nextCullAt: t0 + 1_000 + Tms },
    });
  });

  test('a silent member is culled: seat, aggregates and membership go, resting on their silence and revision', () => {
    const presence = new Map([
      ['a-leader', t0 + 50_000],
      ['c-late', t0 + 50_000],
    ]);
    const d = decideCull(sessionOf(players), players, presence, t0 + 1_000 + Tms, 48);
    expect(d).toMatchObject({ kind: 'write', result: { culled: [early], remaining: 0, nextCullAt: t0 + 50_000 + Tms } });
    if (d.kind !== 'write') throw new Error('expected a write');
    expect(d.change).toMatchObject({
      event: 'Session Player Left',
      reason: 'culled',
      subject: { playerUuid: 'b-early', teamId: 0, status: 'left' },
      players: [{ kind: 'delete', playerUuid: 'b-early' }],
      seats: { 0: -1 },
      active: -1,
      nextCullAt: t0 + 50_000 + Tms,
    });
    expect(d.change.guards).toEqual([
      { kind: 'playerRevision', playerUuid: 'b-early', revision: 1 },
      { kind: 'presenceBefore', playerUuid: 'b-early', atMost: t0 + 1_000 },
    ]);
    expect(d.change.leader).toBeUndefined();
  });

  test('a player who queried in time is not culled; invited and reserved players never are', () => {
    // T less a millisecond since each one's last query: none due yet.
    const presence = new Map([
      ['a-leader', t0 + 1_001],
      ['b-early', t0 + 1_001],
      ['c-late', t0 + 2_001],
    ]);
    expect(decideCull(sessionOf(players), players, presence, t0 + 1_000 + Tms, 48).kind).toBe('unchanged');
    const d = decideCull(sessionOf(players), players, new Map(), t0 + 100 * Tms, 48);
    if (d.kind !== 'write') throw new Error('expected a write');
    expect(d.result.culled.map((p) => p.playerUuid)).toEqual(['b-early', 'c-late', 'a-leader']);
  });

  test('a culled leader hands the lead to the earliest member who stays, as a leaving leader does', () => {
    const presence = new Map([
      ['b-early', t0 + 50_000],
      ['c-late', t0 + 50_000],
    ]);
    const d = decideCull(sessionOf(players), players, presence, t0 + Tms, 48);
    if (d.kind !== 'write') throw new Error('expected a write');
    expect(d.change.leader).toEqual({ set: 'b-early' });
    expect(d.change.players).toEqual([
      { kind: 'delete', playerUuid: 'a-leader' },
      { kind: 'put', player: { ...early, status: 'leader', revision: 2 } },
    ]);
    expect(d.change.guards).toContainEqual({ kind: 'playerRevision', playerUuid: 'b-early', revision: 1 });
  });

  test('the last leaders and members culled end the session; with keep-alive it stays, without a leader', () => {
    const two = [leader, early, invited];
    const ended = decideCull(sessionOf(two), two, new Map(), t0 + 10 * Tms, 48);
    if (ended.kind !== 'write') throw new Error('expected a write');
    expect(ended.change).toMatchObject({
      event: 'Session Deleted',
      reason: 'culled',
      deleteSession: true,
      leader: { remove: true },
      nextCullAt: null,
    });
    expect(ended.change.guards).toContainEqual({ kind: 'activeCount', equals: 2 });
    const kept = decideCull(sessionOf(two, { keepAliveOnEmpty: true }), two, new Map(), t0 + 10 * Tms, 48);
    if (kept.kind !== 'write') throw new Error('expected a write');
    expect(kept.change).toMatchObject({ event: 'Session Updated', leader: { remove: true }, nextCullAt: null });
    expect(kept.change.deleteSession).toBeUndefined();
  });

  test('many due: batches of the limit, the leader in the last, each leaving the floor due while more are', () => {
    const crowd = [leader, ...Array.from({ length: 5 }, (_, i) => seatedPlayer(`m${i}`, { joined: at(0), teamId: i % 2 }))];
    const d = decideCull(sessionOf(crowd), crowd, new Map(), t0 + Tms, 2);
    if (d.kind !== 'write') throw new Error('expected a write');
    expect(d.result.culled.map((p) => p.playerUuid)).toEqual(['m0', 'm1']);
    expect(d.result.remaining).toBe(4);
    expect(d.change.nextCullAt).toBe(t0 + Tms);
    expect(d.change.event).toBe('Session Updated');
  });

  test('no session: not found', () => {
    expect(decideCull(undefined, [], new Map(), t0, 48)).toEqual({ kind: 'reject', code: 'session_not_found' });
  });
});
