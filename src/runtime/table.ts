// The sessions table from the settings: its DynamoDB client, tuned to fail fast, and its name.
import type { TableConfig } from '../config/config.js';
import { readTableConfig } from '../config/config.js';
import { createDocumentClient } from '../dynamodb/client.js';
import { tableOf, type Table } from '../dynamodb/table.js';

export const tableFrom = (config: TableConfig): Table =>
  tableOf(
    createDocumentClient({
      region: config.region,
      endpoint: config.dynamoDbEndpoint,
      requestTimeoutMs: config.dynamoDbRequestTimeoutMs,
      connectTimeoutMs: config.dynamoDbConnectTimeoutMs,
    }),
    config.tableName,
  );

/** For a function that needs nothing but the table (the stream reaper): a bad setting fails its start, loudly. */
export function tableFromEnv(env: Record<string, string | undefined> = process.env): Table {
  const read = readTableConfig(env);
  if ('problems' in read) throw new Error(`configuration invalid: ${read.problems.join('; ')}`);
  return tableFrom(read.config);
}
