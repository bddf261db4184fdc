// The rules of acting on a whole party: invite_session_to_session invites every active member of another session,
// kick_session_from_session removes them. Pure functions over plain data; each decision names the facts it relies on.
// Both are written under the version condition (the session exactly as read), so a placement of many players on
// many teams rests on the session as a whole; the facts about players and about the other session are conditions too.
import type { CustomData } from '../../contract/types.js';
import type { Actor } from '../model/actor.js';
import type { Change, Decision, Guard } from '../model/change.js';
import { isActive, type Player, type Session } from '../model/session.js';
import type { OverflowAction } from './player.js';
import { removalOf } from './removal.js';
import { holds, reject } from './toolkit.js';

/** The other session, and its leader and members in the order they are invited or removed. */
export interface Party {
  session: Session;
  members: readonly Player[];
}

/** The leader first, then the members in the order they joined (ties by uuid): who gets the seats when not all fit. */
export function partyOf(session: Session, players: readonly Player[]): Party {
  const rank = (p: Player) => (p.status === 'leader' ? 0 : 1);
  const members = players
    .filter((p) => isActive(p.status))
    .sort((a, b) => rank(a) - rank(b) || (a.joined ?? '').localeCompare(b.joined ?? '') || a.playerUuid.localeCompare(b.playerUuid));
  return { session, members };
}

export interface PartyInvite {
  /** Absent: the first team with a free seat (team 0 when none has one). */
  teamId?: number;
  overflowAction: OverflowAction;
  customData: CustomData;
}

/** Who may invite a party, and the facts that rest on: see decideSessionInvite. */
function inviteAuthority(
  session: Session,
  actor: Actor,
  party: Party,
  actorPlayer: Player | undefined,
): { ok: true; guards: Guard[] } | { ok: false; code: 'not_session_leader' | 'session_not_joinable' | 'session_password_required' } {
  if (actor.trusted) return { ok: true, guards: [] };
  if (session.leader === actor.playerUuid) return { ok: true, guards: [{ kind: 'leaderIs', playerUuid: actor.playerUuid }] };
  if (holds(actorPlayer, 'invite')) return { ok: true, guards: [{ kind: 'playerActive', playerUuid: actor.playerUuid, holds: 'invite' }] };
  if (!party.members.some((p) => p.playerUuid === actor.playerUuid)) return { ok: false, code: 'not_session_leader' };
  // A member of the party brings it along where they could join themselves: an open session without a password.
  if (!session.joinable) return { ok: false, code: 'session_not_joinable' };
  if (session.passwordHash !== undefined) return { ok: false, code: 'session_password_required' };
  const elsewhere: Guard = {
    kind: 'activeElsewhere',
    sessionId: party.session.sessionId,
    incarnation: party.session.incarnation,
    member: actor.playerUuid,
  };
  return { ok: true, guards: [{ kind: 'joinable' }, { kind: 'noPassword' }, elsewhere] };
}

const freeSeats = (session: Session, teamId: number) => Math.max(0, session.teams[teamId]!.maxSize - session.teams[teamId]!.occupied);

/** The team of each of `count` invitees under the overflow action, in order; fewer when a partial action drops some. */
function placements(session: Session, teamId: number, count: number, overflow: OverflowAction): number[] | undefined {
  const asked = Array.from({ length: Math.min(count, overflow === 'overfill' ? count : freeSeats(session, teamId)) }, () => teamId);
  if (overflow === 'overfill' || asked.length === count) return asked;
  if (overflow === 'fail') return undefined;
  if (overflow === 'partial_without_overflow') return asked.length ? asked : undefined;
  // Overflowing: the asked team's free seats first, then the other teams' in team order.
  const placed = [...asked];
  for (let t = 0; t < session.teams.length && placed.length < count; t++) {
    if (t === teamId) continue;
    for (let free = freeSeats(session, t); free > 0 && placed.length < count; free--) placed.push(t);
  }
  if (placed.length === count || (overflow === 'partial_with_overflow' && placed.length > 0)) return placed;
  return undefined;
}

