// The rules of acting on a player of a session over plain data: every branch of decidePlayerUpdate (invite,
// reserve, add, move, promote; overflow actions; who may), decideRemoval (leave, kick, hand-over, delete) and
// earliestMember, with the guards each write relies on.
import type { Decision, Guard } from '../../../../src/sessions/model/change.js';
import { zeroCounters } from '../../../../src/sessions/model/crossplay.js';
import { type Player, type Session } from '../../../../src/sessions/model/session.js';
import type { Actor } from '../../../../src/sessions/model/actor.js';
import { decidePlayerUpdate, decideRemoval, earliestMember, type OverflowAction, type PlayerUpdate } from '../../../../src/sessions/rules/player.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const NOW = '2026-11-24T12:00:00.000Z';
const LEADER = '00000000-0000-4000-8000-00000000000a';
const MEMBER = '00000000-0000-4000-8000-00000000000b';
const OTHER = '00000000-0000-4000-8000-00000000000c';
const ADMIN = '00000000-0000-4000-8000-00000000000d';
const LATE = '00000000-0000-4000-8000-00000000000e';

const trusted: Actor = { playerUuid: ADMIN, trusted: true };
const asLeader: Actor = { playerUuid: LEADER, trusted: false };
const asMember: Actor = { playerUuid: MEMBER, trusted: false };
const asOther: Actor = { playerUuid: OTHER, trusted: false };

/** Leader and member on team 0 (3 seats), team 1 empty (2 seats); both Steam, keyboard and mouse, any crossplay. */
function session(over: Partial<Session> = {}): Session {
  return sessionFixture({
    customData: {},
    teams: [
      { maxSize: 3, occupied: 2 },
      { maxSize: 2, occupied: 0 },
    ],
    leader: LEADER,
    activeCount: 2,
    crossplay: { ...zeroCounters(), platform_other: 2, input_keyboardandmouse: 2 },
    ...over,
  });
}

const player = (playerUuid: string, over: Partial<Player> = {}): Player =>
  seatedPlayer(playerUuid, { joined: '2026-11-24T11:00:00.000Z', revision: 3, ...over });

const leaderP = player(LEADER, { status: 'leader', joined: '2026-11-24T10:00:00.000Z', revision: 5 });
const memberP = player(MEMBER);
const invitedP = (over: Partial<Player> = {}) =>
  player(OTHER, {
    status: 'invited',
    invitedBy: LEADER,
    invited: '2026-11-24T11:30:00.000Z',
    joined: undefined,
    clientVersion: undefined,
    clientSettings: undefined,
    crossplay: undefined,
    revision: 1,
    ...over,
  });

const update = (over: Partial<PlayerUpdate> = {}): PlayerUpdate => ({ status: 'member', teamId: 0, customData: {}, overflowAction: 'fail', ...over });

/** decidePlayerUpdate with the current leader's membership found the way operations/update-player.ts reads it. */
function decide(
  s: Session | undefined,
  actor: Actor,
  target: string,
  current: Player | undefined,
  req: Partial<PlayerUpdate>,
  leader: Player | undefined = leaderP,
) {
  return decidePlayerUpdate(s, actor, { playerUuid: target, current }, s?.leader === leader?.playerUuid ? leader : undefined, update(req), NOW);
}

