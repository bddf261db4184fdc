// Plain-data sessions for the rules tables: the fields every table shares, which a table overrides as it needs.
import { zeroCounters } from '../../src/sessions/model/crossplay.js';
import type { Session } from '../../src/sessions/model/session.js';

export function sessionFixture(over: Partial<Session> = {}): Session {
  return {
    sessionId: 's1',
    type: 't',
    incarnation: 'inc',
    version: 7,
    joinable: true,
    created: '2026-11-24T12:00:00.000Z',
    customData: {},
    teams: [{ maxSize: 2, occupied: 0 }],
    activeCount: 0,
    canChangeOwnTeam: true,
    keepAliveOnEmpty: false,
    autoJoin: false,
    crossplay: zeroCounters(),
    ttlSeconds: 3600,
    ...over,
  };
}
