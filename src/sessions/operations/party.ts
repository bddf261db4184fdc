// invite_session_to_session and kick_session_from_session: read the other session's members and this session's,
// decide (rules/party.ts) and write (run-change.ts) batch by batch until the whole party is invited or removed.
import { ApiError } from '../../errors/api-error.js';
import { log } from '../../observability/logger.js';
import type { Actor } from '../model/actor.js';
import type { Player, Session } from '../model/session.js';
import { decideSessionInvite, decideSessionKick, partyOf, type Party, type PartyInvite } from '../rules/party.js';
import { PARTY_PLAYERS_PER_TRANSACTION, type SessionCleanup, type SessionReads, type SessionChanges } from '../store.js';
import { runChange, type ChangeOptions, type ChangeOutcome } from './run-change.js';

/** All batches of one request together stay well inside the Lambda timeout; a re-sent request resumes. */
const PARTY_BUDGET_MS = 6000;

/** Keys a snapshot read (TransactGetItems, 100 items) takes beside the session item. */
const SNAPSHOT_KEYS = 99;

export interface PartyOutcome<T> {
  result: T;
  /** Only when one transaction did it all (or nothing needed doing): several batches name no single state. */
  etag?: string;
  attempts: number;
  written: boolean;
  batches: number;
  /** Players culled before the batches were decided (docs/culling.md). */
  culled: number;
}

async function readParty(store: SessionReads, sessionId: string, now: Date): Promise<Party | undefined> {
  const other = await store.readSessionWithPlayers(sessionId, now);
  return other && partyOf(other.session, other.players);
}

/**
 * Runs batches until a decision leaves nothing remaining. Batches after the first are not the state a client's
 * If-Match or If-None-Match named: those hold for the first only.
 */
async function inBatches<T>(
  batch: (opts: ChangeOptions) => Promise<ChangeOutcome<T>>,
  remaining: (result: T) => number,
  opts: ChangeOptions,
): Promise<PartyOutcome<T[]>> {
  const deadline = Date.now() + PARTY_BUDGET_MS;
  const results: T[] = [];
  let attempts = 0;
  let written = false;
  let culled = 0;
  for (let n = 1; ; n++) {
    const left = deadline - Date.now();
    if (left <= 0) throw new ApiError('session_conflict', `party change unfinished after ${n - 1} batches`);
    const later = { ifMatch: undefined, ifNoneMatch: undefined };
    const outcome = await batch({ ...opts, ...(n > 1 ? later : {}), budgetMs: Math.min(opts.budgetMs ?? 4000, left) });
    results.push(outcome.result);
    attempts += outcome.attempts;
    written ||= outcome.written;
    culled += outcome.culled ?? 0;
    if (remaining(outcome.result) === 0 || !outcome.written || outcome.deleted)
      return { result: results, attempts, written, batches: n, culled, ...(n === 1 && outcome.etag ? { etag: outcome.etag } : {}) };
  }
}

export async function inviteSession(
  store: SessionChanges,
  sessionId: string,
  invitedSessionId: string,
  actor: Actor,
  req: PartyInvite,
  opts: ChangeOptions = {},
): Promise<PartyOutcome<Player[]>> {
  // The party is read again with every attempt: a lost race may be the caller having left it.
  const readWith = (read: (keys: string[], now: Date) => Promise<{ session?: Session; players: Map<string, Player> }>) => async (now: Date) => {
    const party = await readParty(store, invitedSessionId, now);
    const keys = [...new Set([...(party?.members ?? []).map((p) => p.playerUuid), actor.playerUuid])];
    return { ...(await read(keys, now)), party };
  };
  const snapshot = async (keys: string[], now: Date) => {
    if (keys.length <= SNAPSHOT_KEYS) return store.readSnapshot(sessionId, keys, now);
    const all = await store.readSessionWithPlayers(sessionId, now);
    return { session: all?.session, players: new Map(all?.players.map((p) => [p.playerUuid, p])) };
  };
  const outcome = await inBatches(
    (options) =>
      runChange(
        store,
        {
          read: readWith((keys, now) => store.readSessionAndPlayers(sessionId, keys, now)),
          snapshot: readWith(snapshot),
          decide: ({ session, players, party }, now) =>
            decideSessionInvite(session, actor, party, players, req, now.toISOString(), PARTY_PLAYERS_PER_TRANSACTION),
          versionOnly: true,
        },
        options,
      ),
    (r) => r.remaining,
    opts,
  );
  return { ...outcome, result: outcome.result.flatMap((r) => r.invited) };
}

export async function kickSession(
  store: SessionChanges & SessionCleanup,
  sessionId: string,
  kickedSessionId: string,
  actor: Actor,
  opts: ChangeOptions = {},
): Promise<PartyOutcome<null>> {
  const readKick = async (now: Date, snapshot: boolean) => {
    const [all, party] = await Promise.all([store.readSessionWithPlayers(sessionId, now), readParty(store, kickedSessionId, now)]);
    // "Nothing to remove" is answered with the ETag of the state read: it must be one state.
    if (snapshot && all && !all.consistent) throw new ApiError('session_conflict', 'the session kept changing while its players were read');
    return { session: all?.session, players: all?.players ?? [], party };
  };
  let ended: Session | undefined;
  const outcome = await inBatches(
    async (options) => {
      const done = await runChange(
        store,
        {
          read: (now) => readKick(now, false),
          snapshot: (now) => readKick(now, true),
          decide: ({ session, players, party }) => decideSessionKick(session, actor, party, players, PARTY_PLAYERS_PER_TRANSACTION),
          versionOnly: true,
        },
        options,
      );
      if (done.deleted) ended = done.read;
      return done;
    },
    (r) => r.remaining,
    opts,
  );
  if (ended) {
    const { sessionId: id, incarnation } = ended;
    await store.deleteOrphanPlayers(id, incarnation).catch((e: unknown) =>
      // Readers ignore the players of a deleted session; cleaning them up is tidiness, not correctness.
      log('warn', 'could not delete the players of a deleted session', { sessionId: id, error: (e as Error).message }),
    );
  }
  return { ...outcome, result: null };
}
