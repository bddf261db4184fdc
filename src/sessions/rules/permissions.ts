// The rules of intra-session permissions (invite, kick, move): reading, giving and removing them
// (get_, give_, remove_player_permission_by_uuid). Acting on other players by them is authority's (toolkit.ts).
// Our reading of upstream: a trusted caller (an `any` permission) on any session; otherwise the caller must be active
// in the session (upstream's `active_in_session`), and, so that nobody arms themselves, a member other than the
// leader may give or remove only a permission they hold.
import type { SessionPermission } from '../../contract/types.js';
import type { Actor } from '../model/actor.js';
import type { Decision, Guard } from '../model/change.js';
import { isActive, type Player, type Session } from '../model/session.js';
import { holds, reject, revisionOf } from './toolkit.js';

/** Who may read a player's session permissions: a trusted caller, or a leader or member of the session. */
export function mayReadPermissions(session: Session, actor: Actor, actorPlayer: Player | undefined): boolean {
  return actor.trusted || (actorPlayer !== undefined && isActive(actorPlayer.status));
}

export function decidePermissionChange(
  session: Session | undefined,
  actor: Actor,
  actorPlayer: Player | undefined,
  target: { playerUuid: string; current?: Player },
  permission: SessionPermission,
  give: boolean,
): Decision<Player> {
  if (!session) return reject('session_not_found');
  const guards: Guard[] = [];
  if (!actor.trusted) {
    if (!actorPlayer || !isActive(actorPlayer.status)) return reject('not_active_in_session');
    if (session.leader === actor.playerUuid) guards.push({ kind: 'leaderIs', playerUuid: actor.playerUuid });
    else if (holds(actorPlayer, permission)) {
      // On oneself, the player's own revision is the fact; on another, the actor's membership is checked.
      if (actor.playerUuid !== target.playerUuid) guards.push({ kind: 'playerActive', playerUuid: actor.playerUuid, holds: permission });
    } else return reject('not_session_leader');
  }
  const current = target.current;
  if (!current) return reject('player_not_in_session');
  const had = current.permissions ?? [];
  if (had.includes(permission) === give) return { kind: 'unchanged', result: current };
  const permissions = give ? [...had, permission].sort() : had.filter((p) => p !== permission);
  const { permissions: _old, ...rest } = current;
  const player: Player = { ...rest, ...(permissions.length ? { permissions } : {}), revision: current.revision + 1 };
  return {
    kind: 'write',
    result: player,
    change: {
      event: 'Session Player Updated',
      subject: { playerUuid: player.playerUuid, teamId: player.teamId, status: player.status },
      guards: [...guards, revisionOf(current)],
      players: [{ kind: 'put', player }],
    },
  };
}
