// Validates path, query and body with the validators generated from schemas/openapi.yaml (which also fill in
// the contract's defaults), then the rules a schema cannot say; every problem is reported in one 422.
import type middy from '@middy/core';
import type { ValidateFunction } from 'ajv';
import type { Caller } from '../../auth/authenticator.js';
import type { ValidationErrorItem } from '../../contract/types.js';
import { lastQueryValues, type ApiEvent } from '../api-event.js';
import { missingBody, toValidationItems, type Location } from '../validation-errors.js';
import { RequestInvalid } from './error-envelope.js';
import type { OperationContext } from './authenticate.js';

export interface RequestValidators<B> {
  path?: ValidateFunction;
  query?: ValidateFunction;
  /** Query parameters that are booleans, read as pydantic v1 reads them. */
  queryBooleans?: readonly string[];
  /** A type guard: the body it accepts is a B (schemas/generated/validators/*.d.ts). */
  body?: ValidateFunction<B>;
  /** Rules beyond the schema, run only on a body the schema accepted. */
  checkBody?: (body: B, caller: Caller) => ValidationErrorItem[];
}

function check(location: Location, validate: ValidateFunction | undefined, data: unknown, detail: ValidationErrorItem[]): void {
  if (validate && !validate(data)) detail.push(...toValidationItems(location, validate.errors, data));
}

// pydantic v1's boolean strings (any case); anything else stays as sent, and the validator refuses it.
const PYDANTIC_BOOLEANS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['1', 'on', 't', 'true', 'y', 'yes'].map((s) => [s, 'true']),
  ...['0', 'off', 'f', 'false', 'n', 'no'].map((s) => [s, 'false']),
]);

/** The query string as FastAPI reads it (the last of repeated values), its booleans as pydantic reads them. */
function queryOf(event: ApiEvent, booleans: readonly string[]): Record<string, string> {
  const query = lastQueryValues(event);
  for (const name of booleans) if (name in query) query[name] = PYDANTIC_BOOLEANS[query[name]!.toLowerCase()] ?? query[name]!;
  return query;
}

export const validateRequest = <B>(v: RequestValidators<B>): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext<B>> => ({
  before: async (request) => {
    const { event, context } = request;
    const detail: ValidationErrorItem[] = [];
    const path = { ...(event.pathParameters ?? {}) };
    const query = queryOf(event, v.queryBooleans ?? []);
    check('path', v.path, path, detail);
    check('query', v.query, query, detail);
    const body: unknown = event.body;
    let accepted: B | undefined;
    if (v.body) {
      if (body === undefined || body === null) detail.push(missingBody());
      else if (!v.body(body)) detail.push(...toValidationItems('body', v.body.errors, body));
      else {
        accepted = body;
        if (v.checkBody) detail.push(...v.checkBody(body, context.caller));
      }
    }
    if (detail.length) throw new RequestInvalid(detail);
    // An operation without a body validator declares no body (B is undefined for it).
    context.input = { path, query, body: accepted as B };
  },
});
