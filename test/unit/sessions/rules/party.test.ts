// The party rules over plain data: who may invite or kick a whole session, where each invitee sits under every
// overflow action, who is skipped, batches, the hand-over and the end of a session, and the facts each relies on.
import type { Actor } from '../../../../src/sessions/model/actor.js';
import type { Player, Session } from '../../../../src/sessions/model/session.js';
import { decideSessionInvite, decideSessionKick, partyOf, type PartyInvite } from '../../../../src/sessions/rules/party.js';
import type { OverflowAction } from '../../../../src/sessions/rules/player.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const HOST = uuid(1);
const HELPER = uuid(2);
const [P1, P2, P3] = [uuid(11), uuid(12), uuid(13)];
const NOW = '2026-12-02T10:00:00.000Z';

const lobby = (over: Partial<Session> = {}) =>
  sessionFixture({
    sessionId: 'lobby',
    teams: [
      { maxSize: 2, occupied: 2 },
      { maxSize: 2, occupied: 0 },
      { maxSize: 1, occupied: 0 },
    ],
    leader: HOST,
    activeCount: 2,
    ...over,
  });
const host = seatedPlayer(HOST, { status: 'leader', revision: 3 });
const helper = seatedPlayer(HELPER, { revision: 2 });
const partySession = sessionFixture({ sessionId: 'party', incarnation: 'party-inc', leader: P2, activeCount: 2 });
// P2 leads, P1 joined before P3; an invited player of the party is not one of its members.
const party = partyOf(partySession, [
  seatedPlayer(P3, { joined: '2026-12-02T09:00:03.000Z' }),
  seatedPlayer(P1, { joined: '2026-12-02T09:00:01.000Z' }),
  seatedPlayer(P2, { status: 'leader', joined: '2026-12-02T09:00:02.000Z' }),
  seatedPlayer(uuid(19), { status: 'invited' }),
]);
const asPlayer = (playerUuid: string): Actor => ({ playerUuid, trusted: false });
const trusted: Actor = { playerUuid: 'service:x', trusted: true };
const present = (...players: Player[]) => new Map(players.map((p) => [p.playerUuid, p]));
const invite = (over: Partial<PartyInvite> = {}): PartyInvite => ({ overflowAction: 'fail', customData: {}, ...over });

test('the party is its leader, then its members in the order they joined; invited and reserved players are not in it', () => {
  expect(party.members.map((p) => p.playerUuid)).toEqual([P2, P1, P3]);
});

test('the leader invites every member not yet in the session, each invited by them, on one team; the facts written down', () => {
  const d = decideSessionInvite(
    lobby(),
    asPlayer(HOST),
    party,
    present(host),
    invite({ teamId: 1, overflowAction: 'allow_overflow', customData: { k: 'v' } }),
    NOW,
    93,
  );
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect(d.result.invited.map((p) => [p.playerUuid, p.status, p.teamId, p.invitedBy, p.invited, p.revision, p.customData])).toEqual([
    [P2, 'invited', 1, HOST, NOW, 1, { k: 'v' }],
    [P1, 'invited', 1, HOST, NOW, 1, { k: 'v' }],
    [P3, 'invited', 2, HOST, NOW, 1, { k: 'v' }],
  ]);
  expect(d.result.remaining).toBe(0);
  expect(d.change.seats).toEqual({ 1: 2, 2: 1 });
  expect(d.change.active ?? 0).toBe(0);
  expect(d.change.counters).toBeUndefined();
  expect([d.change.event, d.change.reason]).toEqual(['Session Updated', 'invite_session_to_session']);
  expect(d.change.guards).toEqual([
    { kind: 'leaderIs', playerUuid: HOST },
    { kind: 'playerAbsent', playerUuid: P2 },
    { kind: 'playerAbsent', playerUuid: P1 },
    { kind: 'playerAbsent', playerUuid: P3 },
  ]);
});

test('players already in the session, with any status, are skipped; none left to invite is no change', () => {
  const already = seatedPlayer(P1, { status: 'invited', teamId: 1 });
  const d = decideSessionInvite(
    lobby(),
    asPlayer(HOST),
    party,
    present(host, already),
    invite({ teamId: 1, overflowAction: 'allow_overflow' }),
    NOW,
    93,
  );
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect(d.result.invited.map((p) => p.playerUuid)).toEqual([P2, P3]);
  const all = present(host, ...party.members);
  expect(decideSessionInvite(lobby(), asPlayer(HOST), party, all, invite(), NOW, 93)).toEqual({
    kind: 'unchanged',
    result: { invited: [], remaining: 0 },
  });
});

