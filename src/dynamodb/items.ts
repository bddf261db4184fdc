// How sessions and players are laid out as DynamoDB items (docs/architecture.md, "Data model").
//   session item  pk = S#<session_id>  sk = #SESSION
//   player item   pk = S#<session_id>  sk = P#<player_uuid>
//   presence      pk = S#<session_id>  sk = SEEN#<player_uuid>   inc, seen (epoch ms): culling (presence.ts)
//   open-session index entry  pk = OPEN#<type>  sk = E#<created>#<session_id>   (see open-sessions.ts)
//   short code                pk = CODE#<code>  sk = #CODE   session_id, inc   (see short-codes.ts)
// The session id is only ever a suffix after a fixed prefix, so whatever characters it holds it addresses its
// own partition and nothing else; "#SESSION" sorts before every "P#" so a query reads the session item first.
// Player items carry gsi1pk = P#<player_uuid>, gsi1sk = <session_id>: the player-sessions index. Session items of
// sessions that cull carry cull_pk = CULL#<shard>, cull_at = <epoch ms, zero-padded>: the culling index the sweep reads.
import type { CustomData, CrossplayPreferences, PlayerStatus, SessionPermission } from '../contract/types.js';
import { SESSIONS_TABLE } from './table-definition.js';
import type { VersionRange } from '../sessions/model/versions.js';
import { COUNTER_KEYS, type CrossplayCounters } from '../sessions/model/crossplay.js';
import type { SessionEvent } from '../sessions/model/change.js';
import { seatsFree, type Player, type PlayerClientSettings, type Session, type Team } from '../sessions/model/session.js';

export const SESSION_PK_PREFIX = 'S#';
export const SESSION_SK = '#SESSION';
export const PLAYER_SK_PREFIX = 'P#';
export const sessionKey = (sessionId: string) => ({ pk: `${SESSION_PK_PREFIX}${sessionId}`, sk: SESSION_SK });
export const playerKey = (sessionId: string, playerUuid: string) => ({
  pk: `${SESSION_PK_PREFIX}${sessionId}`,
  sk: `${PLAYER_SK_PREFIX}${playerUuid}`,
});
export const PRESENCE_SK_PREFIX = 'SEEN#';
export const presenceKey = (sessionId: string, playerUuid: string) => ({
  pk: `${SESSION_PK_PREFIX}${sessionId}`,
  sk: `${PRESENCE_SK_PREFIX}${playerUuid}`,
});
export const shortCodeKey = (code: string) => ({ pk: `CODE#${code}`, sk: '#CODE' });
export const PLAYER_INDEX = SESSIONS_TABLE.indexes.find((i) => i.name === 'player-sessions')!;
export const playerIndexKey = (playerUuid: string) => `P#${playerUuid}`;
export const CULLING_INDEX = SESSIONS_TABLE.indexes.find((i) => i.name === 'culling')!;
/** Shards of the culling index's partition key, so that the floors of many sessions do not write one hot partition. */
export const CULLING_SHARDS = 8;
export function cullShardOf(sessionId: string): string {
  let h = 0;
  for (let i = 0; i < sessionId.length; i++) h = (h * 31 + sessionId.charCodeAt(i)) >>> 0;
  return `CULL#${h % CULLING_SHARDS}`;
}
/** The floor as the index's string sort key: zero-padded, so that strings sort as the numbers do. */
export const cullAtKey = (epochMs: number) => String(Math.max(0, Math.floor(epochMs))).padStart(15, '0');

export interface SessionItem {
  pk: string;
  sk: string;
  session_id: string;
  type: string;
  inc: string;
  version: number;
  joinable: boolean;
  /** Absent on items written before joinability had these flags: upstream's defaults. */
  friends_join?: boolean;
  platform_join?: boolean;
  pw_hash?: string;
  short_code?: string;
  created: string;
  custom_data: CustomData;
  teams: Record<string, { max: number; n: number; data?: CustomData }>;
  leader?: string;
  active: number;
  /** Seats left over all teams: kept so that a join knows whether it fills the session (open-session index). */
  seats_free: number;
  can_change_own_team: boolean;
  keep_alive: boolean;
  auto_join: boolean;
  version_range?: VersionRange;
  xp: CrossplayCounters;
  expires_at?: number;
  ttl_seconds: number;
  /** player_culling_timeout, seconds (absent: never culled). */
  cull_s?: number;
  /** The cull floor (Session.nextCullAt) and its index shard: both present or both absent. */
  cull_at?: string;
  cull_pk?: string;
  /** What the last committed change was; the session-events pipe publishes it. */
  last_change?: { event: SessionEvent; player_uuid?: string; team_id?: number; status?: PlayerStatus | 'left'; reason?: string };
}

export interface PlayerItem {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  /** The session's type, for the player-sessions index. */
  type: string;
  inc: string;
  rev: number;
  player_uuid: string;
  status: PlayerStatus;
  invited_by?: string;
  team_id: number;
  custom_data: CustomData;
  client_version?: string;
  client_settings?: PlayerClientSettings;
  crossplay?: CrossplayPreferences;
  joined?: string;
  invited?: string;
  /** The player's session permissions, a list (absent when none). */
  perms?: SessionPermission[];
}

