// The Session resource as the contract shows it: teams in team_id order, each with its players.
import type { SessionPlayerResource, SessionResource } from '../../contract/types.js';
import type { Player, Session } from '../model/session.js';

export const toPlayerResource = (p: Player): SessionPlayerResource => ({
  player_uuid: p.playerUuid,
  status: p.status,
  custom_data: p.customData,
  ...(p.clientVersion ? { version: p.clientVersion } : {}),
  ...(p.clientSettings ? { client_settings: p.clientSettings } : {}),
  ...(p.crossplay ? { crossplay_preferences: p.crossplay } : {}),
  ...(p.invitedBy ? { inviting_player_uuid: p.invitedBy } : {}),
  ...(p.invited ? { invited: p.invited } : {}),
  ...(p.joined ? { joined: p.joined } : {}),
  session_permissions: [...(p.permissions ?? [])],
});

/** Players in the order they joined (invited and reserved players after them), so the view is stable. */
const byJoined = (a: Player, b: Player) => (a.joined ?? '\uffff').localeCompare(b.joined ?? '\uffff') || a.playerUuid.localeCompare(b.playerUuid);

/** Every team of the session, each with those of `players` on it, in the order given. */
export const toTeamResources = (session: Session, players: readonly Player[]): SessionResource['teams'] =>
  session.teams.map((t, teamId) => ({
    team_id: teamId,
    max_size: t.maxSize,
    ...(t.customData ? { custom_data: t.customData } : {}),
    players: players.filter((p) => p.teamId === teamId).map(toPlayerResource),
  }));

export function toSessionResource(session: Session, players: Player[]): SessionResource {
  const sorted = [...players].sort(byJoined);
  return {
    type: session.type,
    session_id: session.sessionId,
    joinable: session.joinable,
    joinability: { open: session.joinable, friends: session.friendsMayJoin, platform: session.platformJoinable },
    teams: toTeamResources(session, sorted),
    teams_suppressed: false,
    platform_session: [],
    custom_data: session.customData,
    created: session.created,
    created_by_matchmaking: false,
    ...(session.shortCode ? { short_code: session.shortCode } : {}),
  };
}
