// Intra-session permissions over plain data: who may give, remove and read them, and what a member holding one may
// do to others (invite, move, kick), with the facts each decision relies on.
import type { SessionPermission } from '../../../../src/contract/types.js';
import type { Actor } from '../../../../src/sessions/model/actor.js';
import type { Player } from '../../../../src/sessions/model/session.js';
import { decidePermissionChange, mayReadPermissions } from '../../../../src/sessions/rules/permissions.js';
import { decidePlayerUpdate, decideRemoval, type PlayerUpdate } from '../../../../src/sessions/rules/player.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const LEADER = '00000000-0000-4000-8000-00000000000a';
const A = '00000000-0000-4000-8000-00000000000b';
const B = '00000000-0000-4000-8000-00000000000c';
const INVITED = '00000000-0000-4000-8000-000000000001';
const GUEST = '00000000-0000-4000-8000-000000000002';
const ADMIN = '00000000-0000-4000-8000-00000000000d';
const NOW = '2026-12-02T12:00:00.000Z';

const session = sessionFixture({
  leader: LEADER,
  activeCount: 3,
  teams: [
    { maxSize: 4, occupied: 3 },
    { maxSize: 4, occupied: 1 },
  ],
});
const leader = seatedPlayer(LEADER, { status: 'leader', revision: 4 });
const member = (uuid: string, permissions?: SessionPermission[], over: Partial<Player> = {}) =>
  seatedPlayer(uuid, { revision: 2, ...(permissions ? { permissions } : {}), ...over });
const invited = seatedPlayer(INVITED, { status: 'invited', teamId: 1, revision: 1, permissions: ['kick'] });
const as = (playerUuid: string, trusted = false): Actor => ({ playerUuid, trusted });

describe('giving and removing', () => {
  test.each([
    ['a trusted caller, any permission', as(ADMIN, true), undefined, member(B), 'move', true, []],
    ['the leader, any permission', as(LEADER), leader, member(B), 'move', true, [{ kind: 'leaderIs', playerUuid: LEADER }]],
    [
      'a member, a permission they hold',
      as(A),
      member(A, ['kick']),
      member(B),
      'kick',
      true,
      [{ kind: 'playerActive', playerUuid: A, holds: 'kick' }],
    ],
    ['a member, their own permission away', as(A), member(A, ['kick', 'move']), member(A, ['kick', 'move']), 'kick', false, []],
  ] as const)('%s: the target written under its revision', (_, actor, actorPlayer, target, permission, give, guards) => {
    const d = decidePermissionChange(session, actor, actorPlayer, { playerUuid: target.playerUuid, current: target }, permission, give);
    const had = target.permissions ?? [];
    const after = give ? [...had, permission].sort() : had.filter((p) => p !== permission);
    const { permissions: _p, ...rest } = target;
    expect(d).toEqual({
      kind: 'write',
      result: { ...rest, ...(after.length ? { permissions: after } : {}), revision: target.revision + 1 },
      change: {
        event: 'Session Player Updated',
        subject: { playerUuid: target.playerUuid, teamId: target.teamId, status: target.status },
        guards: [...guards, { kind: 'playerRevision', playerUuid: target.playerUuid, revision: target.revision }],
        players: [{ kind: 'put', player: expect.objectContaining({ revision: target.revision + 1 }) }],
      },
    });
  });

  test.each([
    ['no session', undefined, as(ADMIN, true), undefined, member(B), 'session_not_found'],
    ['a stranger', session, as(GUEST), undefined, member(B), 'not_active_in_session'],
    ['an invited player, holding it', session, as(INVITED), invited, member(B), 'not_active_in_session'],
    ['a member, without it', session, as(A), member(A, ['move']), member(B), 'not_session_leader'],
    ['a member, to themselves', session, as(A), member(A), member(A), 'not_session_leader'],
    ['the leader, to nobody', session, as(LEADER), leader, undefined, 'player_not_in_session'],
  ] as const)('refused: %s', (_, s, actor, actorPlayer, target, code) => {
    const d = decidePermissionChange(s, actor, actorPlayer, { playerUuid: target?.playerUuid ?? GUEST, current: target }, 'kick', true);
    expect(d).toEqual({ kind: 'reject', code });
  });

  test('giving what is held, or removing what is not, changes nothing', () => {
    expect(decidePermissionChange(session, as(LEADER), leader, { playerUuid: B, current: member(B, ['kick']) }, 'kick', true).kind).toBe('unchanged');
    expect(decidePermissionChange(session, as(LEADER), leader, { playerUuid: B, current: member(B) }, 'kick', false).kind).toBe('unchanged');
  });

  test('reading: a trusted caller, or a leader or member of the session', () => {
    expect(mayReadPermissions(session, as(ADMIN, true), undefined)).toBe(true);
    expect(mayReadPermissions(session, as(A), member(A))).toBe(true);
    expect(mayReadPermissions(session, as(INVITED), invited)).toBe(false);
    expect(mayReadPermissions(session, as(GUEST), undefined)).toBe(false);
  });
});

