// Plain data the suites share: a session as the rules tables take it, seated players, join bodies and requests.
// Each has the fields every suite needs, which a test overrides as it needs.
import { zeroCounters } from '../../src/sessions/model/crossplay.js';
import { ANY_CROSSPLAY, type JoinRequest, type Player, type Session } from '../../src/sessions/model/session.js';

export function sessionFixture(over: Partial<Session> = {}): Session {
  return {
    sessionId: 's1',
    type: 't',
    incarnation: 'inc',
    version: 7,
    joinable: true,
    friendsMayJoin: false,
    platformJoinable: true,
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

/** A player already seated in a session: a member on team 0, Steam with keyboard and mouse, unless told otherwise. */
export function seatedPlayer(uuid: string, over: Partial<Player> = {}): Player {
  return {
    playerUuid: uuid,
    status: 'member',
    teamId: 0,
    customData: {},
    clientVersion: '1.0.0',
    clientSettings: { platform: 'Steam', input: 'keyboardandmouse' },
    crossplay: ANY_CROSSPLAY,
    joined: new Date().toISOString(),
    revision: 1,
    ...over,
  };
}

/** A join body the contract accepts, with `overrides` on top. */
export const joinBody = (overrides: Record<string, unknown> = {}) => ({
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'keyboardandmouse' },
  team_id: 0,
  ...overrides,
});

/** A validated join request as the rules take it: a member on team 0, Steam with a gamepad, unless told otherwise. */
export const joinRequest = (playerUuid: string, over: Partial<JoinRequest> = {}): JoinRequest => ({
  playerUuid,
  status: 'member',
  teamId: 0,
  clientVersion: '1.0.0',
  clientSettings: { platform: 'Steam', input: 'gamepad' },
  crossplay: ANY_CROSSPLAY,
  customData: {},
  ...over,
});
