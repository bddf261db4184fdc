// The join rules over plain data: every branch of decideJoin, with the guards each decision relies on.
import { contribution, zeroCounters, type CrossplayCounters } from '../../../../src/sessions/model/crossplay.js';
import type { Guard } from '../../../../src/sessions/model/change.js';
import { admissionChecks, decideJoin, joinRestsOn, type JoinDecision } from '../../../../src/sessions/rules/join.js';
import { ANY_CROSSPLAY, type JoinRequest, type Player, type Session } from '../../../../src/sessions/model/session.js';
import type { CrossplayPreferences, Input, Platform } from '../../../../src/contract/types.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const NOW = '2026-11-24T12:00:00.000Z';
const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

function session(over: Partial<Session> = {}): Session {
  return sessionFixture({
    customData: {},
    teams: [
      { maxSize: 2, occupied: 1 },
      { maxSize: 2, occupied: 0 },
    ],
    leader: OTHER,
    activeCount: 1,
    crossplay: { ...zeroCounters(), platform_other: 1, input_keyboardandmouse: 1 },
    ...over,
  });
}

function request(over: Partial<JoinRequest> = {}): JoinRequest {
  return {
    playerUuid: ME,
    status: 'member',
    teamId: 0,
    clientVersion: '1.0.0',
    clientSettings: { platform: 'Steam', input: 'keyboardandmouse' },
    crossplay: ANY_CROSSPLAY,
    customData: {},
    ...over,
  };
}

const player = (over: Partial<Player> = {}): Player => seatedPlayer(ME, { joined: '2026-11-24T11:00:00.000Z', revision: 3, ...over });

