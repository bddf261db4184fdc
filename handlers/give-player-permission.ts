// PATCH /session/v1/session/{session_id}/player/{player_uuid}/permission/{permission} — Give Player Permission By Uuid.
import { give_player_permission_by_uuid as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/give_player_permission_by_uuid.js';
import * as query from '../schemas/generated/validators/give_player_permission_by_uuid.query.js';
import { permissionOperation } from '../src/http/permission-operations.js';

export const handler = permissionOperation(operation, true, { ...validators, ...query });
