// The SessionPermissions resource: a player's intra-session permissions.
import type { components } from '../../../schemas/generated/types.js';
import type { Player } from '../model/session.js';

export const toSessionPermissions = (p: Player): components['schemas']['SessionPermissions'] => ({
  player_uuid: p.playerUuid,
  permissions: [...(p.permissions ?? [])],
});
