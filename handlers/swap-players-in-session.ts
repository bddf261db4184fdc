// POST /session/v1/session/{session_id}/player:swap — Swap Players In Session.
import { swap_players_in_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/swap_players_in_session.js';
import * as query from '../schemas/generated/validators/swap_players_in_session.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { canonicalUuid } from '../src/http/uuid.js';
import { recordChange } from '../src/observability/metrics.js';
import { swapPlayers } from '../src/sessions/operations/swap-players.js';
import { toUpdateResponse } from '../src/sessions/views/player-update.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
  run: async (event, { store, actor, input: { path, query, body } }) => {
    const [a, b] = body.players.map(canonicalUuid) as [string, string];
    const outcome = await swapPlayers(store, String(path.session_id), actor, [a, b], {
      ...preconditionsOf(event),
      refreshTtl: query.refresh_ttl !== false,
    });
    recordChange(operation.operationId, outcome);
    return json(200, { players: outcome.result.map(toUpdateResponse) }, { etag: outcome.etag });
  },
});
