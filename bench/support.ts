// Shared pieces of the benchmark: statistics (statistics.ts), DynamoDB Local with the sessions table, a recorder of the exact
// DynamoDB calls our store issues (so the floor can issue the very same ones), twin sessions, tokens.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startDynamoDbLocal, type DynamoDbLocal } from '../local/dynamodb-local.js';
import { ensureTable } from '../local/create-table.js';
import { ANY_CROSSPLAY, type Player, type Session } from '../src/sessions/model/session.js';
import { playerToItem } from '../src/dynamodb/items.js';
import type { SessionCreation } from '../src/sessions/store.js';
import { authEnvFor, createTestIssuer, playerToken, type TestIssuer } from '../test/support/test-issuer.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TABLE = 'sessions-bench';
export { JOIN_ROUTE, joinBody } from './requests.js';
export { median, percentile, ratio, round, stats, type Stats } from './statistics.js';
export const GET_ROUTE = '/session/v1/session/{session_id}';

// ------------------------------------------------------------------------------------- DynamoDB Local
export interface LocalDb {
  local: DynamoDbLocal;
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
}

/** DynamoDB Local on a free port with the sessions table, and the environment our handlers read at import. */
export async function startLocalDb(): Promise<LocalDb> {
  const local = await startDynamoDbLocal();
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: local.endpoint,
    SESSIONS_TABLE_NAME: TABLE,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    LOG_LEVEL: 'warn',
    ...templatesEnv(),
  });
  const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await ensureTable(client, TABLE);
  } catch (e) {
    client.destroy();
    await local.stop();
    throw e;
  }
  return { local, endpoint: local.endpoint, client, doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }) };
}

/** The session templates file the handlers read at init (config/session-templates.json), named absolutely. */
export function templatesEnv(): Record<string, string> {
  const file = join(ROOT, 'config', 'session-templates.json');
  return existsSync(file) && !process.env.SESSION_TEMPLATES_FILE ? { SESSION_TEMPLATES_FILE: file } : {};
}

// ---------------------------------------------------------------------------------------------- tokens
export interface BenchPlayer {
  uuid: string;
  authorization: string;
}

export function createIssuer(): TestIssuer {
  const issuer = createTestIssuer();
  Object.assign(process.env, authEnvFor(issuer));
  return issuer;
}

/** A player with a real RS256 token carrying the permission to join and read as themselves. */
export function benchPlayer(issuer: TestIssuer): BenchPlayer {
  const uuid = randomUUID();
  return { uuid, authorization: `Bearer ${playerToken(issuer, { sub: uuid })}` };
}

export function seatedPlayer(uuid: string, teamId: number, status: Player['status'] = 'member'): Player {
  return {
    playerUuid: uuid,
    status,
    teamId,
    customData: { loadout: 'sniper' },
    clientVersion: '1.4.2',
    clientSettings: { platform: 'Steam', input: 'keyboardandmouse' },
    crossplay: ANY_CROSSPLAY,
    joined: new Date().toISOString(),
    revision: 1,
  };
}

// ----------------------------------------------------------------------------- recording our DynamoDB calls
/** One DynamoDB call as the document client received it: the command's name without "Command", and its input. */
export interface Call {
  op: string;
  input: Record<string, unknown>;
  /** When ours called the SDK's send() and when it resolved (performance.now()), when recorded from ours. */
  start?: number;
  end?: number;
  ms?: number;
}

export interface CallRecorder {
  /** The calls since the last take(), oldest first. */
  take(): Call[];
  /** Consumed capacity reported since the last takeCapacity(), summed per operation (needs withCapacity). */
  takeCapacity(): Record<string, number>;
  /** Counts per operation since the start. */
  counts: Record<string, number>;
  /** Adds ReturnConsumedCapacity: 'TOTAL' to every call from now on (DynamoDB Local reports it). */
  withCapacity(on: boolean): void;
}

/**
 * Wraps the send() of one document client instance: records every command's name and input, and can ask for
 * the consumed capacity. Costs a push per call; the request itself is untouched unless withCapacity(true).
 */
export function recordCalls(db: DynamoDBDocumentClient): CallRecorder {
  const original = db.send.bind(db) as (cmd: unknown, ...rest: unknown[]) => Promise<unknown>;
  let calls: Call[] = [];
  let capacity: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let addCapacity = false;
  (db as unknown as { send: unknown }).send = async (cmd: { constructor: { name: string }; input: Record<string, unknown> }, ...rest: unknown[]) => {
    const op = cmd.constructor.name.replace(/Command$/, '');
    if (addCapacity) cmd.input.ReturnConsumedCapacity = 'TOTAL';
    const call: Call = { op, input: cmd.input };
    calls.push(call);
    counts[op] = (counts[op] ?? 0) + 1;
    const t0 = (call.start = performance.now());
    const out = (await original(cmd, ...rest).finally(() => {
      call.end = performance.now();
      call.ms = call.end - t0;
    })) as {
      ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
    };
    if (addCapacity && out?.ConsumedCapacity) {
      const list = Array.isArray(out.ConsumedCapacity) ? out.ConsumedCapacity : [out.ConsumedCapacity];
      capacity[op] = (capacity[op] ?? 0) + list.reduce((a, c) => a + (c.CapacityUnits ?? 0), 0);
    }
    return out;
  };
  return {
    take: () => {
      const out = calls;
      calls = [];
      return out;
    },
    takeCapacity: () => {
      const out = capacity;
      capacity = {};
      return out;
    },
    counts,
    withCapacity: (on) => {
      addCapacity = on;
    },
  };
}

/**
 * A deep copy of recorded calls with one session's id swapped for its twin's, wherever it occurs in a string
 * (keys `S#<id>`, index attributes, index entries that embed it). Ids are random UUIDs, so nothing else matches.
 */
export function retarget(calls: readonly Call[], fromId: string, toId: string): Call[] {
  const swap = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(fromId) ? v.split(fromId).join(toId) : v;
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    return v;
  };
  return calls.map((c) => ({ op: c.op, input: swap(c.input) as Record<string, unknown> }));
}

// ------------------------------------------------------------------------------------------------ seeding
/**
 * Writes a session and its players as the store lays them out: the session item through the store (a plain
 * conditional put), the player items with BatchWrite, 25 at a time, a few batches in flight.
 */
export async function seedSession(store: SessionCreation, doc: DynamoDBDocumentClient, session: Session, players: readonly Player[]): Promise<void> {
  await mustCreate(store, session);
  const items = players.map((p) => playerToItem(session, p));
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let pending: Record<string, unknown>[] = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 10) throw new Error('BatchWrite kept returning unprocessed items');
        const out = await doc.send(new BatchWriteCommand({ RequestItems: { [TABLE]: pending as never } }));
        pending = (out.UnprocessedItems?.[TABLE] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
}

/** Creates a session (with players, in one transaction) through the store, or throws. */
export async function mustCreate(store: SessionCreation, session: Session, players: readonly Player[] = []): Promise<void> {
  if ((await store.createSession(session, players, new Date())) !== 'created') throw new Error(`session ${session.sessionId} was not created`);
}

export const sessionId = (tag: string) => `bench-${tag.slice(0, 1)}-${randomUUID()}`;

/** The twin of a session: the same state under another id, so the floor's calls meet the same conditions. */
export const twinOf = (s: Session, tag = 'floor'): Session => ({ ...s, sessionId: sessionId(tag) });

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
