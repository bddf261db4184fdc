// POST /session/v1/session — Create Or Join Session.
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { create_or_join_session as operation } from '../schemas/generated/operations.js';
import * as validators from '../schemas/generated/validators/create_or_join_session.js';
import { DYNAMODB_TIMEOUTS } from '../src/dynamodb/timeouts.js';
import { onSessionsTable } from '../src/runtime/table.js';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionCreation } from '../src/dynamodb/creation.js';
import { openSessions } from '../src/dynamodb/open-sessions.js';
import { passwordTries } from '../src/dynamodb/password-tries.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { ApiError } from '../src/errors/api-error.js';
import { ifMatchOf } from '../src/http/conditional.js';
import { checkCreateOrJoinBody, toCreateOrJoinRequest } from '../src/http/join-request.js';
import { httpOperation } from '../src/http/operation.js';
import { json } from '../src/http/responses.js';
import { metrics } from '../src/observability/metrics.js';
import { getTemplates } from '../src/runtime/templates.js';
import { createOrJoin } from '../src/sessions/operations/create-or-join.js';

/** The placement stops trying this long before the function's timeout: one DynamoDB request attempt's bounds, so
 * that a call started just before the end still answers (8 s of placement under the default 10-s timeout). */
const PLACEMENT_RESERVE_MS = DYNAMODB_TIMEOUTS.connectionTimeout + DYNAMODB_TIMEOUTS.requestTimeout;

export const handler = httpOperation(operation, {
  ...validators,
  checkBody: (body, caller) => checkCreateOrJoinBody(body, caller.platform),
  store: onSessionsTable((table) => ({
    ...sessionReads(table),
    ...sessionCommits(table),
    ...presence(table),
    ...sessionCreation(table),
    ...openSessions(table),
    ...passwordTries(table),
  })),
  run: async (event, context) => {
    const {
      store,
      caller,
      input: { body },
    } = context;
    // The collection of sessions has no ETag: no If-Match holds for it (RFC 9110, section 13.1.1).
    if (ifMatchOf(event)) throw new ApiError('precondition_failed', 'If-Match on create-or-join');
    const template = (await getTemplates()).get(body.session_type);
    if (!template) throw new ApiError('session_type_not_found');
    const outcome = await createOrJoin(store, template, toCreateOrJoinRequest(body, caller.playerUuid, caller.platform), {
      budgetMs: Math.max(0, context.getRemainingTimeInMillis() - PLACEMENT_RESERVE_MS),
      ...(body.password !== undefined ? { password: body.password } : {}),
    });
    metrics.addMetric(`${operation.operationId}.${outcome.created ? 'created' : 'joined'}`, MetricUnit.Count, 1);
    return json(200, { session_id: outcome.sessionId }, { etag: outcome.etag });
  },
});
