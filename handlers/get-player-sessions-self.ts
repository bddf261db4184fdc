// GET /session/v1/player/me/session — Get Player Sessions Self, from the player-sessions index.
import { get_player_sessions_self as operation } from '../schemas/generated/operations.js';
import { playerIndex } from '../src/dynamodb/player-index.js';
import { jsonUnlessNotModified } from '../src/http/conditional.js';
import { weakContentEtag } from '../src/http/content-etag.js';
import { httpOperation } from '../src/http/operation.js';
import { toPlayerSessions } from '../src/sessions/views/player-sessions.js';

export const handler = httpOperation(operation, {
  store: (table) => playerIndex(table),
  run: async (event, { store, caller }) => {
    const now = new Date();
    const view = toPlayerSessions(await store.playerMemberships(caller.playerUuid, now));
    // Weak: the memberships decide the tag, and two answers under it differ only in last_updated_timestamp (now).
    return jsonUnlessNotModified(event, weakContentEtag(view), () => ({ ...view, last_updated_timestamp: now.toISOString() }));
  },
});
