// Every route is the same middy pipeline around a small function that does the operation's work:
// logs and metrics → errors → headers → body size → caller → JSON body → validation → run.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type { ApiEvent } from './api-event.js';
import { authenticate, type OperationContext } from './middleware/authenticate.js';
import { bodyLimit } from './middleware/body-limit.js';
import { errorEnvelope } from './middleware/error-envelope.js';
import { observe } from './middleware/observe.js';
import { validateRequest, type RequestValidators } from './middleware/validate-request.js';
import type { ApiResult } from './responses.js';

export interface OperationSpec<B> {
  /** The contract's operationId, for logs. */
  operationId: string;
  /** The caller needs any one of these. */
  permissions: readonly string[];
  /** The operation acts as the caller (a /player/me route, create-or-join): a trusted service token cannot. */
  playerOnly?: boolean;
  validators: RequestValidators<B>;
  run: (event: ApiEvent, context: OperationContext) => Promise<ApiResult>;
}

/** What Lambda (and the local stack) calls: an API Gateway event of either format and a Lambda context. */
export type ApiHandler = (event: ApiEvent, context: Context) => Promise<ApiResult>;

export function httpOperation<B>(spec: OperationSpec<B>): ApiHandler {
  const handler = middy<ApiEvent, ApiResult, Error, OperationContext>()
    .use(observe(spec.operationId))
    .use(errorEnvelope(spec.operationId))
    .use(httpHeaderNormalizer());
  // Operations without a body ignore one, as FastAPI does; those with one refuse it past the size cap.
  if (spec.validators.body) handler.use(bodyLimit());
  handler.use(authenticate(spec.permissions, spec.playerOnly ?? false));
  if (spec.validators.body) handler.use(httpJsonBodyParser({ disableContentTypeError: true }));
  // The middlewares fill in OperationContext's fields before `run`; callers pass a plain Lambda context.
  return handler.use(validateRequest(spec.validators)).handler(spec.run) as unknown as ApiHandler;
}