export function sessionFromItem(item: SessionItem): Session {
  const teams = Object.entries(item.teams)
    .map(([id, t]) => ({ id: Number(id), maxSize: Number(t.max), occupied: Number(t.n), customData: t.data }))
    .sort((a, b) => a.id - b.id)
    .map(({ maxSize, occupied, customData }) => ({ maxSize, occupied, ...(customData ? { customData } : {}) }));
  const crossplay = Object.fromEntries(COUNTER_KEYS.map((k) => [k, Number(item.xp?.[k] ?? 0)])) as CrossplayCounters;
  return {
    sessionId: item.session_id,
    type: item.type,
    incarnation: item.inc,
    version: Number(item.version),
    joinable: item.joinable,
    friendsMayJoin: item.friends_join ?? false,
    platformJoinable: item.platform_join ?? true,
    ...(item.pw_hash ? { passwordHash: item.pw_hash } : {}),
    ...(item.short_code ? { shortCode: item.short_code } : {}),
    created: item.created,
    customData: item.custom_data ?? {},
    teams,
    leader: item.leader,
    activeCount: Number(item.active ?? 0),
    canChangeOwnTeam: item.can_change_own_team,
    keepAliveOnEmpty: item.keep_alive ?? false,
    autoJoin: item.auto_join ?? false,
    clientVersionRange: item.version_range,
    crossplay,
    expiresAt: item.expires_at === undefined ? undefined : Number(item.expires_at),
    ttlSeconds: Number(item.ttl_seconds),
    ...(item.cull_s ? { cullAfterSeconds: Number(item.cull_s) } : {}),
    ...(item.cull_at !== undefined ? { nextCullAt: Number(item.cull_at) } : {}),
  };
}

export function sessionToItem(s: Session): SessionItem {
  return {
    ...sessionKey(s.sessionId),
    session_id: s.sessionId,
    type: s.type,
    inc: s.incarnation,
    version: s.version,
    joinable: s.joinable,
    friends_join: s.friendsMayJoin,
    platform_join: s.platformJoinable,
    pw_hash: s.passwordHash,
    short_code: s.shortCode,
    created: s.created,
    custom_data: s.customData,
    teams: teamsToItem(s.teams),
    leader: s.leader,
    active: s.activeCount,
    seats_free: seatsFree(s),
    can_change_own_team: s.canChangeOwnTeam,
    keep_alive: s.keepAliveOnEmpty,
    auto_join: s.autoJoin,
    version_range: s.clientVersionRange,
    xp: s.crossplay,
    expires_at: s.expiresAt,
    ttl_seconds: s.ttlSeconds,
    ...(s.cullAfterSeconds ? { cull_s: s.cullAfterSeconds } : {}),
    ...(s.cullAfterSeconds && s.nextCullAt !== undefined ? { cull_at: cullAtKey(s.nextCullAt), cull_pk: cullShardOf(s.sessionId) } : {}),
  };
}

export const teamsToItem = (teams: readonly Team[]) =>
  Object.fromEntries(teams.map((t, i) => [String(i), { max: t.maxSize, n: t.occupied, ...(t.customData ? { data: t.customData } : {}) }]));

export function playerFromItem(item: PlayerItem): Player {
  return {
    playerUuid: item.player_uuid,
    status: item.status,
    invitedBy: item.invited_by,
    teamId: Number(item.team_id),
    customData: item.custom_data ?? {},
    clientVersion: item.client_version,
    clientSettings: item.client_settings,
    crossplay: item.crossplay,
    joined: item.joined,
    invited: item.invited,
    ...(item.perms?.length ? { permissions: item.perms } : {}),
    revision: Number(item.rev),
  };
}

export function playerToItem(session: Pick<Session, 'sessionId' | 'incarnation' | 'type'>, p: Player): PlayerItem {
  return {
    ...playerKey(session.sessionId, p.playerUuid),
    gsi1pk: playerIndexKey(p.playerUuid),
    gsi1sk: session.sessionId,
    type: session.type,
    inc: session.incarnation,
    rev: p.revision,
    player_uuid: p.playerUuid,
    status: p.status,
    invited_by: p.invitedBy,
    team_id: p.teamId,
    custom_data: p.customData,
    client_version: p.clientVersion,
    client_settings: p.clientSettings,
    crossplay: p.crossplay,
    joined: p.joined,
    invited: p.invited,
    perms: p.permissions?.length ? [...p.permissions] : undefined,
  };
}

/** A presence item of a player: their last recorded query of the session's incarnation (epoch ms). */
export interface PresenceItem {
  pk: string;
  sk: string;
  inc: string;
  seen: number;
  expires_at: number;
}

/** A session item counts only while it has not expired, even before DynamoDB's TTL removes it. */
export function liveSession(item: SessionItem | undefined, nowSeconds: number): Session | undefined {
  if (!item || (item.expires_at !== undefined && Number(item.expires_at) <= nowSeconds)) return undefined;
  return sessionFromItem(item);
}

/** A player item from an earlier incarnation of the same session id is not a member of this one. */
export function livePlayer(item: PlayerItem | undefined, session: Session | undefined): Player | undefined {
  return item && session && item.inc === session.incarnation ? playerFromItem(item) : undefined;
}