const write = (d: JoinDecision) => {
  if (d.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(d)}`);
  return d;
};
const kinds = (guards: Guard[]) => guards.map((g) => g.kind);

describe('rejections', () => {
  test.each<[string, Session | undefined, Player | undefined, Partial<JoinRequest>, string]>([
    ['unknown session', undefined, undefined, {}, 'session_not_found'],
    ['team id beyond the teams', session(), undefined, { teamId: 2 }, 'team_not_found'],
    ['asking for invited', session(), undefined, { status: 'invited' }, 'status_not_allowed'],
    ['asking for reserved while a member', session(), player(), { status: 'reserved' }, 'status_not_allowed'],
    ['newcomer, not joinable', session({ joinable: false }), undefined, {}, 'session_not_joinable'],
    ['newcomer, team full', session({ teams: [{ maxSize: 1, occupied: 1 }] }), undefined, {}, 'team_full'],
    ['member moving, not allowed', session({ canChangeOwnTeam: false }), player(), { teamId: 1 }, 'team_change_not_allowed'],
    [
      'member moving to a full team',
      session({
        teams: [
          { maxSize: 2, occupied: 1 },
          { maxSize: 1, occupied: 1 },
        ],
      }),
      player(),
      { teamId: 1 },
      'team_full',
    ],
    [
      'invited player moving, not allowed',
      session({ canChangeOwnTeam: false }),
      player({ status: 'invited' }),
      { teamId: 1 },
      'team_change_not_allowed',
    ],
  ])('%s', (_name, s, p, req, code) => {
    expect(decideJoin(s, p, request(req), NOW)).toEqual({ kind: 'reject', code });
  });

  test('the 404 comes before the status check, the status check before the team check', () => {
    expect(decideJoin(undefined, undefined, request({ status: 'invited', teamId: 9 }), NOW)).toEqual({ kind: 'reject', code: 'session_not_found' });
    expect(decideJoin(session(), undefined, request({ status: 'invited', teamId: 9 }), NOW)).toEqual({ kind: 'reject', code: 'status_not_allowed' });
  });
});

describe('newcomers', () => {
  test('join as member when the session has a leader, taking a seat', () => {
    const d = write(decideJoin(session(), undefined, request({ teamId: 1, customData: { a: 'b' } }), NOW));
    expect(d.result).toMatchObject({ playerUuid: ME, status: 'member', teamId: 1, customData: { a: 'b' }, joined: NOW, revision: 1 });
    expect(d.change.seats).toEqual({ 1: 1 });
    expect(d.change.leader).toBeUndefined();
    expect(kinds(d.change.guards)).toEqual(expect.arrayContaining(['playerAbsent', 'joinable', 'seatFree', 'hasLeader']));
    expect(d.change.event).toBe('Session Player Joined');
  });

  test('become leader when the session has none, whatever status was asked', () => {
    for (const status of ['member', 'leader'] as const) {
      const d = write(decideJoin(session({ leader: undefined }), undefined, request({ status }), NOW));
      expect(d.result.status).toBe('leader');
      expect(d.change.leader).toEqual({ set: ME });
      expect(kinds(d.change.guards)).toContain('noLeader');
    }
  });

  test('asking for leader while there is one is a wish: member', () => {
    const d = write(decideJoin(session(), undefined, request({ status: 'leader' }), NOW));
    expect(d.result.status).toBe('member');
    expect(d.change.leader).toBeUndefined();
  });

  test('add their crossplay contribution to the counters', () => {
    const d = write(decideJoin(session(), undefined, request({ clientSettings: { platform: 'XboxLive', input: 'gamepad' } }), NOW));
    expect(d.change.counters).toEqual({ platform_xbox: 1, input_gamepad: 1 });
  });
});

describe('invited and reserved players', () => {
  test.each(['invited', 'reserved'] as const)('%s accepts the held seat, even in a session that is not joinable', (status) => {
    const s = session({ joinable: false, teams: [{ maxSize: 1, occupied: 1 }] });
    const d = write(decideJoin(s, player({ status, joined: undefined, invited: NOW }), request(), NOW));
    expect(d.result.status).toBe('member');
    expect(d.result.invited).toBe(NOW);
    expect(d.result.joined).toBe(NOW);
    expect(d.change.seats).toEqual({});
    expect(kinds(d.change.guards)).not.toContain('joinable');
    expect(kinds(d.change.guards)).not.toContain('seatFree');
    expect(d.change.guards).toContainEqual({ kind: 'playerRevision', playerUuid: ME, revision: 3 });
    expect(d.change.event).toBe('Session Player Joined');
  });

  test('an invited player becomes leader of a leaderless session', () => {
    const d = write(decideJoin(session({ leader: undefined }), player({ status: 'invited' }), request(), NOW));
    expect(d.result.status).toBe('leader');
  });

  test('an invited player asking for another team moves there when it has room', () => {
    const d = write(decideJoin(session(), player({ status: 'reserved' }), request({ teamId: 1 }), NOW));
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
  });
});

describe('leaders and members', () => {
  test('a retry of the same join changes nothing and writes nothing', () => {
    expect(decideJoin(session(), player(), request(), NOW)).toEqual({ kind: 'unchanged', result: player() });
  });

  test('membership wins over team_full: a member of a full team re-joins fine', () => {
    const s = session({ teams: [{ maxSize: 1, occupied: 1 }] });
    expect(decideJoin(s, player(), request(), NOW).kind).toBe('unchanged');
    expect(write(decideJoin(s, player(), request({ clientVersion: '1.0.1' }), NOW)).change.seats).toEqual({});
  });

  test('an update writes the new details and keeps joined', () => {
    const d = write(decideJoin(session(), player(), request({ clientVersion: '2.0.0', customData: { k: 'v' } }), NOW));
    expect(d.result).toMatchObject({ clientVersion: '2.0.0', customData: { k: 'v' }, joined: '2026-11-24T11:00:00.000Z', revision: 4 });
    expect(d.change.event).toBe('Session Player Updated');
    expect(kinds(d.change.guards)).not.toContain('joinable');
  });

  test('a leader is never demoted by a join', () => {
    const d = decideJoin(session({ leader: ME }), player({ status: 'leader' }), request({ status: 'member' }), NOW);
    expect(d).toEqual({ kind: 'unchanged', result: player({ status: 'leader' }) });
  });

  test('a member of a leaderless session is promoted by a join', () => {
    const d = write(decideJoin(session({ leader: undefined }), player(), request(), NOW));
    expect(d.result.status).toBe('leader');
    expect(d.change.leader).toEqual({ set: ME });
    expect(kinds(d.change.guards)).toContain('noLeader');
  });

  test('asking for leader as a member of a led session changes nothing', () => {
    expect(decideJoin(session(), player(), request({ status: 'leader' }), NOW).kind).toBe('unchanged');
  });

  test('moving team frees the old seat and takes the new one', () => {
    const d = write(decideJoin(session(), player(), request({ teamId: 1 }), NOW));
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
    expect(d.change.guards).toContainEqual({ kind: 'seatFree', teamId: 1 });
  });

  test('changing platform moves the crossplay counters', () => {
    const d = write(decideJoin(session(), player(), request({ clientSettings: { platform: 'PSN', input: 'keyboardandmouse' } }), NOW));
    expect(d.change.counters).toEqual({ platform_other: -1, platform_playstation: 1 });
  });

  test('an unchanged crossplay profile relies on no crossplay counter', () => {
    const d = write(decideJoin(session(), player(), request({ clientVersion: '1.2.3' }), NOW));
    expect(kinds(d.change.guards)).not.toContain('counter');
  });
});

describe('crossplay', () => {
  const xbox = (input: Input = 'gamepad') => ({ platform: 'XboxLive' as Platform, input });
  const prefs = (
    permitted_platform: CrossplayPreferences['permitted_platform'],
    permitted_input: CrossplayPreferences['permitted_input'] = 'desired_inputs_any',
  ): CrossplayPreferences => ({ permitted_platform, permitted_input });

  function counters(...members: { platform: Platform; input: Input; preferences: CrossplayPreferences }[]): CrossplayCounters {
    const c = zeroCounters();
    for (const m of members) for (const k of contribution(m)) c[k]++;
    return c;
  }

  test.each<[string, CrossplayCounters, Partial<JoinRequest>, boolean]>([
    [
      'xbox-only joiner, Steam member present',
      counters({ platform: 'Steam', input: 'gamepad', preferences: ANY_CROSSPLAY }),
      { clientSettings: xbox(), crossplay: prefs('desired_platforms_xboxlike') },
      false,
    ],
    [
      'xbox-only joiner, only xbox members',
      counters({ ...xbox(), preferences: ANY_CROSSPLAY }),
      { clientSettings: xbox(), crossplay: prefs('desired_platforms_xboxlike') },
      true,
    ],
    [
      'PSN joiner, an xbox-only member present',
      counters({ ...xbox(), preferences: prefs('desired_platforms_xboxlike') }),
      { clientSettings: { platform: 'PSN', input: 'gamepad' } },
      false,
    ],
    [
      'playstation-only joiner, only PSN members',
      counters({ platform: 'PSN', input: 'gamepad', preferences: ANY_CROSSPLAY }),
      { clientSettings: { platform: 'PSN', input: 'gamepad' }, crossplay: prefs('desired_platforms_playstationlike') },
      true,
    ],
    [
      'gamepad-only joiner, a keyboard member present',
      counters({ platform: 'Steam', input: 'keyboardandmouse', preferences: ANY_CROSSPLAY }),
      { clientSettings: { platform: 'Steam', input: 'gamepad' }, crossplay: prefs('desired_platforms_any', 'desired_inputs_gamepad') },
      false,
    ],
    [
      'touch joiner, a member who wants keyboard only',
      counters({ platform: 'Steam', input: 'keyboardandmouse', preferences: prefs('desired_platforms_any', 'desired_inputs_keyboardandmouse') }),
      { clientSettings: { platform: 'Apple', input: 'touch' } },
      false,
    ],
    ['any/any joiner, any/any members', counters({ platform: 'Epic', input: 'touch', preferences: ANY_CROSSPLAY }), {}, true],
    [
      'empty session, strict joiner',
      zeroCounters(),
      { clientSettings: xbox(), crossplay: prefs('desired_platforms_xboxlike', 'desired_inputs_gamepad') },
      true,
    ],
  ])('%s', (_name, crossplay, req, allowed) => {
    const d = decideJoin(session({ crossplay }), undefined, request(req), NOW);
    if (allowed)
      expect(
        write(d)
          .change.guards.filter((g) => g.kind === 'counter')
          .every((g) => g.kind === 'counter' && g.equals === 0),
      ).toBe(true);
    else expect(d).toEqual({ kind: 'reject', code: 'crossplay_not_permitted' });
  });

  test('a member narrowing their own preferences is checked against the others, not themselves', () => {
    const me = player({ clientSettings: { platform: 'XboxLive', input: 'gamepad' } });
    const c = counters({ ...xbox(), preferences: ANY_CROSSPLAY });
    const d = write(
      decideJoin(session({ crossplay: c }), me, request({ clientSettings: xbox(), crossplay: prefs('desired_platforms_xboxlike') }), NOW),
    );
    // My own xbox platform counts 1 in the counters; the others must have no non-xbox platform.
    expect(d.change.guards).toContainEqual({ kind: 'counter', key: 'platform_other', equals: 0 });
    expect(d.change.counters).toEqual({ wants_platform_xbox: 1 });
  });

  test('an xbox-only member cannot narrow to xbox while a Steam player is active', () => {
    const me = player({ clientSettings: { platform: 'XboxLive', input: 'gamepad' } });
    const c = counters({ ...xbox(), preferences: ANY_CROSSPLAY }, { platform: 'Steam', input: 'gamepad', preferences: ANY_CROSSPLAY });
    expect(
      decideJoin(session({ crossplay: c }), me, request({ clientSettings: xbox(), crossplay: prefs('desired_platforms_xboxlike') }), NOW),
    ).toEqual({ kind: 'reject', code: 'crossplay_not_permitted' });
  });
});

describe('admission of newcomers: joinability x password x friend', () => {
  const FRIEND = OTHER;
  const HASH = 'scrypt$16384$8$1$salt$key';
  const friend = seatedPlayer(FRIEND, { status: 'leader', revision: 2 });
  const checked = (matches: boolean) => ({ password: { hash: HASH, matches } });

  type Row = [string, Partial<Session>, Partial<JoinRequest>, { friend?: Player; facts?: object }, string | Guard[]];
  test.each<Row>([
    ['open, no password: joins', { joinable: true }, {}, {}, [{ kind: 'joinable' }, { kind: 'noPassword' }]],
    [
      'closed, friends off: refused',
      { joinable: false },
      { friendUuid: FRIEND },
      { friend, facts: { friendConfirmed: FRIEND } },
      'session_not_joinable',
    ],
    ['friends only, no friend named', { joinable: false, friendsMayJoin: true }, {}, {}, 'not_a_friend'],
    ['friends only, friend not in the session', { joinable: false, friendsMayJoin: true }, { friendUuid: FRIEND }, {}, 'not_a_friend'],
    [
      'friends only, friend only invited',
      { joinable: false, friendsMayJoin: true },
      { friendUuid: FRIEND },
      { friend: { ...friend, status: 'invited' }, facts: { friendConfirmed: FRIEND } },
      'not_a_friend',
    ],
    ['friends only, friendship not confirmed', { joinable: false, friendsMayJoin: true }, { friendUuid: FRIEND }, { friend }, 'not_a_friend'],
    [
      'friends only, confirmed friend: joins, relying on the flag and the friend still active',
      { joinable: false, friendsMayJoin: true },
      { friendUuid: FRIEND },
      { friend, facts: { friendConfirmed: FRIEND } },
      [{ kind: 'friendsMayJoin' }, { kind: 'playerActive', playerUuid: FRIEND }, { kind: 'noPassword' }],
    ],
    ['open with a password, none given', { passwordHash: HASH }, {}, {}, 'session_password_required'],
    ['open with a password, wrong one', { passwordHash: HASH }, { password: 'nope' }, { facts: checked(false) }, 'session_password_incorrect'],
    [
      'open with a password, checked against another hash: read again',
      { passwordHash: HASH },
      { password: 'x' },
      { facts: { password: { hash: 'other', matches: true } } },
      'session_conflict',
    ],
    [
      'open with a password, right one',
      { passwordHash: HASH },
      { password: 'right' },
      { facts: checked(true) },
      [{ kind: 'joinable' }, { kind: 'passwordIs', hash: HASH }],
    ],
    [
      'friends only with a password: a confirmed friend still needs it',
      { joinable: false, friendsMayJoin: true, passwordHash: HASH },
      { friendUuid: FRIEND },
      { friend, facts: { friendConfirmed: FRIEND } },
      'session_password_required',
    ],
    [
      'friends only with a password: a confirmed friend with it joins',
      { joinable: false, friendsMayJoin: true, passwordHash: HASH },
      { friendUuid: FRIEND, password: 'right' },
      { friend, facts: { friendConfirmed: FRIEND, ...checked(true) } },
      [{ kind: 'friendsMayJoin' }, { kind: 'playerActive', playerUuid: FRIEND }, { kind: 'passwordIs', hash: HASH }],
    ],
  ])('%s', (_name, over, req, newcomer, expected) => {
    const d = decideJoin(session({ leader: FRIEND, ...over }), undefined, request(req), NOW, newcomer as never);
    if (typeof expected === 'string') expect(d).toEqual({ kind: 'reject', code: expected });
    else for (const g of expected) expect(write(d).change.guards).toContainEqual(g);
  });

  test.each(['invited', 'reserved', 'member', 'leader'] as const)('a %s player needs neither joinability nor the password', (status) => {
    const s = session({ joinable: false, friendsMayJoin: false, passwordHash: HASH, leader: status === 'leader' ? ME : FRIEND });
    const d = write(decideJoin(s, player({ status }), request({ teamId: 0, customData: { changed: 'yes' } }), NOW));
    const guardKinds = kinds(d.change.guards);
    for (const k of ['joinable', 'friendsMayJoin', 'noPassword', 'passwordIs'] as const) expect(guardKinds).not.toContain(k);
  });

  test('what must be established first: the friendship only for a friends-only session, the password only once admitted', () => {
    const friendsOnly = session({ joinable: false, friendsMayJoin: true, passwordHash: HASH });
    const asks = admissionChecks(friendsOnly, undefined, request({ friendUuid: FRIEND, password: 'p' }), friend);
    expect(asks.friend).toBe(FRIEND);
    expect(asks.password(false)).toBe(false);
    expect(asks.password(true)).toBe(true);
    const open = admissionChecks(session({ passwordHash: HASH }), undefined, request({ friendUuid: FRIEND, password: 'p' }), friend);
    expect(open.friend).toBeUndefined();
    expect(open.password(false)).toBe(true);
    expect(admissionChecks(session({ passwordHash: HASH }), undefined, request(), friend).password(true)).toBe(false);
    expect(admissionChecks(session({ joinable: false, passwordHash: HASH }), undefined, request({ password: 'p' }), undefined).password(true)).toBe(
      false,
    );
    expect(admissionChecks(friendsOnly, player(), request({ friendUuid: FRIEND, password: 'p' }), friend)).toEqual({
      password: expect.any(Function),
    });
    expect(admissionChecks(friendsOnly, player(), request({ password: 'p' }), friend).password(true)).toBe(false);
  });
});

describe('joinRestsOn: whom a join into free seats rests on while culls may be due', () => {
  const FRIEND = OTHER;
  const friend = seatedPlayer(FRIEND, { status: 'leader', revision: 2 });
  const restsOn = (s: Session, current: Player | undefined, req: JoinRequest, newcomer: Parameters<typeof decideJoin>[4] = {}) =>
    joinRestsOn(s, current, req, decideJoin(s, current, req, NOW, newcomer));

  test.each<[string, Partial<Session>, Partial<Player> | undefined, Partial<JoinRequest>, string[] | undefined]>([
    ['a newcomer into a free seat: the leader', {}, undefined, {}, [OTHER]],
    ['a newcomer into a free seat of the team they asked for: the leader', {}, undefined, { teamId: 1 }, [OTHER]],
    ['an active member changing their data: the leader and the member', {}, {}, { customData: { changed: 'yes' } }, [OTHER, ME]],
    ['the leader changing their data: the leader', { leader: ME }, { status: 'leader' }, { customData: { changed: 'yes' } }, [ME]],
    ['an invited player accepting: the leader', {}, { status: 'invited', joined: undefined }, {}, [OTHER]],
    ['a full team: none (the culls may free a seat)', { teams: [{ maxSize: 1, occupied: 1 }] }, undefined, {}, undefined],
    ['an unchanged re-join: none (a due caller would join afresh)', {}, {}, {}, undefined],
    ['no leader: none', { leader: undefined, activeCount: 0 }, undefined, {}, undefined],
    ['any team, the first: the leader', {}, undefined, { teamId: 'any' }, [OTHER]],
    [
      'any team, a later one: none (the culls may free an earlier seat)',
      {
        teams: [
          { maxSize: 1, occupied: 1 },
          { maxSize: 2, occupied: 0 },
        ],
      },
      undefined,
      { teamId: 'any' },
      undefined,
    ],
    ['an open session keeping a free seat: the leader', { autoJoin: true, joinable: true }, undefined, {}, [OTHER]],
    [
      'the last seat of an open session: none (the culls may keep it open)',
      {
        autoJoin: true,
        joinable: true,
        teams: [
          { maxSize: 2, occupied: 1 },
          { maxSize: 2, occupied: 2 },
        ],
      },
      undefined,
      {},
      undefined,
    ],
    [
      'the last seat of a session not open to create-or-join: the leader',
      {
        teams: [
          { maxSize: 2, occupied: 1 },
          { maxSize: 2, occupied: 2 },
        ],
      },
      undefined,
      {},
      [OTHER],
    ],
    [
      'any team, already seated in a later one: the leader and the member',
      {},
      { teamId: 1 },
      { teamId: 'any', customData: { c: 'changed' } },
      [OTHER, ME],
    ],
  ])('%s', (_, over, current, req, expected) => {
    expect(restsOn(session(over), current && player(current), request(req))).toEqual(expected);
  });

  test('a newcomer a friendship admits: the leader and the friend; an open session needs no friend', () => {
    const friendsOnly = session({ joinable: false, friendsMayJoin: true, leader: FRIEND });
    expect(restsOn(friendsOnly, undefined, request({ friendUuid: FRIEND }), { friend, facts: { friendConfirmed: FRIEND } })).toEqual([FRIEND]);
    const other = session({ joinable: false, friendsMayJoin: true, leader: '00000000-0000-4000-8000-000000000003' });
    expect(
      restsOn(other, undefined, request({ friendUuid: FRIEND }), { friend: { ...friend, status: 'member' }, facts: { friendConfirmed: FRIEND } }),
    ).toEqual(['00000000-0000-4000-8000-000000000003', FRIEND]);
    expect(restsOn(session(), undefined, request({ friendUuid: FRIEND }), { friend })).toEqual([OTHER]);
  });
});
