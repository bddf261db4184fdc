// PATCH /session/v1/session/{session_id} — Update Session By Id: joinability, password, custom data, teams.
import { update_session_by_id as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_by_id.js';
import * as query from '../schemas/generated/validators/update_session_by_id.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { presenceOfCaller } from '../src/http/presence.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { updateSession } from '../src/sessions/operations/update-session.js';
import { toSessionResource } from '../src/sessions/views/session-view.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
  run: async (event, { store, actor, input: { path, query, body } }) => {
    // `joinability` is taken whole and wins over the deprecated `joinable` (its `open`).
    const update = {
      joinable: body.joinability?.open ?? body.joinable,
      friendsMayJoin: body.joinability?.friends,
      platformJoinable: body.joinability?.platform,
      password: body.password,
      customData: body.custom_data,
      teams: body.teams?.map((t) => ({ maxSize: t.max_size, customData: t.custom_data })),
    };
    const outcome = await updateSession(store, String(path.session_id), actor, update, {
      ...preconditionsOf(event),
      refreshTtl: query.refresh_ttl !== false,
      ...presenceOfCaller(actor, query.refresh_ttl !== false),
    });
    recordChange(operation.operationId, outcome);
    const { session, players, etag } = outcome.shown;
    return json(200, toSessionResource(session, players), { etag });
  },
});
