// A player's sessions, as three routes serve them: get_player_sessions_self (the caller's own),
// get_player_sessions_by_uuid_v2 and the deprecated get_player_sessions_by_uuid (any player's, for a trusted caller;
// one's own with the `self` permission). Same index, same answer; each handler file declares its operation.
import type { OperationDefinition } from '../../schemas/generated/operations.js';
import { playerIndex } from '../dynamodb/player-index.js';
import { ApiError } from '../errors/api-error.js';
import type { Actor } from '../sessions/model/actor.js';
import { toPlayerSessions } from '../sessions/views/player-sessions.js';
import { jsonUnlessNotModified } from './conditional.js';
import { weakContentEtag } from './content-etag.js';
import type { RequestValidators } from './middleware/validate-request.js';
import { httpOperation } from './operation.js';
import { canonicalUuid } from './uuid.js';
import { onSessionsTable } from '../runtime/table.js';

/** Whose sessions a request asks for: the caller's own, or the path's player. */
type Whose = 'caller' | 'path';

export const playerSessionsOperation = (operation: OperationDefinition, whose: Whose, validators: RequestValidators<undefined> = {}) =>
  httpOperation(operation, {
    ...validators,
    store: onSessionsTable((table) => playerIndex(table)),
    run: async (event, { store, actor, input: { path } }) => {
      const player = whose === 'caller' ? actor.playerUuid : canonicalUuid(String(path.player_uuid));
      if (!mayRead(actor, player)) throw new ApiError('insufficient_permissions', `only a trusted caller may read another player's sessions`);
      const now = new Date();
      const view = toPlayerSessions(await store.playerMemberships(player, now));
      // Weak: the memberships decide the tag, and two answers under it differ only in last_updated_timestamp (now).
      return jsonUnlessNotModified(event, weakContentEtag(view), () => ({ ...view, last_updated_timestamp: now.toISOString() }));
    },
  });

/** A trusted caller reads anyone's sessions; anyone else only their own (a machine's actor is never a player uuid). */
const mayRead = (actor: Actor, player: string) => actor.trusted || actor.playerUuid === player;
