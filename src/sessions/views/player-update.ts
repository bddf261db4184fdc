// The SessionPlayerUpdateResponse resource: a membership as a join or a player update answers it.
import type { SessionPlayerUpdateResponse } from '../../contract/types.js';
import type { Player } from '../model/session.js';

export const toUpdateResponse = (p: Player): SessionPlayerUpdateResponse => ({
  player_uuid: p.playerUuid,
  status: p.status,
  team_id: p.teamId,
  custom_data: p.customData,
});
