// GET /session/v1/player/{player_uuid}/session — Get Player Sessions By Uuid V2, from the player-sessions index.
import { get_player_sessions_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_player_sessions_by_uuid_v2.js';
import { playerSessionsOperation } from '../src/http/player-sessions-operation.js';

export const handler = playerSessionsOperation(operation, 'path', validators);
