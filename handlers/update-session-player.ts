// POST /session/v1/session/{session_id}/player/{player_uuid} — Update Session Player By Uuid V2: invite,
// reserve, add, move or promote a player.
import { update_session_player_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_player_by_uuid_v2.js';
import * as query from '../schemas/generated/validators/update_session_player_by_uuid_v2.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { canonicalUuid } from '../src/http/uuid.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { updatePlayer } from '../src/sessions/operations/update-player.js';
import { toUpdateResponse } from '../src/sessions/views/player-update.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table) }),
  run: async (event, { store, actor, input: { path, query, body } }) => {
    const update = { status: body.status, teamId: body.team_id, customData: { ...body.custom_data }, overflowAction: body.overflow_action };
    const outcome = await updatePlayer(store, String(path.session_id), actor, canonicalUuid(String(path.player_uuid)), update, {
      ...preconditionsOf(event),
      refreshTtl: query.refresh_ttl !== false,
    });
    recordChange(operation.operationId, outcome);
    return json(200, toUpdateResponse(outcome.result), { etag: outcome.etag });
  },
});
