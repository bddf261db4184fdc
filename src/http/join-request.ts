// From a body the contract accepted to the plain JoinRequest the rules take: the rule a schema cannot say (a
// platform from somewhere), and the platform resolved as upstream documents it: the token's platform claim, else
// `platform`, else the deprecated `platform_id`. A client version is any string, as upstream takes it; a session
// whose template sets a version range judges it (rules/join.ts).
import { PLATFORM_BY_ID } from '../../schemas/generated/platform-ids.js';
import type { components } from '../../schemas/generated/types.js';
import type { Platform, SelfSessionPlayerUpdateRequest, ValidationErrorItem } from '../contract/types.js';
import { ANY_CROSSPLAY, type JoinRequest } from '../sessions/model/session.js';

export function checkJoinBody(body: SelfSessionPlayerUpdateRequest, tokenPlatform: Platform | undefined): ValidationErrorItem[] {
  const problems: ValidationErrorItem[] = [];
  const { platform, platform_id } = body.client_settings;
  if (!tokenPlatform && platform === undefined && platform_id === undefined) {
    problems.push({
      loc: ['body', 'client_settings', 'platform'],
      msg: 'one of platform and platform_id is required',
      type: 'value_error.missing',
    });
  }
  return problems;
}

export function toJoinRequest(body: SelfSessionPlayerUpdateRequest, playerUuid: string, tokenPlatform: Platform | undefined): JoinRequest {
  const s = body.client_settings;
  const platform = tokenPlatform ?? s.platform ?? PLATFORM_BY_ID[s.platform_id as number] ?? 'Anon';
  return {
    playerUuid,
    status: body.status,
    teamId: body.team_id,
    clientVersion: body.client_version,
    clientSettings: { platform, input: s.input, ...(s.device_type ? { device_type: s.device_type } : {}) },
    // Only the known fields: FastAPI drops unknown ones, and they are not ours to store.
    crossplay: body.crossplay_preferences
      ? { permitted_platform: body.crossplay_preferences.permitted_platform, permitted_input: body.crossplay_preferences.permitted_input }
      : ANY_CROSSPLAY,
    customData: { ...body.custom_data },
    ...(body.password !== undefined ? { password: body.password } : {}),
    ...(body.friend_uuid !== undefined ? { friendUuid: body.friend_uuid.toLowerCase() } : {}),
  };
}

type CreateOrJoinRequest = components['schemas']['CreateOrJoinRequest'];

/** `player`, when given, describes the player; otherwise the top-level fields do. */
const topLevelPlayer = ({ client_version, client_settings, crossplay_preferences }: CreateOrJoinRequest): SelfSessionPlayerUpdateRequest => ({
  client_version,
  client_settings,
  ...(crossplay_preferences ? { crossplay_preferences } : {}),
  team_id: 0,
  status: 'member',
  custom_data: {},
});

/** The top level is checked as a join body is, whether or not `player` is given; `player` too when it is. */
export const checkCreateOrJoinBody = (body: CreateOrJoinRequest, tokenPlatform: Platform | undefined): ValidationErrorItem[] => [
  ...checkJoinBody(topLevelPlayer(body), tokenPlatform),
  ...(body.player ? checkJoinBody(body.player, tokenPlatform).map((p) => ({ ...p, loc: ['body', 'player', ...p.loc.slice(1)] })) : []),
];

/** The player create-or-join places: as `player` describes them, or from the top level on any team with room. */
export const toCreateOrJoinRequest = (body: CreateOrJoinRequest, playerUuid: string, tokenPlatform: Platform | undefined): JoinRequest =>
  body.player
    ? toJoinRequest(body.player, playerUuid, tokenPlatform)
    : { ...toJoinRequest(topLevelPlayer(body), playerUuid, tokenPlatform), teamId: 'any' };
