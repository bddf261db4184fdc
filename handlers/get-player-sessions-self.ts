// GET /session/v1/player/me/session — Get Player Sessions Self, from the player-sessions index.
import { get_player_sessions_self as operation } from '../schemas/generated/operations.js';
import { playerSessionsOperation } from '../src/http/player-sessions-operation.js';

export const handler = playerSessionsOperation(operation, 'caller');
