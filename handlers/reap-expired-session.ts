// DynamoDB Streams handler, not an HTTP route: when DynamoDB's TTL deletes a session item, delete the player items
// that incarnation of the session left behind (player items carry no TTL of their own; readers already ignore them,
// this is storage hygiene and keeps the partition small for the next session with that id).
//
// The event source mapping (lib/expiry-reaper.ts) passes only REMOVE records of session items (pk S#<id>,
// sk #SESSION) made by the DynamoDB service principal, i.e. TTL deletions; the checks below repeat that filter so
// that a record that slipped through is skipped, never acted on. Each record needs the removed item's `inc` from
// OldImage (the table stream is NEW_AND_OLD_IMAGES): only players of that incarnation are deleted, so a session
// created again under the same id keeps its players.
//
// Idempotent: a record processed twice queries again and finds nothing left to delete. A record that fails is
// reported as the batch's first failure (ReportBatchItemFailures): Lambda retries from it, and after the retry
// limit sends the batch's description to the on-failure queue.
//
// No getServices(): the reaper neither authenticates nor reads templates, so it needs only the table's name.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { createDocumentClient } from '../src/dynamodb/client.js';
import { SESSION_SK } from '../src/dynamodb/items.js';
import { SessionStore } from '../src/dynamodb/session-store.js';
import { log } from '../src/observability/logger.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What DynamoDB's TTL writes into a stream record's userIdentity. */
export const TTL_PRINCIPAL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;
const SESSION_PK_PREFIX = 'S#';

export interface ExpiredSession {
  sessionId: string;
  incarnation: string;
}

export type Selection = { expired: ExpiredSession } | { skip: string } | { problem: string };

/** Whether a stream record is a TTL deletion of a session item, and which incarnation it removed. */
export function selectRecord(record: DynamoDBRecord): Selection {
  if (record.eventName !== 'REMOVE') return { skip: `not a REMOVE (${record.eventName})` };
  if (record.userIdentity?.type !== TTL_PRINCIPAL.type || record.userIdentity?.principalId !== TTL_PRINCIPAL.principalId) {
    return { skip: 'not a TTL deletion' };
  }
  const pk = record.dynamodb?.Keys?.pk?.S;
  const sk = record.dynamodb?.Keys?.sk?.S;
  if (sk !== SESSION_SK || !pk?.startsWith(SESSION_PK_PREFIX) || pk.length === SESSION_PK_PREFIX.length) return { skip: 'not a session item' };
  const incarnation = record.dynamodb?.OldImage?.inc?.S;
  // Without the old image the incarnation is unknown, and deleting every player of the partition could hit a new
  // session of the same id: report it (the stream must be NEW_AND_OLD_IMAGES) rather than guess.
  if (!incarnation) return { problem: 'the record has no OldImage.inc (is the table stream NEW_AND_OLD_IMAGES?)' };
  return { expired: { sessionId: pk.slice(SESSION_PK_PREFIX.length), incarnation } };
}

/**
 * BatchWriteItem may hand back UnprocessedItems (throttling) instead of failing; the store does not retry them, so
 * the reaper turns them into an error: the record fails, Lambda retries it, and the retry deletes what is left.
 */
export function failOnUnprocessedItems(db: DynamoDBDocumentClient): DynamoDBDocumentClient {
  db.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'BatchWriteItemCommand') {
        const unprocessed = (out.output as { UnprocessedItems?: Record<string, unknown[]> }).UnprocessedItems ?? {};
        const left = Object.values(unprocessed).reduce((n, items) => n + (items?.length ?? 0), 0);
        if (left > 0) throw new Error(`BatchWriteItem left ${left} item(s) unprocessed`);
      }
      return out;
    },
    { step: 'initialize', name: 'reaperFailOnUnprocessedItems' },
  );
  return db;
}

/** The store from the environment the route functions also read (SESSIONS_TABLE_NAME, DYNAMODB_* overrides). */
export function createReaperStore(env: Record<string, string | undefined> = process.env): SessionStore {
  const tableName = env.SESSIONS_TABLE_NAME?.trim();
  if (!tableName) throw new Error('SESSIONS_TABLE_NAME is not set');
  const millis = (name: string) => (/^\d+$/.test(env[name]?.trim() ?? '') ? Number(env[name]) : undefined);
  const db = createDocumentClient({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: env.DYNAMODB_ENDPOINT?.trim() || undefined,
    requestTimeoutMs: millis('DYNAMODB_REQUEST_TIMEOUT_MS'),
    connectTimeoutMs: millis('DYNAMODB_CONNECT_TIMEOUT_MS'),
  });
  return new SessionStore(failOnUnprocessedItems(db), tableName);
}

/** Processes records in stream order; stops at the first failure and reports it, so nothing after it is lost. */
export async function reapExpiredSessions(event: DynamoDBStreamEvent, store: Pick<SessionStore, 'deleteOrphanPlayers'>): Promise<DynamoDBBatchResponse> {
  let reaped = 0;
  let skipped = 0;
  for (const record of event.Records) {
    const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
    const selected = selectRecord(record);
    if ('skip' in selected) {
      skipped++;
      continue;
    }
    try {
      if ('problem' in selected) throw new Error(selected.problem);
      await store.deleteOrphanPlayers(selected.expired.sessionId, selected.expired.incarnation);
      reaped++;
    } catch (e) {
      log('error', 'could not delete the players of an expired session; the batch is retried from this record', {
        sessionId: record.dynamodb?.Keys?.pk?.S?.slice(SESSION_PK_PREFIX.length),
        sequenceNumber,
        error: (e as Error).message,
        reaped,
      });
      return { batchItemFailures: [{ itemIdentifier: sequenceNumber }] };
    }
  }
  log('info', 'expired sessions reaped', { records: event.Records.length, reaped, skipped });
  return { batchItemFailures: [] };
}

let store: SessionStore | undefined;

export const handler = async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
  store ??= createReaperStore();
  return reapExpiredSessions(event, store);
};
