// A route's SDK floor: the AWS SDK alone, issuing the route's DynamoDB calls and nothing else. The document client
// has our timeouts (src/dynamodb/timeouts.ts, read from there so that the two cannot drift) and is created when the
// floor first sends a call, as ours creates its client when a request passes authentication (src/http/operation.ts):
// a refused request (the cold-start figures' refused token) costs neither of them the client's construction, and
// the first request that sends a call costs both. The handler sends the calls it is given: the benchmark records
// ours and hands the floor the very same inputs, retargeted to a twin session. Each floor's entry passes the
// commands its route uses, so that a bundle holds those commands and no others.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DYNAMODB_TIMEOUTS } from '../../src/dynamodb/timeouts.js';

// The commands' inputs differ; the calls are ours, recorded.
export type Commands = Record<string, new (input: any) => any>;

export interface FloorEvent {
  calls: { op: string; input: Record<string, unknown> }[];
}

export interface FloorAnswer {
  statusCode: number;
  body: string;
}

const createClient = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: process.env.AWS_REGION,
      endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
      maxAttempts: DYNAMODB_TIMEOUTS.maxAttempts,
      requestHandler: {
        connectionTimeout: DYNAMODB_TIMEOUTS.connectionTimeout,
        requestTimeout: DYNAMODB_TIMEOUTS.requestTimeout,
        throwOnRequestTimeout: true,
      },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );

export function sdkFloor(commands: Commands): (event: FloorEvent) => Promise<FloorAnswer> {
  let client: DynamoDBDocumentClient | undefined;
  return async (event) => {
    let items = 0;
    for (const call of event.calls ?? []) {
      const Command = commands[call.op];
      if (!Command) throw new Error(`this floor does not issue ${call.op}`);
      const out = (await (client ??= createClient()).send(new Command(call.input))) as {
        Item?: unknown;
        Items?: unknown[];
        Responses?: Record<string, unknown[]>;
      };
      items += out.Item ? 1 : (out.Items?.length ?? Object.values(out.Responses ?? {}).reduce((n, r) => n + r.length, 0));
    }
    return { statusCode: 200, body: String(items) };
  };
}
