// Short codes (src/sessions/model/short-code.ts): their alphabet, their shape in any case, and codes drawn from bytes.
import { asShortCode, SHORT_CODE_ALPHABET, shortCodeFrom } from '../../../../src/sessions/model/short-code.js';

test('the alphabet: 32 digits and capitals without I, L, O and U', () => {
  expect(SHORT_CODE_ALPHABET).toHaveLength(32);
  expect(new Set(SHORT_CODE_ALPHABET).size).toBe(32);
  expect(SHORT_CODE_ALPHABET).not.toMatch(/[ILOU]/);
});

test.each<[string, string | undefined]>([
  ['7K3Q9X', '7K3Q9X'],
  ['7k3q9x', '7K3Q9X'],
  ['ABCDE', 'ABCDE'],
  ['ABCDEFGHJKMN', 'ABCDEFGHJKMN'],
  ['ABCD', undefined],
  ['ABCDEFGHJKMNP', undefined],
  ['7K3O9X', undefined],
  ['7K3Q9X-', undefined],
  ['3f2c9a4e-5d6b-4c7a-9e8f-0a1b2c3d4e5f', undefined],
])('%j names the code %j', (segment, code) => {
  expect(asShortCode(segment)).toBe(code);
});

test("a code takes each byte's low five bits as a letter, as many as asked", () => {
  expect(shortCodeFrom(Uint8Array.from([0, 31, 32, 33, 255, 10, 99]), 6)).toBe('0Z01ZA');
  expect(shortCodeFrom(Uint8Array.from([1, 2, 3, 4, 5]), 5)).toBe('12345');
});

test('too few bytes for the length: an error, never a short code', () => {
  expect(() => shortCodeFrom(Uint8Array.from([1, 2, 3, 4, 5]), 6)).toThrow('not enough random bytes');
  expect(shortCodeFrom(Uint8Array.from([1, 2, 3, 4, 5, 6]), 6)).toBe('123456');
});
