// The rules of delete_session over plain data: who may, and what the deleting transaction writes.
import type { Actor } from '../../../../src/sessions/model/actor.js';
import { decideDeletion } from '../../../../src/sessions/rules/session.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const LEADER = '00000000-0000-4000-8000-00000000000a';
const MEMBER = '00000000-0000-4000-8000-00000000000b';
const INVITED = '00000000-0000-4000-8000-000000000001';
const ADMIN = '00000000-0000-4000-8000-00000000000d';

const session = sessionFixture({ leader: LEADER, activeCount: 2, teams: [{ maxSize: 4, occupied: 3 }] });
const players = [seatedPlayer(MEMBER), seatedPlayer(LEADER, { status: 'leader' }), seatedPlayer(INVITED, { status: 'invited' })];
const as = (playerUuid: string, trusted = false): Actor => ({ playerUuid, trusted });

test.each([
  ['no session', undefined, as(ADMIN, true), 'session_not_found'],
  ['a member', session, as(MEMBER), 'not_session_leader'],
  ['an invited player', session, as(INVITED), 'not_session_leader'],
  ['a stranger', session, as(ADMIN), 'not_session_leader'],
  ['a player, of a session without a leader', sessionFixture(), as(LEADER), 'not_session_leader'],
])('refused: %s', (_, s, actor, code) => {
  expect(decideDeletion(s, actor, players)).toEqual({ kind: 'reject', code });
});

test('the leader: the session deleted with every membership, in uuid order, relying on still leading', () => {
  expect(decideDeletion(session, as(LEADER), players)).toEqual({
    kind: 'write',
    change: {
      event: 'Session Deleted',
      reason: 'delete_session',
      guards: [{ kind: 'leaderIs', playerUuid: LEADER }],
      players: [INVITED, LEADER, MEMBER].map((playerUuid) => ({ kind: 'delete', playerUuid })),
      deleteSession: true,
    },
    result: { membershipsLeft: false },
  });
});

test('a trusted caller relies on nothing; without the players read, the memberships are left for after the write', () => {
  const d = decideDeletion(sessionFixture(), as(ADMIN, true), undefined);
  expect(d).toEqual({
    kind: 'write',
    change: { event: 'Session Deleted', reason: 'delete_session', guards: [], players: [], deleteSession: true },
    result: { membershipsLeft: true },
  });
});
