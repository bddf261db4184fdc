// The rules of generate_session_short_code (src/sessions/rules/short-code.ts): who gets the code, when a code is
// taken, and the facts that write relies on.
import { decideShortCode } from '../../../../src/sessions/rules/short-code.js';
import { seatedPlayer, sessionFixture } from '../../../support/fixtures.js';

const player = { playerUuid: 'p', trusted: false };
const service = { playerUuid: 'service:s', trusted: true };

test('no session: 404', () => {
  expect(decideShortCode(undefined, service, undefined, 'ABCDEF')).toEqual({ kind: 'reject', code: 'session_not_found' });
});

test.each([
  ['not in the session', undefined],
  ['invited', seatedPlayer('p', { status: 'invited' })],
  ['reserved', seatedPlayer('p', { status: 'reserved' })],
])('a player %s: refused', (_, caller) => {
  expect(decideShortCode(sessionFixture(), player, caller, 'ABCDEF')).toEqual({ kind: 'reject', code: 'not_active_in_session' });
});

test('a session with a code keeps it: the same code, nothing written', () => {
  expect(decideShortCode(sessionFixture({ shortCode: 'QQQQQQ' }), player, seatedPlayer('p'), 'ABCDEF')).toEqual({
    kind: 'unchanged',
    result: 'QQQQQQ',
  });
});

test.each([
  ['member', 'member'],
  ['leader', 'leader'],
] as const)('a %s takes the code offered, relying on the session having none and on still being active', (_, status) => {
  expect(decideShortCode(sessionFixture(), player, seatedPlayer('p', { status }), 'ABCDEF')).toEqual({
    kind: 'write',
    result: 'ABCDEF',
    change: {
      event: 'Session Updated',
      guards: [{ kind: 'noShortCode' }, { kind: 'playerActive', playerUuid: 'p' }],
      players: [],
      shortCode: 'ABCDEF',
    },
  });
});

test('a trusted caller, in the session or not, relies only on the session having no code', () => {
  const decision = decideShortCode(sessionFixture(), service, undefined, 'ABCDEF');
  expect(decision.kind === 'write' && decision.change.guards).toEqual([{ kind: 'noShortCode' }]);
});
