// SessionStore owns every DynamoDB call of the service. It reads what the rules need, and writes a decision as
// one conditional TransactWriteItems whose conditions are exactly the facts the decision relied on.
import {
  BatchGetCommand, BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ApiError } from '../errors/api-error.js';
import type { Change, Guard } from '../sessions/model/change.js';
import { isOpen, seatsFree, type Player, type Session } from '../sessions/model/session.js';
import { Expression } from './expression.js';
import { storeFault } from './faults.js';
import {
  livePlayer, liveSession, PLAYER_INDEX, PLAYER_SK_PREFIX, playerFromItem, playerIndexKey, playerKey, playerToItem,
  sessionKey, sessionToItem, teamsToItem, type PlayerItem, type SessionItem,
} from './items.js';
import { openEntryKey, openPartition, openTransition, ticketKey, type OpenEntry, type Ticket } from './open-sessions.js';

/** "version": the session must be exactly as read (the new version is known: read + 1).
 *  "facts": only the decision's guards must hold, so independent changes commit side by side. */
export type ConditionMode = 'version' | 'facts';

export type CommitResult =
  | { ok: true }
  /** Another transaction was in the way, or a condition failed without handing back the state: read again. */
  | { ok: false; retry: 'conflict' | 'reread' }
  /** The session's condition failed and the item came back with the failure (ALL_OLD): decide again with it.
   *  `players` holds the current state of the written players whose own condition failed too. */
  | { ok: false; retry: 'decide'; session: Session | undefined; players: Map<string, Player | undefined> };

export type CreateResult = 'created' | 'taken';

export interface SessionWithPlayers {
  session: Session;
  players: Player[];
}

