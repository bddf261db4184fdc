// SessionStore owns every DynamoDB call of the service. It reads what the rules need, and writes a decision as
// one conditional TransactWriteItems whose conditions are exactly the facts the decision relied on.
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ApiError } from '../errors/api-error.js';
import type { Guard, JoinDecision } from '../sessions/join-rules.js';
import type { Player, Session } from '../sessions/model.js';
import { Expression } from './expression.js';
import {
  livePlayer, liveSession, PLAYER_SK_PREFIX, playerFromItem, playerKey, playerToItem, sessionKey, sessionToItem,
  type PlayerItem, type SessionItem,
} from './items.js';
import { storeFault } from './faults.js';

export type WriteDecision = Extract<JoinDecision, { kind: 'write' }>;

/** "version": the session must be exactly as read (the new version is known: read + 1).
 *  "facts": only the decision's guards must hold, so independent joins commit side by side. */
export type ConditionMode = 'version' | 'facts';

export type CommitResult =
  | { ok: true }
  /** Another transaction was in the way; nothing is known about the state. */
  | { ok: false; retry: 'conflict' }
  /** A condition failed but the session's current state was not handed back: read again. */
  | { ok: false; retry: 'reread' }
  /** A condition failed and the session's current state came back with the failure: decide again with it.
   *  `player` is the caller's current membership when its item failed too; otherwise the one read stands. */
  | { ok: false; retry: 'decide'; session: Session | undefined; playerChanged: boolean; player: Player | undefined };

export interface SessionWithPlayers {
  session: Session;
  players: Player[];
}

const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

