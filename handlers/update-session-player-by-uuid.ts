// POST /session/v1/session/{session_id}/player/uuid/{player_uuid} — Update Session Player By Uuid (deprecated upstream; RallyHere's Unreal SDK calls it).
import { update_session_player_by_uuid as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_player_by_uuid.js';
import * as query from '../schemas/generated/validators/update_session_player_by_uuid.query.js';
import { updatePlayerOperation } from '../src/http/player-operations.js';

export const handler = updatePlayerOperation(operation, { ...validators, ...query });