export interface PlayerMembership {
  sessionId: string;
  type: string;
  status: Player['status'];
  invitedBy?: string;
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);
/** A failed condition hands back the item as it is now, so a lost race costs no extra read. */
const ALL_OLD = { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One strongly consistent round trip for the session item and the given players' items. */
  async readSessionAndPlayers(sessionId: string, playerUuids: readonly string[], now: Date): Promise<{ session?: Session; players: Map<string, Player> }> {
    const items = await this.batchGet([sessionKey(sessionId), ...[...new Set(playerUuids)].map((u) => playerKey(sessionId, u))], true);
    const session = liveSession(items.find((i) => !String(i.sk).startsWith(PLAYER_SK_PREFIX)) as SessionItem | undefined, nowSeconds(now));
    const players = new Map<string, Player>();
    for (const item of items) {
      const player = String(item.sk).startsWith(PLAYER_SK_PREFIX) ? livePlayer(item as unknown as PlayerItem, session) : undefined;
      if (player) players.set(player.playerUuid, player);
    }
    return { session, players };
  }

  async readSession(sessionId: string, now: Date): Promise<Session | undefined> {
    const out = await this.call(() =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: sessionKey(sessionId), ConsistentRead: true })),
    );
    return liveSession(out.Item as SessionItem | undefined, nowSeconds(now));
  }

  /**
   * The session with every player. Pages are not a snapshot, so a read that took more than one page is
   * bracketed by the session's version and repeated when a change landed in between.
   */
  async readSessionWithPlayers(sessionId: string, now: Date): Promise<SessionWithPlayers | undefined> {
    for (let attempt = 0; attempt < 4; attempt++) {
      let session: Session | undefined;
      const players: Player[] = [];
      let startKey: Record<string, unknown> | undefined;
      let pages = 0;
      do {
        const out = await this.call(() =>
          this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk },
              ConsistentRead: true,
              ExclusiveStartKey: startKey,
            }),
          ),
        );
        pages++;
        for (const item of out.Items ?? []) {
          if (!String(item.sk).startsWith(PLAYER_SK_PREFIX)) {
            session = liveSession(item as SessionItem, nowSeconds(now));
            if (!session) return undefined;
          } else if (session && item.inc === session.incarnation) {
            players.push(playerFromItem(item as PlayerItem));
          }
        }
        if (pages === 1 && !session) return undefined;
        startKey = out.LastEvaluatedKey;
      } while (startKey);
      if (!session) return undefined;
      if (pages === 1) return { session, players };
      const after = await this.readSession(sessionId, now);
      if (!after) return undefined;
      if (after.incarnation === session.incarnation && after.version === session.version) return { session, players };
    }
    throw new ApiError('session_conflict', 'session kept changing while its players were read');
  }

  /**
   * Creates a session with its first players (their aggregates already on the session, see withPlayers), and
   * its open-session index entry when it is open. 'taken' when the id belongs to a live session.
   */
  async createSession(session: Session, players: readonly Player[] = [], now = new Date()): Promise<CreateResult> {
    // The creation is the first player's join (or a session update): published like any other change.
    const first = players[0];
    const lastChange = first
      ? { event: 'Session Player Joined', player_uuid: first.playerUuid, team_id: first.teamId, status: first.status }
      : { event: 'Session Updated' };
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...sessionToItem(session), last_change: lastChange },
          ConditionExpression: 'attribute_not_exists(pk) OR expires_at <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds(now) },
        },
      },
      ...players.map((p) => ({ Put: { TableName: this.tableName, Item: playerToItem(session, p) } })),
    ];
    if (isOpen(session)) items.push(this.openIndexWrite(session, 'in'));
    try {
      await this.call<unknown>(() =>
        items.length === 1
          ? this.db.send(new PutCommand(items[0]!.Put!))
          : this.db.send(new TransactWriteCommand({ TransactItems: items })),
      );
      return 'created';
    } catch (e) {
      const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (err.name === 'ConditionalCheckFailedException') return 'taken';
      // A conflict can only be another player creating the same (ticket) session at this moment: it is theirs.
      const first = err.CancellationReasons?.[0]?.Code;
      if (err.name === 'TransactionCanceledException' && (first === 'ConditionalCheckFailed' || first === 'TransactionConflict')) return 'taken';
      throw e;
    }
  }

  /** The next seat ticket of a session type (one atomic counter update). */
  async takeTicket(type: string, freshEpoch: string): Promise<Ticket> {
    const out = await this.call(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: ticketKey(type),
          UpdateExpression: 'ADD n :one SET epoch = if_not_exists(epoch, :epoch)',
          ExpressionAttributeValues: { ':one': 1, ':epoch': freshEpoch },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return { n: Number(out.Attributes?.n) - 1, epoch: String(out.Attributes?.epoch) };
  }

  /**
   * Moves the expiry forward without touching the version: extending a session's life is not a change of
   * its state. Callers extend only once half the time-to-live has passed, so reads do not contend with joins.
   */
  async extendExpiry(session: Session, now: Date): Promise<void> {
    const expiresAt = nowSeconds(now) + session.ttlSeconds;
    await this.call(() =>
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sessionKey(session.sessionId),
          // Dropping last_change keeps the session-events pipe from publishing the previous change again.
          UpdateExpression: 'SET expires_at = :exp REMOVE last_change',
          ConditionExpression: 'inc = :inc AND expires_at > :now',
          ExpressionAttributeValues: { ':exp': expiresAt, ':inc': session.incarnation, ':now': nowSeconds(now) },
        }),
      ),
    ).catch((e) => {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    });
  }

  /** Writes a change as one TransactWriteItems: the session item, the players' items, the open-session index. */
  async commitChange(read: Session, change: Change, mode: ConditionMode, now: Date): Promise<CommitResult> {
    if (change.teams && mode !== 'version') throw new Error('a change of the team layout is written under the version condition only');
    const items: TransactItem[] = [this.sessionWrite(read, change, mode, now)];
    const written: string[] = [];
    for (const write of change.players) {
      const uuid = write.kind === 'put' ? write.player.playerUuid : write.playerUuid;
      written.push(uuid);
      const x = new Expression();
      const condition = change.guards.flatMap((g) => playerGuard(x, g, uuid, read.incarnation)).join(' AND ') || undefined;
      items.push(
        write.kind === 'put'
          ? { Put: { TableName: this.tableName, Item: playerToItem(read, write.player), ConditionExpression: condition, ...x.attributes(), ...ALL_OLD } }
          : { Delete: { TableName: this.tableName, Key: playerKey(read.sessionId, uuid), ConditionExpression: condition, ...x.attributes(), ...ALL_OLD } },
      );
    }
    const transition = openTransition(read, change.deleteSession ? undefined : afterLayout(read, change));
    if (transition !== 'none') items.push(this.openIndexWrite(read, transition));
    try {
      await this.call(() => this.db.send(new TransactWriteCommand({ TransactItems: items })));
      return { ok: true };
    } catch (e) {
      return readCancellation(e, written, nowSeconds(now));
    }
  }

  /** The open sessions of a type, oldest first, from the index (strongly consistent). */
  async openSessions(type: string, limit: number): Promise<OpenEntry[]> {
    const out = await this.call(() =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
          ExpressionAttributeValues: { ':pk': openPartition(type), ':e': 'E#' },
          ConsistentRead: true,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []) as OpenEntry[];
  }

  /** Several sessions in one strongly consistent round trip (live ones only), e.g. the open sessions of a type. */
  async readSessions(sessionIds: readonly string[], now: Date): Promise<Map<string, Session>> {
    const found = new Map<string, Session>();
    for (const item of await this.batchGet([...new Set(sessionIds)].map(sessionKey), true)) {
      const s = liveSession(item as unknown as SessionItem, nowSeconds(now));
      if (s) found.set(s.sessionId, s);
    }
    return found;
  }

  /** Drops the index entry of a session that expired or was deleted while open; nothing if it is already gone. */
  async dropOpenEntry(type: string, entry: OpenEntry): Promise<void> {
    await this.call(() =>
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: openEntryKey({ sessionId: entry.session_id, created: entry.created, type }),
          ConditionExpression: 'inc = :inc',
          ExpressionAttributeValues: { ':inc': entry.inc },
        }),
      ),
    ).catch((e) => {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    });
  }

  /** Player items of sessions that were deleted or expired; readers already ignore them, this frees the space. */
  async deleteOrphanPlayers(sessionId: string, incarnation: string): Promise<void> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.call(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk, ':p': PLAYER_SK_PREFIX },
            ProjectionExpression: 'pk, sk, inc',
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      const orphans = (out.Items ?? []).filter((i) => i.inc === incarnation);
      for (let i = 0; i < orphans.length; i += 25) {
        const batch = orphans.slice(i, i + 25).map((o) => ({ DeleteRequest: { Key: { pk: o.pk, sk: o.sk } } }));
        await this.call(() => this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: batch } })));
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
  }

  /** A player's memberships from the player-sessions index (eventually consistent), live sessions only. */
  async playerMemberships(playerUuid: string, now: Date): Promise<PlayerMembership[]> {
    const found: PlayerItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.call(() =>
        this.db.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: PLAYER_INDEX.name,
            KeyConditionExpression: `${PLAYER_INDEX.partitionKey} = :p`,
            ExpressionAttributeValues: { ':p': playerIndexKey(playerUuid) },
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      found.push(...((out.Items ?? []) as PlayerItem[]));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    const live = await this.readSessions(found.map((p) => p.gsi1sk), now);
    return found
      .filter((p) => live.get(p.gsi1sk)?.incarnation === p.inc)
      .map((p) => ({ sessionId: p.gsi1sk, type: p.type, status: p.status, ...(p.invited_by ? { invitedBy: p.invited_by } : {}) }));
  }

  private sessionWrite(read: Session, change: Change, mode: ConditionMode, now: Date): TransactItem {
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
    if (change.customData !== undefined) sets.push(`${x.name('custom_data')} = ${x.value(change.customData)}`);
    if (change.teams) {
      sets.push(`${x.name('teams')} = ${x.value(teamsToItem(change.teams))}`);
      sets.push(`${x.name('seats_free')} = ${x.value(seatsFree({ teams: change.teams }))}`);
    }
    // A deleted session is one that expired just now: reads answer 404 at once, the stream still publishes the
    // change, DynamoDB's TTL removes the item, and the id may be created again.
    if (change.deleteSession) sets.push(`${x.name('expires_at')} = ${x.value(nowSeconds(now))}`);
    else if (read.expiresAt !== undefined) sets.push(`${x.name('expires_at')} = ${x.value(nowSeconds(now) + read.ttlSeconds)}`);
    const subject = change.subject;
    sets.push(
      `${x.name('last_change')} = ${x.value({
        event: change.event,
        ...(subject ? { player_uuid: subject.playerUuid, team_id: subject.teamId, status: subject.status } : {}),
      })}`,
    );
    return {
      Update: {
        TableName: this.tableName,
        Key: sessionKey(read.sessionId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ...x.attributes(),
        ...ALL_OLD,
      },
    };
  }

  /** BatchGetItem of any number of keys (100 a request), until DynamoDB has answered for every one of them. */
  private async batchGet(allKeys: Record<string, string>[], consistent: boolean): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (let i = 0; i < allKeys.length; i += 100) {
      let keys = allKeys.slice(i, i + 100);
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 5) throw new ApiError('service_unavailable', 'BatchGet kept returning unprocessed keys');
        if (attempt > 0) await sleep(20 * 2 ** attempt * Math.random());
        const out = await this.call(() =>
          this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: consistent } } })),
        );
        items.push(...(out.Responses?.[this.tableName] ?? []));
        keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, string>[];
      }
    }
    return items;
  }

  private openIndexWrite(session: Session, transition: 'in' | 'out'): TransactItem {
    const key = openEntryKey(session);
    const entry: OpenEntry = { session_id: session.sessionId, inc: session.incarnation, created: session.created };
    return transition === 'in'
      ? { Put: { TableName: this.tableName, Item: { ...key, ...entry } } }
      : { Delete: { TableName: this.tableName, Key: key } };
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw storeFault(e);
    }
  }
}

