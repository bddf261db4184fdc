// POST /session/v1/session — Create Or Join Session.
import * as validate from '../schemas/generated/validators/create_or_join_session.js';
import type { components } from '../schemas/generated/types.js';
import { ApiError } from '../src/errors/api-error.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { createOrJoin } from '../src/sessions/operations/create-or-join.js';
import { checkJoinBody, toJoinRequest } from '../src/http/join-request.js';
import { getTemplates } from '../src/runtime/templates.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics } from '../src/observability/metrics.js';

type Body = components['schemas']['CreateOrJoinRequest'];

/** `player`, when given, describes the player; otherwise the top-level fields do, on any team with room. */
const topLevelPlayer = (body: Body) => ({ ...body, team_id: 0, status: 'member' as const, custom_data: {} });

export const handler = httpOperation<Body>({
  operationId: 'create_or_join_session',
  permissions: ['session:*', 'session:create'],
  playerOnly: true,
  validators: {
    ...validate,
    checkBody: (body, caller) =>
      body.player
        ? checkJoinBody(body.player, caller.platform).map((p) => ({ ...p, loc: ['body', 'player', ...p.loc.slice(1)] }))
        : checkJoinBody(topLevelPlayer(body), caller.platform),
  },
  run: async (_event, { services: { store }, caller, input }) => {
    const body = input.body as Body;
    const template = getTemplates().get(body.session_type);
    if (!template) throw new ApiError('session_type_not_found');
    const req = body.player
      ? toJoinRequest(body.player, caller.playerUuid, caller.platform)
      : { ...toJoinRequest(topLevelPlayer(body), caller.playerUuid, caller.platform), teamId: 'any' as const };
    const outcome = await createOrJoin(store, template, req);
    metrics.addMetric(outcome.created ? 'create_or_join_session.created' : 'create_or_join_session.joined', MetricUnit.Count, 1);
    return json(200, { session_id: outcome.sessionId }, outcome.etag ? { etag: outcome.etag } : {});
  },
});
