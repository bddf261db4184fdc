// POST /session/v1/session/{session_id}/player/{player_uuid} — Update Session Player By Uuid V2: invite, reserve, add, move or promote a player.
import { update_session_player_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_player_by_uuid_v2.js';
import * as query from '../schemas/generated/validators/update_session_player_by_uuid_v2.query.js';
import { updatePlayerOperation } from '../src/http/player-operations.js';

export const handler = updatePlayerOperation(operation, { ...validators, ...query });
