// The persistence the session operations need, as the domain states it. An operation asks only for the parts it
// uses, so a Lambda bundle carries only the store code of its own operation. Implemented by the DynamoDB adapter
// (src/dynamodb) and, for the unit tests and the CPU benchmark, by an in-memory store (test/support).
import type { Change } from './model/change.js';
import type { PlayerStatus } from '../contract/types.js';
import type { Player, Session } from './model/session.js';

/** "version": the session must be exactly as read (the new version is known: read + 1).
 *  "facts": only the decision's guards must hold, so independent changes commit side by side. */
export type ConditionMode = 'version' | 'facts';

export type CommitResult =
  | { ok: true }
  /** Another transaction was in the way, or a condition failed without handing back the state: read again. */
  | { ok: false; retry: 'conflict' | 'reread' }
  /** The session's condition failed and its current state came back with the failure: decide again with it.
   *  `players` holds the current state of the written players whose own condition failed too. */
  | { ok: false; retry: 'decide'; session: Session | undefined; players: Map<string, Player | undefined> };

export type CreateResult = 'created' | 'taken';

export interface SessionWithPlayers {
  session: Session;
  players: Player[];
  /**
   * Whether the session and its players are one state. A large session read in pages while changes keep landing
   * may not settle within the read's bounded retries: then each player is as read once, the session item is as read
   * around them, and whoever answers with it says so (a weak ETag).
   */
  consistent: boolean;
  /** When players last queried the session (epoch ms), as recorded for culling (rules/culling.ts); empty without it. */
  presence: Map<string, number>;
}

export interface PlayerMembership {
  sessionId: string;
  type: string;
  status: PlayerStatus;
  invitedBy?: string;
}

/** An open session of a type (joinable, a free seat), as create-or-join finds it. */
export interface OpenSession {
  sessionId: string;
  incarnation: string;
  created: string;
}

/** A seat ticket: its number, and the counter's epoch (random at the counter's creation, so ids never repeat). */
export interface Ticket {
  n: number;
  epoch: string;
}

/** Reads are strongly consistent; a session counts only while it has not expired, its players only in its incarnation. */
export interface SessionReads {
  readSession(sessionId: string, now: Date): Promise<Session | undefined>;
  /** The session item and the given players' items, in one round trip (not a snapshot: see run-change.ts). */
  readSessionAndPlayers(sessionId: string, playerUuids: readonly string[], now: Date): Promise<{ session?: Session; players: Map<string, Player> }>;
  /**
   * The same items as one state (a snapshot), for what an answer's ETag must stand behind; a few players at most.
   * Throws session_conflict when transactions writing those items keep getting in its way.
   */
  readSnapshot(sessionId: string, playerUuids: readonly string[], now: Date): Promise<{ session?: Session; players: Map<string, Player> }>;
  /** The session with every player: one state, unless it kept changing while its players were read (see `consistent`). */
  readSessionWithPlayers(sessionId: string, now: Date): Promise<SessionWithPlayers | undefined>;
}

/**
 * How far in the past a deleted session's expiry is set. Every write is conditioned on the session not having
 * expired by the writer's own clock, read before the deletion; an expiry of exactly "now" would still look live to a
 * writer whose clock read a second earlier, and its late write would bring the session back.
 */
export const DELETED_SESSION_BACKDATE_SECONDS = 300;

/**
 * The memberships a deletion removes in its own transaction: DynamoDB's 100 items less the session item, its short
 * code and its open-index entry. A session holding more seats has its memberships removed after the deletion.
 */
export const PLAYERS_IN_DELETION = 97;

/**
 * The players one transaction of a party invite or kick writes: DynamoDB's 100 items less the session item, its
 * open-index entry, its short code, the caller's own membership, another session's item and membership (the facts a
 * party's member joining relies on), and a successor's leadership. A larger party goes in several transactions.
 */
export const PARTY_PLAYERS_PER_TRANSACTION = 93;

/**
 * The players one cull writes: DynamoDB's 100 items less the session item, its open-index entry, its short code and a
 * successor's leadership, each culled player taking two (their membership removed, their silence checked).
 */
export const CULL_PLAYERS_PER_TRANSACTION = 48;

