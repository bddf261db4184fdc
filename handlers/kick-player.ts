// DELETE /session/v1/session/{session_id}/player/{player_uuid} — Kick Player From Session By Uuid V2.
import { kick_player_from_session_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/kick_player_from_session_by_uuid_v2.js';
import * as query from '../schemas/generated/validators/kick_player_from_session_by_uuid_v2.query.js';
import { kickPlayerOperation } from '../src/http/player-operations.js';

export const handler = kickPlayerOperation(operation, { ...validators, ...query });