function write<T>(d: Decision<T>) {
  if (d.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(d)}`);
  return d;
}
const kinds = (guards: Guard[]) => guards.map((g) => g.kind);
const reject = (code: string) => ({ kind: 'reject', code });

describe('decidePlayerUpdate: who may act', () => {
  test('unknown session: session_not_found, before anything else', () => {
    expect(decide(undefined, asOther, MEMBER, undefined, { teamId: 9 })).toEqual(reject('session_not_found'));
  });

  test('a trusted caller invites without being a member, and relies on no leader', () => {
    const d = write(decide(session(), trusted, OTHER, undefined, { status: 'invited' }));
    expect(d.result).toMatchObject({ playerUuid: OTHER, status: 'invited', invitedBy: ADMIN, invited: NOW, teamId: 0, revision: 1 });
    expect(d.change.guards).toEqual([
      { kind: 'playerAbsent', playerUuid: OTHER },
      { kind: 'seatFree', teamId: 0 },
    ]);
  });

  test("the leader's authority is a fact the write relies on: leaderIs(leader)", () => {
    const d = write(decide(session(), asLeader, OTHER, undefined, { status: 'invited' }));
    expect(d.change.guards).toEqual([
      { kind: 'leaderIs', playerUuid: LEADER },
      { kind: 'playerAbsent', playerUuid: OTHER },
      { kind: 'seatFree', teamId: 0 },
    ]);
    expect(d.result.invitedBy).toBe(LEADER);
  });

  test.each<[string, Actor, string, Player | undefined]>([
    ['a member inviting someone', asMember, OTHER, undefined],
    ['a member moving the leader', asMember, LEADER, leaderP],
    ['an outsider adding someone', asOther, LATE, undefined],
    ['an outsider changing a member', asOther, MEMBER, memberP],
  ])('%s: not_session_leader', (_name, actor, target, current) => {
    expect(decide(session(), actor, target, current, { teamId: 1 })).toEqual(reject('not_session_leader'));
  });

  test('a former leader has no authority once leadership moved on', () => {
    expect(decide(session({ leader: MEMBER }), asLeader, OTHER, undefined, { status: 'invited' }, player(MEMBER, { status: 'leader' }))).toEqual(
      reject('not_session_leader'),
    );
  });

  test('team_not_found comes before the authority check, for anyone', () => {
    expect(decide(session(), trusted, OTHER, undefined, { teamId: 2 })).toEqual(reject('team_not_found'));
    expect(decide(session(), asLeader, OTHER, undefined, { teamId: 2 })).toEqual(reject('team_not_found'));
    expect(decide(session(), asOther, MEMBER, memberP, { teamId: 2 })).toEqual(reject('team_not_found'));
  });
});

describe('decidePlayerUpdate: a player without authority acting on themselves follows the join rules', () => {
  test.each(['invited', 'reserved'] as const)('asking for %s: status_not_allowed', (status) => {
    expect(decide(session(), asOther, OTHER, undefined, { status })).toEqual(reject('status_not_allowed'));
    expect(decide(session(), asMember, MEMBER, memberP, { status })).toEqual(reject('status_not_allowed'));
  });

  test('a newcomer to a session that is not joinable: session_not_joinable', () => {
    expect(decide(session({ joinable: false }), asOther, OTHER, undefined, {})).toEqual(reject('session_not_joinable'));
  });

  test('a newcomer joins as a member, relying on joinable, a free seat and the leader still there', () => {
    const d = write(decide(session(), asOther, OTHER, undefined, { teamId: 1, customData: { k: 'v' } }));
    expect(d.result).toMatchObject({ playerUuid: OTHER, status: 'member', teamId: 1, customData: { k: 'v' }, joined: NOW, revision: 1 });
    expect(d.result.invitedBy).toBeUndefined();
    expect(kinds(d.change.guards)).toEqual(expect.arrayContaining(['playerAbsent', 'joinable', 'seatFree', 'hasLeader']));
    expect(kinds(d.change.guards)).not.toContain('leaderIs');
    expect(d.change).toMatchObject({ seats: { 1: 1 }, active: 1, event: 'Session Player Joined' });
    expect(d.change.leader).toBeUndefined();
  });

  test('an invited player accepts through the update even when the session is not joinable', () => {
    const d = write(decide(session({ joinable: false }), asOther, OTHER, invitedP(), {}));
    expect(d.result).toMatchObject({ status: 'member', joined: NOW, invitedBy: LEADER });
    expect(kinds(d.change.guards)).not.toContain('joinable');
    expect(d.change.guards).toContainEqual({ kind: 'playerRevision', playerUuid: OTHER, revision: 1 });
    expect(d.change).toMatchObject({ seats: {}, active: 1 });
  });

  test.each<OverflowAction>(['allow_overflow', 'partial_with_overflow', 'overfill'])(
    'overflow action %s is ignored: a full team is team_full',
    (overflowAction) => {
      const s = session({
        teams: [
          { maxSize: 2, occupied: 2 },
          { maxSize: 2, occupied: 0 },
        ],
      });
      expect(decide(s, asOther, OTHER, undefined, { overflowAction })).toEqual(reject('team_full'));
    },
  );

  test('moving their own team where the session forbids it: team_change_not_allowed', () => {
    expect(decide(session({ canChangeOwnTeam: false }), asMember, MEMBER, memberP, { teamId: 1 })).toEqual(reject('team_change_not_allowed'));
  });

  test('moving their own team where allowed takes a seat on the new team', () => {
    const d = write(decide(session(), asMember, MEMBER, memberP, { teamId: 1 }));
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
    expect(d.change.guards).toContainEqual({ kind: 'seatFree', teamId: 1 });
  });

  test('a newcomer to a leaderless session becomes its leader, relying on there being none', () => {
    const d = write(
      decide(
        session({
          leader: undefined,
          activeCount: 0,
          teams: [
            { maxSize: 3, occupied: 0 },
            { maxSize: 2, occupied: 0 },
          ],
        }),
        asOther,
        OTHER,
        undefined,
        {},
      ),
    );
    expect(d.result.status).toBe('leader');
    expect(d.change.leader).toEqual({ set: OTHER });
    expect(kinds(d.change.guards)).toContain('noLeader');
  });

  // As in decideJoin: asking for leader while there is one is a wish, and the player becomes a member.
  test('asking for leader while the session has one is a wish: the player becomes a member, not a second leader', () => {
    const newcomer = write(decide(session(), asOther, OTHER, undefined, { status: 'leader' }));
    expect(newcomer.result.status).toBe('member');
    expect(newcomer.change.leader).toBeUndefined();
    expect(kinds(newcomer.change.guards)).toContain('hasLeader');
    // A member asking the same changes nothing.
    expect(decide(session(), asMember, MEMBER, memberP, { status: 'leader' })).toEqual({ kind: 'unchanged', result: memberP });
  });
});

describe('decidePlayerUpdate: invite, reserve, add', () => {
  test.each(['invited', 'reserved'] as const)('the leader %s a newcomer: a seat is held, nobody becomes active', (status) => {
    const d = write(decide(session(), asLeader, OTHER, undefined, { status, teamId: 1, customData: { role: 'tank' } }));
    expect(d.result).toEqual({ playerUuid: OTHER, status, teamId: 1, customData: { role: 'tank' }, invitedBy: LEADER, invited: NOW, revision: 1 });
    expect(d.change.players).toEqual([{ kind: 'put', player: d.result }]);
    expect(d.change).toMatchObject({ seats: { 1: 1 }, active: 0, subject: { playerUuid: OTHER, teamId: 1, status } });
    expect(d.change.counters).toBeUndefined();
    expect(kinds(d.change.guards)).not.toContain('counter');
    expect(kinds(d.change.guards)).not.toContain('hasLeader');
  });

  test('the leader invites into a session that is not joinable: invites need no joinable', () => {
    const d = write(decide(session({ joinable: false }), asLeader, OTHER, undefined, { status: 'invited' }));
    expect(kinds(d.change.guards)).not.toContain('joinable');
  });

  test('an invited player is turned into a reservation: same seat, still not active', () => {
    const d = write(decide(session(), asLeader, OTHER, invitedP(), { status: 'reserved' }));
    expect(d.result).toMatchObject({ status: 'reserved', invitedBy: LEADER, revision: 2 });
    expect(d.result.joined).toBeUndefined();
    expect(d.change).toMatchObject({ seats: {}, active: 0, event: 'Session Player Updated' });
    expect(d.change.guards).toContainEqual({ kind: 'playerRevision', playerUuid: OTHER, revision: 1 });
  });

  test('the leader adds a newcomer as a member: active, joined now, crossplay counted, the leader relied on', () => {
    const d = write(decide(session(), asLeader, OTHER, undefined, { status: 'member' }));
    expect(d.result).toMatchObject({ status: 'member', joined: NOW, teamId: 0, revision: 1 });
    expect(d.result.invitedBy).toBeUndefined();
    // Its client has not told us its platform yet: counted as "other" platform, no input.
    expect(d.change.counters).toEqual({ platform_other: 1 });
    expect(d.change).toMatchObject({ seats: { 0: 1 }, active: 1, event: 'Session Player Joined' });
    expect(kinds(d.change.guards)).toEqual(expect.arrayContaining(['leaderIs', 'playerAbsent', 'seatFree', 'counter', 'hasLeader']));
    expect(kinds(d.change.guards)).not.toContain('joinable');
  });

  test('the leader turns an invite into a membership: active now, the invite kept on record', () => {
    const d = write(decide(session(), asLeader, OTHER, invitedP(), { status: 'member' }));
    expect(d.result).toMatchObject({ status: 'member', joined: NOW, invited: '2026-11-24T11:30:00.000Z', invitedBy: LEADER });
    expect(d.change).toMatchObject({ seats: {}, active: 1, event: 'Session Player Joined' });
  });

  test('a trusted caller adding a member to a leaderless session makes them leader, relying on there being none', () => {
    const s = session({
      leader: undefined,
      activeCount: 0,
      teams: [
        { maxSize: 3, occupied: 0 },
        { maxSize: 2, occupied: 0 },
      ],
    });
    const d = write(decide(s, trusted, OTHER, undefined, { status: 'member' }));
    expect(d.result.status).toBe('leader');
    expect(d.change.leader).toEqual({ set: OTHER });
    expect(kinds(d.change.guards)).toContain('noLeader');
    expect(kinds(d.change.guards)).not.toContain('hasLeader');
  });

  test('an invite to a leaderless session stays an invite', () => {
    const s = session({
      leader: undefined,
      activeCount: 0,
      teams: [
        { maxSize: 3, occupied: 0 },
        { maxSize: 2, occupied: 0 },
      ],
    });
    const d = write(decide(s, trusted, OTHER, undefined, { status: 'invited' }));
    expect(d.result.status).toBe('invited');
    expect(d.change.leader).toBeUndefined();
    expect(kinds(d.change.guards)).not.toContain('noLeader');
  });
});

describe('decidePlayerUpdate: crossplay of added players', () => {
  // A member who wants keyboard and mouse only: a player whose input is unknown does not qualify.
  const strict = session({
    crossplay: { ...zeroCounters(), platform_other: 2, input_keyboardandmouse: 2, wants_input_keyboardandmouse: 1 },
  });

  test('adding a member whose input is unknown: crossplay_not_permitted', () => {
    expect(decide(strict, asLeader, OTHER, undefined, { status: 'member' })).toEqual(reject('crossplay_not_permitted'));
  });

  test('turning an invite into a membership is checked the same way', () => {
    expect(decide(strict, asLeader, OTHER, invitedP(), { status: 'member' })).toEqual(reject('crossplay_not_permitted'));
  });

  test('an invite is not checked: invited players are not active', () => {
    expect(write(decide(strict, asLeader, OTHER, undefined, { status: 'invited' })).result.status).toBe('invited');
  });

  test('an accepted addition relies on the counters it checked', () => {
    const d = write(decide(session(), asLeader, OTHER, undefined, { status: 'member' }));
    const counters = d.change.guards.filter((g) => g.kind === 'counter');
    expect(counters.length).toBeGreaterThan(0);
    expect(counters).toContainEqual({ kind: 'counter', key: 'wants_input_keyboardandmouse', equals: 0 });
  });
});

describe('decidePlayerUpdate: moves and overflow', () => {
  const full0 = session({
    teams: [
      { maxSize: 2, occupied: 2 },
      { maxSize: 2, occupied: 1 },
    ],
  });
  const allFull = session({
    teams: [
      { maxSize: 2, occupied: 2 },
      { maxSize: 2, occupied: 2 },
    ],
  });

  test('the leader moves a member to a team with room: the seat moves, relying on the new team having one', () => {
    const d = write(decide(session(), asLeader, MEMBER, memberP, { teamId: 1 }));
    expect(d.result).toMatchObject({ status: 'member', teamId: 1, joined: memberP.joined, revision: 4 });
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
    expect(d.change.guards).toEqual(
      expect.arrayContaining([
        { kind: 'leaderIs', playerUuid: LEADER },
        { kind: 'playerRevision', playerUuid: MEMBER, revision: 3 },
        { kind: 'seatFree', teamId: 1 },
      ]),
    );
    expect(d.change).toMatchObject({ active: 0, event: 'Session Player Updated' });
  });

  test('a move to another team of a member ignores can_change_own_team (only their own moves are limited)', () => {
    expect(write(decide(session({ canChangeOwnTeam: false }), asLeader, MEMBER, memberP, { teamId: 1 })).result.teamId).toBe(1);
  });

  test.each<[OverflowAction, Session, { teamId: number; guard?: Guard } | 'team_full']>([
    ['fail', full0, 'team_full'],
    ['partial_without_overflow', full0, 'team_full'],
    ['allow_overflow', full0, { teamId: 1, guard: { kind: 'seatFree', teamId: 1 } }],
    ['partial_with_overflow', full0, { teamId: 1, guard: { kind: 'seatFree', teamId: 1 } }],
    ['overfill', full0, { teamId: 0 }],
    ['fail', allFull, 'team_full'],
    ['allow_overflow', allFull, 'team_full'],
    ['partial_with_overflow', allFull, 'team_full'],
    ['partial_without_overflow', allFull, 'team_full'],
    ['overfill', allFull, { teamId: 0 }],
  ])('inviting onto a full team 0 with %s', (overflowAction, s, expected) => {
    const d = decide(s, asLeader, OTHER, undefined, { status: 'invited', teamId: 0, overflowAction });
    if (expected === 'team_full') return expect(d).toEqual(reject('team_full'));
    const w = write(d);
    expect(w.result.teamId).toBe(expected.teamId);
    expect(w.change.seats).toEqual({ [expected.teamId]: 1 });
    const seatGuards = w.change.guards.filter((g) => g.kind === 'seatFree');
    // An overfill relies on no free seat: it takes one that does not exist.
    expect(seatGuards).toEqual(expected.guard ? [expected.guard] : []);
  });

  test.each<OverflowAction>(['fail', 'allow_overflow', 'partial_with_overflow', 'partial_without_overflow', 'overfill'])(
    '%s with room on the team asked: placed there',
    (overflowAction) => {
      const d = write(decide(session(), asLeader, OTHER, undefined, { status: 'reserved', teamId: 1, overflowAction }));
      expect(d.result.teamId).toBe(1);
      expect(d.change.guards).toContainEqual({ kind: 'seatFree', teamId: 1 });
    },
  );

  test('overfill moves a member onto a full team beyond its size', () => {
    const d = write(
      decide(
        session({
          teams: [
            { maxSize: 3, occupied: 2 },
            { maxSize: 1, occupied: 1 },
          ],
        }),
        asLeader,
        MEMBER,
        memberP,
        { teamId: 1, overflowAction: 'overfill' },
      ),
    );
    expect(d.result.teamId).toBe(1);
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
    expect(kinds(d.change.guards)).not.toContain('seatFree');
  });

  test("the leader's own request honours the overflow action (the leader is not bound by the join rules)", () => {
    const s = session({
      teams: [
        { maxSize: 3, occupied: 2 },
        { maxSize: 1, occupied: 1 },
      ],
    });
    expect(write(decide(s, asLeader, LEADER, leaderP, { status: 'leader', teamId: 1, overflowAction: 'overfill' })).result.teamId).toBe(1);
    expect(decide(s, asLeader, LEADER, leaderP, { status: 'leader', teamId: 1 })).toEqual(reject('team_full'));
  });
});

describe('decidePlayerUpdate: promotions', () => {
  test('the leader promotes a member: the old leader becomes a member in the same change', () => {
    const d = write(decide(session(), asLeader, MEMBER, memberP, { status: 'leader' }));
    expect(d.result).toMatchObject({ playerUuid: MEMBER, status: 'leader', revision: 4 });
    expect(d.change.leader).toEqual({ set: MEMBER });
    expect(d.change.players).toEqual([
      { kind: 'put', player: d.result },
      { kind: 'put', player: { ...leaderP, status: 'member', revision: 6 } },
    ]);
    // Relied on: the leader is still the leader, and neither membership changed since read.
    expect(d.change.guards).toEqual(
      expect.arrayContaining([
        { kind: 'leaderIs', playerUuid: LEADER },
        { kind: 'playerRevision', playerUuid: MEMBER, revision: 3 },
        { kind: 'playerRevision', playerUuid: LEADER, revision: 5 },
      ]),
    );
    expect(d.change).toMatchObject({ active: 0, seats: {} });
  });

  test('a trusted caller promotes: it relies on who the old leader is and on their revision', () => {
    const d = write(decide(session(), trusted, MEMBER, memberP, { status: 'leader' }));
    expect(d.change.guards).toEqual(
      expect.arrayContaining([
        { kind: 'leaderIs', playerUuid: LEADER },
        { kind: 'playerRevision', playerUuid: LEADER, revision: 5 },
      ]),
    );
    expect(d.change.players.map((w) => (w.kind === 'put' ? [w.player.playerUuid, w.player.status] : w))).toEqual([
      [MEMBER, 'leader'],
      [LEADER, 'member'],
    ]);
  });

  test("a promotion without the old leader's membership read: session_conflict (read again)", () => {
    expect(decidePlayerUpdate(session(), asLeader, { playerUuid: MEMBER, current: memberP }, undefined, update({ status: 'leader' }), NOW)).toEqual(
      reject('session_conflict'),
    );
    expect(
      decidePlayerUpdate(
        session(),
        asLeader,
        { playerUuid: MEMBER, current: memberP },
        player(OTHER, { status: 'leader' }),
        update({ status: 'leader' }),
        NOW,
      ),
    ).toEqual(reject('session_conflict'));
  });

  test('promoting an invited player makes them an active leader at once', () => {
    const d = write(decide(session(), asLeader, OTHER, invitedP(), { status: 'leader' }));
    expect(d.result).toMatchObject({ status: 'leader', joined: NOW });
    expect(d.change).toMatchObject({ active: 1, leader: { set: OTHER } });
    expect(d.change.players).toHaveLength(2);
  });

  test('promoting a newcomer adds them as leader and demotes the old one', () => {
    const d = write(decide(session(), asLeader, OTHER, undefined, { status: 'leader', teamId: 1 }));
    expect(d.result).toMatchObject({ status: 'leader', teamId: 1, joined: NOW });
    expect(d.change.seats).toEqual({ 1: 1 });
    expect(d.change.players[1]).toEqual({ kind: 'put', player: { ...leaderP, status: 'member', revision: 6 } });
  });

  test('asking for leader in a leaderless session: leader, relying on there being none, nobody demoted', () => {
    const s = session({
      leader: undefined,
      activeCount: 1,
      teams: [
        { maxSize: 3, occupied: 1 },
        { maxSize: 2, occupied: 0 },
      ],
    });
    const d = write(decide(s, trusted, MEMBER, memberP, { status: 'leader' }));
    expect(d.change.leader).toEqual({ set: MEMBER });
    expect(kinds(d.change.guards)).toContain('noLeader');
    expect(d.change.players).toHaveLength(1);
  });

  test('the leader asking to stay leader changes nothing', () => {
    expect(decide(session(), asLeader, LEADER, leaderP, { status: 'leader' })).toEqual({ kind: 'unchanged', result: leaderP });
  });
});

describe('decidePlayerUpdate: status_not_allowed', () => {
  test.each<[string, Actor, string, Player, PlayerUpdate['status']]>([
    ['an active member sent back to invited', asLeader, MEMBER, memberP, 'invited'],
    ['an active member sent back to reserved', asLeader, MEMBER, memberP, 'reserved'],
    ['an active member sent back to invited by a trusted caller', trusted, MEMBER, memberP, 'invited'],
    ['the leader sent back to reserved', trusted, LEADER, leaderP, 'reserved'],
    ['the leader made a member by a trusted caller', trusted, LEADER, leaderP, 'member'],
    ['the leader making themselves a member', asLeader, LEADER, leaderP, 'member'],
  ])('%s', (_name, actor, target, current, status) => {
    expect(decide(session(), actor, target, current, { status })).toEqual(reject('status_not_allowed'));
  });
});

describe('decidePlayerUpdate: unchanged', () => {
  test('same status, team and custom data: nothing to write', () => {
    expect(decide(session(), asLeader, MEMBER, memberP, {})).toEqual({ kind: 'unchanged', result: memberP });
    expect(decide(session(), asLeader, OTHER, invitedP(), { status: 'invited' })).toEqual({ kind: 'unchanged', result: invitedP() });
    // Even on a full team: the player already holds the seat.
    expect(
      decide(
        session({
          teams: [
            { maxSize: 2, occupied: 2 },
            { maxSize: 2, occupied: 0 },
          ],
        }),
        asMember,
        MEMBER,
        memberP,
        {},
      ).kind,
    ).toBe('unchanged');
  });

  test('new custom data is a change, and keeps the seat', () => {
    const d = write(
      decide(
        session({
          teams: [
            { maxSize: 2, occupied: 2 },
            { maxSize: 2, occupied: 0 },
          ],
        }),
        asLeader,
        MEMBER,
        memberP,
        { customData: { k: 'v' } },
      ),
    );
    expect(d.result.customData).toEqual({ k: 'v' });
    expect(d.change.seats).toEqual({});
    expect(kinds(d.change.guards)).not.toContain('seatFree');
  });
});

describe('decideRemoval', () => {
  const target = (p: Player | undefined, uuid = p?.playerUuid ?? OTHER) => ({ playerUuid: uuid, current: p });

  test('unknown session: session_not_found', () => {
    expect(decideRemoval(undefined, asMember, target(memberP), undefined)).toEqual(reject('session_not_found'));
  });

  test('a member leaves: their seat and crossplay counters are given back, relying on their membership as read', () => {
    const d = write(decideRemoval(session(), asMember, target(memberP), undefined));
    expect(d.change).toEqual({
      event: 'Session Player Left',
      subject: { playerUuid: MEMBER, teamId: 0, status: 'left' },
      guards: [{ kind: 'playerRevision', playerUuid: MEMBER, revision: 3 }],
      players: [{ kind: 'delete', playerUuid: MEMBER }],
      seats: { 0: -1 },
      counters: { platform_other: -1, input_keyboardandmouse: -1 },
      active: -1,
    });
    expect(d.result).toBeNull();
  });

  test('the leader kicks a member, relying on still being the leader', () => {
    const d = write(decideRemoval(session(), asLeader, target(memberP), undefined));
    expect(d.change.guards).toEqual([
      { kind: 'leaderIs', playerUuid: LEADER },
      { kind: 'playerRevision', playerUuid: MEMBER, revision: 3 },
    ]);
    expect(d.change.deleteSession).toBeUndefined();
    expect(d.change.leader).toBeUndefined();
  });

  test('a trusted caller kicks a member, relying on no leader', () => {
    const d = write(decideRemoval(session(), trusted, target(memberP), undefined));
    expect(d.change.guards).toEqual([{ kind: 'playerRevision', playerUuid: MEMBER, revision: 3 }]);
  });

  test.each<[string, Actor, Player | undefined, string]>([
    ['a member kicks the leader', asMember, leaderP, LEADER],
    ['a member kicks another member', asMember, player(LATE), LATE],
    ['an outsider kicks a member', asOther, memberP, MEMBER],
    ['a member kicks someone who is not there', asMember, undefined, LATE],
  ])('%s: not_session_leader', (_name, actor, current, uuid) => {
    expect(decideRemoval(session(), actor, target(current, uuid), undefined)).toEqual(reject('not_session_leader'));
  });

  test('player_not_in_session: leaving a session one is not in, or a kick of someone not there', () => {
    expect(decideRemoval(session(), asOther, target(undefined, OTHER), undefined)).toEqual(reject('player_not_in_session'));
    expect(decideRemoval(session(), asLeader, target(undefined, OTHER), undefined)).toEqual(reject('player_not_in_session'));
    expect(decideRemoval(session(), trusted, target(undefined, OTHER), undefined)).toEqual(reject('player_not_in_session'));
  });

  test('the leader leaves: leadership goes to the successor in the same change, relying on both as read', () => {
    const successor = player(MEMBER, { revision: 9 });
    const d = write(decideRemoval(session(), asLeader, target(leaderP), successor));
    expect(d.change.players).toEqual([
      { kind: 'delete', playerUuid: LEADER },
      { kind: 'put', player: { ...successor, status: 'leader', revision: 10 } },
    ]);
    expect(d.change.leader).toEqual({ set: MEMBER });
    expect(d.change.guards).toEqual([
      { kind: 'playerRevision', playerUuid: LEADER, revision: 5 },
      { kind: 'leaderIs', playerUuid: LEADER },
      { kind: 'playerRevision', playerUuid: MEMBER, revision: 9 },
    ]);
    expect(d.change).toMatchObject({ active: -1, seats: { 0: -1 } });
    expect(d.change.deleteSession).toBeUndefined();
  });

  test('the leader kicked by a trusted caller hands over the same way', () => {
    const d = write(decideRemoval(session(), trusted, target(leaderP), memberP));
    expect(d.change.leader).toEqual({ set: MEMBER });
    expect(d.change.guards).toEqual(
      expect.arrayContaining([
        { kind: 'leaderIs', playerUuid: LEADER },
        { kind: 'playerRevision', playerUuid: MEMBER, revision: 3 },
      ]),
    );
  });

  test.each<[string, Player | undefined]>([
    ['no successor read', undefined],
    ['the successor is the leaving leader', leaderP],
    ['the successor is only invited', invitedP()],
    ['the successor is only reserved', invitedP({ status: 'reserved' })],
  ])('a leader leaving other members with %s: session_conflict (read again)', (_name, successor) => {
    expect(decideRemoval(session(), asLeader, target(leaderP), successor)).toEqual(reject('session_conflict'));
  });

  test('the last active player leaves: the session is deleted, relying on the active count as read', () => {
    const s = session({
      activeCount: 1,
      teams: [
        { maxSize: 3, occupied: 2 },
        { maxSize: 2, occupied: 0 },
      ],
    });
    const d = write(decideRemoval(s, asLeader, target(leaderP), undefined));
    expect(d.change.deleteSession).toBe(true);
    expect(d.change.leader).toEqual({ remove: true });
    expect(d.change.guards).toEqual([
      { kind: 'playerRevision', playerUuid: LEADER, revision: 5 },
      { kind: 'activeCount', equals: 1 },
    ]);
    expect(d.change.players).toEqual([{ kind: 'delete', playerUuid: LEADER }]);
  });

  test('invited and reserved players do not keep a session alive', () => {
    // Leader + an invited player: occupancy 2, one active.
    const s = session({
      activeCount: 1,
      teams: [
        { maxSize: 3, occupied: 1 },
        { maxSize: 2, occupied: 1 },
      ],
    });
    expect(write(decideRemoval(s, asLeader, target(leaderP), invitedP({ teamId: 1 }))).change.deleteSession).toBe(true);
  });

  test('keep-alive: the last active player leaving does not delete the session; the leader is removed', () => {
    const s = session({ keepAliveOnEmpty: true, activeCount: 1 });
    const d = write(decideRemoval(s, asLeader, target(leaderP), undefined));
    expect(d.change.deleteSession).toBeUndefined();
    expect(d.change.leader).toEqual({ remove: true });
    expect(d.change.guards).toContainEqual({ kind: 'activeCount', equals: 1 });
  });

  test('keep-alive: the last member of a leaderless session leaves: nothing deleted, no leader touched', () => {
    const s = session({ keepAliveOnEmpty: true, leader: undefined, activeCount: 1 });
    const d = write(decideRemoval(s, asMember, target(memberP), undefined));
    expect(d.change.deleteSession).toBeUndefined();
    expect(d.change.leader).toBeUndefined();
  });

  test.each(['invited', 'reserved'] as const)('a %s player leaving frees the seat only', (status) => {
    const p = invitedP({ status, teamId: 1 });
    for (const s of [session(), session({ activeCount: 0, leader: undefined, keepAliveOnEmpty: true })]) {
      const d = write(decideRemoval(s, asOther, target(p), undefined));
      expect(d.change).toEqual({
        event: 'Session Player Left',
        subject: { playerUuid: OTHER, teamId: 1, status: 'left' },
        guards: [{ kind: 'playerRevision', playerUuid: OTHER, revision: 1 }],
        players: [{ kind: 'delete', playerUuid: OTHER }],
        seats: { 1: -1 },
        counters: {},
        active: 0,
      });
    }
  });

  test('the leader cancels an invite', () => {
    const d = write(decideRemoval(session(), asLeader, target(invitedP()), undefined));
    expect(d.change.guards).toEqual([
      { kind: 'leaderIs', playerUuid: LEADER },
      { kind: 'playerRevision', playerUuid: OTHER, revision: 1 },
    ]);
    expect(d.change.active).toBe(0);
  });
});

describe('earliestMember', () => {
  const at = (uuid: string, joined: string | undefined, status: Player['status'] = 'member') => player(uuid, { joined, status });

  test('the active player who joined earliest, other than the one leaving', () => {
    const players = [at(LEADER, '2026-01-01T00:00:00.000Z', 'leader'), at(LATE, '2026-01-01T00:00:09.000Z'), at(MEMBER, '2026-01-01T00:00:05.000Z')];
    expect(earliestMember(players, LEADER)?.playerUuid).toBe(MEMBER);
    expect(earliestMember(players, MEMBER)?.playerUuid).toBe(LEADER);
  });

  test('invited and reserved players are never the successor, however early', () => {
    const players = [
      at(LEADER, '2026-01-01T00:00:05.000Z', 'leader'),
      at(OTHER, '2026-01-01T00:00:00.000Z', 'invited'),
      at(ADMIN, '2026-01-01T00:00:01.000Z', 'reserved'),
      at(LATE, '2026-01-01T00:00:09.000Z'),
    ];
    expect(earliestMember(players, LEADER)?.playerUuid).toBe(LATE);
  });

  test('ties are broken by uuid', () => {
    const t = '2026-01-01T00:00:05.000Z';
    expect(earliestMember([at(LATE, t), at(MEMBER, t), at(LEADER, '2026-01-01T00:00:00.000Z', 'leader')], LEADER)?.playerUuid).toBe(MEMBER);
  });

  test('nobody else active: undefined', () => {
    expect(earliestMember([at(LEADER, NOW, 'leader'), at(OTHER, undefined, 'invited')], LEADER)).toBeUndefined();
    expect(earliestMember([], LEADER)).toBeUndefined();
  });

  test('the input is not reordered', () => {
    const players = [at(LATE, '2026-01-01T00:00:09.000Z'), at(MEMBER, '2026-01-01T00:00:05.000Z')];
    earliestMember(players, LEADER);
    expect(players.map((p) => p.playerUuid)).toEqual([LATE, MEMBER]);
  });
});

describe('decidePlayerUpdate: what the request leaves out stays as it is (RallyHere SDK bodies)', () => {
  const without = (...keys: (keyof PlayerUpdate)[]) => {
    const u: PlayerUpdate = update();
    for (const k of keys) delete u[k];
    return u;
  };
  const decideRaw = (current: Player | undefined, target: string, req: PlayerUpdate) =>
    decidePlayerUpdate(session(), asLeader, { playerUuid: target, current }, leaderP, req, NOW);

  test('a team alone moves a member, who stays a member with their custom data', () => {
    const d = write(decideRaw({ ...memberP, customData: { role: 'tank' } }, MEMBER, { ...without('status', 'customData'), teamId: 1 }));
    expect(d.result).toMatchObject({ status: 'member', teamId: 1, customData: { role: 'tank' } });
  });

  test('a team alone moves an invited player, who stays invited', () => {
    const d = write(decideRaw(invitedP(), OTHER, { ...without('status', 'customData'), teamId: 1 }));
    expect(d.result).toMatchObject({ status: 'invited', teamId: 1 });
  });

  test('custom data alone keeps the status and the team; a leader stays leader', () => {
    const d = write(decideRaw(leaderP, LEADER, { ...without('status', 'teamId'), customData: { ready: 'yes' } }));
    expect(d.result).toMatchObject({ status: 'leader', teamId: 0, customData: { ready: 'yes' } });
    expect(d.change.leader).toBeUndefined();
  });

  test('nothing at all changes nothing; a newcomer with nothing is added as a member without custom data', () => {
    expect(decideRaw({ ...memberP, customData: { a: 'b' } }, MEMBER, without('status', 'teamId', 'customData')).kind).toBe('unchanged');
    const d = write(decideRaw(undefined, LATE, without('status', 'teamId', 'customData')));
    expect(d.result).toMatchObject({ status: 'member', customData: {} });
  });
});
