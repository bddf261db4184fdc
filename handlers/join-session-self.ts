// POST /session/v1/session/{session_id}/player/me — Join Session By Id Self.
import { join_session_by_id_self as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/join_session_by_id_self.js';
import { headerOf } from '../src/http/api-event.js';
import { checkJoinBody, toJoinRequest, toUpdateResponse } from '../src/http/join-request.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table) }),
  ...validators,
  checkBody: (body, caller) => checkJoinBody(body, caller.platform),
  run: async (event, { store, caller, input }) => {
    const outcome = await joinSession(store, String(input.path.session_id), toJoinRequest(input.body, caller.playerUuid, caller.platform), {
      ifMatch: headerOf(event, 'if-match'),
    });
    recordChange(operation.operationId, outcome);
    return json(200, toUpdateResponse(outcome.result), outcome.etag ? { etag: outcome.etag } : {});
  },
});
