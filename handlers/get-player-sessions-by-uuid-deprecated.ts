// GET /session/v1/player/uuid/{player_uuid}/session — Get Player Sessions By Uuid (deprecated upstream), as V2.
import { get_player_sessions_by_uuid as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_player_sessions_by_uuid.js';
import { playerSessionsOperation } from '../src/http/player-sessions-operation.js';

export const handler = playerSessionsOperation(operation, 'path', validators);