/**
 * invite_session_to_session: every active member of `party` not yet in `session` (with any status) is invited, each
 * on the team the overflow action gives them. Who may: a trusted caller; the leader, or a member holding `invite`
 * (RallyHere's InviteOtherSession); or an active member of the party itself, where the session is open to join without
 * an invite and has no password (JoinOtherSession), which rests on their still being one. `present` holds the
 * session's memberships of the party's members and of the caller; at most `limit` invitees are written, the rest
 * (`remaining`) in the next decision.
 */
export function decideSessionInvite(
  session: Session | undefined,
  actor: Actor,
  party: Party | undefined,
  present: ReadonlyMap<string, Player>,
  req: PartyInvite,
  now: string,
  limit: number,
): Decision<{ invited: Player[]; remaining: number }> {
  if (!session || !party) return reject('session_not_found');
  if (req.teamId !== undefined && req.teamId >= session.teams.length) return reject('team_not_found');
  const auth = inviteAuthority(session, actor, party, present.get(actor.playerUuid));
  if (!auth.ok) return reject(auth.code);
  const invitees = party.members.filter((p) => !present.has(p.playerUuid));
  if (invitees.length === 0) return { kind: 'unchanged', result: { invited: [], remaining: 0 } };

  const firstFree = session.teams.findIndex((t) => t.occupied < t.maxSize);
  const teams = placements(session, req.teamId ?? Math.max(0, firstFree), invitees.length, req.overflowAction);
  if (!teams) return reject('team_full');
  const invited: Player[] = teams.slice(0, limit).map((teamId, i) => ({
    playerUuid: invitees[i]!.playerUuid,
    status: 'invited',
    teamId,
    customData: { ...req.customData },
    invitedBy: actor.playerUuid,
    invited: now,
    revision: 1,
  }));
  const seats: Record<number, number> = {};
  for (const p of invited) seats[p.teamId] = (seats[p.teamId] ?? 0) + 1;
  const change: Change = {
    event: 'Session Updated',
    reason: 'invite_session_to_session',
    guards: [...auth.guards, ...invited.map((p) => ({ kind: 'playerAbsent' as const, playerUuid: p.playerUuid }))],
    players: invited.map((player) => ({ kind: 'put', player })),
    seats,
  };
  return { kind: 'write', change, result: { invited, remaining: teams.length - invited.length } };
}

/**
 * kick_session_from_session, by a trusted caller or the session's leader: every player of `session` who is an active
 * member of `party` leaves it, whatever their status here. The leader goes last (with the decision that removes
 * the others already written), handing leadership to the member who joined earliest of those who stay; a session
 * left without leader or members ends unless its template keeps it alive. `players` are all of the session's;
 * at most `limit` are removed at once, the rest (`remaining`) in the next decision.
 */
export function decideSessionKick(
  session: Session | undefined,
  actor: Actor,
  party: Party | undefined,
  players: readonly Player[],
  limit: number,
): Decision<{ remaining: number }> {
  if (!session || !party) return reject('session_not_found');
  if (!actor.trusted && session.leader !== actor.playerUuid) return reject('not_session_leader');
  const kicked = new Set(party.members.map((p) => p.playerUuid));
  const leaving = players
    .filter((p) => kicked.has(p.playerUuid))
    .sort((a, b) => Number(a.status === 'leader') - Number(b.status === 'leader') || a.playerUuid.localeCompare(b.playerUuid));
  if (leaving.length === 0) return { kind: 'unchanged', result: { remaining: 0 } };
  // The leader, sorted last, leaves with the last batch, when who stays (and so who leads next) is known.
  const batch = leaving.slice(0, limit);
  const removal = removalOf(session, players, batch);
  if (!removal) return reject('session_conflict');
  const change: Change = {
    ...removal,
    event: removal.deleteSession ? 'Session Deleted' : 'Session Updated',
    reason: 'kick_session_from_session',
    guards: [...(actor.trusted ? [] : [{ kind: 'leaderIs' as const, playerUuid: actor.playerUuid }]), ...removal.guards],
  };
  return { kind: 'write', change, result: { remaining: leaving.length - batch.length } };
}
