// Creates the sessions table on DynamoDB Local (tests, local stack) from the one table definition the CDK stack
// also uses. Safe to call on every start: an existing table is left as it is, bar turning TTL on and adding an index
// the definition gained since the table was created (a --data directory from an earlier version).
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SESSIONS_TABLE, createTableInput } from '../src/dynamodb/table-definition.js';

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const input = createTableInput(tableName);
  await ensureTableOf(client, input);
  await ensureIndexes(client, input);
  await ensureTtl(client, tableName);
}

/** The definition's indexes the table lacks, added one at a time (DynamoDB adds one per UpdateTable). */
async function ensureIndexes(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const { Table: table } = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
  for (const index of input.GlobalSecondaryIndexes ?? []) {
    if (present.has(index.IndexName)) continue;
    const keys = new Set(index.KeySchema!.map((k) => k.AttributeName));
    await client.send(
      new UpdateTableCommand({
        TableName: input.TableName,
        AttributeDefinitions: input.AttributeDefinitions!.filter((a) => keys.has(a.AttributeName)),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
      }),
    );
  }
}

/** A table as `input` defines it, created unless it exists, and active. */
export async function ensureTableOf(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const tableName = input.TableName!;
  if (!(await tableExists(client, tableName))) {
    try {
      await client.send(new CreateTableCommand(input));
    } catch (error) {
      // Someone else created it between our look and our create: just as good.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
  // The waiter's defaults poll every 20 s; DynamoDB Local is ACTIVE at once, and AWS within seconds.
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 5 }, { TableName: tableName });
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return false;
    throw error;
  }
}

async function ensureTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  const { TimeToLiveDescription: ttl } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
  if (on && ttl?.AttributeName === SESSIONS_TABLE.ttlAttribute) return;
  // DynamoDB rejects enabling TTL that is already on, hence the look first.
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: SESSIONS_TABLE.ttlAttribute, Enabled: true },
    }),
  );
}
