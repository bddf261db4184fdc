// Who acts on a session: the caller, trusted when they hold one of the operation's "act on anyone" permissions
// (session:* or the :any form); otherwise they act on themselves, or as their session's leader.
import type { Caller } from '../auth/authenticator.js';
import { hasAnyPermission } from '../auth/permissions.js';
import type { Actor } from '../sessions/rules/player.js';

export const actorOf = (caller: Caller, trustedPermissions: readonly string[]): Actor => ({
  playerUuid: caller.playerUuid,
  trusted: hasAnyPermission(caller, trustedPermissions),
});
