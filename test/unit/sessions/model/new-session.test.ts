// A fresh session and the aggregates a set of players gives it (src/sessions/model/new-session.ts), and the ETag
// that names a state of it (src/sessions/model/etag.ts).
import { etagOf } from '../../../../src/sessions/model/etag.js';
import { newSession, withPlayers } from '../../../../src/sessions/model/new-session.js';
import { seatedPlayer } from '../../../support/fixtures.js';

const NOW = new Date('2026-12-03T12:00:00.000Z');

test('defaults: not friends-only, joinable on every platform, own team changes allowed, no auto-join, an hour to live', () => {
  const s = newSession({ sessionId: 's', type: 't', teamSizes: [2, 3], joinable: true, now: NOW });
  expect(s).toMatchObject({
    version: 1,
    joinable: true,
    friendsMayJoin: false,
    platformJoinable: true,
    canChangeOwnTeam: true,
    keepAliveOnEmpty: false,
    autoJoin: false,
    customData: {},
    teams: [
      { maxSize: 2, occupied: 0 },
      { maxSize: 3, occupied: 0 },
    ],
    activeCount: 0,
    created: NOW.toISOString(),
    ttlSeconds: 3600,
    expiresAt: NOW.getTime() / 1000 + 3600,
  });
  expect(s.leader).toBeUndefined();
  for (const key of ['passwordHash', 'clientVersionRange', 'cullAfterSeconds'] as const) expect(s).not.toHaveProperty(key);
  expect(Object.values(s.crossplay).every((n) => n === 0)).toBe(true);
});

test('what is given is kept; a session with ttl 0 never expires; each session is a new incarnation', () => {
  const range = { comparators: [] } as never;
  const given = {
    sessionId: 's',
    type: 't',
    teamSizes: [1],
    joinable: false,
    friendsMayJoin: true,
    platformJoinable: false,
    passwordHash: 'scrypt$x',
    canChangeOwnTeam: false,
    keepAliveOnEmpty: true,
    autoJoin: true,
    clientVersionRange: range,
    cullAfterSeconds: 30,
    customData: { map: 'dust' },
    ttlSeconds: 0,
    now: NOW,
  };
  const s = newSession(given);
  const { sessionId: _id, type: _type, teamSizes: _sizes, now: _now, ...kept } = given;
  expect(s).toMatchObject(kept);
  expect(s.expiresAt).toBeUndefined();
  expect(newSession(given).incarnation).not.toBe(s.incarnation);
});

test('with players: occupancy per team, the leader, the active count and the crossplay counters of leaders and members alone', () => {
  const base = newSession({ sessionId: 's', type: 't', teamSizes: [2, 2], joinable: true, now: NOW });
  const s = withPlayers(base, [
    seatedPlayer('m', { teamId: 0 }),
    seatedPlayer('l', { status: 'leader', teamId: 1, clientSettings: { platform: 'XboxLive', input: 'gamepad' } }),
    seatedPlayer('i', { status: 'invited', teamId: 1 }),
  ]);
  expect(s.teams.map((t) => t.occupied)).toEqual([1, 2]);
  expect([s.leader, s.activeCount]).toEqual(['l', 2]);
  expect(s.crossplay).toMatchObject({ platform_other: 1, platform_xbox: 1, input_keyboardandmouse: 1, input_gamepad: 1 });
  expect(Object.values(s.crossplay).reduce((n, c) => n + c, 0)).toBe(4);
  expect(s).not.toHaveProperty('nextCullAt');
});

test('with players again: the aggregates follow the new players, not the old ones', () => {
  const base = newSession({ sessionId: 's', type: 't', teamSizes: [2], joinable: true, now: NOW });
  const once = withPlayers(base, [seatedPlayer('a', { status: 'leader' }), seatedPlayer('b')]);
  const again = withPlayers(once, [seatedPlayer('b')]);
  expect([again.teams[0]!.occupied, again.leader, again.activeCount, again.crossplay.platform_other]).toEqual([1, undefined, 1, 1]);
});

test('a session that culls gets the floor of its players', () => {
  const base = newSession({ sessionId: 's', type: 't', teamSizes: [2], joinable: true, cullAfterSeconds: 60, now: NOW });
  expect(withPlayers(base, [seatedPlayer('a', { status: 'leader', joined: NOW.toISOString() })]).nextCullAt).toEqual(expect.any(Number));
});

test('a player on a team the session lacks is a programming error, named', () => {
  const base = newSession({ sessionId: 's', type: 't', teamSizes: [2], joinable: true });
  expect(() => withPlayers(base, [seatedPlayer('p', { teamId: 1 })])).toThrow('player p is on team 1, which the session does not have');
});

test('the ETag names the incarnation and the version, quoted', () => {
  expect(etagOf({ incarnation: 'abc', version: 7 })).toBe('"abc-7"');
});
