// ETags of content without a version (src/http/content-etag.ts): one tag per meaning, whatever order its keys were
// written in, a different tag for any other content, and the forms RFC 9110 (section 8.8.3) allows.
import { createHash } from 'node:crypto';
import { canonicalJson, contentEtag, weakContentEtag } from '../../../src/http/content-etag.js';

describe('canonical JSON', () => {
  test('object keys sorted at every level, arrays kept in order, undefined members left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  test('keys sort by code unit, as JSON.stringify would write them', () => {
    expect(canonicalJson({ b: 0, B: 0, a: 0, 'a b': 0, _: 0 })).toBe('{"B":0,"_":0,"a":0,"a b":0,"b":0}');
  });

  test.each([
    ['reversed', [...'abcdefghijklmnop'].reverse()],
    ['shuffled', [...'hdnaplbjfgmcoeki']],
  ])('many keys, %s: in order', (_, keys) => {
    expect(canonicalJson(Object.fromEntries(keys.map((k) => [k, 0])))).toBe(`{${[...'abcdefghijklmnop'].map((k) => `"${k}":0`).join(',')}}`);
  });

  test('scalars and strings as JSON writes them', () => {
    expect([canonicalJson('x"y'), canonicalJson(1.5), canonicalJson(true), canonicalJson(null), canonicalJson([])]).toEqual([
      '"x\\"y"',
      '1.5',
      'true',
      'null',
      '[]',
    ]);
  });

  test('an empty object, and a key that needs escaping', () => {
    expect([canonicalJson({}), canonicalJson({ 'a"': 1 })]).toEqual(['{}', '{"a\\"":1}']);
  });
});

describe('content ETags', () => {
  test('a strong, quoted tag: the first 22 base64url characters (132 bits) of the SHA-256 of the canonical JSON', () => {
    const value = { templates: [{ session_type: 'lobby', max: 4 }] };
    const digest = createHash('sha256').update('{"templates":[{"max":4,"session_type":"lobby"}]}').digest('base64url');
    expect(contentEtag(value)).toBe(`"${digest.slice(0, 22)}"`);
    expect(contentEtag(value)).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
  });

  test('the same content in another key order: the same tag; other content: another tag', () => {
    expect(contentEtag({ a: 1, b: [1, 2] })).toBe(contentEtag({ b: [1, 2], a: 1 }));
    expect(contentEtag({ a: 1, b: [1, 2] })).not.toBe(contentEtag({ a: 1, b: [2, 1] }));
    expect(contentEtag({ a: 1 })).not.toBe(contentEtag({ a: '1' }));
  });

  test('the weak tag is the strong one with W/ in front', () => {
    expect(weakContentEtag({ a: 1 })).toBe(`W/${contentEtag({ a: 1 })}`);
  });
});
