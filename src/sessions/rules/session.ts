// The rules of changing a session itself. update_session_by_id: joinability, the password, custom data and the team
// layout; a team never shrinks below the seats held on it, and a team holding seats is never removed; written under
// the version condition, so the decision sees exactly the session it changes. delete_session: who may end a session.
import type { CustomData } from '../../contract/types.js';
import type { Change, Decision } from '../model/change.js';
import { sameData } from './toolkit.js';
import type { Player, Session, Team } from '../model/session.js';
import type { Actor } from '../model/actor.js';

/**
 * What the session item may hold of custom data, the session's and every team's together: with everything else the
 * item carries (teams, counters, the version range: a few KiB), it stays well below DynamoDB's 400 KB item limit,
 * whatever sequence of updates got it there. Measured as the data's JSON text, which is at least its size in DynamoDB.
 */
export const SESSION_DATA_BUDGET_BYTES = 256 * 1024;

const jsonBytes = (data: CustomData | undefined) => (data ? Buffer.byteLength(JSON.stringify(data), 'utf8') : 0);

const sessionDataBytes = (s: Pick<Session, 'customData' | 'teams'>) => s.teams.reduce((n, t) => n + jsonBytes(t.customData), jsonBytes(s.customData));

export interface SessionUpdate {
  /** joinability.open */
  joinable?: boolean;
  friendsMayJoin?: boolean;
  platformJoinable?: boolean;
  /** A new password's hash (hashed before deciding: hashing is slow and async), or null to remove the password. */
  passwordHash?: string | null;
  customData?: CustomData;
  /** The new layout: one entry per team, in team_id order. */
  teams?: { maxSize?: number; customData?: CustomData }[];
}

/** Who may update a session: a trusted caller, or its leader. */
export const mayUpdateSession = (session: Session, actor: Actor) => actor.trusted || session.leader === actor.playerUuid;

export function decideSessionUpdate(session: Session | undefined, actor: Actor, update: SessionUpdate): Decision<Session> {
  if (!session) return { kind: 'reject', code: 'session_not_found' };
  if (!mayUpdateSession(session, actor)) return { kind: 'reject', code: 'not_session_leader' };

  let teams: Team[] | undefined;
  if (update.teams) {
    for (let t = update.teams.length; t < session.teams.length; t++) {
      if (session.teams[t]!.occupied > 0) return { kind: 'reject', code: 'team_size_below_occupancy' };
    }
    teams = update.teams.map((u, t) => {
      const old = session.teams[t];
      const customData = u.customData ?? old?.customData;
      return { maxSize: u.maxSize ?? old?.maxSize ?? session.teams[0]!.maxSize, occupied: old?.occupied ?? 0, ...(customData ? { customData } : {}) };
    });
    if (teams.some((t) => t.maxSize < t.occupied)) return { kind: 'reject', code: 'team_size_below_occupancy' };
  }

  const passwordHash = update.passwordHash === undefined ? session.passwordHash : (update.passwordHash ?? undefined);
  const after: Session = {
    ...session,
    joinable: update.joinable ?? session.joinable,
    friendsMayJoin: update.friendsMayJoin ?? session.friendsMayJoin,
    platformJoinable: update.platformJoinable ?? session.platformJoinable,
    customData: update.customData ?? session.customData,
    teams: teams ?? session.teams,
  };
  if (passwordHash === undefined) delete after.passwordHash;
  else after.passwordHash = passwordHash;
  const sameJoinability =
    after.joinable === session.joinable && after.friendsMayJoin === session.friendsMayJoin && after.platformJoinable === session.platformJoinable;
  const sameTeams =
    after.teams.length === session.teams.length &&
    after.teams.every((t, i) => t.maxSize === session.teams[i]!.maxSize && sameData(t.customData ?? {}, session.teams[i]!.customData ?? {}));
  if (sameJoinability && after.passwordHash === session.passwordHash && sameData(after.customData, session.customData) && sameTeams) {
    return { kind: 'unchanged', result: session };
  }
  if (sessionDataBytes(after) > SESSION_DATA_BUDGET_BYTES) return { kind: 'reject', code: 'session_data_too_large' };
  const change: Change = {
    event: 'Session Updated',
    guards: [],
    players: [],
    ...(after.joinable !== session.joinable ? { joinable: after.joinable } : {}),
    ...(after.friendsMayJoin !== session.friendsMayJoin ? { friendsMayJoin: after.friendsMayJoin } : {}),
    ...(after.platformJoinable !== session.platformJoinable ? { platformJoinable: after.platformJoinable } : {}),
    ...(after.passwordHash !== session.passwordHash ? { passwordHash: after.passwordHash ?? null } : {}),
    ...(!sameData(after.customData, session.customData) ? { customData: after.customData } : {}),
    ...(!sameTeams ? { teams: after.teams } : {}),
  };
  return { kind: 'write', change, result: { ...after, version: session.version + 1 } };
}

/**
 * delete_session, by a trusted caller or the session's leader (upstream's session admin; a fact of the write). The
 * memberships go in the same transaction when `players` holds them all (read as one state, and few enough for one
 * transaction: PLAYERS_IN_DELETION); otherwise they are removed after it (`membershipsLeft`).
 */
export function decideDeletion(
  session: Session | undefined,
  actor: Actor,
  players: readonly Player[] | undefined,
): Decision<{ membershipsLeft: boolean }> {
  if (!session) return { kind: 'reject', code: 'session_not_found' };
  if (!actor.trusted && session.leader !== actor.playerUuid) return { kind: 'reject', code: 'not_session_leader' };
  const change: Change = {
    event: 'Session Deleted',
    reason: 'delete_session',
    guards: actor.trusted ? [] : [{ kind: 'leaderIs', playerUuid: actor.playerUuid }],
    players: (players ?? [])
      .map((p) => p.playerUuid)
      .sort()
      .map((playerUuid) => ({ kind: 'delete', playerUuid })),
    deleteSession: true,
  };
  return { kind: 'write', change, result: { membershipsLeft: players === undefined } };
}
