// The floor for GET /session/v1/session/{id}: the AWS SDK alone, with the clients and the three commands the
// get handler uses (GetItem for If-None-Match, Query for the session and its players, UpdateItem to extend
// the expiry), the client created at module scope like ours, and a handler that sends the calls it is given.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env.AWS_REGION,
    endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1500 },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

const COMMANDS = { Get: GetCommand, Query: QueryCommand, Update: UpdateCommand } as const;

export interface FloorEvent {
  calls: { op: string; input: Record<string, unknown> }[];
}

export const handler = async (event: FloorEvent): Promise<{ statusCode: number; body: string }> => {
  let items = 0;
  for (const call of event.calls) {
    const Command = COMMANDS[call.op as keyof typeof COMMANDS];
    if (!Command) throw new Error(`the get floor does not issue ${call.op}`);
    const out = (await db.send(new Command(call.input as never) as never)) as { Item?: unknown; Items?: unknown[] };
    items += out.Item ? 1 : (out.Items?.length ?? 0);
  }
  return { statusCode: 200, body: String(items) };
};
