// The rules of update_session_by_id over plain data: who may, joinable, custom data, and the team layout
// (grow, shrink, remove), never below the seats held.
import type { Decision } from '../../../../src/sessions/model/change.js';
import { zeroCounters } from '../../../../src/sessions/model/crossplay.js';
import type { Session } from '../../../../src/sessions/model/session.js';
import type { Actor } from '../../../../src/sessions/model/actor.js';
import { decideSessionUpdate, type SessionUpdate } from '../../../../src/sessions/rules/session.js';
import { sessionFixture } from '../../../support/fixtures.js';

const LEADER = '00000000-0000-4000-8000-00000000000a';
const MEMBER = '00000000-0000-4000-8000-00000000000b';
const ADMIN = '00000000-0000-4000-8000-00000000000d';

const trusted: Actor = { playerUuid: ADMIN, trusted: true };
const asLeader: Actor = { playerUuid: LEADER, trusted: false };
const asMember: Actor = { playerUuid: MEMBER, trusted: false };

/** Team 0: 4 seats, 2 held (leader, member); team 1: 4 seats, 1 held (an invite); team 2: 2 seats, empty. */
function session(over: Partial<Session> = {}): Session {
  return sessionFixture({
    customData: { map: 'harbour' },
    teams: [
      { maxSize: 4, occupied: 2 },
      { maxSize: 4, occupied: 1, customData: { colour: 'red' } },
      { maxSize: 2, occupied: 0 },
    ],
    leader: LEADER,
    activeCount: 2,
    crossplay: { ...zeroCounters(), platform_other: 2 },
    ...over,
  });
}

