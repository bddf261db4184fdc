// Client versions without the semver package on the join path: the same answers as the package gives.
import satisfies from 'semver/functions/satisfies.js';
import semverCompare from 'semver/functions/compare.js';
import { compareVersions, isSemver, satisfiesRange } from '../../../../src/sessions/model/versions.js';
import { compileVersionRange } from '../../../../src/templates/version-range.js';

const RANGES = [
  '>=1.0.0',
  '>=1.4.0 <2.0.0',
  '^1.2.3',
  '^0.2.3',
  '~1.2',
  '1.x || >=3.0.0-beta.1',
  '*',
  '=1.2.3',
  '1.2.3 - 2.3.4',
  '<1.0.0-rc.1',
  '>1.2.3-alpha.3',
  '2.x.x',
  '<=1.2 || >=9',
];
const VERSIONS = [
  '0.0.1',
  '0.2.3',
  '0.2.9',
  '0.3.0',
  '0.9.0',
  '1.0.0',
  '1.2.3',
  '1.2.4',
  '1.3.0',
  '1.4.0',
  '1.9.9',
  '2.0.0',
  '2.0.0-alpha',
  '2.3.4',
  '2.3.5',
  '3.0.0-beta.1',
  '3.0.0-beta.2',
  '3.0.0-alpha.10',
  '1.0.0-rc.1',
  '1.0.0-rc.0',
  '1.0.0-beta',
  '1.2.3-alpha.3',
  '1.2.3-alpha.10',
  '1.2.3-alpha.beta',
  '4.1.0+build.5',
  '9.0.0',
  '10.0.0',
  // Pre-releases of versions a range excludes at its top, and strings that are no version at all.
  '2.0.0-rc.1',
  '2.0.0-0',
  '1.5.0-beta',
  '1.2.3.4',
  'build-7781',
  // What the package also reads as a version: a leading v, surrounding spaces; and the Unreal SDK's default form.
  'v1.5.0',
  ' 1.5.0 ',
  'v2.0.0-rc.1',
  '12345.12345.0+5.4.2',
  '',
];

test.each(RANGES)('range %p: every version gets the answer semver gives', (range) => {
  const compiled = compileVersionRange(range);
  for (const v of VERSIONS) expect([v, satisfiesRange(v, compiled)]).toEqual([v, satisfies(v, range)]);
});

test('a pre-release of a version the range excludes does not satisfy it', () => {
  const range = compileVersionRange('>=1.4.0 <2.0.0');
  for (const v of ['2.0.0-rc.1', '2.0.0-0', '1.5.0-beta']) expect([v, satisfiesRange(v, range)]).toEqual([v, false]);
  expect(satisfiesRange('1.5.0', range)).toBe(true);
});

test('precedence is semver 2.0.0 section 11, as the package orders it', () => {
  const versions = VERSIONS.filter((v) => isSemver(v));
  for (const a of versions) for (const b of versions) expect([a, b, Math.sign(compareVersions(a, b))]).toEqual([a, b, semverCompare(a, b)]);
});

test.each([
  ['1.4.2', true],
  ['1.4.2-beta.1+b77', true],
  ['0.0.0', true],
  ['1', false],
  ['1.0', false],
  ['v1.0.0', false],
  ['=1.0.0', false],
  ['01.0.0', false],
  ['1.0.0 ', false],
  [' 1.0.0', false],
  ['1.0.0-', false],
  ['1.0.0-01', false],
  ['1.0.0+', false],
  ['latest', false],
])('isSemver(%p) is %p', (v, ok) => {
  expect(isSemver(v)).toBe(ok);
});

// Pre-release identifiers as section 11 ranks them: numeric ones by value, below alphanumeric ones, compared
// by ASCII; a longer set above a prefix of it. Then what the package also reads: a leading v, surrounding spaces.
const PRECEDENCE = [
  '1.0.0-1',
  '1.0.0-2',
  '1.0.0-10',
  '1.0.0-99',
  '1.0.0-100',
  '1.0.0-1a',
  '1.0.0-a1',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.1.2',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  'v1.0.1',
  ' 1.0.2 ',
];
test('section 11 ordering of pre-releases, loose forms included, as the package orders them', () => {
  for (const [i, a] of PRECEDENCE.entries()) {
    for (const [j, b] of PRECEDENCE.entries()) {
      expect([a, b, Math.sign(compareVersions(a, b))]).toEqual([a, b, Math.sign(i - j)]);
      expect([a, b, semverCompare(a, b)]).toEqual([a, b, Math.sign(i - j)]);
    }
  }
});

test('versions of up to 256 characters, as the package reads them; longer ones are no version', () => {
  const longest = `1.0.0-${'a'.repeat(250)}`;
  expect([longest.length, isSemver(longest), isSemver(`${longest}b`)]).toEqual([256, true, false]);
  expect(compareVersions(longest, '1.0.0')).toBeLessThan(0);
  expect(compareVersions(`${longest}b`, '1.0.0')).toBeNaN();
  expect(compareVersions('1.0.0', 'v')).toBeNaN();
  // Only a leading v is dropped: one inside a pre-release is part of it.
  expect(compareVersions('1.0.0-va', '1.0.0-b')).toBeGreaterThan(0);
});

test('a string that is no version satisfies no range, however it compares', () => {
  for (const op of ['<', '<=', '>', '>=', '='] as const) expect(satisfiesRange('latest', [[{ op, version: '2.0.0' }]])).toBe(false);
  expect(satisfiesRange('1.0.0', [[{ op: '<', version: 'latest' }]])).toBe(false);
});
