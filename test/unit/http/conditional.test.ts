// Conditional requests (src/http/conditional.ts) as RFC 9110 defines them: If-Match compares strongly (section
// 13.1.1), If-None-Match weakly (section 13.1.2), both take a list or `*`, and an absent header is no condition.
import { jest } from '@jest/globals';
import type { ApiEvent } from '../../../src/http/api-event.js';
import { ifMatchOf, ifNoneMatchOf, jsonUnlessNotModified, preconditionsOf } from '../../../src/http/conditional.js';

/** An event as the header normalizer leaves it: lower-case header names. */
const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as ApiEvent;
const CURRENT = '"v7"';

describe('If-Match: the strong comparison', () => {
  test('absent: no condition', () => {
    expect(ifMatchOf(withHeaders({}))).toBeUndefined();
  });

  test.each<[string, boolean]>([
    ['"v7"', true],
    ['"v6"', false],
    ['*', true],
    ['"v6", "v7"', true],
    ['"v6","v7"', true],
    ['"v5" , "v6"', false],
    // A weak tag never matches strongly, not even its own opaque value.
    ['W/"v7"', false],
    ['W/"v7", "v7"', true],
    ['', false],
    [' , ', false],
  ])('%j against "v7": %s', (header, holds) => {
    expect(ifMatchOf(withHeaders({ 'if-match': header }))!(CURRENT)).toBe(holds);
  });

  test('against a weak current ETag, even the same weak tag does not match', () => {
    expect(ifMatchOf(withHeaders({ 'if-match': 'W/"c1"' }))!('W/"c1"')).toBe(false);
  });
});

describe('If-None-Match: the weak comparison', () => {
  test('absent: no condition', () => {
    expect(ifNoneMatchOf(withHeaders({}))).toBeUndefined();
  });

  test.each<[string, string, boolean]>([
    ['"v7"', '"v7"', true],
    ['W/"v7"', '"v7"', true],
    ['"c1"', 'W/"c1"', true],
    ['W/"c1"', 'W/"c1"', true],
    ['"v6"', '"v7"', false],
    ['W/"v6"', 'W/"v7"', false],
    ['*', '"v7"', true],
    ['"v5", W/"v7"', '"v7"', true],
    ['"v5",  "v6"', '"v7"', false],
    ['', '"v7"', false],
  ])('%j against %j: %s', (header, current, holds) => {
    expect(ifNoneMatchOf(withHeaders({ 'if-none-match': header }))!(current)).toBe(holds);
  });
});

describe("a read's answer", () => {
  const body = { session_id: 's' };

  test('If-None-Match naming the ETag: 304 with the ETag and no body, the body never built', () => {
    const build = jest.fn(() => body);
    expect(jsonUnlessNotModified(withHeaders({ 'if-none-match': 'W/"v7"' }), CURRENT, build)).toEqual({
      statusCode: 304,
      headers: { etag: CURRENT },
    });
    expect(build).not.toHaveBeenCalled();
  });

  test.each<Record<string, string>>([{}, { 'if-none-match': '"v6"' }, { 'if-match': '"v6"' }])(
    'otherwise (%j): 200 with the body and the ETag',
    (headers) => {
      const answer = jsonUnlessNotModified(withHeaders(headers), CURRENT, () => body);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers).toEqual({ 'content-type': 'application/json', etag: CURRENT });
      expect(JSON.parse(answer.body!)).toEqual(body);
    },
  );
});

test("a change's preconditions are both headers, each compared its own way", () => {
  const { ifMatch, ifNoneMatch } = preconditionsOf(withHeaders({ 'if-match': 'W/"v7"', 'if-none-match': 'W/"v7"' }));
  expect([ifMatch!(CURRENT), ifNoneMatch!(CURRENT)]).toEqual([false, true]);
  expect(preconditionsOf(withHeaders({}))).toEqual({ ifMatch: undefined, ifNoneMatch: undefined });
});
