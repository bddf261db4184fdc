// The guard-to-condition compiler: the facts a decision relied on (sessions/model/change.ts, Guard) as DynamoDB
// condition expressions, on the session item and on each written player item.
import type { Change, Guard } from '../sessions/model/change.js';
import { seatsFree, type Session } from '../sessions/model/session.js';
import type { Expression } from './expression.js';

export function sessionGuard(x: Expression, g: Guard): string[] {
  switch (g.kind) {
    case 'joinable':
      return [`${x.name('joinable')} = ${x.value(true)}`];
    case 'friendsMayJoin':
      return [`${x.name('friends_join')} = ${x.value(true)}`];
    case 'noShortCode':
      return [`attribute_not_exists(${x.name('short_code')})`];
    case 'noPassword':
      return [`attribute_not_exists(${x.name('pw_hash')})`];
    case 'passwordIs':
      return [`${x.name('pw_hash')} = ${x.value(g.hash)}`];
    case 'seatFree':
      return [`${x.path('teams', String(g.teamId), 'n')} < ${x.path('teams', String(g.teamId), 'max')}`];
    case 'teamFull':
      return [`${x.path('teams', String(g.teamId), 'n')} >= ${x.path('teams', String(g.teamId), 'max')}`];
    case 'noLeader':
      return [`attribute_not_exists(${x.name('leader')})`];
    case 'hasLeader':
      return [`attribute_exists(${x.name('leader')})`];
    case 'leaderIs':
      return [`${x.name('leader')} = ${x.value(g.playerUuid)}`];
    case 'activeCount':
      return [`${x.name('active')} = ${x.value(g.equals)}`];
    case 'counter':
      return [`${x.path('xp', g.key)} = ${x.value(g.equals)}`];
    default:
      return [];
  }
}

export function playerGuard(x: Expression, g: Guard, playerUuid: string, incarnation: string): string[] {
  if (!('playerUuid' in g) || g.playerUuid !== playerUuid) return [];
  switch (g.kind) {
    case 'playerAbsent':
      // An item left by an earlier incarnation of this session id is not a membership.
      return [`(attribute_not_exists(${x.name('pk')}) OR ${x.name('inc')} <> ${x.value(incarnation)})`];
    case 'playerRevision':
      return [`${x.name('inc')} = ${x.value(incarnation)} AND ${x.name('rev')} = ${x.value(g.revision)}`];
    case 'playerActive':
      return [
        `${x.name('inc')} = ${x.value(incarnation)} AND ${x.name('status')} IN (${x.value('leader')}, ${x.value('member')})`,
        ...(g.holds ? [`contains(${x.name('perms')}, ${x.value(g.holds)})`] : []),
      ];
    default:
      return [];
  }
}

/**
 * In facts mode other changes may land between our read and our write, so the decision whether this change
 * opens or fills the session (and writes the index) must still hold then: a change that flips it needs the exact
 * seat count it read; one that does not needs a count that keeps it on the same side.
 */
export function openIndexGuards(x: Expression, read: Session, change: Change): string[] {
  const guards = [
    `${x.name('joinable')} = ${x.value(read.joinable)}`,
    read.passwordHash === undefined ? `attribute_not_exists(${x.name('pw_hash')})` : `attribute_exists(${x.name('pw_hash')})`,
  ];
  if (!read.joinable && change.joinable === undefined) return guards;
  const free = seatsFree(read);
  const taken = Object.values(change.seats ?? {}).reduce((n, d) => n + d, 0);
  const before = free > 0;
  const after = free - taken > 0;
  const path = x.name('seats_free');
  if (before !== after) guards.push(`${path} = ${x.value(free)}`);
  else if (before) guards.push(`${path} > ${x.value(Math.max(0, taken))}`);
  else guards.push(`${path} <= ${x.value(Math.min(0, taken))}`);
  return guards;
}
