// The rules of acting on a player of a session: a leader or trusted caller inviting, reserving, adding, moving
// or promoting someone (update_session_player_by_uuid_v2), and anyone leaving or being removed (leave, kick); a
// member holding the session permission `invite`, `move` or `kick` invites, moves or kicks players other than the
// leader. Pure functions over plain data, like the join's; each decision names the facts it relies on.
import type { CustomData, PlayerStatus } from '../../contract/types.js';
import type { Actor } from '../model/actor.js';
import type { Change, Decision, Guard } from '../model/change.js';
import { contribution, profileOf } from '../model/crossplay.js';
import { isActive, type Player, type Session } from '../model/session.js';
import { authority, counterDeltas, crossplayFor, hasSeat, reject, revisionOf, sameData, type Delegation } from './toolkit.js';

export type OverflowAction = 'fail' | 'allow_overflow' | 'partial_with_overflow' | 'partial_without_overflow' | 'overfill';

export interface PlayerUpdate {
  /** Absent: a player in the session keeps their status; one not yet in it is added as a member. */
  status?: PlayerStatus;
  /** Absent: a player in the session keeps their team; one not yet in it goes to the first team with a free seat. */
  teamId?: number;
  /** Absent: a player in the session keeps their custom data; one not yet in it has none. */
  customData?: CustomData;
  overflowAction: OverflowAction;
  /** Acts only on a player already in the session (the v2 promote, move and update); anyone else is not found. */
  present?: boolean;
}

/** Where the player sits under the overflow action: the team asked, another with room, or the asked one overfilled. */
function placement(session: Session, teamId: number, overflow: OverflowAction): { teamId: number; guards: Guard[] } | undefined {
  if (hasSeat(session, teamId)) return { teamId, guards: [{ kind: 'seatFree', teamId }] };
  if (overflow === 'overfill') return { teamId, guards: [] };
  if (overflow === 'allow_overflow' || overflow === 'partial_with_overflow') {
    const other = session.teams.findIndex((_, t) => hasSeat(session, t));
    // The choice rests on the asked team and every lower team being full: those are facts of the write too.
    const skipped = session.teams.map((_, t) => t).filter((t) => t === teamId || t < other);
    if (other !== -1)
      return { teamId: other, guards: [{ kind: 'seatFree', teamId: other }, ...skipped.map((t) => ({ kind: 'teamFull' as const, teamId: t }))] };
  }
  return undefined;
}

/**
 * The session permission that allows a request on another player to a member who does not lead: inviting a player
 * not yet in the session (`invite`), or moving one who is, other than the leader, to another team and nothing else
 * (`move`). Anything else (reserving, adding, promoting, changing status or custom data) is the leader's.
 */
function delegable(target: Player | undefined, req: PlayerUpdate): Delegation['permission'] | undefined {
  if (!target) return req.status === 'invited' ? 'invite' : undefined;
  const onlyTeam =
    req.teamId !== undefined &&
    (req.status === undefined || req.status === target.status) &&
    (req.customData === undefined || sameData(req.customData, target.customData));
  return onlyTeam && target.status !== 'leader' ? 'move' : undefined;
}

/**
 * update_session_player_by_uuid_v2 by a leader, a trusted caller or a member holding the session permission for it (a
 * player acting on themselves without any goes through the join rules instead). `leader` is the current leader's
 * membership when a promotion needs it; `actorPlayer` the caller's own, when they act by a session permission.
 */
