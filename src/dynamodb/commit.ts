// A decision written: one TransactWriteItems of the session item, the players' items and the open-session index
// entry, under the conditions the mode asks for (conditions.ts), read back reason by reason when it is cancelled.
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ApiError } from '../errors/api-error.js';
import type { Change, Guard } from '../sessions/model/change.js';
import { seatsFree, type Player, type Session } from '../sessions/model/session.js';
import { DELETED_SESSION_BACKDATE_SECONDS, type CommitResult, type ConditionMode, type SessionCommits } from '../sessions/store.js';
import { cullingMs } from '../sessions/model/presence.js';
import { openIndexGuards, playerGuard, sessionGuard } from './conditions.js';
import { Expression } from './expression.js';
import {
  cullAtKey,
  cullShardOf,
  livePlayer,
  liveSession,
  playerKey,
  presenceKey,
  playerToItem,
  sessionKey,
  shortCodeKey,
  teamsToItem,
  type PlayerItem,
  type SessionItem,
} from './items.js';
import { openIndexWrite, openTransition } from './open-sessions.js';
import { cancellationCodes, refuseIfThrottled } from './faults.js';
import { call, nowSeconds, type Table } from './table.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A failed condition hands back the item as it is now, so a lost race costs no extra read. */
const ALL_OLD = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;

export const sessionCommits = (table: Table): SessionCommits => ({
  async commitChange(read, change, mode, now) {
    if (change.teams && mode !== 'version') throw new Error('a change of the team layout is written under the version condition only');
    const items: TransactItem[] = [sessionWrite(table, read, change, mode, now)];
    const written: string[] = [];
    for (const write of change.players) {
      const uuid = write.kind === 'put' ? write.player.playerUuid : write.playerUuid;
      written.push(uuid);
      const x = new Expression();
      const condition = change.guards.flatMap((g) => playerGuard(x, g, uuid, read.incarnation)).join(' AND ') || undefined;
      items.push(
        write.kind === 'put'
          ? { Put: { TableName: table.name, Item: playerToItem(read, write.player), ConditionExpression: condition, ...x.attributes(), ...ALL_OLD } }
          : {
              Delete: { TableName: table.name, Key: playerKey(read.sessionId, uuid), ConditionExpression: condition, ...x.attributes(), ...ALL_OLD },
            },
      );
    }
    // Facts about players the change does not write (a friend still in the session) are checked, not written.
    for (const g of change.guards) {
      if (g.kind !== 'playerActive' || written.includes(g.playerUuid)) continue;
      const x = new Expression();
      const condition = playerGuard(x, g, g.playerUuid, read.incarnation).join(' AND ');
      items.push({
        ConditionCheck: { TableName: table.name, Key: playerKey(read.sessionId, g.playerUuid), ConditionExpression: condition, ...x.attributes() },
      });
    }
    for (const g of change.guards) if (g.kind === 'activeElsewhere') items.push(...elsewhereChecks(table, g, now));
    for (const g of change.guards) if (g.kind === 'presenceBefore') items.push(silenceCheck(table, read, g));
    const code = shortCodeWrite(table, read, change);
    if (code) items.push(code);
    const transition = openTransition(read, change.deleteSession ? undefined : afterLayout(read, change));
    if (transition !== 'none') items.push(openIndexWrite(table, read, transition));
    try {
      await call(() => table.db.send(new TransactWriteCommand({ TransactItems: items })));
      return { ok: true };
    } catch (e) {
      return readCancellation(e, written, nowSeconds(now));
    }
  },
});

