// BatchGetItem and BatchWriteItem of any number of keys: DynamoDB takes 100 keys (25 writes) a request and may hand
// some back unprocessed (throttling); those are sent again after a pause, a bounded number of times.
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ApiError } from '../errors/api-error.js';
import { call, retryBackoff, type Table } from './table.js';

type Key = Record<string, unknown>;
const MAX_ATTEMPTS = 6;

/** Every item of `keys` that exists, until DynamoDB has answered for every one of them. */
export async function batchGet(table: Table, keys: readonly Key[], consistent: boolean): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += 100) {
    let left = keys.slice(i, i + 100);
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new ApiError('service_unavailable', 'BatchGet kept returning unprocessed keys');
      if (attempt > 0) await retryBackoff(attempt);
      const out = await call(() =>
        table.db.send(new BatchGetCommand({ RequestItems: { [table.name]: { Keys: left, ConsistentRead: consistent } } })),
      );
      items.push(...(out.Responses?.[table.name] ?? []));
      left = (out.UnprocessedKeys?.[table.name]?.Keys ?? []) as Key[];
    }
  }
  return items;
}

/** Deletes every item of `keys` (deleting one that is gone already is no error). */
export async function batchDelete(table: Table, keys: readonly Key[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 25) {
    let left = keys.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt === MAX_ATTEMPTS) throw new ApiError('service_unavailable', 'BatchWrite kept returning unprocessed items');
      if (attempt > 0) await retryBackoff(attempt);
      const out = await call(() => table.db.send(new BatchWriteCommand({ RequestItems: { [table.name]: left } })));
      left = (out.UnprocessedItems?.[table.name] ?? []) as typeof left;
    }
  }
}
