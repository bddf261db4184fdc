// POST /session/v1/session — Create Or Join Session.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { create_or_join_session as operation } from '../schemas/generated/operations.js';
import type { components } from '../schemas/generated/types.js';
import * as validators from '../schemas/generated/validators/create_or_join_session.js';
import { ApiError } from '../src/errors/api-error.js';
import { checkJoinBody, toJoinRequest } from '../src/http/join-request.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { metrics } from '../src/observability/metrics.js';
import { getTemplates } from '../src/runtime/templates.js';
import { createOrJoin } from '../src/sessions/operations/create-or-join.js';
import { openSessions } from '../src/dynamodb/open-sessions.js';
import { sessionCreation } from '../src/dynamodb/creation.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { sessionReads } from '../src/dynamodb/reads.js';

type Body = components['schemas']['CreateOrJoinRequest'];

/** `player`, when given, describes the player; otherwise the top-level fields do, on any team with room. */
const topLevelPlayer = (body: Body) => ({ ...body, team_id: 0, status: 'member' as const, custom_data: {} });

export const handler = httpOperation(operation, {
  store: (table) => ({ ...sessionReads(table), ...sessionCommits(table), ...sessionCreation(table), ...openSessions(table) }),
  ...validators,
  checkBody: (body, caller) =>
    body.player
      ? checkJoinBody(body.player, caller.platform).map((p) => ({ ...p, loc: ['body', 'player', ...p.loc.slice(1)] }))
      : checkJoinBody(topLevelPlayer(body), caller.platform),
  run: async (_event, { store, caller, input: { body } }) => {
    const template = getTemplates().get(body.session_type);
    if (!template) throw new ApiError('session_type_not_found');
    const req = body.player
      ? toJoinRequest(body.player, caller.playerUuid, caller.platform)
      : { ...toJoinRequest(topLevelPlayer(body), caller.playerUuid, caller.platform), teamId: 'any' as const };
    const outcome = await createOrJoin(store, template, req);
    metrics.addMetric(outcome.created ? `${operation.operationId}.created` : `${operation.operationId}.joined`, MetricUnit.Count, 1);
    return json(200, { session_id: outcome.sessionId }, outcome.etag ? { etag: outcome.etag } : {});
  },
});
