// The plain data the join rules decide over. The store maps DynamoDB items to and from these shapes;
// nothing here knows about DynamoDB or HTTP.
import type { CrossplayPreferences, CustomData, DeviceType, Input, Platform, PlayerStatus } from '../contract/types.js';
import type { CrossplayCounters } from './crossplay.js';

export interface Team {
  maxSize: number;
  /** Seats held: leaders, members, invited and reserved players. */
  occupied: number;
}

export interface Session {
  sessionId: string;
  type: string;
  /** Random per creation, so a deleted and re-created session id never repeats an ETag. */
  incarnation: string;
  version: number;
  joinable: boolean;
  created: string;
  customData: CustomData;
  /** Index = team_id. */
  teams: Team[];
  leader?: string;
  canChangeOwnTeam: boolean;
  /** Counts over active players (leader, member) that let a join check crossplay without reading every player. */
  crossplay: CrossplayCounters;
  /** Epoch seconds; absent means the session does not expire. */
  expiresAt?: number;
  /** Inactivity time-to-live applied on every write. */
  ttlSeconds: number;
}

export interface PlayerClientSettings {
  platform: Platform;
  input: Input;
  device_type?: DeviceType;
}

export interface Player {
  playerUuid: string;
  status: PlayerStatus;
  teamId: number;
  customData: CustomData;
  clientVersion: string;
  clientSettings: PlayerClientSettings;
  crossplay: CrossplayPreferences;
  joined?: string;
  invited?: string;
  /** Increments on every write of this player's item; the store's condition for "unchanged since read". */
  revision: number;
}

/** A validated join request with the platform already resolved (token claim, then platform, then platform_id). */
export interface JoinRequest {
  playerUuid: string;
  status: PlayerStatus;
  teamId: number;
  clientVersion: string;
  clientSettings: PlayerClientSettings;
  crossplay: CrossplayPreferences;
  customData: CustomData;
}

export const isActive = (status: PlayerStatus) => status === 'leader' || status === 'member';

export const ANY_CROSSPLAY: CrossplayPreferences = {
  permitted_platform: 'desired_platforms_any',
  permitted_input: 'desired_inputs_any',
};
