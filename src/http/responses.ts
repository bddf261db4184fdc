// The shapes of every answer: JSON bodies, RallyHere's HzApiErrorModel envelope, FastAPI's 422.
import type { ValidationErrorItem } from '../contract/types.js';
import type { ApiError } from '../errors/api-error.js';

export interface ApiResult {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** Headers whose value is undefined (an answer without an ETag) are left out. */
const present = (headers: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));

export function json(statusCode: number, body: unknown, headers: Record<string, string | undefined> = {}): ApiResult {
  return { statusCode, headers: { ...JSON_TYPE, ...present(headers) }, body: JSON.stringify(body) };
}

export function errorResult(e: ApiError): ApiResult {
  const d = e.definition;
  const retryAfter = e.retryAfter ?? d.retryAfter;
  const headers: Record<string, string> = retryAfter ? { 'retry-after': String(retryAfter) } : {};
  return json(e.status, { auth_success: d.authSuccess ?? true, error_code: e.code, desc: d.desc }, headers);
}

export const validationResult = (detail: ValidationErrorItem[]): ApiResult => json(422, { detail });

export const notModified = (etag: string): ApiResult => ({ statusCode: 304, headers: { etag } });

export const noContent = (etag?: string): ApiResult => ({ statusCode: 204, headers: present({ etag }) });