function write(d: Decision<Session>) {
  if (d.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(d)}`);
  return d;
}
const reject = (code: string) => ({ kind: 'reject', code });
const sizes = (teams: { maxSize: number }[] | undefined) => teams?.map((t) => t.maxSize);

describe('who may update a session', () => {
  test('unknown session: session_not_found', () => {
    expect(decideSessionUpdate(undefined, trusted, { joinable: false })).toEqual(reject('session_not_found'));
  });

  test.each<[string, Actor, Partial<Session>]>([
    ['a member', asMember, {}],
    ['an outsider', { playerUuid: '00000000-0000-4000-8000-0000000000ff', trusted: false }, {}],
    ['anyone but a trusted caller, in a leaderless session', asMember, { leader: undefined }],
  ])('%s: not_session_leader', (_name, actor, over) => {
    expect(decideSessionUpdate(session(over), actor, { joinable: false })).toEqual(reject('not_session_leader'));
  });

  test('not_session_leader comes before the layout check', () => {
    expect(decideSessionUpdate(session(), asMember, { teams: [{ maxSize: 1 }] })).toEqual(reject('not_session_leader'));
  });

  test('the leader and a trusted caller decide the same change; a session update relies on no guard (version only)', () => {
    const byLeader = write(decideSessionUpdate(session(), asLeader, { joinable: false }));
    const byAdmin = write(decideSessionUpdate(session(), trusted, { joinable: false }));
    expect(byLeader).toEqual(byAdmin);
    expect(byLeader.change.guards).toEqual([]);
    expect(byLeader.change.players).toEqual([]);
  });

  test('a trusted caller may update a leaderless session', () => {
    expect(write(decideSessionUpdate(session({ leader: undefined }), trusted, { customData: {} })).change.customData).toEqual({});
  });
});

describe('joinable and custom data', () => {
  test('joinable: only joinable is written; the result is the next version', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { joinable: false }));
    expect(d.change).toEqual({ event: 'Session Updated', guards: [], players: [], joinable: false });
    expect(d.result).toEqual({ ...session(), joinable: false, version: 8 });
  });

  test('custom data replaces the whole map', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { customData: { mode: 'ranked' } }));
    expect(d.change).toEqual({ event: 'Session Updated', guards: [], players: [], customData: { mode: 'ranked' } });
    expect(d.result.customData).toEqual({ mode: 'ranked' });
  });

  test('both at once', () => {
    const d = write(decideSessionUpdate(session(), trusted, { joinable: false, customData: {} }));
    expect(d.change).toMatchObject({ joinable: false, customData: {} });
    expect(d.change.teams).toBeUndefined();
  });
});

describe('teams', () => {
  test('grow: sizes change, a new team starts empty with the size asked', () => {
    const d = write(
      decideSessionUpdate(session(), asLeader, {
        teams: [{ maxSize: 6 }, { maxSize: 4 }, { maxSize: 2 }, { maxSize: 3, customData: { colour: 'blue' } }],
      }),
    );
    expect(d.change.teams).toEqual([
      { maxSize: 6, occupied: 2 },
      { maxSize: 4, occupied: 1, customData: { colour: 'red' } },
      { maxSize: 2, occupied: 0 },
      { maxSize: 3, occupied: 0, customData: { colour: 'blue' } },
    ]);
    expect(d.result.teams).toEqual(d.change.teams);
    expect(d.change.joinable).toBeUndefined();
    expect(d.change.customData).toBeUndefined();
  });

  test('fields left out keep their values; a new team without a size takes team 0s', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { teams: [{}, {}, {}, {}] }));
    expect(sizes(d.change.teams)).toEqual([4, 4, 2, 4]);
    expect(d.change.teams?.[1]?.customData).toEqual({ colour: 'red' });
  });

  test('team custom data alone is a change of the layout', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { teams: [{}, { customData: { colour: 'green' } }, {}] }));
    expect(d.change.teams?.[1]).toEqual({ maxSize: 4, occupied: 1, customData: { colour: 'green' } });
  });

  test('shrink down to the seats held: allowed', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { teams: [{ maxSize: 2 }, { maxSize: 1 }, { maxSize: 1 }] }));
    expect(sizes(d.change.teams)).toEqual([2, 1, 1]);
  });

  test('remove an empty team: allowed', () => {
    const d = write(decideSessionUpdate(session(), asLeader, { teams: [{}, {}] }));
    expect(d.change.teams).toHaveLength(2);
    expect(d.result.teams).toHaveLength(2);
  });

  test.each<[string, SessionUpdate['teams']]>([
    ['shrink team 0 below its 2 seats held', [{ maxSize: 1 }, {}, {}]],
    ['shrink team 1 below its invite', [{}, { maxSize: 0 }, {}]],
    ['remove team 1, which holds an invite', [{}]],
    ['remove teams 1 and 2 while growing team 0', [{ maxSize: 10 }]],
  ])('%s: team_size_below_occupancy', (_name, teams) => {
    expect(decideSessionUpdate(session(), trusted, { teams })).toEqual(reject('team_size_below_occupancy'));
  });

  test('a refused layout refuses the whole update (nothing else is written either)', () => {
    expect(decideSessionUpdate(session(), asLeader, { joinable: false, customData: {}, teams: [{ maxSize: 1 }] })).toEqual(
      reject('team_size_below_occupancy'),
    );
  });
});

describe('unchanged', () => {
  test.each<[string, SessionUpdate]>([
    ['an empty update', {}],
    ['the same joinable', { joinable: true }],
    ['the same custom data', { customData: { map: 'harbour' } }],
    ['the same layout, spelled out', { teams: [{ maxSize: 4 }, { maxSize: 4, customData: { colour: 'red' } }, { maxSize: 2 }] }],
    ['the same layout, left implicit', { teams: [{}, {}, {}] }],
    ['all of it the same', { joinable: true, customData: { map: 'harbour' }, teams: [{}, {}, {}] }],
  ])('%s: nothing to write, the session as read', (_name, update) => {
    expect(decideSessionUpdate(session(), asLeader, update)).toEqual({ kind: 'unchanged', result: session() });
  });
});
