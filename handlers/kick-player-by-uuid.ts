// DELETE /session/v1/session/{session_id}/player/uuid/{player_uuid} — Kick Player From Session By Uuid (deprecated upstream; RallyHere's Unreal SDK calls it).
import { kick_player_from_session_by_uuid as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/kick_player_from_session_by_uuid.js';
import * as query from '../schemas/generated/validators/kick_player_from_session_by_uuid.query.js';
import { kickPlayerOperation } from '../src/http/player-operations.js';

export const handler = kickPlayerOperation(operation, { ...validators, ...query });
