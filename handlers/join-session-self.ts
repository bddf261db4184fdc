// POST /session/v1/session/{session_id}/player/me — Join Session By Id Self.
import * as validate from '../schemas/generated/validators/join_session_by_id_self.js';
import type { SelfSessionPlayerUpdateRequest } from '../src/contract/types.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { checkJoinBody, toJoinRequest, toUpdateResponse } from '../src/http/join-request.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { recordChange } from '../src/observability/metrics.js';

export const handler = httpOperation<SelfSessionPlayerUpdateRequest>({
  operationId: 'join_session_by_id_self',
  permissions: ['session:*', 'session:update-player:any', 'session:update-player:self'],
  playerOnly: true,
  validators: {
    ...validate,
    checkBody: (body, caller) => checkJoinBody(body, caller.platform),
  },
  run: async (event, { services, caller, input }) => {
    const body = input.body as SelfSessionPlayerUpdateRequest;
    const outcome = await joinSession(services.store, String(input.path.session_id), toJoinRequest(body, caller.playerUuid, caller.platform), {
      ifMatch: headerOf(event, 'if-match'),
    });
    recordChange('join_session_by_id_self', outcome);
    return json(200, toUpdateResponse(outcome.result), outcome.etag ? { etag: outcome.etag } : {});
  },
});
