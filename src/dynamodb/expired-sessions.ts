// What the stream reaper does when DynamoDB's TTL deletes a session item: delete the player items that incarnation
// of the session left behind, and release its short code (player items carry no TTL of their own; readers already ignore them, this is storage
// hygiene and keeps the partition small for the next session with that id).
//
// The event source mapping (lib/expiry-reaper.ts) passes only REMOVE records of session items (pk S#<id>,
// sk #SESSION) made by the DynamoDB service principal, i.e. TTL deletions; selectRecord repeats that filter so that
// a record that slipped through is skipped, never acted on. Each record needs the removed item's `inc` from
// OldImage (the table stream is NEW_AND_OLD_IMAGES): only players of that incarnation are deleted, so a session
// created again under the same id keeps its players.
//
// Idempotent: a record processed twice queries again and finds nothing left to delete. A record that fails is
// reported as the batch's first failure (ReportBatchItemFailures): Lambda retries from it, and after the retry
// limit sends the batch's description to the on-failure queue.
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { log } from '../observability/logger.js';
import type { SessionCleanup } from '../sessions/store.js';
import { SESSION_PK_PREFIX, SESSION_SK } from './items.js';

/** What DynamoDB's TTL writes into a stream record's userIdentity. */
export const TTL_PRINCIPAL = { type: 'Service', principalId: 'dynamodb.amazonaws.com' } as const;

export interface ExpiredSession {
  sessionId: string;
  incarnation: string;
  shortCode?: string;
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
  const shortCode = record.dynamodb?.OldImage?.short_code?.S;
  return { expired: { sessionId: pk.slice(SESSION_PK_PREFIX.length), incarnation, ...(shortCode ? { shortCode } : {}) } };
}

/** Processes records in stream order; stops at the first failure and reports it, so nothing after it is lost. */
export async function reapExpiredSessions(event: DynamoDBStreamEvent, store: SessionCleanup): Promise<DynamoDBBatchResponse> {
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
      const { sessionId, incarnation, shortCode } = selected.expired;
      await store.deleteOrphanPlayers(sessionId, incarnation);
      if (shortCode) await store.releaseShortCode(shortCode, sessionId, incarnation);
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
