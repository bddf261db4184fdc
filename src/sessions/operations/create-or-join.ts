// create_or_join_session. For a type that auto-joins, the player first joins an open session with room, found
// in the open-session index (never a scan), with the same rules and transaction as a join by id. When none has
// room, the player takes a seat ticket: ticket t belongs to block floor(t / seats), and each block is one session
// whose id follows from it. The first ticket holder of a block to arrive creates its session, the others join it,
// so a stampede fills sessions one after another instead of each player starting their own (docs/api.md, "Create or
// join"). A type that does not auto-join simply gets a new session, if its template lets players create them.
import { randomBytes, randomUUID } from 'node:crypto';
import { ApiError, type ErrorCode } from '../../errors/api-error.js';
import type { OpenSessions, PasswordTries, SessionCreation, SessionChanges } from '../store.js';
import type { SessionTemplate } from '../../templates/session-template.js';
import { teamSizesOf } from '../../templates/session-template.js';
import { compileVersionRange } from '../../templates/version-range.js';
import { satisfiesRange, type VersionRange } from '../model/versions.js';
import { etagOf } from '../model/etag.js';
import { joinSession } from './join-session.js';
import type { JoinRequest, Player } from '../model/session.js';
import { newSession, withPlayers } from '../model/new-session.js';

/** How many open sessions a player looks at per round, and how many of those with room they try. */
const CANDIDATES = 16;
const TRIES = 1;
/** How long a ticket holder waits for its block's creator: pauses growing from 25 ms to 400 ms, 1.6 s in all, so
 * that a queue of waiters does not add to the load that delays the creator. Then it creates the session itself. */
const CREATOR_WAITS = 7;
const creatorWait = (wait: number) => {
  const ms = Math.min(400, 25 * 2 ** wait);
  return ms / 2 + (Math.random() * ms) / 2;
};
/** Joins of the block's session (and creates, once its creator is overdue) before the holder looks again. */
const BLOCK_TRIES = CREATOR_WAITS + 3;
/** The session filled up, closed or went away since it was seen: another may do. */
export type CreateOrJoinStore = SessionChanges & SessionCreation & OpenSessions & PasswordTries;

const GONE: readonly ErrorCode[] = [
  'team_full',
  'session_not_joinable',
  'not_a_friend',
  'session_password_required',
  'session_not_found',
  'session_conflict',
  'service_unavailable',
];
/** The session would never take this player (its members' crossplay, its teams): they need a session of their own. */
const NOT_FOR_THEM: readonly ErrorCode[] = ['crossplay_not_permitted', 'team_change_not_allowed', 'client_version_incompatible', 'team_not_found'];

