// When a read extends a session's life (src/sessions/rules/expiry.ts): only once less than half its time-to-live
// is left, so that readers do not write on every read.
import { needsExtension } from '../../../../src/sessions/rules/expiry.js';
import { sessionFixture } from '../../../support/fixtures.js';

const NOW = new Date('2026-12-03T12:00:00.000Z');
const nowSeconds = NOW.getTime() / 1000;
const expiringIn = (seconds: number) => sessionFixture({ ttlSeconds: 3600, expiresAt: nowSeconds + seconds });

test.each<[number, boolean]>([
  [3600, false],
  [1801, false],
  [1800, false],
  [1799, true],
  [1, true],
])('%i s of 3600 left: extended %s', (left, extended) => {
  expect(needsExtension(expiringIn(left), NOW)).toBe(extended);
});

test('a session that never expires is never extended', () => {
  expect(needsExtension(sessionFixture({ ttlSeconds: 0, expiresAt: undefined }), NOW)).toBe(false);
});
