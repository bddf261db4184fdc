// The plain data the join rules decide over. The store maps DynamoDB items to and from these shapes;
// nothing here knows about DynamoDB or HTTP.
import type { CrossplayPreferences, CustomData, DeviceType, Input, Platform, PlayerStatus, SessionPermission } from '../../contract/types.js';
import type { CrossplayCounters } from './crossplay.js';
import type { VersionRange } from './versions.js';

export interface Team {
  maxSize: number;
  /** Seats held: leaders, members, invited and reserved players. May exceed maxSize after an overfill. */
  occupied: number;
  customData?: CustomData;
}

export interface Session {
  sessionId: string;
  type: string;
  /** Random per creation, so a deleted and re-created session id never repeats an ETag. */
  incarnation: string;
  version: number;
  /** joinability.open: anyone may join without an invite (the deprecated `joinable` shows the same). */
  joinable: boolean;
  /** joinability.friends: friends of the session's active members may join without an invite. */
  friendsMayJoin: boolean;
  /** joinability.platform: stored and shown; platform sessions are not served here. */
  platformJoinable: boolean;
  /** A salted slow hash (security/password-hash.ts) a player not yet in the session must match. */
  passwordHash?: string;
  /** Usable in place of the id (generate_session_short_code); released when the session ends. */
  shortCode?: string;
  created: string;
  customData: CustomData;
  /** Index = team_id. */
  teams: Team[];
  leader?: string;
  /** Leaders and members (invited and reserved players hold seats but are not active). */
  activeCount: number;
  canChangeOwnTeam: boolean;
  /** From the template, at creation: a session survives its last active player leaving. */
  keepAliveOnEmpty: boolean;
  /** From the template, at creation: sessions of this type are found by create-or-join while open. */
  autoJoin: boolean;
  /** From the template, at creation: the range a joining client's version must satisfy, compiled. */
  clientVersionRange?: VersionRange;
  /** Counts over active players (leader, member) that let a join check crossplay without reading every player. */
  crossplay: CrossplayCounters;
  /** Epoch seconds; absent means the session does not expire. */
  expiresAt?: number;
  /** Inactivity time-to-live applied on every write. */
  ttlSeconds: number;
  /** From the template, at creation (player_culling_timeout): leaders and members silent this long are culled. */
  cullAfterSeconds?: number;
  /**
   * Epoch ms before which no cull can be due (rules/culling.ts): never later than the earliest real due time, so
   * that until it passes the session item alone shows no one is due. Absent while no leader or member is seated.
   */
  nextCullAt?: number;
}

export interface PlayerClientSettings {
  platform: Platform;
  input: Input;
  device_type?: DeviceType;
}

export interface Player {
  playerUuid: string;
  status: PlayerStatus;
  /** Who invited or reserved the player, if anyone. */
  invitedBy?: string;
  teamId: number;
  customData: CustomData;
  /** Unknown until the player joins themselves (an invited or directly added player has none yet). */
  clientVersion?: string;
  clientSettings?: PlayerClientSettings;
  crossplay?: CrossplayPreferences;
  joined?: string;
  invited?: string;
  /** Intra-session permissions given to the player (rules/permissions.ts): sorted, none when absent. */
  permissions?: readonly SessionPermission[];
  /** Increments on every write of this player's item; the store's condition for "unchanged since read". */
  revision: number;
}

/** A validated join request with the platform already resolved (token claim, then platform, then platform_id). */
export interface JoinRequest {
  playerUuid: string;
  status: PlayerStatus;
  /** "any": the first team with a free seat (create-or-join without a team asked). */
  teamId: number | 'any';
  clientVersion: string;
  clientSettings: PlayerClientSettings;
  crossplay: CrossplayPreferences;
  customData: CustomData;
  /** Password to join a password protected session one is not invited to. */
  password?: string;
  /** The friend whose session one joins (a session friends of its members may join). */
  friendUuid?: string;
}

export const isActive = (status: PlayerStatus) => status === 'leader' || status === 'member';

export const ANY_CROSSPLAY: CrossplayPreferences = {
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_any',
};

/**
 * Seats left over all teams, as one number the store keeps with plain arithmetic: an overfilled team counts
 * negative, so a session with an overfilled team may read as full while another team still has a seat.
 */
export const seatsFree = (s: Pick<Session, 'teams'>) => s.teams.reduce((n, t) => n + t.maxSize - t.occupied, 0);

/** Open: create-or-join may put players into it (never into a session with a password). */
export const isOpen = (s: Pick<Session, 'teams' | 'joinable' | 'autoJoin' | 'passwordHash'>) =>
  s.autoJoin && s.joinable && s.passwordHash === undefined && seatsFree(s) > 0;
