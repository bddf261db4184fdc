// Intra-session permissions: read (get_player_permission_by_uuid), give and remove (give_, remove_player_permission_
// by_uuid). Read what the rules need (the session, the player, the caller's own membership), decide
// (rules/permissions.ts), write (run-change.ts).
import type { SessionPermission } from '../../contract/types.js';
import { ApiError } from '../../errors/api-error.js';
import type { Actor } from '../model/actor.js';
import { etagOf } from '../model/etag.js';
import type { Player } from '../model/session.js';
import { needsExtension } from '../rules/expiry.js';
import { decidePermissionChange, mayReadPermissions } from '../rules/permissions.js';
import type { SessionChanges, SessionExpiry } from '../store.js';
import { snapshotAfterCulls } from './cull.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

export function changePermission(
  store: SessionChanges,
  sessionId: string,
  actor: Actor,
  targetUuid: string,
  change: { permission: SessionPermission; give: boolean },
  opts: ChangeOptions = {},
): Promise<ChangeOutcome<Player>> {
  const uuids = [targetUuid, actor.playerUuid];
  return runChange(
    store,
    {
      read: (now) => store.readSessionAndPlayers(sessionId, uuids, now),
      snapshot: (now) => store.readSnapshot(sessionId, uuids, now),
      decide: ({ session, players }) =>
        decidePermissionChange(
          session,
          actor,
          players.get(actor.playerUuid),
          { playerUuid: targetUuid, current: players.get(targetUuid) },
          change.permission,
          change.give,
        ),
    },
    opts,
  );
}

/** A player's permissions with the ETag of the state they were read in (one snapshot with the caller's membership). */
export async function readPermissions(
  store: SessionChanges & SessionExpiry,
  sessionId: string,
  actor: Actor,
  targetUuid: string,
  refreshTtl: boolean,
  now = new Date(),
): Promise<{ player: Player; etag: string }> {
  const { session, players } = await snapshotAfterCulls(store, sessionId, [targetUuid, actor.playerUuid], now);
  if (!session) throw new ApiError('session_not_found');
  if (!mayReadPermissions(session, actor, players.get(actor.playerUuid))) throw new ApiError('not_active_in_session');
  const player = players.get(targetUuid);
  if (!player) throw new ApiError('player_not_in_session');
  if (refreshTtl && needsExtension(session, now)) await store.extendExpiry(session, now);
  return { player, etag: etagOf(session) };
}
