// Validates path, query and body with the validators generated from schemas/openapi.yaml (which also fill in
// the contract's defaults), then the rules a schema cannot say; every problem is reported in one 422.
import type middy from '@middy/core';
import type { ValidateFunction } from 'ajv';
import type { Caller } from '../../auth/authenticator.js';
import type { ValidationErrorItem } from '../../contract/types.js';
import type { ApiEvent } from '../api-event.js';
import { missingBody, toValidationItems, type Location } from '../validation-errors.js';
import { RequestInvalid } from './error-envelope.js';
import type { OperationContext } from './authenticate.js';

export interface RequestValidators<B> {
  path?: ValidateFunction;
  query?: ValidateFunction;
  body?: ValidateFunction;
  /** Rules beyond the schema, run only on a body the schema accepted. */
  checkBody?: (body: B, caller: Caller) => ValidationErrorItem[];
}

function check(location: Location, validate: ValidateFunction | undefined, data: unknown, detail: ValidationErrorItem[]): void {
  if (validate && !validate(data)) detail.push(...toValidationItems(location, validate.errors));
}

export const validateRequest = <B>(v: RequestValidators<B>): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext> => ({
  before: async (request) => {
    const { event, context } = request;
    const detail: ValidationErrorItem[] = [];
    const path = { ...(event.pathParameters ?? {}) };
    const query = { ...(event.queryStringParameters ?? {}) };
    check('path', v.path, path, detail);
    check('query', v.query, query, detail);
    const body: unknown = event.body;
    if (v.body) {
      if (body === undefined || body === null) detail.push(missingBody());
      else if (!v.body(body)) detail.push(...toValidationItems('body', v.body.errors));
      else if (v.checkBody) detail.push(...v.checkBody(body as B, context.caller));
    }
    if (detail.length) throw new RequestInvalid(detail);
    context.input = { path, query, body };
  },
});
