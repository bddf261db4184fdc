// The swap rules over plain data: who may, which pairs, and the facts a swap relies on.
import type { Actor } from '../../../../src/sessions/model/actor.js';
import type { Player } from '../../../../src/sessions/model/session.js';
import { decideSwap } from '../../../../src/sessions/rules/swap.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const LEADER = '00000000-0000-4000-8000-00000000000a';
const A = '00000000-0000-4000-8000-00000000000b';
const B = '00000000-0000-4000-8000-00000000000c';
const session = sessionFixture({
  teams: [
    { maxSize: 2, occupied: 2 },
    { maxSize: 2, occupied: 1 },
  ],
  leader: LEADER,
  activeCount: 3,
});
const leader = seatedPlayer(LEADER, { status: 'leader', revision: 4 });
const a = seatedPlayer(A, { teamId: 0, revision: 2 });
const b = seatedPlayer(B, { teamId: 1, status: 'invited', revision: 7 });
const asLeader: Actor = { playerUuid: LEADER, trusted: false };

test('two players on different teams trade teams, each item written once with its next revision; seats untouched', () => {
  const d = decideSwap(session, asLeader, [a, b]);
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect(d.result.map((p) => [p.playerUuid, p.teamId, p.status, p.revision])).toEqual([
    [A, 1, 'member', 3],
    [B, 0, 'invited', 8],
  ]);
  expect(d.change.seats).toBeUndefined();
  expect(d.change.guards).toEqual([
    { kind: 'playerRevision', playerUuid: A, revision: 2 },
    { kind: 'playerRevision', playerUuid: B, revision: 7 },
    { kind: 'leaderIs', playerUuid: LEADER },
  ]);
});

test('a trusted caller needs no leadership; the write relies on no leader', () => {
  const d = decideSwap(session, { playerUuid: 'service:x', trusted: true }, [a, b]);
  if (d.kind !== 'write') throw new Error(JSON.stringify(d));
  expect(d.change.guards.map((g) => g.kind)).toEqual(['playerRevision', 'playerRevision']);
});

test.each<[string, Actor, [Player | undefined, Player | undefined], string]>([
  ['a member who is not the leader', { playerUuid: A, trusted: false }, [a, b], 'not_session_leader'],
  ['a player not in the session', asLeader, [a, undefined], 'player_not_in_session'],
  ['two players on the same team', asLeader, [a, { ...b, teamId: 0 }], 'players_on_same_team'],
  ['the same player twice', asLeader, [a, a], 'players_on_same_team'],
  ['the leader', asLeader, [leader, b], 'leader_not_swappable'],
])('%s: refused', (_name, actor, pair, code) => {
  expect(decideSwap(session, actor, pair)).toEqual({ kind: 'reject', code });
});

test('an unknown session: session_not_found first', () => {
  expect(decideSwap(undefined, asLeader, [a, b])).toEqual({ kind: 'reject', code: 'session_not_found' });
});
