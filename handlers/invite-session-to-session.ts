// POST /session/v1/session/{session_id}/invited-session/{invited_session_id}:invite — Invite Session To Session
// (RallyHere's InviteOtherSession and JoinOtherSession).
import { invite_session_to_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/invite_session_to_session.js';
import * as query from '../schemas/generated/validators/invite_session_to_session.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { inviteSession } from '../src/sessions/operations/party.js';
import { toUpdateResponse } from '../src/sessions/views/player-update.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table) })),
  run: async (event, { store, actor, input: { path, query, body } }) => {
    const request = { teamId: body.team_id, overflowAction: body.overflow_action, customData: { ...body.custom_data } };
    const outcome = await inviteSession(store, String(path.session_id), String(path.invited_session_id), actor, request, {
      ...preconditionsOf(event),
      refreshTtl: query.refresh_ttl !== false,
    });
    recordChange(operation.operationId, outcome);
    return json(200, { players: outcome.result.map(toUpdateResponse) }, { etag: outcome.etag });
  },
});
