// Model-based concurrency testing: random programs of joins, leaves, invites, accepts, kicks, swaps, moves,
// promotions, session permissions given and removed (and used: members invite, move and kick by them), session
// updates and deletions, run by concurrent clients through the real handlers against DynamoDB Local, then checked
// against the invariants (docs/testing.md) and against a sequential replay of the committed operations through the pure
// rules (linearizability of the committed history).
//
// How commits are observed: the container's SessionStore.commitChange is wrapped (an observer, it changes
// nothing), and an AsyncLocalStorage names the operation each call belongs to. That gives, per request, every
// transaction it committed, the state it decided on, its condition mode and its clock. A version-conditioned
// commit produced exactly version read + 1; a facts-conditioned one produced some version after the state it
// decided on and no later than the ETag it answered. The replay searches the orders those bounds allow.
import { api } from '../support/api-client.js';
import { seatedPlayer } from '../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../support/players.js';
import { store } from '../support/stores.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { getServices } from '../../src/runtime/services.js';
import type { Change, Decision } from '../../src/sessions/model/change.js';
import { toJoinRequest } from '../../src/http/join-request.js';
import { decideJoin } from '../../src/sessions/rules/join.js';
import { isActive, isOpen, seatsFree, type Player, type Session } from '../../src/sessions/model/session.js';
import { newSession, withPlayers } from '../../src/sessions/model/new-session.js';
import type { Actor } from '../../src/sessions/model/actor.js';
import { decidePlayerUpdate, decideRemoval, earliestMember, type OverflowAction, type PlayerUpdate } from '../../src/sessions/rules/player.js';
import { decideDeletion, decideSessionUpdate } from '../../src/sessions/rules/session.js';
import { decidePermissionChange } from '../../src/sessions/rules/permissions.js';
import type { SessionPermission } from '../../src/contract/types.js';
import { decideSwap } from '../../src/sessions/rules/swap.js';
import { decideSessionInvite, decideSessionKick, partyOf, type Party } from '../../src/sessions/rules/party.js';
import { decideCull } from '../../src/sessions/rules/culling.js';
import { sweepCulls } from '../../src/sessions/operations/cull-sweep.js';
import { toSessionResource } from '../../src/sessions/views/session-view.js';
import { canonicalJson } from '../../src/http/content-etag.js';
import { hashPassword } from '../../src/security/password-hash.js';
import {
  PLAYER_SK_PREFIX,
  PRESENCE_SK_PREFIX,
  playerFromItem,
  sessionFromItem,
  sessionKey,
  type PlayerItem,
  type SessionItem,
} from '../../src/dynamodb/items.js';
import { CULL_PLAYERS_PER_TRANSACTION, PARTY_PLAYERS_PER_TRANSACTION, type CommitResult, type ConditionMode } from '../../src/sessions/store.js';
import { decorate } from '../support/decorate.js';
import { storeOn } from '../support/stores.js';
import type { Answer } from '../support/api.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';

/** A game client's permissions: acts on itself, or on others as its session's leader. */

// ---------------------------------------------------------------------------------------------------------------
// Programs
// ---------------------------------------------------------------------------------------------------------------

/** Players 0..3 are game clients; actor 4 is a trusted caller (session:*), e.g. a game server. */
const PLAYERS = 4;
const ADMIN = 4;
/** Resolved when sent: the player the program last saw leading the session (a client acting as its leader). */
const SEEN_LEADER = -1;

/** A write sent with If-Match naming the ETag its client last saw (or without one). */
interface Conditional {
  ifMatch?: boolean;
}

/** Sent as the v2 operation of its own (`:invite`, `:move`, `:promote`) rather than through the player update. */
interface Via {
  v2?: boolean;
}

export type Op =
  | ({ kind: 'join'; actor: number; team: number; profile: number; data: number; wishLeader: boolean; password?: number } & Conditional)
  | ({ kind: 'leave'; actor: number } & Conditional)
  | ({ kind: 'invite'; actor: number; target: number; team: number; status: 'invited' | 'reserved'; overflow: OverflowAction } & Conditional & Via)
  | ({ kind: 'kick'; actor: number; target: number } & Conditional)
  | ({ kind: 'swap'; actor: number; target: number; other: number } & Conditional)
  | ({ kind: 'delete'; actor: number } & Conditional)
  | ({ kind: 'permission'; actor: number; target: number; permission: SessionPermission; give: boolean } & Conditional)
  | ({ kind: 'move'; actor: number; target: number; team: number; overflow: OverflowAction } & Conditional & Via)
  | ({ kind: 'promote'; actor: number; target: number; team: number; overflow: OverflowAction } & Conditional & Via)
  /** invite_session_to_session of the program's party (a second session, fixed), and kick_session_from_session. */
  | ({ kind: 'partyInvite'; actor: number; team: number; overflow: OverflowAction } & Conditional)
  | ({ kind: 'partyKick'; actor: number } & Conditional)
  | ({
      kind: 'patch';
      actor: number;
      joinable?: boolean;
      /** Sent as `joinability.open` instead of the deprecated `joinable`. */
      viaJoinability?: boolean;
      /** An index of PASSWORDS to set, or null to remove the password. */
      password?: number | null;
      data?: number;
      sizes?: number[];
    } & Conditional)
  /** Not a request: the session's time-to-live runs out (its expiry moves into the past), as the clock would do. */
  | { kind: 'expire'; actor: number }
  /** Not a request: the id is deleted and created again (a new incarnation, no players), as after a TTL deletion. */
  | { kind: 'recreate'; actor: number }
  /**
   * A player's own poll, as the SDK's: GET with refresh_ttl (the default), with If-None-Match naming the ETag last
   * seen or without. Their query of the session; its answer is an observation like any other.
   */
  | { kind: 'poll'; actor: number; ifNoneMatch: boolean }
  /** Not a request: the client waits, silent, while the clock runs (players come due meanwhile). */
  | { kind: 'pause'; actor: number; ms: number }
  /** Not a request: a run of the culling sweep over the program's session, `afterMs` after the lane's last step. */
  | { kind: 'sweep'; actor: number; afterMs: number };

/**
 * Not sent by a client: a cull some request (or read) found due and wrote before going on. Replayed through the
 * culling rules with the players it culled as the silent ones (their presence as old as the cull's check), every
 * other player as present: the effect (seats, hand-over, the session's end) must follow from the replayed state.
 */
interface Cull {
  kind: 'cull';
  actor: number;
  culled: string[];
}

/** What a client sends. */
type Sent = Exclude<Op, { kind: 'expire' | 'recreate' | 'poll' | 'pause' | 'sweep' }>;
type Request = Sent | Cull;

export interface SessionSetup {
  sizes: number[];
  joinable: boolean;
  canChangeOwnTeam: boolean;
  keepAliveOnEmpty: boolean;
  /** Create-or-join may find it: the open-sessions index must follow it. */
  autoJoin: boolean;
  /** An index of PASSWORDS the session starts with, if any. */
  password?: number;
  /** Per player: absent, member (the first becomes leader), invited or reserved, and a team. */
  seated: { status: 'absent' | 'member' | 'invited' | 'reserved'; team: number; permissions?: SessionPermission[] }[];
  /** The players who are members of the program's party, a second session the program never changes (the first leads). */
  party: number[];
  /**
   * player_culling_timeout in seconds, if the session culls: its seated players joined 0, 0.5 and 1 s before the
   * program starts, and only their own requests count as their queries, so some are due at once, some during it.
   */
  cullSeconds?: number;
}

export interface Program {
  setup: SessionSetup;
  /** Each lane is one client running its operations in order; lanes run concurrently. */
  lanes: Op[][];
}

