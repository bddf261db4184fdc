// A fresh session's state: empty teams, no leader, zeroed crossplay counters, a new incarnation; and the
// aggregates a session holds for a given set of players.
import { randomBytes } from 'node:crypto';
import type { CustomData } from '../../contract/types.js';
import { contribution, profileOf, zeroCounters } from './crossplay.js';
import { nextCullOf } from './presence.js';
import { isActive, type Player, type Session } from './session.js';
import type { VersionRange } from './versions.js';

const DEFAULT_TTL_SECONDS = 3600;

export interface NewSession {
  sessionId: string;
  type: string;
  /** max_size of each team; the list's length is the number of teams. */
  teamSizes: number[];
  /** joinability.open */
  joinable: boolean;
  friendsMayJoin?: boolean;
  platformJoinable?: boolean;
  passwordHash?: string;
  canChangeOwnTeam?: boolean;
  customData?: CustomData;
  /** Inactivity time-to-live; 0 for a session that never expires. */
  ttlSeconds?: number;
  keepAliveOnEmpty?: boolean;
  autoJoin?: boolean;
  clientVersionRange?: VersionRange;
  /** player_culling_timeout; 0 or absent: players are never culled. */
  cullAfterSeconds?: number;
  now?: Date;
}

export function newSession(n: NewSession): Session {
  const now = n.now ?? new Date();
  const ttlSeconds = n.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  return {
    sessionId: n.sessionId,
    type: n.type,
    incarnation: randomBytes(9).toString('base64url'),
    version: 1,
    joinable: n.joinable,
    friendsMayJoin: n.friendsMayJoin ?? false,
    platformJoinable: n.platformJoinable ?? true,
    ...(n.passwordHash ? { passwordHash: n.passwordHash } : {}),
    created: now.toISOString(),
    customData: n.customData ?? {},
    teams: n.teamSizes.map((maxSize) => ({ maxSize, occupied: 0 })),
    activeCount: 0,
    canChangeOwnTeam: n.canChangeOwnTeam ?? true,
    keepAliveOnEmpty: n.keepAliveOnEmpty ?? false,
    autoJoin: n.autoJoin ?? false,
    ...(n.clientVersionRange ? { clientVersionRange: n.clientVersionRange } : {}),
    ...(n.cullAfterSeconds ? { cullAfterSeconds: n.cullAfterSeconds } : {}),
    crossplay: zeroCounters(),
    expiresAt: ttlSeconds > 0 ? Math.floor(now.getTime() / 1000) + ttlSeconds : undefined,
    ttlSeconds,
  };
}

/** The session as it is with these players seated: occupancy, leader and crossplay counters follow from them. */
export function withPlayers(session: Session, players: readonly Player[]): Session {
  const teams = session.teams.map((t) => ({ ...t, occupied: 0 }));
  const crossplay = zeroCounters();
  let leader: string | undefined;
  let activeCount = 0;
  for (const p of players) {
    const team = teams[p.teamId];
    if (!team) throw new Error(`player ${p.playerUuid} is on team ${p.teamId}, which the session does not have`);
    team.occupied++;
    if (p.status === 'leader') leader = p.playerUuid;
    if (isActive(p.status)) {
      activeCount++;
      for (const k of contribution(profileOf(p))) crossplay[k]++;
    }
  }
  const nextCullAt = nextCullOf(session, players, new Map());
  const { nextCullAt: _, ...rest } = session;
  return { ...rest, teams, crossplay, leader, activeCount, ...(nextCullAt === undefined ? {} : { nextCullAt }) };
}
