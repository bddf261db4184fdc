// PATCH /session/v1/session/{session_id} — Update Session By Id: joinable, custom data, teams.
import { update_session_by_id as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/update_session_by_id.js';
import { headerOf } from '../src/http/api-event.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { recordChange } from '../src/observability/metrics.js';
import { etagOf } from '../src/sessions/model/etag.js';
import { updateSession } from '../src/sessions/operations/update-session.js';
import { toSessionResource } from '../src/sessions/views/session-view.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table) }),
  ...validators,
  run: async (event, { store, actor, input: { path, body } }) => {
    const sessionId = String(path.session_id);
    const outcome = await updateSession(
      store,
      sessionId,
      actor,
      {
        joinable: body.joinable,
        customData: body.custom_data,
        teams: body.teams?.map((t) => ({ maxSize: t.max_size, customData: t.custom_data })),
      },
      { ifMatch: headerOf(event, 'if-match') },
    );
    recordChange(operation.operationId, outcome);
    // The answer shows the session with its players: read it back (its ETag names the state shown). Gone already
    // (its last player left just now): the update did commit, so answer with the session it wrote.
    const found = await store.readSessionWithPlayers(sessionId, new Date());
    // Its players are not known then, so no ETag: the answer names no state that exists.
    if (!found) return json(200, toSessionResource(outcome.result, []));
    return json(200, toSessionResource(found.session, found.players), { etag: etagOf(found.session) });
  },
});