describe('acting by a permission', () => {
  const update = (actorPlayer: Player, target: Player | undefined, req: Partial<PlayerUpdate>) =>
    decidePlayerUpdate(
      session,
      as(actorPlayer.playerUuid),
      { playerUuid: target?.playerUuid ?? GUEST, current: target },
      leader,
      { overflowAction: 'fail', ...req },
      NOW,
      actorPlayer,
    );
  const holding = (permission: SessionPermission) => ({ kind: 'playerActive', playerUuid: A, holds: permission });

  test('invite: a player not in the session, invited by the member, relying on the member still holding invite', () => {
    const d = update(member(A, ['invite']), undefined, { status: 'invited', teamId: 1 });
    expect(d.kind).toBe('write');
    if (d.kind !== 'write') return;
    expect(d.result).toMatchObject({ playerUuid: GUEST, status: 'invited', teamId: 1, invitedBy: A });
    expect(d.change.guards).toContainEqual(holding('invite'));
  });

  test('move: another member to another team, and nothing else, relying on the member still holding move', () => {
    const d = update(member(A, ['move']), member(B), { teamId: 1 });
    expect(d.kind).toBe('write');
    if (d.kind !== 'write') return;
    expect(d.result).toMatchObject({ playerUuid: B, status: 'member', teamId: 1 });
    expect(d.change.guards).toContainEqual(holding('move'));
  });

  test.each([
    ['reserve with invite', ['invite'], undefined, { status: 'reserved' }],
    ['add as member with invite', ['invite'], undefined, { status: 'member' }],
    ['invite with move', ['move'], undefined, { status: 'invited' }],
    ['move with invite', ['invite'], member(B), { teamId: 1 }],
    ['move the leader', ['move'], leader, { teamId: 1 }],
    ['move and change custom data', ['move'], member(B), { teamId: 1, customData: { x: '1' } }],
    ['promote with every permission', ['invite', 'kick', 'move'], member(B), { status: 'leader' }],
    ['invite while only invited', undefined, undefined, { status: 'invited' }],
  ] as const)('refused: %s', (_, permissions, target, req) => {
    const actor = permissions ? member(A, [...permissions]) : { ...invited, playerUuid: A, permissions: ['invite' as const] };
    expect(update(actor, target, req)).toEqual({ kind: 'reject', code: 'not_session_leader' });
  });

  test('kick: another member or an invite, relying on the member still holding kick; never the leader, never without it', () => {
    const kick = (actorPlayer: Player, target: Player) =>
      decideRemoval(session, as(actorPlayer.playerUuid), { playerUuid: target.playerUuid, current: target }, undefined, undefined, actorPlayer);
    for (const target of [member(B), invited]) {
      const d = kick(member(A, ['kick']), target);
      expect(d.kind).toBe('write');
      if (d.kind === 'write') expect(d.change.guards).toContainEqual(holding('kick'));
    }
    expect(kick(member(A, ['kick']), leader)).toEqual({ kind: 'reject', code: 'not_session_leader' });
    expect(kick(member(A, ['move', 'invite']), member(B))).toEqual({ kind: 'reject', code: 'not_session_leader' });
    expect(kick({ ...invited, playerUuid: A }, member(B))).toEqual({ kind: 'reject', code: 'not_session_leader' });
  });
});
