// Which requests count as a player's query of a session (src/http/presence.ts, docs/culling.md "Presence").
import { presenceOfCaller } from '../../../src/http/presence.js';

test("a player's own request with refresh_ttl counts; refresh_ttl false or a trusted caller's does not", () => {
  expect(presenceOfCaller({ playerUuid: 'p', trusted: false }, true)).toEqual({ presenceOf: 'p' });
  expect(presenceOfCaller({ playerUuid: 'p', trusted: false }, false)).toEqual({});
  expect(presenceOfCaller({ playerUuid: 'p', trusted: true }, true)).toEqual({});
});