/** The team layout after the change, for deciding whether it opens or fills the session. */
function afterLayout(read: Session, change: Change): Session {
  const teams = (change.teams ?? read.teams).map((t, i) => ({ ...t, occupied: t.occupied + (change.teams ? 0 : (change.seats?.[i] ?? 0)) }));
  return { ...read, teams, joinable: change.joinable ?? read.joinable };
}

/**
 * In facts mode other changes may land between our read and our write, so the decision whether this change
 * opens or fills the session (and writes the index) must still hold then: a change that flips it needs the exact
 * seat count it read; one that does not needs a count that keeps it on the same side.
 */
function openIndexGuards(x: Expression, read: Session, change: Change): string[] {
  const guards = [`${x.name('joinable')} = ${x.value(read.joinable)}`];
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

function sessionGuard(x: Expression, g: Guard): string[] {
  switch (g.kind) {
    case 'joinable':
      return [`${x.name('joinable')} = ${x.value(true)}`];
    case 'seatFree':
      return [`${x.path('teams', String(g.teamId), 'n')} < ${x.path('teams', String(g.teamId), 'max')}`];
    case 'teamFull':
      return [`${x.path('teams', String(g.teamId), 'n')} >= ${x.path('teams', String(g.teamId), 'max')}`];
    case 'teamAtMost':
      return [`${x.path('teams', String(g.teamId), 'n')} <= ${x.value(g.occupied)}`];
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

function playerGuard(x: Expression, g: Guard, playerUuid: string, incarnation: string): string[] {
  if (!('playerUuid' in g) || g.playerUuid !== playerUuid) return [];
  switch (g.kind) {
    case 'playerAbsent':
      // An item left by an earlier incarnation of this session id is not a membership.
      return [`(attribute_not_exists(${x.name('pk')}) OR ${x.name('inc')} <> ${x.value(incarnation)})`];
    case 'playerRevision':
      return [`${x.name('inc')} = ${x.value(incarnation)} AND ${x.name('rev')} = ${x.value(g.revision)}`];
    default:
      return [];
  }
}

/**
 * A cancelled transaction is read reason by reason: a failed condition on the session item hands back its
 * current state (decide again with it); a conflict with another transaction is worth a retry after a pause;
 * throttling is a 503; anything else is ours.
 */
function readCancellation(e: unknown, written: readonly string[], now: number): CommitResult {
  const err = e as { name?: string; CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] };
  if (err.name === 'TransactionConflictException') return { ok: false, retry: 'conflict' };
  if (err.name !== 'TransactionCanceledException' || !err.CancellationReasons) throw e;
  const reasons = err.CancellationReasons;
  const codes = reasons.map((r) => r.Code ?? 'None');
  if (codes.some((c) => c === 'ThrottlingError' || c === 'ProvisionedThroughputExceeded' || c === 'RequestLimitExceeded')) {
    throw new ApiError('service_unavailable', `transaction throttled: ${codes.join(',')}`);
  }
  const [sessionReason, ...playerReasons] = reasons;
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
