// The v2 player operations' rule that the player must already be in the session (decidePlayerUpdate's `present`),
// written from the contract's texts of the v2 operations: Update Player By Uuid V2 ("404 `player_not_in_session` for
// a player not in it"), Promote Player By Uuid V2 (the same; "an invited or reserved player promoted becomes an active
// leader at once") and Move Player By Uuid V2 (the same); Invite Player By Uuid V2 is for "a player not in the
// session", so the rule does not apply to it. Each request is built as handlers/player-v2.ts builds it.
import type { Decision } from '../../../../src/sessions/model/change.js';
import { zeroCounters } from '../../../../src/sessions/model/crossplay.js';
import type { Actor } from '../../../../src/sessions/model/actor.js';
import type { CustomData } from '../../../../src/contract/types.js';
import type { Player, Session } from '../../../../src/sessions/model/session.js';
import { decidePlayerUpdate, type PlayerUpdate } from '../../../../src/sessions/rules/player.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const NOW = '2026-11-24T12:00:00.000Z';
const LEADER = '00000000-0000-4000-8000-0000000000a1';
const MEMBER = '00000000-0000-4000-8000-0000000000b2';
const INVITED = '00000000-0000-4000-8000-0000000000c3';
const STRANGER = '00000000-0000-4000-8000-0000000000d4';
const ADMIN = '00000000-0000-4000-8000-0000000000e5';

const trusted: Actor = { playerUuid: ADMIN, trusted: true };
const asLeader: Actor = { playerUuid: LEADER, trusted: false };
const asMember: Actor = { playerUuid: MEMBER, trusted: false };
const asStranger: Actor = { playerUuid: STRANGER, trusted: false };

/** Leader and member on team 0 (3 seats), an invite on team 1 (3 seats); Steam with keyboard and mouse, any crossplay. */
const session = (over: Partial<Session> = {}): Session =>
  sessionFixture({
    teams: [
      { maxSize: 3, occupied: 2 },
      { maxSize: 3, occupied: 1 },
    ],
    leader: LEADER,
    activeCount: 2,
    crossplay: { ...zeroCounters(), platform_other: 2, input_keyboardandmouse: 2 },
    ...over,
  });
const leaderP = seatedPlayer(LEADER, { status: 'leader', joined: '2026-11-24T10:00:00.000Z', revision: 4 });
const memberP = seatedPlayer(MEMBER, { joined: '2026-11-24T11:00:00.000Z', customData: { loadout: 'a' }, revision: 2 });
const invitedP = seatedPlayer(INVITED, {
  status: 'invited',
  teamId: 1,
  invitedBy: LEADER,
  invited: '2026-11-24T11:30:00.000Z',
  joined: undefined,
  clientVersion: undefined,
  clientSettings: undefined,
  crossplay: undefined,
});
const inSession = new Map([leaderP, memberP, invitedP].map((p) => [p.playerUuid, p]));

// The requests as handlers/player-v2.ts reads each body.
const updateV2 = (customData: CustomData): PlayerUpdate => ({ customData, overflowAction: 'fail', present: true });
const promoteV2: PlayerUpdate = { status: 'leader', overflowAction: 'fail', present: true };
const moveV2 = (teamId?: number): PlayerUpdate => ({ teamId, overflowAction: 'fail', present: true });
const inviteV2 = (teamId?: number): PlayerUpdate => ({ status: 'invited', teamId, customData: {}, overflowAction: 'fail' });

/** decidePlayerUpdate as operations/update-player.ts calls it: the target's and the leader's memberships, the caller's own. */
function decide(actor: Actor, target: string, req: PlayerUpdate, s: Session = session(), players = inSession): Decision<Player> {
  return decidePlayerUpdate(
    s,
    actor,
    { playerUuid: target, current: players.get(target) },
    s.leader ? players.get(s.leader) : undefined,
    req,
    NOW,
    players.get(actor.playerUuid),
  );
}
const notInSession = { kind: 'reject', code: 'player_not_in_session' };
const written = (d: Decision<Player>) => {
  if (d.kind !== 'write') throw new Error(`expected a write, got ${JSON.stringify(d)}`);
  return d;
};