const playerArb = fc.integer({ min: 0, max: PLAYERS - 1 });
const actorArb = fc.oneof(
  { weight: 2, arbitrary: playerArb },
  { weight: 3, arbitrary: fc.constant(SEEN_LEADER) },
  { weight: 1, arbitrary: fc.constant(ADMIN) },
);
// Team 2 often does not exist: team_not_found is part of the program too.
const teamArb = fc.constantFrom(0, 0, 1, 1, 2);
const dataArb = fc.integer({ min: 0, max: 2 });
const overflowArb = fc.constantFrom<OverflowAction>(
  'fail',
  'fail',
  'allow_overflow',
  'partial_with_overflow',
  'partial_without_overflow',
  'overfill',
);
/** Which of PASSWORDS a join gives or a PATCH sets. */
const passwordArb = fc.integer({ min: 0, max: 1 });
/** One write in five names the state its client last saw. */
const ifMatchArb = fc.oneof({ weight: 4, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      actor: playerArb,
      team: teamArb,
      profile: fc.constantFrom(0, 0, 0, 1, 1, 2, 3),
      data: dataArb,
      wishLeader: fc.boolean(),
      ifMatch: ifMatchArb,
      password: fc.option(passwordArb, { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), actor: playerArb, ifMatch: ifMatchArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('invite' as const),
      actor: actorArb,
      target: playerArb,
      team: teamArb,
      status: fc.constantFrom('invited' as const, 'reserved' as const),
      overflow: overflowArb,
      ifMatch: ifMatchArb,
      v2: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('kick' as const), actor: actorArb, target: playerArb, ifMatch: ifMatchArb }) },
  {
    weight: 6,
    // Mostly a trusted caller: a swap needs authority and two non-leaders on different teams, rare enough already.
    // Two different players mostly (a player swapped with themselves is one case of players_on_same_team).
    arbitrary: fc
      .record({
        kind: fc.constant('swap' as const),
        actor: fc.oneof({ weight: 3, arbitrary: fc.constant(ADMIN) }, { weight: 1, arbitrary: playerArb }),
        target: playerArb,
        offset: fc.constantFrom(0, 1, 1, 2, 2, 3, 3),
        ifMatch: ifMatchArb,
      })
      .map(({ offset, ...op }): Op => ({ ...op, other: (op.target + offset) % PLAYERS })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      actor: actorArb,
      target: playerArb,
      team: teamArb,
      overflow: overflowArb,
      ifMatch: ifMatchArb,
      v2: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('promote' as const),
      actor: actorArb,
      target: playerArb,
      team: teamArb,
      overflow: overflowArb,
      ifMatch: ifMatchArb,
      v2: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('patch' as const),
        actor: actorArb,
        joinable: fc.boolean(),
        viaJoinability: fc.boolean(),
        password: fc.oneof(passwordArb, fc.constant(null)),
        data: dataArb,
        sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }),
        ifMatch: ifMatchArb,
      },
      { requiredKeys: ['kind', 'actor'] },
    ),
  },
  // Members acting on others: by a session permission when they hold one, refused when they do not.
  {
    weight: 3,
    arbitrary: fc
      .record({
        kind: fc.constantFrom('kick' as const, 'move' as const, 'invite' as const),
        actor: playerArb,
        other: fc.integer({ min: 1, max: PLAYERS - 1 }),
        team: teamArb,
        ifMatch: ifMatchArb,
      })
      .map(({ kind, actor, other, team, ifMatch }): Op => {
        const target = (actor + other) % PLAYERS;
        return kind === 'kick' ? { kind, actor, target, ifMatch } : { kind, actor, target, team, status: 'invited', overflow: 'fail', ifMatch };
      }),
  },
  // Session permissions given and removed, by the leader, a trusted caller or a member.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('permission' as const),
      actor: actorArb,
      target: playerArb,
      permission: fc.constantFrom<SessionPermission>('invite', 'kick', 'move'),
      give: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      ifMatch: ifMatchArb,
    }),
  },
  // A whole party invited (by the leader, a trusted caller, or a party member into an open session) and kicked.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('partyInvite' as const),
      actor: actorArb,
      team: teamArb,
      overflow: overflowArb,
      ifMatch: ifMatchArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('partyKick' as const), actor: actorArb, ifMatch: ifMatchArb }) },
  // Rare: a deletion ends the program's session (unless it is created again).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), actor: actorArb, ifMatch: ifMatchArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), actor: fc.constant(ADMIN) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('recreate' as const), actor: fc.constant(ADMIN) }) },
  // The clock: players' polls (their queries), pauses in which every player is silent, the sweep's runs.
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('poll' as const), actor: fc.oneof(playerArb, fc.constant(SEEN_LEADER)), ifNoneMatch: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pause' as const), actor: fc.constant(ADMIN), ms: fc.integer({ min: 200, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const), actor: fc.constant(ADMIN), afterMs: fc.integer({ min: 0, max: 800 }) }) },
);

const setupArb: fc.Arbitrary<SessionSetup> = fc.record({
  sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 3 }),
  joinable: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  canChangeOwnTeam: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  keepAliveOnEmpty: fc.boolean(),
  autoJoin: fc.boolean(),
  password: fc.option(passwordArb, { nil: undefined, freq: 2 }),
  seated: fc.array(
    fc.record({
      // Members twice as often as invites: a member acting on another by a session permission needs two.
      status: fc.constantFrom('absent' as const, 'absent' as const, 'member' as const, 'member' as const, 'invited' as const, 'reserved' as const),
      team: fc.integer({ min: 0, max: 2 }),
      // Session permissions a member starts with, so that members act on others by them in short programs too.
      permissions: fc.option(fc.subarray<SessionPermission>(['invite', 'kick', 'move'], { minLength: 1 }), { nil: undefined, freq: 4 }),
    }),
    {
      minLength: PLAYERS,
      maxLength: PLAYERS,
    },
  ),
  party: fc.shuffledSubarray(
    Array.from({ length: PLAYERS }, (_, i) => i),
    { minLength: 1, maxLength: 3 },
  ),
  cullSeconds: fc.option(fc.constant(1), { nil: undefined, freq: 3 }),
});

