// POST /session/v1/session/{session_id}/player/me — Join Session By Id Self.
import { join_session_by_id_self as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/join_session_by_id_self.js';
import * as query from '../schemas/generated/validators/join_session_by_id_self.query.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { passwordTries } from '../src/dynamodb/password-tries.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { headerOf } from '../src/http/api-event.js';
import { preconditionsOf } from '../src/http/conditional.js';
import { checkJoinBody, toJoinRequest } from '../src/http/join-request.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { presenceOfCaller } from '../src/http/presence.js';
import { friendsDirectory } from '../src/runtime/friends.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { toUpdateResponse } from '../src/sessions/views/player-update.js';
import { onSessionsTable } from '../src/runtime/table.js';

export const handler = httpOperation(operation, {
  ...validators,
  ...query,
  checkBody: (body, caller) => checkJoinBody(body, caller.platform),
  store: onSessionsTable((table) => ({ ...sessionReads(table), ...sessionCommits(table), ...presence(table), ...passwordTries(table) })),
  run: async (event, { store, caller, actor, services, input: { path, query, body } }) => {
    const outcome = await joinSession(
      store,
      String(path.session_id),
      toJoinRequest(body, caller.playerUuid, caller.platform),
      { ...preconditionsOf(event), refreshTtl: query.refresh_ttl !== false, ...presenceOfCaller(actor, query.refresh_ttl !== false) },
      { friends: () => friendsDirectory(services.config.friends), authorization: headerOf(event, 'authorization') },
    );
    recordChange(operation.operationId, outcome);
    return json(200, toUpdateResponse(outcome.result), { etag: outcome.etag });
  },
});
