// The DynamoDB client, tuned to fail fast: a request that cannot finish within these bounds becomes a 503
// with Retry-After long before the Lambda timeout (see the README's "Timeouts and retries").
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const DYNAMODB_TIMEOUTS = { connectionTimeout: 500, requestTimeout: 1500, maxAttempts: 3 } as const;

export function createDocumentClient(opts: { region: string; endpoint?: string }): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeout,
      requestTimeout: DYNAMODB_TIMEOUTS.requestTimeout,
      // Without it the SDK only warns when a request outlives requestTimeout, and keeps waiting.
      throwOnRequestTimeout: true,
    },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