export interface CreateOrJoinOutcome {
  sessionId: string;
  etag?: string;
  created: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function createOrJoin(
  store: CreateOrJoinStore,
  template: SessionTemplate,
  req: JoinRequest,
  opts: { budgetMs?: number; clock?: () => Date; /** Set on a session this creates. */ password?: string } = {},
): Promise<CreateOrJoinOutcome> {
  const clock = opts.clock ?? (() => new Date());
  const deadline = Date.now() + (opts.budgetMs ?? 8000);
  if (req.status === 'invited' || req.status === 'reserved') throw new ApiError('status_not_allowed');
  const versionRange = template.client_version_range ? compileVersionRange(template.client_version_range) : undefined;
  if (versionRange && !satisfiesRange(req.clientVersion, versionRange)) throw new ApiError('client_version_incompatible');
  if (req.teamId !== 'any' && req.teamId >= template.num_teams) throw new ApiError('team_not_found');
  // Sessions that are not public cannot be joined without an invite, so there is nothing to auto-join.
  const autoJoin = (template.attempt_auto_join || template.joinable) && template.default_public;
  const passwordHash = opts.password === undefined ? undefined : () => hashOnce(opts.password!);
  const createOwn = async () => (await create(store, template, req, randomUUID(), clock(), versionRange, await passwordHash?.()))!;
  if (!autoJoin) {
    if (!template.can_be_created_by_players_directly) throw new ApiError('session_creation_not_allowed');
    return createOwn();
  }

  // Conditioned on the facts from the start (under a stampede the version has always moved on); the answer
  // names the session, so the ETag is not read back.
  const budget = () => ({ strategy: 'facts' as const, maxAttempts: 2, readBack: false, budgetMs: Math.max(0, deadline - Date.now()) });
  for (let round = 0; Date.now() < deadline; round++) {
    // 1. An open session with room, in random order: a stampede spreads over them instead of queueing on one.
    // An entry exists only while its session is open (the transaction that fills a session deletes it), so
    // entries are tried directly; one whose session has gone is dropped.
    const open = shuffle(await store.openSessions(template.session_type, CANDIDATES)).slice(0, TRIES);
    let turnedAway = false;
    for (const entry of open) {
      const joined = await attempt(() => joinSession(store, entry.sessionId, req, budget()));
      if (joined === 'not for them') turnedAway = true;
      else if (joined) return { sessionId: entry.sessionId, etag: joined.etag, created: false };
      else if (!(await store.readSession(entry.sessionId, clock()))) await store.dropOpenSession(template.session_type, entry);
    }
    if (!template.can_be_created_by_players_directly) {
      if (open.length === 0 || turnedAway) throw new ApiError('session_creation_not_allowed');
      await pause(round);
      continue;
    }
    // A player the sessions of the crowd would not take starts one of their own, outside the ticket blocks; so does
    // one whose session gets a password, which the block's other ticket holders could not join.
    if (turnedAway || passwordHash) return createOwn();
    // 2. A seat ticket. The block's first ticket creates its session; the others join it, waiting for it with
    // growing pauses if they arrive before it exists, and creating it themselves if its creator never does. Whoever
    // loses that race joins the block: a new ticket would leave a seat of this block to nobody.
    const ticket = await store.takeTicket(template.session_type, randomBytes(6).toString('base64url'));
    const sessionId = `${template.session_type}-${ticket.epoch}-${Math.floor(ticket.n / seatsOf(template))}`;
    let mayCreate = ticket.n % seatsOf(template) === 0;
    for (let wait = 0; wait < BLOCK_TRIES && Date.now() < deadline; wait++) {
      if (mayCreate) {
        const created = await create(store, template, req, sessionId, clock(), versionRange);
        if (created) return created;
      }
      try {
        const joined = await joinSession(store, sessionId, req, budget());
        return { sessionId, etag: joined.etag, created: false };
      } catch (e) {
        if (!(e instanceof ApiError) || ![...GONE, ...NOT_FOR_THEM].includes(e.code)) throw e;
        if (e.code !== 'session_not_found') break;
        mayCreate = wait >= CREATOR_WAITS;
        if (!mayCreate) await sleep(creatorWait(wait));
      }
    }
    await pause(round);
  }
  throw new ApiError('session_conflict', 'no seat found in the time budget');
}

const seatsOf = (t: SessionTemplate) => t.num_teams * t.players_per_team;

/** The hashing module loads only for a create-or-join that sets a password. */
const hashOnce = async (password: string) => (await import('../../security/password-hash.js')).hashPassword(password);

/** A join that may find the session gone or full (undefined), or one that would never take this player. */
async function attempt<T>(join: () => Promise<T>): Promise<T | undefined | 'not for them'> {
  try {
    return await join();
  } catch (e) {
    if (e instanceof ApiError && GONE.includes(e.code)) return undefined;
    if (e instanceof ApiError && NOT_FOR_THEM.includes(e.code)) return 'not for them';
    throw e;
  }
}

/** Between rounds: jittered and growing, so that the players still looking do not crowd the store. */
const pause = (round: number) => sleep(Math.random() * Math.min(400, 20 * 2 ** round));

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function create(
  store: CreateOrJoinStore,
  template: SessionTemplate,
  req: JoinRequest,
  sessionId: string,
  now: Date,
  versionRange: VersionRange | undefined,
  passwordHash?: string,
): Promise<CreateOrJoinOutcome | undefined> {
  const base = newSession({
    sessionId,
    type: template.session_type,
    teamSizes: teamSizesOf(template),
    joinable: template.default_public,
    ...(passwordHash ? { passwordHash } : {}),
    canChangeOwnTeam: template.can_change_own_team,
    customData: { ...template.custom_data },
    ttlSeconds: template.session_ttl_seconds,
    keepAliveOnEmpty: template.keep_alive_on_empty,
    autoJoin: template.attempt_auto_join || template.joinable,
    clientVersionRange: versionRange,
    cullAfterSeconds: template.player_culling_timeout,
    now,
  });
  const creator: Player = {
    playerUuid: req.playerUuid,
    status: 'leader',
    teamId: req.teamId === 'any' ? 0 : req.teamId,
    customData: req.customData,
    clientVersion: req.clientVersion,
    clientSettings: req.clientSettings,
    crossplay: req.crossplay,
    joined: now.toISOString(),
    revision: 1,
  };
  const session = withPlayers(base, [creator]);
  return (await store.createSession(session, [creator], now)) === 'created' ? { sessionId, etag: etagOf(session), created: true } : undefined;
}
