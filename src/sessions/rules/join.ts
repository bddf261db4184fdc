// The rules of "Join Session By Id Self" as one pure function: the session and the caller's membership as read,
// the validated request in, a decision out. A decision to write carries the facts it relied on (guards); the
// store turns them into the transaction's conditions, so the decision still holds when the write lands.
import type { Change, Decision, Guard } from '../model/change.js';
import { sameCrossplayProfile } from '../model/crossplay.js';
import { isActive, type JoinRequest, type Player, type Session } from '../model/session.js';
import { satisfiesRange } from '../model/versions.js';
import { crossplayFor, hasSeat, reject, sameData } from './toolkit.js';

export type JoinDecision = Decision<Player>;

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

export function decideJoin(session: Session | undefined, current: Player | undefined, req: JoinRequest, now: string): JoinDecision {
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
    if (!session.joinable) return reject('session_not_joinable');
    guards.push({ kind: 'joinable' });
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
