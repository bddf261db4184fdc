// Which requests count as a player's query of a session, for culling (docs/culling.md, "Presence").
import type { Actor } from '../sessions/model/actor.js';

/** A player's own request with refresh_ttl counts as their query of the session; a trusted caller's does not. */
export const presenceOfCaller = (actor: Actor, refreshTtl: boolean): { presenceOf?: string } =>
  refreshTtl && !actor.trusted ? { presenceOf: actor.playerUuid } : {};
