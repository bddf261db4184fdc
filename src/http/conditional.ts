// Conditional requests (RFC 9110, section 13): If-Match and If-None-Match, on a change and on a read.
import type { ApiEvent } from './api-event.js';
import { headerOf } from './api-event.js';
import { json, notModified, type ApiResult } from './responses.js';

/** Whether a request's precondition names the current ETag. */
export type EtagCondition = (currentEtag: string) => boolean;

const tagsOf = (header: string) =>
  // Stryker disable next-line MethodExpression: an empty tag left in matches nothing (no current ETag is empty, nor `*`)
  header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);

const isWeak = (tag: string) => tag.startsWith('W/');
const opaque = (tag: string) => (isWeak(tag) ? tag.slice(2) : tag);

/** If-Match, the strong comparison: a weak tag never matches; `*` matches any current state. Absent: no condition. */
export function ifMatchOf(event: ApiEvent): EtagCondition | undefined {
  const header = headerOf(event, 'if-match');
  return header === undefined ? undefined : (current) => tagsOf(header).some((t) => t === '*' || (t === current && !isWeak(t)));
}

/** If-None-Match, the weak comparison: `W/"x"` and `"x"` match each other. Absent: no condition. */
export function ifNoneMatchOf(event: ApiEvent): EtagCondition | undefined {
  const header = headerOf(event, 'if-none-match');
  return header === undefined ? undefined : (current) => tagsOf(header).some((t) => t === '*' || opaque(t) === opaque(current));
}

/** A read's answer: 304 with the ETag when If-None-Match names it, else 200 with the body and the ETag. */
export function jsonUnlessNotModified(event: ApiEvent, etag: string, body: () => unknown): ApiResult {
  return ifNoneMatchOf(event)?.(etag) ? notModified(etag) : json(200, body(), { etag });
}

/** A change's preconditions, If-Match and If-None-Match, for the operations that change a session. */
export const preconditionsOf = (event: ApiEvent) => ({ ifMatch: ifMatchOf(event), ifNoneMatch: ifNoneMatchOf(event) });
