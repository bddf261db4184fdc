// GET /session/v1/player/me/session — Get Player Sessions Self, from the player-sessions index.
import { get_player_sessions_self as operation } from '../schemas/generated/operations.js';
import { headerOf } from '../src/http/api-event.js';
import { contentEtag } from '../src/http/content-etag.js';
import { httpOperation } from '../src/http/operation.js';
import { json, notModified } from '../src/http/responses.js';
import { ifNoneMatchHits } from '../src/sessions/model/etag.js';
import { toPlayerSessions } from '../src/sessions/views/player-sessions.js';
import { playerIndex } from '../src/dynamodb/player-index.js';

export const handler = httpOperation(operation, {
  store: (table) => ({ ...playerIndex(table) }),
  run: async (event, { store, caller }) => {
    const now = new Date();
    const view = toPlayerSessions(await store.playerMemberships(caller.playerUuid, now));
    const etag = contentEtag(view);
    const ifNoneMatch = headerOf(event, 'if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatchHits(ifNoneMatch, etag)) return notModified(etag);
    return json(200, { ...view, last_updated_timestamp: now.toISOString() }, { etag });
  },
});