export function decidePlayerUpdate(
  session: Session | undefined,
  actor: Actor,
  target: { playerUuid: string; current?: Player },
  leader: Player | undefined,
  req: PlayerUpdate,
  now: string,
  actorPlayer?: Player,
): Decision<Player> {
  if (!session) return reject('session_not_found');
  if (req.teamId !== undefined && req.teamId >= session.teams.length) return reject('team_not_found');
  const permission = delegable(target.current, req);
  const auth = authority(session, actor, target.playerUuid, permission && { actor: actorPlayer, permission });
  if (!auth.ok) return reject('not_session_leader');
  const current = target.current;
  if (req.present && !current) return reject('player_not_in_session');
  // What the request leaves out stays as it is (RallyHere's SDK changes a team, or custom data, alone).
  const asked = { status: req.status ?? current?.status ?? 'member', customData: req.customData ?? current?.customData ?? {} };
  const askedTeam =
    req.teamId ??
    current?.teamId ??
    Math.max(
      0,
      session.teams.findIndex((_, t) => hasSeat(session, t)),
    );
  const guards: Guard[] = [...auth.guards, current ? revisionOf(current) : { kind: 'playerAbsent', playerUuid: target.playerUuid }];
  // A player with no authority over the session acting on themselves follows the join rules.
  const selfOnly = !actor.trusted && actor.playerUuid === target.playerUuid && session.leader !== actor.playerUuid;
  const overflowAction = selfOnly ? 'fail' : req.overflowAction;

  const wantsActive = asked.status === 'leader' || asked.status === 'member';
  const wasActive = current !== undefined && isActive(current.status);
  if (selfOnly) {
    if (!wantsActive) return reject('status_not_allowed');
    // Without an invite, only an open session without a password admits a player this way (the join takes the rest).
    if (!current && !session.joinable) return reject('session_not_joinable');
    if (!current && session.passwordHash !== undefined) return reject('session_password_required');
    if (!current) guards.push({ kind: 'joinable' }, { kind: 'noPassword' });
    if (current && current.teamId !== askedTeam && !session.canChangeOwnTeam) return reject('team_change_not_allowed');
  }
  // An active player is never sent back to invited or reserved, and a leader steps down only by promoting another.
  if (wasActive && !wantsActive) return reject('status_not_allowed');
  if (current?.status === 'leader' && asked.status === 'member') return reject('status_not_allowed');

  const seats: Record<number, number> = {};
  let teamId = current?.teamId ?? askedTeam;
  if (!current || current.teamId !== askedTeam) {
    const place = placement(session, askedTeam, overflowAction);
    if (!place) return reject('team_full');
    teamId = place.teamId;
    guards.push(...place.guards);
    seats[teamId] = (seats[teamId] ?? 0) + 1;
    if (current) seats[current.teamId] = (seats[current.teamId] ?? 0) - 1;
  }

  // Asking for leader is a promotion when a leader or trusted caller asks, a wish when a player asks for themselves.
  const becomesLeader = (asked.status === 'leader' && (!selfOnly || session.leader === undefined)) || (wantsActive && session.leader === undefined);
  // A wish for leader that is not granted leaves the player what they were (a leader stays one), else a member.
  const status: PlayerStatus = becomesLeader || current?.status === 'leader' ? 'leader' : asked.status === 'leader' ? 'member' : asked.status;
  const player: Player = {
    ...(current ?? { playerUuid: target.playerUuid, customData: {}, revision: 0 }),
    status,
    teamId,
    customData: asked.customData,
    revision: (current?.revision ?? 0) + 1,
    ...(!current && !wantsActive ? { invitedBy: actor.playerUuid, invited: now } : {}),
    ...(wantsActive && !wasActive ? { joined: now } : {}),
  };
  if (current && current.status === player.status && current.teamId === player.teamId && sameData(current.customData, player.customData)) {
    return { kind: 'unchanged', result: current };
  }

  const change: Change = {
    event: current && (wasActive || !wantsActive) ? 'Session Player Updated' : 'Session Player Joined',
    subject: { playerUuid: player.playerUuid, teamId, status },
    guards,
    players: [{ kind: 'put', player }],
    seats,
    active: wantsActive && !wasActive ? 1 : 0,
  };
  if (wantsActive) {
    const crossplay = crossplayFor(session, current, player);
    if (!crossplay.ok) return reject('crossplay_not_permitted');
    guards.push(...crossplay.guards);
    change.counters = crossplay.counters;
  }
  if (becomesLeader && current?.status !== 'leader') {
    if (session.leader === undefined) guards.push({ kind: 'noLeader' });
    else if (session.leader !== player.playerUuid) {
      // A promotion: the old leader becomes a member in the same transaction.
      if (!leader || leader.playerUuid !== session.leader) return reject('session_conflict');
      guards.push({ kind: 'leaderIs', playerUuid: leader.playerUuid }, revisionOf(leader));
      change.players.push({ kind: 'put', player: { ...leader, status: 'member', revision: leader.revision + 1 } });
    }
    change.leader = { set: player.playerUuid };
  } else if (wantsActive && status === 'member') {
    guards.push({ kind: 'hasLeader' });
  }
  return { kind: 'write', change, result: player };
}

/**
 * A player leaves or is removed (leave_session_by_id_self, kick_player_from_session_by_uuid_v2): by themselves, the
 * leader, a trusted caller, or a member holding `kick` (never the leader). Removing the leader hands leadership to
 * `successor` (the member who joined earliest); removing the last leader or member deletes the session unless its
 * template keeps it alive. `actorPlayer` is the caller's own membership, when they act by a session permission.
 */
export function decideRemoval(
  session: Session | undefined,
  actor: Actor,
  target: { playerUuid: string; current?: Player },
  successor: Player | undefined,
  reason?: string,
  actorPlayer?: Player,
): Decision<null> {
  if (!session) return reject('session_not_found');
  const kick = target.current?.status === 'leader' ? undefined : { actor: actorPlayer, permission: 'kick' as const };
  const auth = authority(session, actor, target.playerUuid, kick);
  if (!auth.ok) return reject('not_session_leader');
  const current = target.current;
  if (!current) return reject('player_not_in_session');

  const wasActive = isActive(current.status);
  const activeAfter = session.activeCount - (wasActive ? 1 : 0);
  const change: Change = {
    event: 'Session Player Left',
    subject: { playerUuid: current.playerUuid, teamId: current.teamId, status: 'left' },
    ...(reason ? { reason } : {}),
    guards: [...auth.guards, revisionOf(current)],
    players: [{ kind: 'delete', playerUuid: current.playerUuid }],
    seats: { [current.teamId]: -1 },
    counters: wasActive ? counterDeltas(contribution(profileOf(current)), []) : {},
    active: wasActive ? -1 : 0,
  };
  if (activeAfter === 0 && wasActive) {
    // Nobody active is left: that fact is what the decision rests on.
    change.guards.push({ kind: 'activeCount', equals: session.activeCount });
    if (current.status === 'leader') change.leader = { remove: true };
    if (!session.keepAliveOnEmpty) change.deleteSession = true;
  } else if (current.status === 'leader') {
    if (!successor || successor.playerUuid === current.playerUuid || !isActive(successor.status)) return reject('session_conflict');
    change.guards.push({ kind: 'leaderIs', playerUuid: current.playerUuid }, revisionOf(successor));
    change.players.push({ kind: 'put', player: { ...successor, status: 'leader', revision: successor.revision + 1 } });
    change.leader = { set: successor.playerUuid };
  }
  return { kind: 'write', change, result: null };
}

/** The member who joined earliest (ties by uuid), other than `leaving`: the next leader. */
export function earliestMember(players: readonly Player[], leaving: string): Player | undefined {
  return players
    .filter((p) => p.playerUuid !== leaving && isActive(p.status))
    .sort((a, b) => (a.joined ?? '').localeCompare(b.joined ?? '') || a.playerUuid.localeCompare(b.playerUuid))[0];
}