describe('the player is not in the session: 404 player_not_in_session, and nothing is written', () => {
  test.each([
    ['update_player_by_uuid_v2', 'the leader', asLeader, updateV2({ loadout: 'b' })],
    ['update_player_by_uuid_v2', 'a trusted caller', trusted, updateV2({ loadout: 'b' })],
    ['promote_player_by_uuid_v2', 'the leader', asLeader, promoteV2],
    ['promote_player_by_uuid_v2', 'a trusted caller', trusted, promoteV2],
    ['move_player_by_uuid_v2', 'the leader', asLeader, moveV2(1)],
    ['move_player_by_uuid_v2', 'a trusted caller', trusted, moveV2(1)],
    ['move_player_by_uuid_v2 without a team', 'the leader', asLeader, moveV2()],
  ])('%s by %s on a stranger', (_op, _who, actor, req) => {
    expect(decide(actor, STRANGER, req)).toEqual(notInSession);
  });

  // A player acting on themselves is the one case where the v1 update adds them (the join rules): v2 does not.
  test.each([
    ['update_player_by_uuid_v2', updateV2({ loadout: 'b' })],
    ['move_player_by_uuid_v2', moveV2(1)],
    ['promote_player_by_uuid_v2', promoteV2],
  ])('%s by a player not in the session, on themselves: not a join', (_op, req) => {
    expect(decide(asStranger, STRANGER, req)).toEqual(notInSession);
    // The same request without the rule would have added them: the rule, not some other, refuses it.
    expect(decide(asStranger, STRANGER, { ...req, present: false }).kind).toBe('write');
  });

  test('in a session without a leader, promoting a stranger is refused too (no leader to hand over from is no excuse)', () => {
    const leaderless = session({
      leader: undefined,
      activeCount: 1,
      teams: [
        { maxSize: 3, occupied: 1 },
        { maxSize: 3, occupied: 1 },
      ],
    });
    const players = new Map([memberP, invitedP].map((p) => [p.playerUuid, p]));
    expect(decide(trusted, STRANGER, promoteV2, leaderless, players)).toEqual(notInSession);
  });
});

describe('the player is in the session: the operation goes ahead', () => {
  test('update_player_by_uuid_v2: the member, by themselves or the leader, gets the custom data and keeps status and team', () => {
    for (const actor of [asMember, asLeader, trusted]) {
      const d = written(decide(actor, MEMBER, updateV2({ loadout: 'b' })));
      expect(d.result).toMatchObject({ playerUuid: MEMBER, status: 'member', teamId: 0, customData: { loadout: 'b' } });
      expect(d.change.event).toBe('Session Player Updated');
    }
  });

  test('update_player_by_uuid_v2 with the custom data the player has: unchanged, no write', () => {
    expect(decide(asMember, MEMBER, updateV2({ loadout: 'a' }))).toEqual({ kind: 'unchanged', result: memberP });
  });

  test('promote_player_by_uuid_v2: a member becomes leader and the old leader a member, in one write', () => {
    const d = written(decide(asLeader, MEMBER, promoteV2));
    expect(d.result).toMatchObject({ playerUuid: MEMBER, status: 'leader' });
    expect(d.change.leader).toEqual({ set: MEMBER });
    expect(d.change.players).toContainEqual({ kind: 'put', player: { ...leaderP, status: 'member', revision: leaderP.revision + 1 } });
  });

  test('promote_player_by_uuid_v2: an invited player is in the session, and becomes an active leader at once', () => {
    const d = written(decide(trusted, INVITED, promoteV2));
    expect(d.result).toMatchObject({ playerUuid: INVITED, status: 'leader', teamId: 1, joined: NOW });
    expect(d.change.active).toBe(1);
  });

  test('move_player_by_uuid_v2: a member to the team asked; without a team, they stay where they are', () => {
    const d = written(decide(asLeader, MEMBER, moveV2(1)));
    expect(d.result).toMatchObject({ playerUuid: MEMBER, status: 'member', teamId: 1, customData: { loadout: 'a' } });
    expect(d.change.seats).toEqual({ 0: -1, 1: 1 });
    expect(decide(asLeader, MEMBER, moveV2())).toEqual({ kind: 'unchanged', result: memberP });
  });
});

describe('where the rule does not apply, or stands behind another', () => {
  test('invite_player_by_uuid_v2 is for a player not in the session: the stranger is invited', () => {
    const d = written(decide(asLeader, STRANGER, inviteV2(1)));
    expect(d.result).toMatchObject({ playerUuid: STRANGER, status: 'invited', teamId: 1, invitedBy: LEADER, invited: NOW });
    expect(d.change.guards).toContainEqual({ kind: 'playerAbsent', playerUuid: STRANGER });
  });

  test('an unknown session is session_not_found, whoever the player', () => {
    for (const req of [updateV2({ loadout: 'b' }), promoteV2, moveV2(1)])
      expect(decidePlayerUpdate(undefined, asLeader, { playerUuid: STRANGER }, leaderP, req, NOW)).toEqual({
        kind: 'reject',
        code: 'session_not_found',
      });
  });

  test('a member without authority over others is refused as such, and learns nothing of who is in the session', () => {
    const holdsMove = new Map(inSession).set(MEMBER, { ...memberP, permissions: ['move'] });
    for (const req of [updateV2({ loadout: 'b' }), promoteV2, moveV2(1)])
      expect(decide(asMember, STRANGER, req, session(), holdsMove)).toEqual({ kind: 'reject', code: 'not_session_leader' });
  });
});
