// What the decide* rules share: seats, crossplay as guards and counter changes, equal custom data, revisions, and
// who may act on another player. Pure functions over plain data.
import type { SessionPermission } from '../../contract/types.js';
import type { Actor } from '../model/actor.js';
import type { Decision, Guard } from '../model/change.js';
import { contribution, crossplayCheck, profileOf, sameCrossplayProfile, type CounterKey } from '../model/crossplay.js';
import { isActive, type Player, type Session } from '../model/session.js';

export const reject = <T>(code: Extract<Decision<T>, { kind: 'reject' }>['code']): Decision<T> => ({ kind: 'reject', code });

/** The decision relies on the player's item being exactly as read. */
export const revisionOf = (p: Player): Guard => ({ kind: 'playerRevision', playerUuid: p.playerUuid, revision: p.revision });

export function hasSeat(session: Session, teamId: number): boolean {
  const team = session.teams[teamId];
  return team !== undefined && team.occupied < team.maxSize;
}

export function counterDeltas(before: readonly CounterKey[], after: readonly CounterKey[]) {
  const deltas: Partial<Record<CounterKey, number>> = {};
  for (const k of before) deltas[k] = (deltas[k] ?? 0) - 1;
  for (const k of after) deltas[k] = (deltas[k] ?? 0) + 1;
  for (const k of Object.keys(deltas) as CounterKey[]) if (deltas[k] === 0) delete deltas[k];
  return deltas;
}

export function sameData(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/** Guards and counter changes for `after` becoming (or staying) active; rejects when crossplay rules it out. */
export function crossplayFor(
  session: Session,
  before: Player | undefined,
  after: Player,
): { ok: false } | { ok: true; guards: Guard[]; counters: Partial<Record<CounterKey, number>> } {
  const wasActive = before !== undefined && isActive(before.status);
  const self = wasActive ? contribution(profileOf(before)) : [];
  const guards: Guard[] = [];
  if (!wasActive || !sameCrossplayProfile(before, after)) {
    const check = crossplayCheck(session.crossplay, profileOf(after), self);
    if (!check.ok) return { ok: false };
    for (const f of check.facts) guards.push({ kind: 'counter', key: f.key, equals: f.equals });
  }
  return { ok: true, guards, counters: counterDeltas(self, contribution(profileOf(after))) };
}

/** A member acting on others by a session permission: the actor's own membership, and the permission the act needs. */
export interface Delegation {
  actor: Player | undefined;
  permission: SessionPermission;
}

/** Whether the player is a leader or member holding the session permission. */
export const holds = (p: Player | undefined, permission: SessionPermission): p is Player =>
  p !== undefined && isActive(p.status) && (p.permissions ?? []).includes(permission);

/**
 * Authority over another player of the session: a trusted caller; the session's leader; or, for an act a session
 * permission allows (`delegation`), a leader or member holding it. Each is a fact the decision relies on, hence the
 * guard. Acting on oneself needs none of them.
 */
export function authority(
  session: Session,
  actor: Actor,
  target: string,
  delegation?: Delegation,
): { ok: false } | { ok: true; guards: Guard[]; delegated: boolean } {
  if (actor.trusted || actor.playerUuid === target) return { ok: true, guards: [], delegated: false };
  if (session.leader === actor.playerUuid) return { ok: true, guards: [{ kind: 'leaderIs', playerUuid: actor.playerUuid }], delegated: false };
  if (delegation && delegation.actor?.playerUuid === actor.playerUuid && holds(delegation.actor, delegation.permission))
    return { ok: true, guards: [{ kind: 'playerActive', playerUuid: actor.playerUuid, holds: delegation.permission }], delegated: true };
  return { ok: false };
}