test.each<[OverflowAction, number | undefined, number[] | 'team_full']>([
  ['fail', 1, 'team_full'],
  ['fail', undefined, 'team_full'],
  ['allow_overflow', 1, [1, 1, 2]],
  ['allow_overflow', 0, [1, 1, 2]],
  ['partial_without_overflow', 1, [1, 1]],
  ['partial_without_overflow', 0, 'team_full'],
  ['partial_with_overflow', 2, [2, 1, 1]],
  ['partial_with_overflow', 0, [1, 1, 2]],
  ['overfill', 0, [0, 0, 0]],
])('three invitees, free seats 0/2/1, %s on team %s: %j', (overflowAction, teamId, expected) => {
  const d = decideSessionInvite(lobby(), asPlayer(HOST), party, present(host), invite({ teamId, overflowAction }), NOW, 93);
  if (expected === 'team_full') expect(d).toEqual({ kind: 'reject', code: 'team_full' });
  else {
    if (d.kind !== 'write') throw new Error(JSON.stringify(d));
    expect(d.result.invited.map((p) => p.teamId)).toEqual(expected);
  }
});

test('no team asked: the first team with a free seat; a partial action with no seat anywhere invites nobody and is refused', () => {
  const roomy = lobby({ teams: [{ maxSize: 4, occupied: 1 }] });
  const d = decideSessionInvite(roomy, asPlayer(HOST), party, present(host), invite(), NOW, 93);
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect(d.result.invited.map((p) => p.teamId)).toEqual([0, 0, 0]);
  const full = lobby({ teams: [{ maxSize: 1, occupied: 1 }] });
  expect(decideSessionInvite(full, asPlayer(HOST), party, present(host), invite({ overflowAction: 'partial_with_overflow' }), NOW, 93)).toEqual({
    kind: 'reject',
    code: 'team_full',
  });
  expect(decideSessionInvite(full, asPlayer(HOST), party, present(host), invite({ teamId: 1 }), NOW, 93)).toEqual({
    kind: 'reject',
    code: 'team_not_found',
  });
});

test('a batch writes at most `limit` invitees and says how many remain; the placement is of the whole group', () => {
  const d = decideSessionInvite(lobby(), asPlayer(HOST), party, present(host), invite({ teamId: 1, overflowAction: 'allow_overflow' }), NOW, 2);
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect([d.result.invited.map((p) => p.playerUuid), d.result.remaining, d.change.seats]).toEqual([[P2, P1], 1, { 1: 2 }]);
  // Under fail the whole group must still fit: a batch is refused when the rest would not.
  expect(decideSessionInvite(lobby(), asPlayer(HOST), party, present(host), invite({ teamId: 1 }), NOW, 2)).toEqual({
    kind: 'reject',
    code: 'team_full',
  });
});

test('who may invite a party: trusted, leader, a member holding invite, or a party member into an open session without a password', () => {
  const roomy = (over: Partial<Session> = {}) => lobby({ teams: [{ maxSize: 8, occupied: 2 }], ...over });
  const guardsOf = (s: Session, actor: Actor, players: Map<string, Player>) => {
    const d = decideSessionInvite(s, actor, party, players, invite(), NOW, 93);
    return d.kind === 'write' ? d.change.guards.filter((g) => g.kind !== 'playerAbsent') : d;
  };
  expect(guardsOf(roomy(), trusted, present())).toEqual([]);
  expect(guardsOf(roomy({ joinable: false }), asPlayer(HOST), present(host))).toEqual([{ kind: 'leaderIs', playerUuid: HOST }]);
  expect(guardsOf(roomy({ joinable: false }), asPlayer(HELPER), present(helper))).toEqual({ kind: 'reject', code: 'not_session_leader' });
  const holding = { ...helper, permissions: ['invite' as const] };
  expect(guardsOf(roomy({ joinable: false }), asPlayer(HELPER), present(holding))).toEqual([
    { kind: 'playerActive', playerUuid: HELPER, holds: 'invite' },
  ]);
  // Holding it while only invited is not being a member who holds it.
  expect(guardsOf(roomy({ joinable: false }), asPlayer(HELPER), present({ ...holding, status: 'invited' }))).toEqual({
    kind: 'reject',
    code: 'not_session_leader',
  });
  expect(guardsOf(roomy(), asPlayer(P3), present())).toEqual([
    { kind: 'joinable' },
    { kind: 'noPassword' },
    { kind: 'activeElsewhere', sessionId: 'party', incarnation: 'party-inc', member: P3 },
  ]);
  expect(guardsOf(roomy({ joinable: false }), asPlayer(P3), present())).toEqual({ kind: 'reject', code: 'session_not_joinable' });
  expect(guardsOf(roomy({ passwordHash: 'h' }), asPlayer(P3), present())).toEqual({ kind: 'reject', code: 'session_password_required' });
  // Only invited to the party: not one of its members.
  expect(guardsOf(roomy(), asPlayer(uuid(19)), present())).toEqual({ kind: 'reject', code: 'not_session_leader' });
  expect(decideSessionInvite(undefined, trusted, party, present(), invite(), NOW, 93)).toEqual({ kind: 'reject', code: 'session_not_found' });
  expect(decideSessionInvite(roomy(), trusted, undefined, present(), invite(), NOW, 93)).toEqual({ kind: 'reject', code: 'session_not_found' });
});