export class SessionStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One strongly consistent round trip for the session item and the caller's player item. */
  async readForJoin(sessionId: string, playerUuid: string, now: Date): Promise<{ session?: Session; player?: Player }> {
    let keys: Record<string, string>[] = [sessionKey(sessionId), playerKey(sessionId, playerUuid)];
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 5) throw new ApiError('service_unavailable', 'BatchGet kept returning unprocessed keys');
      const out = await this.call(() =>
        this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } })),
      );
      items.push(...(out.Responses?.[this.tableName] ?? []));
      keys = (out.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, string>[];
      if (keys.length) await new Promise((r) => setTimeout(r, 20 * 2 ** attempt * Math.random()));
    }
    const sessionItem = items.find((i) => !String(i.sk).startsWith(PLAYER_SK_PREFIX)) as SessionItem | undefined;
    const playerItem = items.find((i) => String(i.sk).startsWith(PLAYER_SK_PREFIX)) as PlayerItem | undefined;
    const session = liveSession(sessionItem, nowSeconds(now));
    return { session, player: livePlayer(playerItem, session) };
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
   * Creates a session, with its first players if any (their aggregates already on the session, see
   * withPlayers). Resolves false when the id is taken by a live session.
   */
  async createSession(session: Session, players: readonly Player[] = [], now = new Date()): Promise<boolean> {
    const sessionPut = {
      TableName: this.tableName,
      Item: sessionToItem(session),
      ConditionExpression: 'attribute_not_exists(pk) OR expires_at <= :now',
      ExpressionAttributeValues: { ':now': nowSeconds(now) },
    };
    try {
      await this.call<unknown>(() =>
        players.length === 0
          ? this.db.send(new PutCommand(sessionPut))
          : this.db.send(
              new TransactWriteCommand({
                TransactItems: [
                  { Put: sessionPut },
                  ...players.map((p) => ({ Put: { TableName: this.tableName, Item: playerToItem(session.sessionId, session.incarnation, p) } })),
                ],
              }),
            ),
      );
      return true;
    } catch (e) {
      const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
      if (err.name === 'ConditionalCheckFailedException') return false;
      if (err.name === 'TransactionCanceledException' && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw e;
    }
  }

  /**
   * Moves the expiry forward without touching the version: extending a session's life is not a change of
   * its state, and a plain UpdateItem here would contend with joins if done on every read, so callers only
   * extend once half the time-to-live has passed.
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

  /** Writes a join decision as one TransactWriteItems: the session item's update and the player item's put. */
  async commitJoin(read: Session, decision: WriteDecision, mode: ConditionMode, now: Date): Promise<CommitResult> {
    const s = new Expression();
    const conditions = [
      `${s.name('inc')} = ${s.value(read.incarnation)}`,
      `(attribute_not_exists(${s.name('expires_at')}) OR ${s.name('expires_at')} > ${s.value(nowSeconds(now))})`,
    ];
    if (mode === 'version') conditions.push(`${s.name('version')} = ${s.value(read.version)}`);
    else conditions.push(...decision.guards.flatMap((g) => sessionGuard(s, g)));

    const sets = [`${s.name('version')} = ${s.name('version')} + ${s.value(1)}`];
    for (const [team, delta] of Object.entries(decision.changes.seats)) {
      const path = s.path('teams', team, 'n');
      sets.push(`${path} = ${path} + ${s.value(delta)}`);
    }
    for (const [key, delta] of Object.entries(decision.changes.counters)) {
      const path = s.path('xp', key);
      sets.push(`${path} = ${path} + ${s.value(delta)}`);
    }
    if (decision.changes.leader) sets.push(`${s.name('leader')} = ${s.value(decision.changes.leader)}`);
    if (read.expiresAt !== undefined) sets.push(`${s.name('expires_at')} = ${s.value(nowSeconds(now) + read.ttlSeconds)}`);
    const p = decision.player;
    sets.push(
      `${s.name('last_change')} = ${s.value({ event: decision.event, player_uuid: p.playerUuid, team_id: p.teamId, status: p.status })}`,
    );

    const pe = new Expression();
    const playerCondition = decision.guards.flatMap((g) => playerGuard(pe, g, read.incarnation)).join(' AND ');

    try {
      await this.call(() =>
        this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: sessionKey(read.sessionId),
                  UpdateExpression: `SET ${sets.join(', ')}`,
                  ConditionExpression: conditions.join(' AND '),
                  ...s.attributes(),
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: this.tableName,
                  Item: playerToItem(read.sessionId, read.incarnation, p),
                  ConditionExpression: playerCondition,
                  ...pe.attributes(),
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        ),
      );
      return { ok: true };
    } catch (e) {
      return this.readCancellation(e, now);
    }
  }

  /**
   * A cancelled transaction is read reason by reason: a failed condition hands back the item as it is now
   * (ALL_OLD), so the caller can decide again without another read; a conflict with another transaction is
   * worth a retry; anything else is a fault.
   */
  private readCancellation(e: unknown, now: Date): CommitResult {
    const err = e as { name?: string; CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] };
    if (err.name === 'TransactionConflictException') return { ok: false, retry: 'conflict' };
    if (err.name !== 'TransactionCanceledException' || !err.CancellationReasons) throw e;
    const [sessionReason, playerReason] = err.CancellationReasons;
    const codes = [sessionReason?.Code, playerReason?.Code];
    if (codes.some((c) => c === 'ThrottlingError' || c === 'ProvisionedThroughputExceeded' || c === 'RequestLimitExceeded')) {
      throw new ApiError('service_unavailable', `transaction throttled: ${codes.join(',')}`);
    }
    if (sessionReason?.Code === 'ConditionalCheckFailed' && sessionReason.Item) {
      const session = liveSession(unmarshall(sessionReason.Item) as SessionItem, nowSeconds(now));
      const playerChanged = playerReason?.Code === 'ConditionalCheckFailed';
      const playerItem = playerChanged && playerReason?.Item ? (unmarshall(playerReason.Item) as PlayerItem) : undefined;
      return { ok: false, retry: 'decide', session, playerChanged, player: livePlayer(playerItem, session) };
    }
    if (codes.includes('ConditionalCheckFailed')) return { ok: false, retry: 'reread' };
    if (codes.includes('TransactionConflict')) return { ok: false, retry: 'conflict' };
    throw new ApiError('internal_error', `transaction cancelled: ${codes.join(',')}`);
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (e) {
      throw storeFault(e);
    }
  }
}

function sessionGuard(x: Expression, g: Guard): string[] {
  switch (g.kind) {
    case 'joinable':
      return [`${x.name('joinable')} = ${x.value(true)}`];
    case 'seatFree':
      return [`${x.path('teams', String(g.teamId), 'n')} < ${x.path('teams', String(g.teamId), 'max')}`];
    case 'noLeader':
      return [`attribute_not_exists(${x.name('leader')})`];
    case 'hasLeader':
      return [`attribute_exists(${x.name('leader')})`];
    case 'counter':
      return [`${x.path('xp', g.key)} = ${x.value(g.equals)}`];
    default:
      return [];
  }
}

function playerGuard(x: Expression, g: Guard, incarnation: string): string[] {
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
