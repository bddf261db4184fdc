// The last word on every failure: an ApiError becomes its envelope, a request that failed validation its 422,
// a body that is not JSON a 422 as FastAPI words it, and anything unexpected a logged 500 that says nothing
// about our internals.
import type middy from '@middy/core';
import { ApiError } from '../../errors/api-error.js';
import { log, logger } from '../../observability/logger.js';
import { recordRejection } from '../../observability/metrics.js';
import type { ApiEvent } from '../api-event.js';
import { errorResult, validationResult, type ApiResult } from '../responses.js';
import { invalidJson, missingBody } from '../validation-errors.js';
import type { ValidationErrorItem } from '../../contract/types.js';

export class RequestInvalid extends Error {
  constructor(readonly detail: ValidationErrorItem[]) {
    super('request invalid');
    this.name = 'RequestInvalid';
  }
}

function fromBodyParser(e: unknown): ApiResult | undefined {
  const cause = (e as { cause?: { package?: string; data?: unknown } }).cause;
  if (cause?.package !== '@middy/http-json-body-parser') return undefined;
  const empty = cause.data === undefined || cause.data === null || cause.data === '';
  return validationResult([empty ? missingBody() : invalidJson()]);
}

export function errorEnvelope(operation: string): middy.MiddlewareObj<ApiEvent, ApiResult> {
  return {
    onError: async (request) => {
      const e = request.error;
      if (e instanceof RequestInvalid) {
        request.response = validationResult(e.detail);
        return;
      }
      const parserResult = fromBodyParser(e);
      if (parserResult) {
        request.response = parserResult;
        return;
      }
      if (e instanceof ApiError) {
        log(e.status >= 500 ? 'error' : 'info', e.code, { status: e.status, detail: e.message });
        recordRejection(operation, e.code);
        request.response = errorResult(e);
        return;
      }
      const timedOut = (e as Error | undefined)?.name === 'TimeoutError';
      const apiError = new ApiError(timedOut ? 'service_unavailable' : 'internal_error');
      // Passed as Powertools' own error field (name, message, stack): a field called "message" would be dropped as reserved.
      logger.error('unhandled error', e instanceof Error ? e : new Error(String(e)));
      recordRejection(operation, apiError.code);
      request.response = errorResult(apiError);
    },
  };
}