describe('kick_session_from_session', () => {
  const inLobby = [
    host,
    seatedPlayer(P1, { teamId: 0, revision: 5 }),
    seatedPlayer(P3, { status: 'invited', teamId: 1, revision: 2 }),
    seatedPlayer(HELPER, { teamId: 1, revision: 4, joined: '2026-12-02T09:30:00.000Z' }),
  ];
  const kickLobby = lobby({
    teams: [
      { maxSize: 2, occupied: 2 },
      { maxSize: 2, occupied: 2 },
    ],
    activeCount: 3,
  });

  test('the leader removes every player here who is a member of the party, invited ones too; seats, counters and active follow', () => {
    const d = decideSessionKick(kickLobby, asPlayer(HOST), party, inLobby, 93);
    if (d.kind !== 'write') throw new Error(JSON.stringify(d));
    expect(d.change.players).toEqual([
      { kind: 'delete', playerUuid: P1 },
      { kind: 'delete', playerUuid: P3 },
    ]);
    expect([d.change.seats, d.change.active, d.result.remaining]).toEqual([{ 0: -1, 1: -1 }, -1, 0]);
    expect(Object.values(d.change.counters ?? {}).every((n) => n === -1)).toBe(true);
    expect(Object.keys(d.change.counters ?? {}).length).toBeGreaterThan(0);
    expect(d.change.guards).toEqual([
      { kind: 'leaderIs', playerUuid: HOST },
      { kind: 'playerRevision', playerUuid: P1, revision: 5 },
      { kind: 'playerRevision', playerUuid: P3, revision: 2 },
    ]);
    expect([d.change.event, d.change.reason, d.change.leader, d.change.deleteSession]).toEqual([
      'Session Updated',
      'kick_session_from_session',
      undefined,
      undefined,
    ]);
  });

  test('only a trusted caller or the leader; nothing of the party here is no change', () => {
    expect(decideSessionKick(kickLobby, asPlayer(HELPER), party, inLobby, 93)).toEqual({ kind: 'reject', code: 'not_session_leader' });
    expect(decideSessionKick(kickLobby, trusted, party, inLobby, 93).kind).toBe('write');
    expect(decideSessionKick(kickLobby, asPlayer(HOST), party, [host, inLobby[3]!], 93)).toEqual({ kind: 'unchanged', result: { remaining: 0 } });
    expect(decideSessionKick(undefined, trusted, party, [], 93)).toEqual({ kind: 'reject', code: 'session_not_found' });
    expect(decideSessionKick(kickLobby, trusted, undefined, inLobby, 93)).toEqual({ kind: 'reject', code: 'session_not_found' });
  });

  test('the leader among them goes last and hands leadership to the earliest who stays', () => {
    const partyWithHost = partyOf(partySession, [...party.members, seatedPlayer(HOST, { status: 'member' })]);
    const first = decideSessionKick(kickLobby, asPlayer(HOST), partyWithHost, inLobby, 2);
    if (first.kind !== 'write') throw new Error(JSON.stringify(first));
    expect([first.change.players.map((w) => (w.kind === 'delete' ? w.playerUuid : '')), first.result.remaining, first.change.leader]).toEqual([
      [P1, P3],
      1,
      undefined,
    ]);
    const d = decideSessionKick(kickLobby, asPlayer(HOST), partyWithHost, inLobby, 93);
    if (d.kind !== 'write') throw new Error(JSON.stringify(d));
    expect(d.change.players.at(-1)).toEqual({ kind: 'put', player: { ...inLobby[3]!, status: 'leader', revision: 5 } });
    expect(d.change.leader).toEqual({ set: HELPER });
    expect(d.change.guards).toContainEqual({ kind: 'playerRevision', playerUuid: HELPER, revision: 4 });
  });

  test('nobody active left: the session ends (Session Deleted), unless its template keeps it alive', () => {
    const everyone = partyOf(partySession, inLobby);
    const d = decideSessionKick(kickLobby, trusted, everyone, inLobby, 93);
    if (d.kind !== 'write') throw new Error(JSON.stringify(d));
    expect([d.change.deleteSession, d.change.event, d.change.leader, d.change.active]).toEqual([true, 'Session Deleted', { remove: true }, -3]);
    expect(d.change.guards).toContainEqual({ kind: 'activeCount', equals: 3 });
    const kept = decideSessionKick({ ...kickLobby, keepAliveOnEmpty: true }, trusted, everyone, inLobby, 93);
    if (kept.kind !== 'write') throw new Error(JSON.stringify(kept));
    expect([kept.change.deleteSession, kept.change.event, kept.change.leader]).toEqual([undefined, 'Session Updated', { remove: true }]);
  });
});
