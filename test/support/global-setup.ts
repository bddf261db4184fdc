// Jest globalSetup: one DynamoDB Local for the whole run, on a port of its own so that parallel runs (another
// engineer's, CI's) never meet. Test workers start after this and inherit process.env, which is how they find it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { tsImport } from 'tsx/esm/api';
import type * as CreateTableModule from '../../local/create-table.js';
import type * as HarnessModule from '../../local/dynamodb-local.js';
import type { DynamoDbLocal } from '../../local/dynamodb-local.js';

type Harness = typeof HarnessModule;
type CreateTable = typeof CreateTableModule;

const TEST_TABLE_NAME = 'sessions-test';

declare global {
  // Read by global-teardown.ts, which jest runs in this same process.
  var __dynamoDbLocal: DynamoDbLocal | undefined;
}

/**
 * Jest runs this file through ts-jest but then hands it to Node's own ESM loader, which applies neither jest's
 * moduleNameMapper nor any transform to what it imports: a static `import '../../src/....js'` finds no such
 * file. tsx, scoped to this one import, resolves `.js` to the `.ts` source and compiles it.
 */
async function importSource<T>(specifier: string): Promise<T> {
  return (await tsImport(specifier, import.meta.url)) as T;
}

/** Starts DynamoDB Local with the test table and points this process's environment (and its children's) at it. */
export async function startTestDatabase(): Promise<DynamoDbLocal> {
  const { startDynamoDbLocal } = await importSource<Harness>('../../local/dynamodb-local.js');
  const { ensureTable } = await importSource<CreateTable>('../../local/create-table.js');

  const local = await startDynamoDbLocal();
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: local.endpoint,
    SESSIONS_TABLE_NAME: TEST_TABLE_NAME,
    AWS_REGION: 'local',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
  });

  const client = new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await ensureTable(client, TEST_TABLE_NAME);
  } catch (error) {
    await local.stop();
    throw error;
  } finally {
    client.destroy();
  }
  return local;
}

export default async function globalSetup(): Promise<void> {
  globalThis.__dynamoDbLocal = await startTestDatabase();
}