function sessionWrite(table: Table, read: Session, change: Change, mode: ConditionMode, now: Date): TransactItem {
  const x = new Expression();
  const conditions = [
    `${x.name('inc')} = ${x.value(read.incarnation)}`,
    `(attribute_not_exists(${x.name('expires_at')}) OR ${x.name('expires_at')} > ${x.value(nowSeconds(now))})`,
  ];
  if (mode === 'version') conditions.push(`${x.name('version')} = ${x.value(read.version)}`);
  else {
    conditions.push(...change.guards.flatMap((g) => sessionGuard(x, g)));
    if (read.autoJoin) conditions.push(...openIndexGuards(x, read, change));
  }

  const taken = Object.values(change.seats ?? {}).reduce((n, d) => n + d, 0);
  const sets = [`${x.name('version')} = ${x.name('version')} + ${x.value(1)}`];
  const removes: string[] = [];
  const add = (path: string, delta: number) => sets.push(`${path} = ${path} + ${x.value(delta)}`);
  for (const [team, delta] of Object.entries(change.seats ?? {})) if (delta) add(x.path('teams', team, 'n'), delta);
  if (taken) add(x.name('seats_free'), -taken);
  for (const [key, delta] of Object.entries(change.counters ?? {})) if (delta) add(x.path('xp', key), delta);
  if (change.active) add(x.name('active'), change.active);
  if (change.leader && 'set' in change.leader) sets.push(`${x.name('leader')} = ${x.value(change.leader.set)}`);
  if (change.leader && 'remove' in change.leader) removes.push(x.name('leader'));
  if (change.joinable !== undefined) sets.push(`${x.name('joinable')} = ${x.value(change.joinable)}`);
  if (change.friendsMayJoin !== undefined) sets.push(`${x.name('friends_join')} = ${x.value(change.friendsMayJoin)}`);
  if (change.platformJoinable !== undefined) sets.push(`${x.name('platform_join')} = ${x.value(change.platformJoinable)}`);
  if (typeof change.passwordHash === 'string') sets.push(`${x.name('pw_hash')} = ${x.value(change.passwordHash)}`);
  if (change.passwordHash === null) removes.push(x.name('pw_hash'));
  if (change.shortCode) sets.push(`${x.name('short_code')} = ${x.value(change.shortCode)}`);
  if (change.customData !== undefined) sets.push(`${x.name('custom_data')} = ${x.value(change.customData)}`);
  if (change.teams) {
    sets.push(`${x.name('teams')} = ${x.value(teamsToItem(change.teams))}`);
    sets.push(`${x.name('seats_free')} = ${x.value(seatsFree({ teams: change.teams }))}`);
  }
  const floor = cullFloorWrite(x, read, change, now);
  sets.push(...floor.sets);
  removes.push(...floor.removes);
  // A deleted session is one that has expired (backdated: see the port): reads answer 404 at once, the stream
  // still publishes the change, DynamoDB's TTL removes the item, and the id may be created again.
  if (change.deleteSession) sets.push(`${x.name('expires_at')} = ${x.value(nowSeconds(now) - DELETED_SESSION_BACKDATE_SECONDS)}`);
  else if (read.expiresAt !== undefined && !change.keepExpiry) sets.push(`${x.name('expires_at')} = ${x.value(nowSeconds(now) + read.ttlSeconds)}`);
  const subject = change.subject;
  sets.push(
    `${x.name('last_change')} = ${x.value({
      event: change.event,
      ...(subject ? { player_uuid: subject.playerUuid, team_id: subject.teamId, status: subject.status } : {}),
      ...(change.reason ? { reason: change.reason } : {}),
    })}`,
  );
  return {
    Update: {
      TableName: table.name,
      Key: sessionKey(read.sessionId),
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ...x.attributes(),
      ...ALL_OLD,
    },
  };
}

/**
 * The cull floor (Session.nextCullAt) as the change leaves it: set or removed as decided; gone with the session; and
 * when leaders or members join a session that had none, T from now (any floor already there is earlier, and stays).
 */
function cullFloorWrite(x: Expression, read: Session, change: Change, now: Date): { sets: string[]; removes: string[] } {
  if (!read.cullAfterSeconds) return { sets: [], removes: [] };
  const removed = change.deleteSession === true || change.nextCullAt === null;
  const joined = change.nextCullAt === undefined && (change.active ?? 0) > 0;
  if (!removed && change.nextCullAt === undefined && !joined) return { sets: [], removes: [] };
  // Names are taken only by a write that uses them: DynamoDB refuses unused ones.
  const [at, shard] = [x.name('cull_at'), x.name('cull_pk')];
  if (removed) return { sets: [], removes: [at, shard] };
  if (typeof change.nextCullAt === 'number')
    return { sets: [`${at} = ${x.value(cullAtKey(change.nextCullAt))}`, `${shard} = ${x.value(cullShardOf(read.sessionId))}`], removes: [] };
  const floor = x.value(cullAtKey(now.getTime() + cullingMs(read)));
  return {
    sets: [`${at} = if_not_exists(${at}, ${floor})`, `${shard} = if_not_exists(${shard}, ${x.value(cullShardOf(read.sessionId))})`],
    removes: [],
  };
}