/** Presence and the cull floor (rules/culling.ts, docs/culling.md): none of it changes a session's version. */
export interface Culling {
  /**
   * These players' items in the session's incarnation and their recorded queries of it (epoch ms): one round trip,
   * eventually consistent. A stale answer shows an older record or membership, so a player can only look more due.
   */
  readPresence(session: Session, playerUuids: readonly string[]): Promise<{ players: Map<string, Player>; seen: Map<string, number> }>;
  /** Records a player's query (one small item per player), unless the record is already as late or later. */
  recordPresence(session: Session, playerUuid: string, now: Date): Promise<void>;
  /** Moves the session's cull floor (or removes it) without changing its version; nothing if it changed since `session`. */
  setNextCull(session: Session, nextCullAt: number | undefined): Promise<void>;
  /** Takes an expired session (its item not yet removed by TTL) out of the culling index; nothing for a live one. */
  dropDeadFloor(sessionId: string, now: Date): Promise<void>;
  /** Sessions whose cull floor has passed, by `now` (eventually consistent): at most `limit`. */
  sessionsDueForCull(now: Date, limit: number): Promise<string[]>;
}

export interface SessionCommits {
  /**
   * Writes a change of the session as read, atomically, under the conditions `mode` names; in either mode only while
   * the session is the incarnation read and has not expired.
   */
  commitChange(read: Session, change: Change, mode: ConditionMode, now: Date): Promise<CommitResult>;
}

/** What a change of a session needs: its reads, its commits, and the culls written before a decision rests on it. */
export type SessionChanges = SessionReads & SessionCommits & Culling;

export interface SessionCreation {
  /** A session with its first players (their aggregates already on the session); 'taken' when the id is live. */
  createSession(session: Session, players: readonly Player[], now: Date): Promise<CreateResult>;
}

export interface OpenSessions {
  /** The open sessions of a type, oldest first (strongly consistent). */
  openSessions(type: string, limit: number): Promise<OpenSession[]>;
  /** Forgets an open session that expired or was deleted while open; nothing if it is already gone. */
  dropOpenSession(type: string, open: OpenSession): Promise<void>;
  /** The next seat ticket of a type (one atomic counter). */
  takeTicket(type: string, freshEpoch: string): Promise<Ticket>;
}

export interface PlayerIndex {
  /** A player's memberships (eventually consistent), in live sessions only. */
  playerMemberships(playerUuid: string, now: Date): Promise<PlayerMembership[]>;
}

export interface SessionExpiry {
  /** Moves the expiry forward without changing the session's version (a longer life is not a change of state). */
  extendExpiry(session: Session, now: Date): Promise<void>;
}

export interface SessionCleanup {
  /**
   * Removes the player items an ended incarnation of a session left behind; readers already ignore them. With a
   * deadline (epoch ms), stops at the first page boundary past it: whether every such item is gone.
   */
  deleteOrphanPlayers(sessionId: string, incarnation: string, deadline?: number): Promise<boolean>;
  /** Releases the short code of an ended incarnation of a session (unless another session holds it by now). */
  releaseShortCode(code: string, sessionId: string, incarnation: string): Promise<void>;
}

export interface ShortCodes {
  /** The session a short code names (strongly consistent), if any; whether it still lives is the session read's to say. */
  resolveShortCode(code: string): Promise<string | undefined>;
}

/** Guessing a session's password is bounded: this many tries per player and session within a window. */
export const PASSWORD_TRIES = { max: 10, windowSeconds: 900 } as const;

export interface PasswordTries {
  /** Takes one of a player's tries at a session's password; with none left, the seconds until the window ends. */
  takePasswordTry(sessionId: string, playerUuid: string, now: Date): Promise<{ ok: true } | { ok: false; retryAfterSeconds: number }>;
  /** The right password was given: the tries taken are forgiven. */
  forgetPasswordTries(sessionId: string, playerUuid: string): Promise<void>;
}

export type SessionStore = SessionReads &
  SessionCommits &
  Culling &
  SessionCreation &
  OpenSessions &
  PlayerIndex &
  SessionExpiry &
  SessionCleanup &
  ShortCodes &
  PasswordTries;
