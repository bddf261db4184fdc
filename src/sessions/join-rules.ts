// The rules of "Join Session By Id Self" as one pure function: the session and the caller's membership as read,
// the validated request in, a decision out. A decision to write carries the facts it relied on (guards); the
// store turns them into the transaction's conditions, so the decision still holds when the write lands.
import type { ErrorCode } from '../errors/api-error.js';
import { contribution, crossplayCheck, type CounterKey } from './crossplay.js';
import { isActive, type JoinRequest, type Player, type Session } from './model.js';

export type Guard =
  | { kind: 'playerAbsent' }
  | { kind: 'playerRevision'; revision: number }
  | { kind: 'joinable' }
  | { kind: 'seatFree'; teamId: number }
  | { kind: 'noLeader' }
  | { kind: 'hasLeader' }
  | { kind: 'counter'; key: CounterKey; equals: number };

export type PlayerEvent = 'Session Player Joined' | 'Session Player Updated' | 'Session Player Left';

export interface SessionChanges {
  /** team_id -> seats taken (+1) or given back (-1). */
  seats: Record<number, number>;
  counters: Partial<Record<CounterKey, number>>;
  /** Set when the player becomes the session's leader. */
  leader?: string;
}

export type JoinDecision =
  | { kind: 'reject'; code: ErrorCode }
  | { kind: 'unchanged'; player: Player }
  | { kind: 'write'; player: Player; previous?: Player; changes: SessionChanges; guards: Guard[]; event: PlayerEvent };

const reject = (code: ErrorCode): JoinDecision => ({ kind: 'reject', code });

function hasSeat(session: Session, teamId: number): boolean {
  const team = session.teams[teamId];
  return team !== undefined && team.occupied < team.maxSize;
}

function counterDeltas(before: readonly CounterKey[], after: readonly CounterKey[]) {
  const deltas: Partial<Record<CounterKey, number>> = {};
  for (const k of before) deltas[k] = (deltas[k] ?? 0) - 1;
  for (const k of after) deltas[k] = (deltas[k] ?? 0) + 1;
  for (const k of Object.keys(deltas) as CounterKey[]) if (deltas[k] === 0) delete deltas[k];
  return deltas;
}

const profileOf = (p: Pick<Player, 'clientSettings' | 'crossplay'>) => ({
  platform: p.clientSettings.platform,
  input: p.clientSettings.input,
  preferences: p.crossplay,
});

function sameCrossplayProfile(a: Player, b: Player): boolean {
  return (
    a.clientSettings.platform === b.clientSettings.platform &&
    a.clientSettings.input === b.clientSettings.input &&
    a.crossplay.permitted_platform === b.crossplay.permitted_platform &&
    a.crossplay.permitted_input === b.crossplay.permitted_input
  );
}

function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function samePlayer(a: Player, b: Player): boolean {
  return (
    a.status === b.status &&
    a.teamId === b.teamId &&
    a.clientVersion === b.clientVersion &&
    a.clientSettings.device_type === b.clientSettings.device_type &&
    sameCrossplayProfile(a, b) &&
    sameData(a.customData, b.customData)
  );
}

export function decideJoin(session: Session | undefined, current: Player | undefined, req: JoinRequest, now: string): JoinDecision {
  if (!session) return reject('session_not_found');
  if (req.status === 'invited' || req.status === 'reserved') return reject('status_not_allowed');
  if (req.teamId >= session.teams.length) return reject('team_not_found');

  const guards: Guard[] = [current ? { kind: 'playerRevision', revision: current.revision } : { kind: 'playerAbsent' }];
  const seats: Record<number, number> = {};
  const moving = current !== undefined && current.teamId !== req.teamId;

  if (!current) {
    if (!session.joinable) return reject('session_not_joinable');
    guards.push({ kind: 'joinable' });
  }
  if (!current || moving) {
    if (moving && !session.canChangeOwnTeam) return reject('team_change_not_allowed');
    if (!hasSeat(session, req.teamId)) return reject('team_full');
    guards.push({ kind: 'seatFree', teamId: req.teamId });
    seats[req.teamId] = 1;
    if (current) seats[current.teamId] = -1;
  }

  // Leadership: a leader stays leader; anyone else becomes leader exactly when the session has none.
  const wasActive = current !== undefined && isActive(current.status);
  const becomesLeader = current?.status !== 'leader' && session.leader === undefined;
  const status = current?.status === 'leader' || becomesLeader ? 'leader' : 'member';

  const player: Player = {
    playerUuid: req.playerUuid,
    status,
    teamId: req.teamId,
    customData: req.customData,
    clientVersion: req.clientVersion,
    clientSettings: req.clientSettings,
    crossplay: req.crossplay,
    joined: wasActive ? current.joined : now,
    invited: current?.invited,
    revision: (current?.revision ?? 0) + 1,
  };
  if (current && wasActive && samePlayer(current, player)) return { kind: 'unchanged', player: current };

  // Crossplay is checked whenever the player becomes active or changes what crossplay looks at.
  const before = wasActive ? contribution(profileOf(current)) : [];
  if (!wasActive || !sameCrossplayProfile(current, player)) {
    const check = crossplayCheck(session.crossplay, profileOf(player), before);
    if (!check.ok) return reject('crossplay_not_permitted');
    for (const f of check.facts) guards.push({ kind: 'counter', key: f.key, equals: f.equals });
  }

  if (becomesLeader) guards.push({ kind: 'noLeader' });
  else if (status === 'member') guards.push({ kind: 'hasLeader' });

  return {
    kind: 'write',
    player,
    previous: current,
    changes: {
      seats,
      counters: counterDeltas(before, contribution(profileOf(player))),
      leader: becomesLeader ? player.playerUuid : undefined,
    },
    guards,
    event: wasActive ? 'Session Player Updated' : 'Session Player Joined',
  };
}