/** A player about to be culled is still silent: no query of theirs recorded since the cull was decided. */
function silenceCheck(table: Table, read: Session, g: Extract<Guard, { kind: 'presenceBefore' }>): TransactItem {
  const x = new Expression();
  const [seen, inc] = [x.name('seen'), x.name('inc')];
  const condition = `attribute_not_exists(${seen}) OR ${inc} <> ${x.value(read.incarnation)} OR ${seen} <= ${x.value(g.atMost)}`;
  return {
    ConditionCheck: { TableName: table.name, Key: presenceKey(read.sessionId, g.playerUuid), ConditionExpression: condition, ...x.attributes() },
  };
}

/** A member of another session still is one, and that session still lives as the incarnation read. */
function elsewhereChecks(table: Table, g: Extract<Guard, { kind: 'activeElsewhere' }>, now: Date): TransactItem[] {
  const s = new Expression();
  const p = new Expression();
  const session = [
    `${s.name('inc')} = ${s.value(g.incarnation)}`,
    `(attribute_not_exists(${s.name('expires_at')}) OR ${s.name('expires_at')} > ${s.value(nowSeconds(now))})`,
  ].join(' AND ');
  const member = `${p.name('inc')} = ${p.value(g.incarnation)} AND ${p.name('status')} IN (${p.value('leader')}, ${p.value('member')})`;
  return [
    { ConditionCheck: { TableName: table.name, Key: sessionKey(g.sessionId), ConditionExpression: session, ...s.attributes() } },
    { ConditionCheck: { TableName: table.name, Key: playerKey(g.sessionId, g.member), ConditionExpression: member, ...p.attributes() } },
  ];
}

/** The team layout after the change, for deciding whether it opens or fills the session. */
function afterLayout(read: Session, change: Change): Session {
  const teams = (change.teams ?? read.teams).map((t, i) => ({ ...t, occupied: t.occupied + (change.teams ? 0 : (change.seats?.[i] ?? 0)) }));
  const passwordHash = change.passwordHash === undefined ? read.passwordHash : (change.passwordHash ?? undefined);
  return { ...read, teams, joinable: change.joinable ?? read.joinable, passwordHash };
}

/**
 * A code the change claims (taken by another session: the transaction is cancelled and the change decided again
 * with another code), or the code of a session the change deletes, released with it.
 */
function shortCodeWrite(table: Table, read: Session, change: Change): TransactItem | undefined {
  if (change.shortCode) {
    return {
      Put: {
        TableName: table.name,
        Item: { ...shortCodeKey(change.shortCode), session_id: read.sessionId, inc: read.incarnation },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
  }
  if (change.deleteSession && read.shortCode) {
    return {
      Delete: {
        TableName: table.name,
        Key: shortCodeKey(read.shortCode),
        ConditionExpression: 'attribute_not_exists(pk) OR (session_id = :id AND inc = :inc)',
        ExpressionAttributeValues: { ':id': read.sessionId, ':inc': read.incarnation },
      },
    };
  }
  return undefined;
}

/**
 * A cancelled transaction is read reason by reason: a failed condition on the session item hands back its
 * current state (decide again with it); a conflict with another transaction is worth a retry after a pause;
 * throttling is a 503; anything else is ours.
 */
function readCancellation(e: unknown, written: readonly string[], now: number): CommitResult {
  const err = e as { name?: string; CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] };
  if (err.name === 'TransactionConflictException') return { ok: false, retry: 'conflict' };
  const codes = cancellationCodes(e);
  if (!codes || !err.CancellationReasons) throw e;
  refuseIfThrottled(codes, 'transaction');
  const [sessionReason, ...playerReasons] = err.CancellationReasons;
  if (sessionReason?.Code === 'ConditionalCheckFailed' && sessionReason.Item) {
    const session = liveSession(unmarshall(sessionReason.Item) as SessionItem, now);
    const players = new Map<string, Player | undefined>();
    written.forEach((uuid, i) => {
      const r = playerReasons[i];
      if (r?.Code === 'ConditionalCheckFailed') players.set(uuid, livePlayer(r.Item ? (unmarshall(r.Item) as PlayerItem) : undefined, session));
    });
    return { ok: false, retry: 'decide', session, players };
  }
  if (codes.includes('ConditionalCheckFailed')) return { ok: false, retry: 'reread' };
  if (codes.includes('TransactionConflict')) return { ok: false, retry: 'conflict' };
  throw new ApiError('internal_error', `transaction cancelled: ${codes.join(',')}`);
}
