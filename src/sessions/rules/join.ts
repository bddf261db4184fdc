// The rules of "Join Session By Id Self" as one pure function: the session and the caller's membership as read,
// the validated request in, a decision out. A decision to write carries the facts it relied on (guards); the
// store turns them into the transaction's conditions, so the decision still holds when the write lands.
import type { Change, Decision, Guard } from '../model/change.js';
import { sameCrossplayProfile } from '../model/crossplay.js';
import { isActive, isOpen, type JoinRequest, type Player, type Session } from '../model/session.js';
import { satisfiesRange } from '../model/versions.js';
import { crossplayFor, hasSeat, reject, sameData } from './toolkit.js';

export type JoinDecision = Decision<Player>;

/** What was established for a player not yet in the session before the rules ran (operations/join-session.ts). */
export interface AdmissionFacts {
  /** The join's friend_uuid, confirmed a friend of the caller by the friends service. */
  friendConfirmed?: string;
  /** The join's password, checked against this hash. */
  password?: { hash: string; matches: boolean };
}

/** The friend a join names, as read: the active member whose friendship admits the caller. */
const friendAsRead = (session: Session, req: JoinRequest, friend: Player | undefined) =>
  !session.joinable && session.friendsMayJoin && friend !== undefined && friend.playerUuid === req.friendUuid && isActive(friend.status)
    ? friend
    : undefined;

/**
 * What must be established before a newcomer's join is decided: the friendship to ask the friends service about,
 * and whether the password is worth checking (only once joinability admits the caller, so a refused join is no
 * password oracle and costs no try).
 */
export function admissionChecks(
  session: Session | undefined,
  current: Player | undefined,
  req: JoinRequest,
  friend: Player | undefined,
): { friend?: string; password: (friendConfirmed: boolean) => boolean } {
  if (!session || current) return { password: () => false };
  const viaFriend = friendAsRead(session, req, friend);
  const asksPassword = session.passwordHash !== undefined && req.password !== undefined;
  return {
    ...(viaFriend ? { friend: viaFriend.playerUuid } : {}),
    password: (friendConfirmed) => asksPassword && (session.joinable || (viaFriend !== undefined && friendConfirmed)),
  };
}

/** Whether a player not yet in the session may join it: joinability, then the password; the guards it rests on. */
function admission(
  session: Session,
  req: JoinRequest,
  friend: Player | undefined,
  facts: AdmissionFacts,
): { ok: true; guards: Guard[] } | { ok: false; code: Extract<JoinDecision, { kind: 'reject' }>['code'] } {
  const guards: Guard[] = [];
  const viaFriend = friendAsRead(session, req, friend);
  if (session.joinable) guards.push({ kind: 'joinable' });
  else if (!session.friendsMayJoin) return { ok: false, code: 'session_not_joinable' };
  else if (!viaFriend || facts.friendConfirmed !== viaFriend.playerUuid) return { ok: false, code: 'not_a_friend' };
  else guards.push({ kind: 'friendsMayJoin' }, { kind: 'playerActive', playerUuid: viaFriend.playerUuid });

  if (session.passwordHash === undefined) guards.push({ kind: 'noPassword' });
  else if (req.password === undefined) return { ok: false, code: 'session_password_required' };
  // Checked against another password than the session has now (changed since): decide again from a fresh read.
  else if (facts.password?.hash !== session.passwordHash) return { ok: false, code: 'session_conflict' };
  else if (!facts.password.matches) return { ok: false, code: 'session_password_incorrect' };
  else guards.push({ kind: 'passwordIs', hash: session.passwordHash });
  return { ok: true, guards };
}

function samePlayer(a: Player, b: Player): boolean {
  return (
    a.status === b.status &&
    a.teamId === b.teamId &&
    a.clientVersion === b.clientVersion &&
    a.clientSettings?.device_type === b.clientSettings?.device_type &&
    sameCrossplayProfile(a, b) &&
    sameData(a.customData, b.customData)
  );
}

