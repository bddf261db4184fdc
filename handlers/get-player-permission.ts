// GET /session/v1/session/{session_id}/player/{player_uuid}/permission — Get Player Permission By Uuid.
import { get_player_permission_by_uuid as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/get_player_permission_by_uuid.js';
import * as query from '../schemas/generated/validators/get_player_permission_by_uuid.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionExpiry } from '../src/dynamodb/expiry.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { canonicalUuid } from '../src/http/uuid.js';
import { readPermissions } from '../src/sessions/operations/session-permissions.js';
import { toSessionPermissions } from '../src/sessions/views/session-permissions.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionExpiry(table), ...presence(table) })),
  run: async (_event, { store, actor, input: { path, query } }) => {
    const target = canonicalUuid(String(path.player_uuid));
    const { player, etag } = await readPermissions(store, String(path.session_id), actor, target, query.refresh_ttl !== false);
    return json(200, toSessionPermissions(player), { etag });
  },
});
