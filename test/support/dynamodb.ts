// Tests reach the DynamoDB Local that global-setup.ts started through the env it exported, never a fixed port.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: is jest's globalSetup (test/support/global-setup.ts) running?`);
  return value;
}

export function testTableName(): string {
  return requiredEnv('SESSIONS_TABLE_NAME');
}

export function testDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: requiredEnv('DYNAMODB_ENDPOINT'),
    region: requiredEnv('AWS_REGION'),
    credentials: { accessKeyId: requiredEnv('AWS_ACCESS_KEY_ID'), secretAccessKey: requiredEnv('AWS_SECRET_ACCESS_KEY') },
  });
}

export function testDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(testDynamoDbClient());
}
