// PATCH /session/v1/session/{session_id} — Update Session By Id: joinable, custom data, teams.
import * as validate from '../schemas/generated/validators/update_session_by_id.js';
import type { components } from '../schemas/generated/types.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { actorOf } from '../src/http/actor.js';
import { etagOf } from '../src/sessions/model/etag.js';
import { toSessionResource } from '../src/sessions/views/session-view.js';
import { updateSession } from '../src/sessions/operations/update-session.js';
import { recordChange } from '../src/observability/metrics.js';

type Body = components['schemas']['SessionUpdate'];

export const handler = httpOperation<Body>({
  operationId: 'update_session_by_id',
  permissions: ['session:*', 'session:update:any', 'session:update:self'],
  validators: validate,
  run: async (event, { services: { store }, caller, input }) => {
    const body = input.body as Body;
    const sessionId = String(input.path.session_id);
    const outcome = await updateSession(
      store,
      sessionId,
      actorOf(caller, ['session:*', 'session:update:any']),
      {
        joinable: body.joinable,
        customData: body.custom_data,
        teams: body.teams?.map((t) => ({ maxSize: t.max_size, customData: t.custom_data })),
      },
      { ifMatch: headerOf(event, 'if-match') },
    );
    recordChange('update_session_by_id', outcome);
    // The answer shows the session with its players: read it back (its ETag names the state shown). Gone already
    // (its last player left just now): the update did commit, so answer with the session it wrote.
    const found = await store.readSessionWithPlayers(sessionId, new Date());
    // Its players are not known then, so no ETag: the answer names no state that exists.
    if (!found) return json(200, toSessionResource(outcome.result, []));
    return json(200, toSessionResource(found.session, found.players), { etag: etagOf(found.session) });
  },
});
