// Every route is the same middy pipeline around a small function that does the operation's work:
// logs and metrics → errors → headers → (path suffix) → body size → caller → store → media type and JSON body →
// validation → (a short code in place of the session id) → run.
// What an operation is (path, permissions, who may call it) comes from the spec (schemas/generated/operations.ts).
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import type { OperationDefinition } from '../../schemas/generated/operations.js';
import { methodOf, type ApiEvent } from './api-event.js';
import { authenticate, type OperationContext } from './middleware/authenticate.js';
import { bodyLimit } from './middleware/body-limit.js';
import { errorEnvelope } from './middleware/error-envelope.js';
import { readMediaType } from './middleware/media-type.js';
import { observe } from './middleware/observe.js';
import { pathSuffix } from './middleware/path-suffix.js';
import { provideStore, type StoreProvider } from './middleware/provide-store.js';
import { resolveShortCode } from './middleware/short-code.js';
import { validateRequest, type RequestValidators } from './middleware/validate-request.js';
import type { ApiResult } from './responses.js';
import type { SessionStore } from '../sessions/store.js';

export interface OperationSpec<B, K extends keyof SessionStore> extends RequestValidators<B> {
  /** The parts of the store the operation uses, built on the table once per container (runtime/table.ts). */
  store?: StoreProvider<K>;
  run: (event: ApiEvent, context: OperationContext<B, K>) => Promise<ApiResult>;
}

/** What Lambda (and the local stack) calls: an API Gateway event of either format and a Lambda context. */
export type ApiHandler = ((event: ApiEvent, context: Context) => Promise<ApiResult>) & { readonly operationId: string };

export function httpOperation<B = undefined, K extends keyof SessionStore = never>(
  operation: OperationDefinition,
  spec: OperationSpec<B, K>,
): ApiHandler {
  const handler = middy<ApiEvent, ApiResult, Error, OperationContext<B, K>>()
    .use(observe(operation.operationId))
    .use(errorEnvelope(operation.operationId))
    .use(httpHeaderNormalizer());
  if (operation.pathSuffix) handler.use(pathSuffix(operation.pathSuffix));
  // Operations without a body ignore one, as FastAPI does; those with one refuse it past the size cap.
  if (spec.body) handler.use(bodyLimit());
  handler.use(authenticate(operation));
  if (spec.store) handler.use(provideStore(spec.store));
  if (spec.body) handler.use(readMediaType()).use(httpJsonBodyParser({ disableContentTypeError: true }));
  // The middlewares fill in OperationContext's fields before `run`; callers pass a plain Lambda context.
  handler.use(validateRequest(spec));
  if (operation.path.includes('{session_id}')) {
    // A session id may be a short code, which only the table can resolve.
    if (!spec.store) throw new Error(`${operation.operationId}: a route with a session id needs a store`);
    handler.use(resolveShortCode(spec.store));
  }
  const lambda = handler.handler(spec.run) as unknown as (event: ApiEvent, context: Context) => Promise<ApiResult>;
  // HEAD is GET without the body (RFC 9110, section 9.3.2): the same status and headers.
  const served = async (event: ApiEvent, context: Context) => {
    const result = await lambda(event, context);
    return methodOf(event)?.toUpperCase() === 'HEAD'
      ? { statusCode: result.statusCode, ...(result.headers ? { headers: result.headers } : {}) }
      : result;
  };
  return Object.assign(served, { operationId: operation.operationId });
}
