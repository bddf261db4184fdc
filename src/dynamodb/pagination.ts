// Queries that may take more than one page, read page by page until DynamoDB has no more.
import { QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { call, type Table } from './table.js';

export type Query = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

/** Every page of the query, in order. */
export async function* queryPages(table: Table, query: Query): AsyncGenerator<QueryCommandOutput> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await call(() => table.db.send(new QueryCommand({ ...query, TableName: table.name, ExclusiveStartKey: startKey })));
    yield page;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/** Every item of the query. */
export async function queryAll<T>(table: Table, query: Query): Promise<T[]> {
  const items: T[] = [];
  for await (const page of queryPages(table, query)) items.push(...((page.Items ?? []) as T[]));
  return items;
}
