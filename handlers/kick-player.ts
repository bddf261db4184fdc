// DELETE /session/v1/session/{session_id}/player/{player_uuid} — Kick Player From Session By Uuid V2.
import { kick_player_from_session_by_uuid_v2 as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/kick_player_from_session_by_uuid_v2.js';
import * as query from '../schemas/generated/validators/kick_player_from_session_by_uuid_v2.query.js';
import { sessionCleanup } from '../src/dynamodb/cleanup.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { canonicalUuid } from '../src/http/uuid.js';
import { noContent } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { removePlayer } from '../src/sessions/operations/remove-player.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionCleanup(table) }),
  run: async (event, { store, actor, input: { path, query } }) => {
    const target = canonicalUuid(String(path.player_uuid));
    const options = { ...preconditionsOf(event), refreshTtl: query.refresh_ttl !== false };
    const outcome = await removePlayer(store, String(path.session_id), actor, target, options, query.reason as string | undefined);
    recordChange(operation.operationId, outcome);
    return noContent(outcome.etag);
  },
});