export function decideJoin(
  session: Session | undefined,
  current: Player | undefined,
  req: JoinRequest,
  now: string,
  newcomer: { friend?: Player; facts?: AdmissionFacts } = {},
): JoinDecision {
  if (!session) return reject('session_not_found');
  if (req.status === 'invited' || req.status === 'reserved') return reject('status_not_allowed');
  if (req.teamId !== 'any' && req.teamId >= session.teams.length) return reject('team_not_found');
  if (session.clientVersionRange && !satisfiesRange(req.clientVersion, session.clientVersionRange)) {
    return reject('client_version_incompatible');
  }

  const guards: Guard[] = [
    current
      ? { kind: 'playerRevision', playerUuid: req.playerUuid, revision: current.revision }
      : { kind: 'playerAbsent', playerUuid: req.playerUuid },
  ];
  const seats: Record<number, number> = {};
  const wanted = req.teamId === 'any' ? (current?.teamId ?? session.teams.findIndex((_, t) => hasSeat(session, t))) : req.teamId;
  const teamId = wanted === -1 ? 0 : wanted;
  const moving = current !== undefined && current.teamId !== teamId;

  if (!current) {
    const admitted = admission(session, req, newcomer.friend, newcomer.facts ?? {});
    if (!admitted.ok) return reject(admitted.code);
    guards.push(...admitted.guards);
  }
  if (!current || moving) {
    if (moving && !session.canChangeOwnTeam) return reject('team_change_not_allowed');
    if (!hasSeat(session, teamId)) return reject('team_full');
    guards.push({ kind: 'seatFree', teamId });
    seats[teamId] = 1;
    if (current) seats[current.teamId] = -1;
  }

  // Leadership: a leader stays leader; anyone else becomes leader exactly when the session has none.
  const wasActive = current !== undefined && isActive(current.status);
  const becomesLeader = current?.status !== 'leader' && session.leader === undefined;
  const status = current?.status === 'leader' || becomesLeader ? 'leader' : 'member';

  const player: Player = {
    playerUuid: req.playerUuid,
    status,
    invitedBy: current?.invitedBy,
    teamId,
    customData: req.customData,
    clientVersion: req.clientVersion,
    clientSettings: req.clientSettings,
    crossplay: req.crossplay,
    joined: wasActive ? current.joined : now,
    invited: current?.invited,
    ...(current?.permissions ? { permissions: current.permissions } : {}),
    revision: (current?.revision ?? 0) + 1,
  };
  if (current && wasActive && samePlayer(current, player)) return { kind: 'unchanged', result: current };

  // Crossplay is checked whenever the player becomes active or changes what crossplay looks at.
  const crossplay = crossplayFor(session, current, player);
  if (!crossplay.ok) return reject('crossplay_not_permitted');
  guards.push(...crossplay.guards);

  if (becomesLeader) guards.push({ kind: 'noLeader' });
  else if (status === 'member') guards.push({ kind: 'hasLeader' });

  const change: Change = {
    event: wasActive ? 'Session Player Updated' : 'Session Player Joined',
    subject: { playerUuid: player.playerUuid, teamId: player.teamId, status: player.status },
    guards,
    players: [{ kind: 'put', player }],
    seats,
    counters: crossplay.counters,
    active: wasActive ? 0 : 1,
    ...(becomesLeader ? { leader: { set: player.playerUuid } } : {}),
  };
  return { kind: 'write', change, result: player };
}

/** The teams with a change's seats taken or given back. */
const seatsAfter = (session: Session, seats: Record<number, number>) =>
  session.teams.map((team, t) => ({ ...team, occupied: team.occupied + (seats[t] ?? 0) }));

/**
 * The players a join decided to write rests on, as far as culls go (docs/culling.md, "What readers and writers
 * see"): when none of them is due, the decision is the one the session as its due culls leave it would give, so it
 * is made without writing them first. Culls only free seats, loosen crossplay and hand the lead on; what they could
 * change is the caller's own membership (a due caller is culled and joins afresh), who leads (the caller could take
 * a due leader's place, or the session end), the friendship that admits the caller, and, for a join into any team,
 * an earlier team's seat, and for a session open to create-or-join, whether it stays open. Absent when the culls
 * could change the decision: they are written first.
 */
export function joinRestsOn(session: Session, current: Player | undefined, req: JoinRequest, decision: JoinDecision): string[] | undefined {
  if (decision.kind !== 'write' || session.leader === undefined) return undefined;
  if (req.teamId === 'any' && !current && decision.result.teamId !== 0) return undefined;
  // A join that takes an open session's last seat takes it out of create-or-join's index, where the culls would keep it.
  if (isOpen(session) && !isOpen({ ...session, teams: seatsAfter(session, decision.change.seats ?? {}) })) return undefined;
  const restsOn = new Set([session.leader]);
  if (current && isActive(current.status)) restsOn.add(current.playerUuid);
  for (const guard of decision.change.guards) if (guard.kind === 'playerActive') restsOn.add(guard.playerUuid);
  return [...restsOn];
}
