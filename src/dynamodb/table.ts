// The sessions table as the adapter's parts use it: a document client, the table's name, and one way to send a
// command that turns DynamoDB's transient failures into the service's 503 (faults.ts).
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { storeFault } from './faults.js';

export interface Table {
  readonly db: DynamoDBDocumentClient;
  readonly name: string;
}

export const tableOf = (db: DynamoDBDocumentClient, name: string): Table => ({ db, name });

/** Sends through the table's client; a throttled or unreachable DynamoDB becomes service_unavailable. */
export async function call<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (e) {
    throw storeFault(e);
  }
}

/**
 * A write with a condition, through `call`: whether it was made, and when its condition failed, the item as it was
 * then (when the write asked for it with ReturnValuesOnConditionCheckFailure).
 */
export async function conditionalWrite(send: () => Promise<unknown>): Promise<{ ok: true } | { ok: false; old?: Record<string, AttributeValue> }> {
  try {
    await call(send);
    return { ok: true };
  } catch (e) {
    if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
    return { ok: false, old: (e as { Item?: Record<string, AttributeValue> }).Item };
  }
}

export const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Jittered, growing pauses between the adapter's own retries (unprocessed batch keys, cancelled snapshot reads). */
export const retryBackoff = (attempt: number) => sleep(20 * 2 ** attempt * Math.random());
