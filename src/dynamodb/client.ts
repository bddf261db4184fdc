// The DynamoDB client, tuned to fail fast: a request that cannot finish within these bounds becomes a 503
// with Retry-After long before the Lambda timeout (docs/operations.md, "Timeouts and retries").
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_TIMEOUTS } from './timeouts.js';

export function createDocumentClient(opts: {
  region: string;
  endpoint?: string;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
}): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: opts.region,
    endpoint: opts.endpoint,
    maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
    requestHandler: {
      connectionTimeout: opts.connectTimeoutMs ?? DYNAMODB_TIMEOUTS.connectionTimeout,
      requestTimeout: opts.requestTimeoutMs ?? DYNAMODB_TIMEOUTS.requestTimeout,
      // Without it the SDK only warns when a request outlives requestTimeout, and keeps waiting.
      throwOnRequestTimeout: true,
      // A Lambda container serves one request at a time; the local stack and the tests serve hundreds at once,
      // and a request queued for one of the SDK's default 50 sockets would run out its connection timeout.
      httpAgent: { maxSockets: 512 },
      httpsAgent: { maxSockets: 512 },
    },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