export function programArb(opts: { minOps?: number; maxOps?: number; minLanes?: number; maxLanes?: number } = {}): fc.Arbitrary<Program> {
  return fc
    .record({
      setup: setupArb,
      laneCount: fc.integer({ min: opts.minLanes ?? 2, max: opts.maxLanes ?? 3 }),
      ops: fc.array(fc.tuple(fc.nat(2), opArb), { minLength: opts.minOps ?? 4, maxLength: opts.maxOps ?? 8 }),
    })
    .map(({ setup, laneCount, ops }) => {
      const lanes: Op[][] = Array.from({ length: laneCount }, () => []);
      ops.forEach(([lane, op], i) => lanes[(lane + i) % laneCount]!.push(op));
      return { setup, lanes: lanes.filter((l) => l.length > 0) };
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Identities and requests
// ---------------------------------------------------------------------------------------------------------------

/** The same identities serve every program (each program has a session of its own). */
const identities: TestPlayer[] = [...Array.from({ length: PLAYERS }, () => newPlayer()), newAdmin()];
const uuidOf = (i: number) => identities[i]!.uuid;

const PROFILES = [
  { platform: 'Steam', input: 'keyboardandmouse', crossplay: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_any' } },
  { platform: 'XboxLive', input: 'gamepad', crossplay: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_any' } },
  { platform: 'XboxLive', input: 'gamepad', crossplay: { permitted_platform: 'desired_platforms_xboxlike', permitted_input: 'desired_inputs_any' } },
  { platform: 'PSN', input: 'gamepad', crossplay: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_gamepad' } },
] as const;
const DATA: Record<string, string>[] = [{}, { k: 'a' }, { k: 'b', mood: 'ready' }];
const PASSWORDS = ['open sesame', 'swordfish'];
/**
 * What the replay stores for a password: scrypt's real hashes are salted at random, so the model names the password
 * instead, and, as a fresh salt does, makes every setting of it a new hash.
 */
let hashes = 0;
const modelHash = (password: string) => `model:${password}#${hashes++}`;
/** Real hashes of PASSWORDS, made once, for sessions that start with a password. */
const REAL_HASHES = await Promise.all(PASSWORDS.map(hashPassword));
const isHashOf = (hash: string, password: string) =>
  hash === REAL_HASHES[PASSWORDS.indexOf(password)] || hash.slice(0, hash.lastIndexOf('#')) === `model:${password}`;

function joinBody(op: Extract<Op, { kind: 'join' }>) {
  const p = PROFILES[op.profile]!;
  // Every default written out: the replay feeds the same body to the rules.
  return {
    client_version: '1.0.0',
    client_settings: { platform: p.platform, input: p.input },
    team_id: op.team,
    status: op.wishLeader ? ('leader' as const) : ('member' as const),
    crossplay_preferences: { ...p.crossplay },
    custom_data: { ...DATA[op.data]! },
    ...(op.password !== undefined ? { password: PASSWORDS[op.password]! } : {}),
  };
}

function playerUpdateBody(op: Extract<Op, { kind: 'invite' | 'move' | 'promote' }>) {
  return {
    status: op.kind === 'invite' ? op.status : op.kind === 'promote' ? ('leader' as const) : ('member' as const),
    team_id: op.team,
    custom_data: {},
    overflow_action: op.overflow,
  };
}

/** The v2 operations exist for invites (not reservations), moves and promotions. */
const viaV2 = (op: Extract<Op, { kind: 'invite' | 'move' | 'promote' }>) => op.v2 === true && (op.kind !== 'invite' || op.status === 'invited');

/** The v2 bodies: `:invite` an invite request, `:move` a team alone, `:promote` none. */
function v2Body(op: Extract<Op, { kind: 'invite' | 'move' | 'promote' }>) {
  if (op.kind === 'invite') return { team_id: op.team, overflow_action: op.overflow, custom_data: {} };
  return op.kind === 'move' ? { team_id: op.team } : {};
}

/** What the v2 handler asks the player rules (handlers/player-v2.ts): promote and move act on a player already there. */
function v2Request(op: Extract<Op, { kind: 'invite' | 'move' | 'promote' }>): PlayerUpdate {
  if (op.kind === 'invite') return { status: 'invited', teamId: op.team, customData: {}, overflowAction: op.overflow };
  if (op.kind === 'move') return { teamId: op.team, overflowAction: 'fail', present: true };
  return { status: 'leader', overflowAction: 'fail', present: true };
}

/** The overflow action a request carried (the v2 move and promote have none: `fail`). */
const overflowOf = (op: Request): OverflowAction | undefined =>
  !('overflow' in op) ? undefined : (op.kind === 'move' || op.kind === 'promote') && viaV2(op) ? 'fail' : op.overflow;

function patchBody(op: Extract<Op, { kind: 'patch' }>) {
  return {
    ...(op.joinable !== undefined ? (op.viaJoinability ? { joinability: { open: op.joinable } } : { joinable: op.joinable }) : {}),
    ...(op.password !== undefined ? { password: op.password === null ? null : PASSWORDS[op.password]! } : {}),
    ...(op.data !== undefined ? { custom_data: { ...DATA[op.data]! } } : {}),
    ...(op.sizes !== undefined ? { teams: op.sizes.map((max_size) => ({ max_size })) } : {}),
  };
}

const actorOf = (i: number): Actor => ({ playerUuid: uuidOf(i), trusted: i === ADMIN });

function send(op: Sent, sessionId: string, ifMatch: string | undefined): Promise<Answer> {
  const who = identities[op.actor]!;
  const opts = ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } };
  switch (op.kind) {
    case 'join':
      return api.join(who, sessionId, joinBody(op), opts);
    case 'leave':
      return api.leave(who, sessionId, opts);
    case 'kick':
      return api.kick(who, sessionId, uuidOf(op.target), opts);
    case 'swap':
      return api.swap(who, sessionId, [uuidOf(op.target), uuidOf(op.other)], opts);
    case 'delete':
      return api.deleteSession(who, sessionId, opts);
    case 'permission':
      return (op.give ? api.givePermission : api.removePermission)(who, sessionId, uuidOf(op.target), op.permission, opts);
    case 'invite':
    case 'move':
    case 'promote':
      if (!viaV2(op)) return api.setPlayer(who, sessionId, uuidOf(op.target), playerUpdateBody(op), opts);
      if (op.kind === 'invite') return api.invite(who, sessionId, uuidOf(op.target), v2Body(op), opts);
      if (op.kind === 'move') return api.move(who, sessionId, uuidOf(op.target), v2Body(op), opts);
      return api.promote(who, sessionId, uuidOf(op.target), opts);
    case 'patch':
      return api.patch(who, sessionId, patchBody(op), opts);
    case 'partyInvite':
      return api.inviteSession(who, sessionId, partyIdOf(sessionId), partyInviteBody(op), opts);
    case 'partyKick':
      return api.kickSession(who, sessionId, partyIdOf(sessionId), opts);
  }
}

const partyIdOf = (sessionId: string) => `${sessionId}-party`;

function partyInviteBody(op: Extract<Op, { kind: 'partyInvite' }>) {
  return { team_id: op.team, overflow_action: op.overflow, custom_data: {} };
}

/** The session's time-to-live runs out: its expiry moves into the past (as long as it is still this incarnation, live). */
async function expire(sessionId: string, incarnation: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: testTableName(),
        Key: sessionKey(sessionId),
        UpdateExpression: 'SET expires_at = :past',
        ConditionExpression: 'inc = :inc AND expires_at > :now',
        ExpressionAttributeValues: { ':past': now - 1, ':now': now, ':inc': incarnation },
      }),
    )
    .catch((e: unknown) => {
      if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    });
}

/**
 * The id deleted and created again: the session item is deleted exactly at the state last read (so that state is
 * the old incarnation's last), then a fresh session with the same setup and no players is created under the id.
 */
async function recreate(sessionId: string, fresh: () => Session): Promise<{ last: Partition; created: Session }> {
  for (;;) {
    const last = await readPartition(sessionId);
    const deleted = await documentClient()
      .send(
        new DeleteCommand({
          TableName: testTableName(),
          Key: sessionKey(sessionId),
          ConditionExpression: 'version = :v AND inc = :inc',
          ExpressionAttributeValues: { ':v': last.session!.version, ':inc': last.session!.incarnation },
        }),
      )
      .then(
        () => true,
        (e: unknown) => {
          if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
          return false;
        },
      );
    if (!deleted) continue;
    const created = fresh();
    if ((await store.createSession(created, [], new Date())) !== 'created') throw new Error(`session ${sessionId} could not be created again`);
    return { last, created };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The pure rules, on plain data: the replay
// ---------------------------------------------------------------------------------------------------------------

export interface ModelState {
  /** Undefined once the session was deleted. */
  session?: Session;
  players: Map<string, Player>;
  version: number;
}

function decide(op: Request, state: ModelState, now: Date, party: Party): Decision<unknown> {
  const { session, players } = state;
  switch (op.kind) {
    case 'cull': {
      const presence = new Map([...players.keys()].filter((u) => !op.culled.includes(u)).map((u) => [u, now.getTime()]));
      return decideCull(session, [...players.values()], presence, now.getTime(), CULL_PLAYERS_PER_TRANSACTION);
    }
    case 'partyInvite': {
      const b = partyInviteBody(op);
      const req = { teamId: b.team_id, overflowAction: b.overflow_action, customData: b.custom_data };
      return decideSessionInvite(session, actorOf(op.actor), party, players, req, now.toISOString(), PARTY_PLAYERS_PER_TRANSACTION);
    }
    case 'partyKick':
      return decideSessionKick(session, actorOf(op.actor), party, [...players.values()], PARTY_PLAYERS_PER_TRANSACTION);
    case 'join': {
      const req = toJoinRequest(joinBody(op), uuidOf(op.actor), undefined);
      // What the operation checks before deciding: the password given against the one set.
      const hash = session?.passwordHash;
      const facts = hash && req.password !== undefined ? { password: { hash, matches: isHashOf(hash, req.password) } } : {};
      return decideJoin(session, players.get(uuidOf(op.actor)), req, now.toISOString(), { facts });
    }
    case 'invite':
    case 'move':
    case 'promote': {
      const b = playerUpdateBody(op);
      const target = uuidOf(op.target);
      return decidePlayerUpdate(
        session,
        actorOf(op.actor),
        { playerUuid: target, current: players.get(target) },
        session?.leader ? players.get(session.leader) : undefined,
        viaV2(op) ? v2Request(op) : { status: b.status, teamId: b.team_id, customData: b.custom_data, overflowAction: b.overflow_action },
        now.toISOString(),
        players.get(uuidOf(op.actor)),
      );
    }
    case 'swap':
      return decideSwap(session, actorOf(op.actor), [players.get(uuidOf(op.target)), players.get(uuidOf(op.other))]);
    case 'permission': {
      const target = uuidOf(op.target);
      const actor = actorOf(op.actor);
      return decidePermissionChange(
        session,
        actor,
        players.get(actor.playerUuid),
        { playerUuid: target, current: players.get(target) },
        op.permission,
        op.give,
      );
    }
    case 'delete':
      // As deleteSession reads a session this small: every player with it, as one state.
      return decideDeletion(session, actorOf(op.actor), [...players.values()]);
    case 'leave':
    case 'kick': {
      const target = uuidOf(op.kind === 'leave' ? op.actor : op.target);
      const current = players.get(target);
      // As removePlayer reads: the successor only matters when the leader leaves others behind.
      const successor =
        session && current?.status === 'leader' && session.activeCount > 1 ? earliestMember([...players.values()], target) : undefined;
      return decideRemoval(
        session,
        op.kind === 'leave' ? { playerUuid: target, trusted: false } : actorOf(op.actor),
        { playerUuid: target, current },
        successor,
        undefined,
        players.get(uuidOf(op.actor)),
      );
    }
    case 'patch': {
      const b = patchBody(op);
      return decideSessionUpdate(session, actorOf(op.actor), {
        joinable: 'joinability' in b ? b.joinability.open : 'joinable' in b ? b.joinable : undefined,
        ...(b.password !== undefined ? { passwordHash: b.password === null ? null : modelHash(b.password) } : {}),
        customData: b.custom_data,
        teams: b.teams?.map((t) => ({ maxSize: t.max_size })),
      });
    }
  }
}

function apply(state: ModelState, change: Change): ModelState {
  const players = new Map(state.players);
  for (const w of change.players) {
    if (w.kind === 'put') players.set(w.player.playerUuid, w.player);
    else players.delete(w.playerUuid);
  }
  if (change.deleteSession || !state.session) return { session: undefined, players: new Map(), version: state.version + 1 };
  const s = state.session;
  const next: Session = {
    ...s,
    version: s.version + 1,
    joinable: change.joinable ?? s.joinable,
    customData: change.customData ?? s.customData,
    friendsMayJoin: change.friendsMayJoin ?? s.friendsMayJoin,
    platformJoinable: change.platformJoinable ?? s.platformJoinable,
    teams: (change.teams ?? s.teams).map((t) => ({ ...t })),
  };
  if (typeof change.passwordHash === 'string') next.passwordHash = change.passwordHash;
  if (change.passwordHash === null) delete next.passwordHash;
  return { session: withPlayers(next, [...players.values()]), players, version: state.version + 1 };
}

/**
 * What a change does, without the facts it relied on (those may be read at another version). A deletion removes every
 * membership whichever it lists: its list is what it read, and the cleanup after it takes whatever joined since.
 */
const effectOf = (c: Change) =>
  canonical({
    ...c,
    guards: undefined,
    // The cull floor follows from presence, which the replay does not hold: what it removes is checked, not the floor.
    nextCullAt: undefined,
    players: c.event === 'Session Deleted' ? undefined : c.players,
    passwordHash: c.passwordHash === undefined ? undefined : c.passwordHash === null ? null : 'a new hash',
  });

// ---------------------------------------------------------------------------------------------------------------
// Running a program
// ---------------------------------------------------------------------------------------------------------------

interface CommitRecord {
  read: Session;
  change: Change;
  mode: ConditionMode;
  now: Date;
  ok: boolean;
  /** Its place in the run's sequence of events, when it was sent. */
  sent: number;
}

interface OpRecord {
  id: number;
  lane: number;
  op: Request;
  /** The If-Match it was sent with. */
  ifMatch?: string;
  answer?: Answer;
  commits: CommitRecord[];
  /** The ok commit, if any. */
  commit?: CommitRecord;
}

interface Observation {
  etag: string;
  /** The Session resource the answer showed under that ETag. */
  body: unknown;
  source: string;
  /** When the read was sent (epoch ms): the state it answers is of that time or later. */
  sentAt?: number;
}

/** A player's own poll: their query of the session, when it was sent, and the state it answered (200) or named (304). */
interface Query {
  player: string;
  sentAt: number;
  /** In the run's sequence: answered before the commits sent after it. */
  answered: number;
  status: number;
  etag?: string;
}

const context = new AsyncLocalStorage<OpRecord>();
/** Set while the sweep runs: the culls it writes are counted apart. */
const sweeping = new AsyncLocalStorage<true>();
/** The culls committed, by session id. */
const culls = new Map<string, (CommitRecord & { bySweep: boolean })[]>();
let observing = false;
/** Orders the events of a run: commits sent, expiries done. */
let sequence = 0;

/** Gives the container a store that records every commit against the operation that made it (an observer). */
function observeCommits(): void {
  if (observing) return;
  observing = true;
  const real = storeOn();
  getServices().store = decorate(real, {
    async commitChange(read: Session, change: Change, mode: ConditionMode, now: Date): Promise<CommitResult> {
      const sent = ++sequence;
      const out = await real.commitChange(read, change, mode, now);
      const record = { read, change, mode, now, ok: out.ok, sent };
      // A cull is a change of its own, whichever request (or read) found it due: kept apart from that request's.
      if (change.reason === 'culled') {
        if (out.ok) culls.set(read.sessionId, [...(culls.get(read.sessionId) ?? []), { ...record, bySweep: sweeping.getStore() === true }]);
      } else context.getStore()?.commits.push(record);
      return out;
    },
  });
}

const versionOf = (etag: string | undefined, incarnation: string): number | undefined => {
  const m = etag ? /^"(.+)-(\d+)"$/.exec(etag) : null;
  return m && m[1] === incarnation ? Number(m[2]) : undefined;
};

class InvariantViolation extends Error {
  constructor(
    message: string,
    readonly details: unknown,
  ) {
    super(`${message}\n${JSON.stringify(details, null, 1).slice(0, 6000)}`);
    this.name = 'InvariantViolation';
  }
}

export interface ProgramResult {
  ops: number;
  committed: number;
  unchanged: number;
  rejected: Record<string, number>;
  conflicts: number;
  /** The operations answered 409, with the attempts they made: contention this light should rarely give up. */
  conflictDetails: unknown[];
  /** Commits conditioned on the facts (after a lost race): their order came from the search. */
  floating: number;
  snapshots: number;
  orderSearchSteps: number;
  /** Acts on another player by a session permission (the change relied on the actor holding one): rare at random. */
  delegated: number;
  /** How often what the generator widened to was met: so that a run shows it tested them. */
  met: Record<
    | 'expired'
    | 'recreated'
    | 'autoJoin'
    | 'ifMatchCommitted'
    | 'overfilled'
    | 'reservedCommitted'
    | 'passwordSet'
    | 'passwordJoined'
    | 'passwordRefused'
    | 'swapCommitted'
    | 'deleteCommitted'
    | 'permissionCommitted'
    | 'partyInviteCommitted'
    | 'partyKickCommitted'
    | 'v2Committed'
    | 'culled'
    | 'polled'
    | 'swept',
    number
  >;
  /** Culls the sweep wrote (most are written first by the reads between steps). */
  sweepCulls: number;
}

let sessionSeq = 0;
/** Each program's party, by the program's session id: the replay decides party invites and kicks against it. */
const parties = new Map<string, Party>();

export async function runProgram(program: Program, opts: { observeBetweenSteps?: boolean } = {}): Promise<ProgramResult> {
  observeCommits();
  const { setup } = program;
  const sessionId = `mb-${process.pid}-${Date.now().toString(36)}-${sessionSeq++}`;

  // The session and its first players, written through the store as a creation would.
  const sessionOf = () =>
    newSession({
      sessionId,
      // A type of its own: the open-sessions index of this session alone.
      type: `model-${sessionId}`,
      autoJoin: setup.autoJoin,
      teamSizes: setup.sizes,
      joinable: setup.joinable,
      canChangeOwnTeam: setup.canChangeOwnTeam,
      keepAliveOnEmpty: setup.keepAliveOnEmpty,
      ...(setup.password !== undefined ? { passwordHash: REAL_HASHES[setup.password]! } : {}),
      ...(setup.cullSeconds ? { cullAfterSeconds: setup.cullSeconds } : {}),
    });
  const base = sessionOf();
  const startedAt = Date.now();
  const seated: Player[] = [];
  const t0 = Date.now() - 60_000;
  let hasLeader = false;
  setup.seated.forEach((s, i) => {
    if (s.status === 'absent' || s.team >= setup.sizes.length) return;
    if (seated.filter((p) => p.teamId === s.team).length >= setup.sizes[s.team]!) return;
    const leader = s.status === 'member' && !hasLeader;
    hasLeader ||= leader;
    seated.push(
      s.status === 'invited' || s.status === 'reserved'
        ? seatedPlayer(uuidOf(i), {
            status: s.status,
            teamId: s.team,
            joined: undefined,
            clientVersion: undefined,
            clientSettings: undefined,
            crossplay: undefined,
            invited: new Date(t0).toISOString(),
            invitedBy: uuidOf(ADMIN),
          })
        : seatedPlayer(uuidOf(i), {
            status: leader ? 'leader' : 'member',
            teamId: s.team,
            joined: new Date(setup.cullSeconds ? startedAt - (i % 3) * 500 : t0 + i * 1000).toISOString(),
            ...(s.permissions ? { permissions: [...s.permissions].sort() } : {}),
          }),
    );
  });
  // A session with invited players but nobody active is a valid state too (a game server reserved the seats).
  const created = withPlayers(base, seated);
  if ((await store.createSession(created, seated, new Date())) !== 'created') throw new Error(`session ${sessionId} exists`);
  const initial = await readPartition(sessionId);
  if (!initial.session) throw new Error('the session just created is not there');
  // The party: its members joined in the order listed, so the first leads and invitees go in that order.
  const partyPlayers = setup.party.map((i, k) =>
    seatedPlayer(uuidOf(i), { status: k === 0 ? 'leader' : 'member', joined: new Date(t0 + k * 1000).toISOString() }),
  );
  const partySession = withPlayers(
    newSession({ sessionId: partyIdOf(sessionId), type: `model-${sessionId}-party`, teamSizes: [PLAYERS], joinable: true, keepAliveOnEmpty: true }),
    partyPlayers,
  );
  if ((await store.createSession(partySession, partyPlayers, new Date())) !== 'created') throw new Error(`party of ${sessionId} exists`);
  parties.set(sessionId, partyOf(partySession, partyPlayers));

  // Run the lanes concurrently; each client observes the session (GET) after each of its steps.
  const records: OpRecord[] = [];
  const observations: Observation[] = [];
  let seenLeader = initial.session.leader;
  const reader = identities[ADMIN]!;
  /** The ETag a client saw last (any client's observation will do: they share the program's view). */
  let lastSeen: string | undefined;
  const observe = async (source: string) => {
    const sentAt = Date.now();
    const g = await api.get(reader, sessionId);
    if (g.status >= 500) throw new InvariantViolation('GET answered a 5xx', { source, answer: g });
    if (g.status === 200) {
      observations.push({ etag: g.headers.etag!, body: g.body, source, sentAt });
      lastSeen = g.headers.etag;
      seenLeader = (g.body.teams as { players: { player_uuid: string; status: string }[] }[])
        .flatMap((t) => t.players)
        .find((p) => p.status === 'leader')?.player_uuid;
    } else if (g.status !== 404) throw new InvariantViolation('GET answered an undocumented status', { source, answer: g });
  };
  const queries: Query[] = [];
  let swept = 0;
  /** A player's own poll: a 200 is an observation; a 304 must name the ETag the poll sent. */
  const poll = async (op: Extract<Op, { kind: 'poll' }>) => {
    const who = identities[op.actor]!;
    const known = op.ifNoneMatch ? lastSeen : undefined;
    const sentAt = Date.now();
    const g = await api.get(who, sessionId, known ? { headers: { 'if-none-match': known } } : {});
    const source = `poll by player ${op.actor}`;
    if (g.status === 200) {
      observations.push({ etag: g.headers.etag!, body: g.body, source, sentAt });
      lastSeen = g.headers.etag;
    } else if (g.status === 304) {
      if (known === undefined || g.headers.etag !== known)
        throw new InvariantViolation('a 304 for an ETag the poll did not send', { source, known, answer: g });
    } else if (g.status !== 404) throw new InvariantViolation('a poll answered an undocumented status', { source, answer: g });
    queries.push({ player: who.uuid, sentAt, answered: ++sequence, status: g.status, etag: g.status === 200 ? g.headers.etag : known });
  };
  /** The sweep over the program's session alone: the index lists every session of the table that is due. */
  const sweepStore = decorate(getServices().store!, {
    sessionsDueForCull: async (now: Date) => (await getServices().store!.sessionsDueForCull(now, 10_000)).filter((id) => id === sessionId),
  });
  let nextId = 0;
  /** When the session's time-to-live ran out, in the run's sequence; undefined while it has not. */
  let expired: number | undefined;
  /** The id deleted and created again: when (in the run's sequence), the old incarnation's last state, the new one. */
  let recreated: { at: number; last: Partition; created: Session } | undefined;
  let recreation: Promise<void> | undefined;
  // Expiry and re-creation are each checked against one incarnation's history: a program has one or the other.
  const recreates = program.lanes.flat().some((op) => op.kind === 'recreate');
  const resolve = <O extends Op>(op: O): O => {
    if (op.actor !== SEEN_LEADER) return op;
    const i = identities.findIndex((p) => p.uuid === seenLeader);
    return { ...op, actor: i >= 0 ? i : ADMIN };
  };
  await Promise.all(
    program.lanes.map(async (ops, lane) => {
      for (const planned of ops) {
        if (planned.kind === 'expire') {
          if (recreates) continue;
          await expire(sessionId, initial.session!.incarnation);
          expired ??= ++sequence;
          continue;
        }
        if (planned.kind === 'pause') {
          await sleep(planned.ms);
          continue;
        }
        if (planned.kind === 'sweep') {
          await sleep(planned.afterMs);
          const outcome = await sweeping.run(true, () => sweepCulls(sweepStore, { deadline: Date.now() + 3000 }));
          // A cull that kept losing races is left to the next run, as the sweep documents; anything else is a fault.
          if (outcome.failed.some((f) => !f.error.startsWith('session_conflict'))) throw new InvariantViolation('the sweep failed', outcome);
          swept++;
          continue;
        }
        if (planned.kind === 'poll') {
          await poll(resolve(planned));
          continue;
        }
        if (planned.kind === 'recreate') {
          // Once per program, however many lanes ask for it.
          recreation ??= recreate(sessionId, sessionOf).then((done) => {
            recreated = { at: ++sequence, ...done };
          });
          await recreation;
          continue;
        }
        const op = resolve(planned);
        const ifMatch = op.ifMatch ? lastSeen : undefined;
        const record: OpRecord = { id: nextId++, lane, op, ifMatch, commits: [] };
        records.push(record);
        record.answer = await context.run(record, () => send(op, sessionId, ifMatch));
        if (opts.observeBetweenSteps !== false) await observe(`after op ${record.id}`);
      }
    }),
  );
  const final = await readPartition(sessionId);
  const cullCommits = culls.get(sessionId) ?? [];
  if (setup.cullSeconds) checkCullTimes(setup.cullSeconds * 1000, queries, cullCommits, observations, final);
  // Each cull committed is a record of its own, answered as a write that names no state.
  for (const commit of cullCommits) {
    const culled = commit.change.players.filter((w) => w.kind === 'delete').map((w) => (w as { playerUuid: string }).playerUuid);
    records.push({
      id: nextId++,
      lane: -1,
      op: { kind: 'cull', actor: ADMIN, culled },
      commits: [commit],
      answer: { status: 204, headers: {}, body: undefined } as Answer,
    });
  }
  culls.delete(sessionId);
  const clock = (r: ProgramResult): ProgramResult => ({
    ...r,
    met: { ...r.met, polled: queries.filter((q) => q.status === 200 || q.status === 304).length, swept },
    sweepCulls: cullCommits.filter((c) => c.bySweep).length,
  });
  const open = setup.autoJoin ? await store.openSessions(base.type, 10) : [];
  const listed = (incarnation: string) => open.some((o) => o.incarnation === incarnation);
  if (!recreated) return clock(check(program, initial, final, records, observations, { expired, open: listed(base.incarnation) }));

  // Each incarnation's history on its own: the requests that committed on it (or, committing nothing, answered its
  // ETag), with their attempts on it alone, and the states shown under its ETags.
  const incarnationOf = (etag: string | undefined) => (etag ? /^"(.+)-\d+"$/.exec(etag)?.[1] : undefined);
  const second = recreated.created.incarnation;
  const onSecond = (r: OpRecord) => {
    const committed = r.commits.find((c) => c.ok);
    return committed ? committed.read.incarnation === second : incarnationOf(r.answer?.headers.etag) === second;
  };
  const attemptsOn = (r: OpRecord, incarnation: string): OpRecord => ({ ...r, commits: r.commits.filter((c) => c.read.incarnation === incarnation) });
  const first = check(
    program,
    initial,
    recreated.last,
    records.filter((r) => !onSecond(r)).map((r) => attemptsOn(r, base.incarnation)),
    observations.filter((o) => incarnationOf(o.etag) !== second),
    { ended: recreated.at },
  );
  const fresh: Partition = { session: recreated.created, live: true, players: [] };
  const after = check(
    program,
    fresh,
    final,
    records.filter(onSecond).map((r) => attemptsOn(r, second)),
    observations.filter((o) => incarnationOf(o.etag) === second),
    { open: listed(second) },
  );
  return clock(merge(first, after, { recreated: 1 }));
}

function merge(a: ProgramResult, b: ProgramResult, met: Partial<ProgramResult['met']>): ProgramResult {
  const rejected = { ...a.rejected };
  for (const [code, n] of Object.entries(b.rejected)) rejected[code] = (rejected[code] ?? 0) + n;
  const sum = (k: keyof ProgramResult['met']) => a.met[k] + b.met[k] + (met[k] ?? 0);
  return {
    ops: a.ops + b.ops,
    committed: a.committed + b.committed,
    unchanged: a.unchanged + b.unchanged,
    rejected,
    conflicts: a.conflicts + b.conflicts,
    conflictDetails: [...a.conflictDetails, ...b.conflictDetails],
    floating: a.floating + b.floating,
    snapshots: a.snapshots + b.snapshots,
    orderSearchSteps: a.orderSearchSteps + b.orderSearchSteps,
    delegated: a.delegated + b.delegated,
    met: {
      expired: sum('expired'),
      recreated: sum('recreated'),
      autoJoin: Math.min(1, sum('autoJoin')),
      ifMatchCommitted: sum('ifMatchCommitted'),
      overfilled: Math.min(1, sum('overfilled')),
      reservedCommitted: sum('reservedCommitted'),
      passwordSet: sum('passwordSet'),
      passwordJoined: sum('passwordJoined'),
      passwordRefused: sum('passwordRefused'),
      swapCommitted: sum('swapCommitted'),
      deleteCommitted: sum('deleteCommitted'),
      permissionCommitted: sum('permissionCommitted'),
      partyInviteCommitted: sum('partyInviteCommitted'),
      partyKickCommitted: sum('partyKickCommitted'),
      v2Committed: sum('v2Committed'),
      culled: sum('culled'),
      polled: sum('polled'),
      swept: sum('swept'),
    },
    sweepCulls: a.sweepCulls + b.sweepCulls,
  };
}

interface Partition {
  /** The session item's state, live or not (a deleted session is an expired item). */
  raw?: SessionItem;
  session?: Session;
  live: boolean;
  players: Player[];
  /** The presence records of the session's incarnation: when each player's last query was recorded (epoch ms). */
  presence?: Map<string, number>;
  /** Players whose record is another incarnation's (a late write of a request that read it): nothing known of them. */
  foreignPresence?: Set<string>;
}

async function readPartition(sessionId: string): Promise<Partition> {
  const db = documentClient();
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: testTableName(),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': sessionKey(sessionId).pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  const raw = items.find((i) => !String(i.sk).startsWith(PLAYER_SK_PREFIX)) as SessionItem | undefined;
  const session = raw ? sessionFromItem(raw) : undefined;
  const live = raw !== undefined && (raw.expires_at === undefined || Number(raw.expires_at) > Date.now() / 1000);
  const players = items
    .filter((i) => String(i.sk).startsWith(PLAYER_SK_PREFIX) && session && i.inc === session.incarnation)
    .map((i) => playerFromItem(i as unknown as PlayerItem));
  const records = items.filter((i) => String(i.sk).startsWith(PRESENCE_SK_PREFIX) && session);
  const uuidOfRecord = (i: Record<string, unknown>) => String(i.sk).slice(PRESENCE_SK_PREFIX.length);
  const presence = new Map(records.filter((i) => i.inc === session!.incarnation).map((i) => [uuidOfRecord(i), Number(i.seen)] as const));
  const foreignPresence = new Set(records.filter((i) => i.inc !== session!.incarnation).map(uuidOfRecord));
  return { raw, session, live, players, presence, foreignPresence };
}

let db: ReturnType<typeof testDocumentClient> | undefined;
const documentClient = () => (db ??= testDocumentClient());

// ---------------------------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------------------------

/**
 * The invariants a stored session and its players must satisfy at rest. `overfill[i]`: the seats above team i's
 * max_size that committed explicit overfills took, which the team may hold on top of it.
 */
export function checkAtRest(where: string, session: Session, players: readonly Player[], raw?: SessionItem, overfill: readonly number[] = []): void {
  const fail = (what: string, details: unknown = {}) => {
    throw new InvariantViolation(`${where}: ${what}`, { session, players, ...((details as object) ?? {}) });
  };
  session.teams.forEach((t, i) => {
    const n = players.filter((p) => p.teamId === i).length;
    if (n > t.maxSize + (overfill[i] ?? 0)) fail(`team ${i} holds ${n} players, above its max_size ${t.maxSize} and what overfills took`);
  });
  if (players.some((p) => p.teamId >= session.teams.length)) fail('a player sits on a team the session does not have');
  const expected = withPlayers(session, players);
  const aggregates = (s: Session) => ({
    occupied: s.teams.map((t) => t.occupied),
    activeCount: s.activeCount,
    crossplay: s.crossplay,
    leader: s.leader ?? null,
  });
  if (canonical(aggregates(session)) !== canonical(aggregates(expected))) {
    fail('the session aggregates differ from its player items', { stored: aggregates(session), fromPlayers: aggregates(expected) });
  }
  if (raw && Number(raw.seats_free) !== seatsFree(expected))
    fail('seats_free differs from the teams', { seats_free: raw.seats_free, expected: seatsFree(expected) });
  const leaders = players.filter((p) => p.status === 'leader');
  if (leaders.length > 1) fail(`${leaders.length} leaders`);
  if (players.some((p) => isActive(p.status)) && leaders.length === 0) fail('active members and no leader');
}

interface RunFacts {
  /** When the session's time-to-live ran out, in the run's sequence of events. */
  expired?: number;
  /** When this incarnation was deleted (its id then created again); `final` is its last state. */
  ended?: number;
  /** Whether the open-sessions index lists this incarnation (unknown for one whose item was deleted outright). */
  open?: boolean;
}

function check(
  program: Program,
  initial: Partition,
  final: Partition,
  records: OpRecord[],
  observations: Observation[],
  facts: RunFacts,
): ProgramResult {
  const inc = initial.session!.incarnation;
  const v0 = initial.session!.version;
  const violation = (what: string, details: unknown = {}) =>
    new InvariantViolation(what, { program, ...((details as object) ?? {}), answers: summary(records) });
  // Overfill is asked for: the seats it took above a team's max_size are the request's own effect, not seats too many.
  const overfill = overfillSeats(records);

  // 1. Answers: never a 5xx, and a request commits at most once; an error commits nothing; a 204 always wrote.
  for (const r of records) {
    const a = r.answer!;
    const oks = r.commits.filter((c) => c.ok);
    r.commit = oks[0];
    if (a.status >= 500) throw violation(`op ${r.id} (${r.op.kind}) answered ${a.status}`, { answer: a });
    if (![200, 204, 403, 404, 409, 412].includes(a.status) && !(a.status === 429 && a.body?.error_code === 'password_attempts_exceeded'))
      throw violation(`op ${r.id} answered an undocumented ${a.status}`, { answer: a });
    if (a.status === 412 && r.ifMatch === undefined) throw violation(`op ${r.id} answered 412 without If-Match`, { answer: a });
    if (a.status >= 400 && (typeof a.body?.error_code !== 'string' || typeof a.body?.auth_success !== 'boolean'))
      throw violation(`op ${r.id}: error not in the HzApiErrorModel shape`, { answer: a });
    if (oks.length > 1) throw violation(`op ${r.id} committed ${oks.length} times (a duplicate write)`, { commits: oks });
    if (a.status >= 400 && oks.length > 0) throw violation(`op ${r.id} answered ${a.status} yet committed`, { answer: a });
    // Removing a session permission the player does not hold, or a party none of whom is here: the 204s that may change nothing.
    if (a.status === 204 && oks.length === 0 && r.op.kind !== 'permission' && r.op.kind !== 'partyKick')
      throw violation(`op ${r.id} answered 204 without writing`, { answer: a });
    // If-Match: only the state the client named may be changed, and only under the version condition.
    if (r.ifMatch !== undefined) {
      const named = versionOf(r.ifMatch, inc);
      const off = r.commits.find((c) => c.mode !== 'version' || c.read.version !== named || c.read.incarnation !== inc);
      if (off) throw violation(`op ${r.id} sent If-Match ${r.ifMatch} and wrote on another state or condition`, { commit: off });
      if (a.status === 200 && oks.length === 0 && r.op.kind !== 'patch' && a.headers.etag !== r.ifMatch)
        throw violation(`op ${r.id} sent If-Match ${r.ifMatch}, changed nothing, and answered ETag ${a.headers.etag}`, { answer: a });
    }
    // Once the session's time-to-live ran out, nothing may bring it back.
    const over = facts.expired ?? facts.ended;
    const late = over === undefined ? undefined : oks.find((c) => c.sent > over);
    if (late) throw violation(`op ${r.id} committed after the session ${facts.expired ? 'expired' : 'was deleted'}`, { commit: late });
    if (a.status === 200 && oks.length === 0 && r.op.kind !== 'patch') {
      // Unchanged: the ETag names the state as read, which must not be from the future.
      const v = versionOf(a.headers.etag, inc);
      if (v === undefined) throw violation(`op ${r.id}: an unchanged 200 without this session's ETag`, { answer: a });
    }
  }

  // 2. The final state at rest.
  const committed = records.filter((r) => r.commit);
  if (final.session && final.session.incarnation !== inc) throw violation('the session was re-created', { final });
  // A deleted session is an expired item; should DynamoDB's TTL have removed it already, its version is gone.
  const vf = final.session ? final.session.version : v0 + committed.length;
  if (vf - v0 !== committed.length) throw violation(`version moved by ${vf - v0} for ${committed.length} committed writes`, { v0, vf });
  if (facts.expired !== undefined && final.live) throw violation('the session expired, yet it is live again', { final: final.raw });
  if (final.live) checkAtRest('final state', final.session!, final.players, final.raw, overfill);
  if (program.setup.autoJoin && facts.open !== undefined && facts.expired === undefined && facts.open !== (final.live && isOpen(final.session!)))
    throw violation(`the open-sessions index ${facts.open ? 'lists' : 'misses'} the session`, { final: final.raw });

  // 3. No ETag names two different states; every state shown satisfies the invariants.
  const byEtag = new Map<string, string>();
  for (const o of observations) {
    const body = canonical(o.body);
    const seen = byEtag.get(o.etag);
    if (seen !== undefined && seen !== body)
      throw violation(`ETag ${o.etag} named two different states`, { first: JSON.parse(seen), second: o.body });
    byEtag.set(o.etag, body);
    checkShownState(o, violation, overfill);
  }
  for (const r of records) {
    if (r.op.kind === 'patch' && r.answer!.status === 200) {
      const o = { etag: r.answer!.headers.etag!, body: r.answer!.body, source: `answer of op ${r.id}` };
      checkShownState(o, violation, overfill);
      // An update whose session was deleted before its read-back (whether it wrote or found nothing to change)
      // answers the session as it left it, with no ETag: it names no state, so there is nothing to compare.
      if (o.etag === undefined) {
        if (final.live && facts.ended === undefined)
          throw violation(`op ${r.id}: a session update answered 200 without an ETag`, { answer: r.answer });
        continue;
      }
      const seen = byEtag.get(o.etag);
      if (seen !== undefined && seen !== canonical(o.body))
        throw violation(`ETag ${o.etag} named two different states`, { first: JSON.parse(seen), second: o.body });
      byEtag.set(o.etag, canonical(o.body));
    }
  }

  // 4. Linearizability: some order of the committed operations that the version evidence allows, replayed
  // through the pure rules from the initial state, reproduces every observed state and the final one.
  const fixed = new Map<number, OpRecord>();
  const floating: { record: OpRecord; lo: number; hi: number }[] = [];
  for (const r of committed) {
    const c = r.commit!;
    if (c.mode === 'version') {
      const v = c.read.version + 1;
      if (fixed.has(v)) throw violation(`ops ${fixed.get(v)!.id} and ${r.id} both committed version ${v}`);
      fixed.set(v, r);
      const answered = versionOf(r.answer!.headers.etag, inc);
      if (r.op.kind !== 'patch' && r.answer!.headers.etag !== undefined && answered !== v) {
        throw violation(`op ${r.id} committed version ${v} but answered ETag ${r.answer!.headers.etag}`);
      }
    } else {
      const answered = versionOf(r.answer!.headers.etag, inc);
      floating.push({ record: r, lo: c.read.version + 1, hi: Math.min(vf, answered ?? vf) });
    }
  }
  const snapshots = new Map<number, string>();
  for (const [etag, body] of byEtag) {
    const v = versionOf(etag, inc);
    if (v === undefined) throw violation(`ETag ${etag} is not of this session`);
    if (v < v0 || v > vf) throw violation(`ETag ${etag} names a version outside ${v0}..${vf}`);
    snapshots.set(v, body);
  }
  // What an answer says about the state its ETag names: a version-conditioned commit's answer describes the state
  // it produced; an unchanged answer describes the state it read.
  type Claim = { id: number; player: string; shown?: unknown };
  const committedClaims = new Map<number, Claim[]>();
  const unchangedClaims: (Claim & { version: number })[] = [];
  for (const r of records) {
    const a = r.answer!;
    const v = versionOf(a.headers.etag, inc);
    if (
      v === undefined ||
      r.op.kind === 'cull' ||
      r.op.kind === 'patch' ||
      r.op.kind === 'delete' ||
      r.op.kind === 'permission' ||
      (r.commit && r.commit.mode !== 'version')
    )
      continue;
    if (a.status !== 200 && a.status !== 204) continue;
    if (r.op.kind === 'partyInvite' || r.op.kind === 'partyKick') {
      // An invite answers each player it invited; a kick says none of the party is in the session any more.
      const claims: Claim[] =
        r.op.kind === 'partyInvite'
          ? (a.body.players as { player_uuid: string; status: string; team_id: number; custom_data: unknown }[]).map((p) => ({
              id: r.id,
              player: p.player_uuid,
              shown: { status: p.status, team_id: p.team_id, custom_data: p.custom_data },
            }))
          : program.setup.party.map((i) => ({ id: r.id, player: uuidOf(i) }));
      if (r.commit) committedClaims.set(v, [...(committedClaims.get(v) ?? []), ...claims]);
      else unchangedClaims.push(...claims.map((c) => ({ ...c, version: v })));
      continue;
    }
    const player = r.op.kind === 'join' || r.op.kind === 'leave' ? uuidOf(r.op.actor) : uuidOf(r.op.target);
    // A swap answers both players; its first is the claim checked.
    const answered = r.op.kind === 'swap' && a.status === 200 ? a.body.players[0] : a.body;
    const shown = a.status === 200 ? { status: answered.status, team_id: answered.team_id, custom_data: answered.custom_data } : undefined;
    if (r.commit) committedClaims.set(v, [...(committedClaims.get(v) ?? []), { id: r.id, player, shown }]);
    else unchangedClaims.push({ id: r.id, player, shown, version: v });
  }
  const allClaims = new Map([...committedClaims].map(([v, list]) => [v, [...list]]));
  for (const c of unchangedClaims) allClaims.set(c.version, [...(allClaims.get(c.version) ?? []), c]);

  const start: ModelState = { session: initial.session, players: new Map(initial.players.map((p) => [p.playerUuid, p])), version: v0 };
  const party = parties.get(initial.session!.sessionId)!;
  const search = new OrderSearch(start, vf, fixed, floating, snapshots, allClaims, party);
  let path = search.run();
  if (!path && unchangedClaims.length > 0) {
    // An order of the committed operations alone, for the diagnosis: each unchanged answer must describe the state
    // its ETag names in it.
    const relaxed = new OrderSearch(start, vf, fixed, floating, snapshots, committedClaims, party);
    path = relaxed.run();
    if (path) {
      for (const c of unchangedClaims) {
        const described = (st: ModelState) => {
          const p = st.players.get(c.player);
          return canonical(p ? { status: p.status, team_id: p.teamId, custom_data: p.customData } : undefined) === canonical(c.shown);
        };
        const at = path.findIndex((st) => st.version === c.version);
        if (at >= 0 && described(path[at]!)) continue;
        throw violation(`op ${c.id} answered ${canonical(c.shown)} under version ${c.version}, a state where that does not hold`, {
          state: at >= 0 ? sortPlayers([...path[at]!.players.values()]) : 'not in the replay',
        });
      }
    }
  }
  if (!path) {
    throw violation('no order of the committed operations consistent with the version evidence reproduces the history', {
      deepest: search.deepestFailure,
      fixed: [...fixed].map(([v, r]) => ({ v, op: r.id })),
      floating: floating.map((f) => ({ op: f.record.id, lo: f.lo, hi: f.hi })),
    });
  }
  const found = path[path.length - 1]!;
  const replayed = found;
  const expected = {
    live: replayed.session !== undefined,
    session: replayed.session && view(replayed.session, [...replayed.players.values()]),
    players: sortPlayers([...replayed.players.values()]),
  };
  // A session that expired is kept as it was when its time ran out: compared as if it were still live.
  const asLeft = final.live || (facts.expired !== undefined && expected.live);
  const actual = {
    live: asLeft,
    session: asLeft ? view(final.session!, final.players) : undefined,
    players: asLeft ? sortPlayers(final.players) : [],
  };
  if (canonical(expected) !== canonical(actual)) throw violation('the final state differs from the replay', { expected, actual });

  const rejected: Record<string, number> = {};
  for (const r of records) if (r.answer!.status >= 400) rejected[r.answer!.body.error_code] = (rejected[r.answer!.body.error_code] ?? 0) + 1;
  return {
    ops: records.length,
    // Counted by runProgram.
    sweepCulls: 0,
    committed: committed.length,
    unchanged: records.filter((r) => r.answer!.status === 200 && !r.commit).length,
    rejected,
    conflicts: rejected.session_conflict ?? 0,
    conflictDetails: summary(records)
      .filter((r) => r.status === 409)
      .map((r) => ({ ...r, program })),
    floating: floating.length,
    snapshots: snapshots.size,
    orderSearchSteps: search.steps,
    met: {
      expired: facts.expired === undefined ? 0 : 1,
      recreated: 0,
      autoJoin: program.setup.autoJoin ? 1 : 0,
      ifMatchCommitted: committed.filter((r) => r.ifMatch !== undefined).length,
      overfilled: overfill.some((n) => n > 0) ? 1 : 0,
      reservedCommitted: committed.filter((r) => r.op.kind === 'invite' && r.op.status === 'reserved').length,
      passwordSet: committed.filter((r) => r.op.kind === 'patch' && typeof r.op.password === 'number').length,
      passwordJoined: committed.filter((r) => r.op.kind === 'join' && r.op.password !== undefined && r.commit!.read.passwordHash !== undefined)
        .length,
      passwordRefused: (rejected.session_password_incorrect ?? 0) + (rejected.session_password_required ?? 0),
      swapCommitted: committed.filter((r) => r.op.kind === 'swap').length,
      deleteCommitted: committed.filter((r) => r.op.kind === 'delete').length,
      permissionCommitted: committed.filter((r) => r.op.kind === 'permission').length,
      partyInviteCommitted: committed.filter((r) => r.op.kind === 'partyInvite').length,
      partyKickCommitted: committed.filter((r) => r.op.kind === 'partyKick').length,
      v2Committed: committed.filter((r) => (r.op.kind === 'invite' || r.op.kind === 'move' || r.op.kind === 'promote') && viaV2(r.op)).length,
      culled: committed.filter((r) => r.op.kind === 'cull').length,
      // Counted by runProgram, which holds the polls and runs the sweep.
      polled: 0,
      swept: 0,
    },
    delegated: committed.filter((r) => r.commit!.change.guards.some((g) => g.kind === 'playerActive' && g.holds !== undefined)).length,
  };
}

/**
 * The clock's two promises (docs/culling.md, "When a player is culled"), with T the session's timeout: a player is
 * never culled within 3T/4 of a query of theirs that was answered before the cull was sent (presence is written at
 * most once per T/4, so it lags a query by less than that); and no answer (a 200, or a 304 for the state it names)
 * shows as leader or member a player who was due when it was asked, by their final presence record (which only
 * moves later) and their joining.
 */
function checkCullTimes(
  t: number,
  queries: readonly Query[],
  cullCommits: readonly CommitRecord[],
  observations: readonly Observation[],
  final: Partition,
): void {
  const shown = new Map(observations.map((o) => [o.etag, o.body as ShownSession]));
  const activeIn = (body: ShownSession | undefined, uuid: string) =>
    body?.teams.some((team) => team.players.some((p) => p.player_uuid === uuid && (p.status === 'leader' || p.status === 'member'))) === true;
  for (const c of cullCommits) {
    const culled = c.change.players.flatMap((w) => (w.kind === 'delete' ? [w.playerUuid] : []));
    for (const q of queries) {
      if (!culled.includes(q.player) || q.answered > c.sent || !q.etag || !activeIn(shown.get(q.etag), q.player)) continue;
      if (q.sentAt > c.now.getTime() - 0.75 * t)
        throw new InvariantViolation(
          `player ${q.player} culled ${c.now.getTime() - q.sentAt} ms after a query of theirs, within 3T/4 (T = ${t} ms)`,
          {
            query: q,
            cull: { now: c.now, change: c.change },
          },
        );
    }
  }
  const incarnation = final.session?.incarnation;
  // A 304 answers that the state its ETag names is still the session's.
  const notModified = queries.flatMap((q) =>
    q.status === 304 && q.etag && shown.has(q.etag) ? [{ etag: q.etag, body: shown.get(q.etag), sentAt: q.sentAt, source: '304 to a poll' }] : [],
  );
  for (const o of [...observations, ...notModified]) {
    if (o.sentAt === undefined || !incarnation || !o.etag.startsWith(`"${incarnation}-`)) continue;
    for (const p of (o.body as ShownSession).teams.flatMap((team) => team.players)) {
      // A live session's records are never removed: none means none was made. An ended one's may be gone.
      const seen = final.foreignPresence?.has(p.player_uuid)
        ? undefined
        : (final.presence?.get(p.player_uuid) ?? (final.live ? -Infinity : undefined));
      if ((p.status !== 'leader' && p.status !== 'member') || !p.joined || seen === undefined) continue;
      const last = Math.max(Date.parse(p.joined), seen);
      if (last + t < o.sentAt)
        throw new InvariantViolation(`${o.source} showed player ${p.player_uuid} as ${p.status}, due ${o.sentAt - last - t} ms before it was asked`, {
          body: o.body,
          seen,
        });
    }
  }
}

interface ShownSession {
  teams: { players: { player_uuid: string; status: string; joined?: string }[] }[];
}

/** Per team, the seats committed explicit overfills took (the seats their changes add to it). */
function overfillSeats(records: readonly OpRecord[]): number[] {
  const seats: number[] = [];
  for (const r of records)
    if (overflowOf(r.op) === 'overfill')
      for (const c of r.commits)
        if (c.ok) for (const [team, n] of Object.entries(c.change.seats ?? {})) if (n > 0) seats[Number(team)] = (seats[Number(team)] ?? 0) + n;
  return seats;
}

function checkShownState(o: Observation, violation: (what: string, details?: unknown) => Error, overfill: readonly number[]): void {
  const body = o.body as { teams: { max_size: number; players: { player_uuid: string; status: string }[] }[] };
  const all = body.teams.flatMap((t) => t.players);
  body.teams.forEach((t, i) => {
    if (t.players.length > t.max_size + (overfill[i] ?? 0))
      throw violation(`${o.source}: team ${i} shown with ${t.players.length} players above max_size ${t.max_size}`, { body });
  });
  if (new Set(all.map((p) => p.player_uuid)).size !== all.length) throw violation(`${o.source}: a player shown twice`, { body });
  const leaders = all.filter((p) => p.status === 'leader').length;
  if (leaders > 1) throw violation(`${o.source}: ${leaders} leaders shown`, { body });
  if (leaders === 0 && all.some((p) => p.status === 'member')) throw violation(`${o.source}: members and no leader shown`, { body });
}

/** Depth-first search over the orders the version evidence allows, replaying as it goes (pruned at once). */
class OrderSearch {
  steps = 0;
  deepestFailure: { version: number; reason: string } | undefined;

  constructor(
    private readonly start: ModelState,
    private readonly vf: number,
    private readonly fixed: Map<number, OpRecord>,
    private readonly floating: { record: OpRecord; lo: number; hi: number }[],
    private readonly snapshots: Map<number, string>,
    private readonly claims: ReadonlyMap<number, readonly { id: number; player: string; shown?: unknown }[]>,
    private readonly party: Party,
  ) {}

  /** The states of the first order that reproduces everything observed, from the initial one. */
  run(): ModelState[] | undefined {
    const failure = this.stateFailure(this.start);
    if (failure) {
      this.fail(this.start.version, failure);
      return undefined;
    }
    return this.dfs(this.start, new Set());
  }

  private fail(version: number, reason: string) {
    if (!this.deepestFailure || version >= this.deepestFailure.version) this.deepestFailure = { version, reason };
  }

  private dfs(state: ModelState, used: Set<number>): ModelState[] | undefined {
    const v = state.version + 1;
    if (v > this.vf) return [state];
    if (++this.steps > 200_000) throw new Error('order search too large: keep programs small');
    const own = this.fixed.get(v);
    const candidates = own ? [own] : this.floating.filter((f) => !used.has(f.record.id) && f.lo <= v && v <= f.hi).map((f) => f.record);
    if (candidates.length === 0) this.fail(v, `no committed operation can take version ${v}`);
    for (const r of candidates) {
      const c = r.commit!;
      const decision = decide(r.op, state, c.now, this.party);
      if (decision.kind !== 'write') {
        this.fail(
          v,
          `op ${r.id} (${r.op.kind}) at version ${v}: the rules say ${decision.kind === 'reject' ? `reject ${decision.code}` : 'unchanged'}`,
        );
        continue;
      }
      if (effectOf(decision.change) !== effectOf(c.change)) {
        this.fail(
          v,
          `op ${r.id} (${r.op.kind}) at version ${v}: the rules decide ${effectOf(decision.change)} but ${effectOf(c.change)} was committed`,
        );
        continue;
      }
      const next = apply(state, decision.change);
      const failure = this.stateFailure(next);
      if (failure) {
        this.fail(v, `op ${r.id} (${r.op.kind}) at version ${v}: ${failure}`);
        continue;
      }
      const nextUsed = own ? used : new Set([...used, r.id]);
      const done = this.dfs(next, nextUsed);
      if (done) return [state, ...done];
    }
    return undefined;
  }

  /** Whatever was observed of this version must be what the replay has. */
  private stateFailure(state: ModelState): string | undefined {
    const shown = this.snapshots.get(state.version);
    if (shown !== undefined) {
      if (!state.session) return `version ${state.version} was shown but the replay has deleted the session`;
      const mine = canonical(view(state.session, [...state.players.values()]));
      if (mine !== shown) return `version ${state.version} was shown as ${shown} but the replay has ${mine}`;
    }
    for (const claim of this.claims.get(state.version) ?? []) {
      const p = state.players.get(claim.player);
      const mine = p ? { status: p.status, team_id: p.teamId, custom_data: p.customData } : undefined;
      if (canonical(mine) !== canonical(claim.shown))
        return `op ${claim.id} answered ${canonical(claim.shown)} for version ${state.version}, the replay has ${canonical(mine)}`;
    }
    return undefined;
  }
}

const view = (session: Session, players: Player[]) => toSessionResource(session, players);
const sortPlayers = (players: Player[]) =>
  [...players].sort((a, b) => a.playerUuid.localeCompare(b.playerUuid)).map((p) => JSON.parse(JSON.stringify(p)));

/** JSON with sorted keys and undefined dropped (the service's own canonical JSON): equal data, equal text. */
const canonical = (value: unknown): string => canonicalJson(value) ?? 'undefined';

function summary(records: OpRecord[]) {
  return records.map((r) => ({
    id: r.id,
    lane: r.lane,
    op: r.op,
    status: r.answer?.status,
    code: r.answer?.body?.error_code,
    etag: r.answer?.headers.etag,
    commits: r.commits.map((c) => ({ ok: c.ok, mode: c.mode, readVersion: c.read.version, now: c.now.toISOString() })),
  }));
}
