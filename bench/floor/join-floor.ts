// The floor for POST .../player/me: the AWS SDK alone, issuing the DynamoDB calls a join issues. Nothing else:
// the clients and the three commands the join handler uses, the client created at module scope with the same
// configuration as ours (src/dynamodb/client.ts), and a handler that sends the calls it is given
// (the benchmark records ours and hands the floor the very same inputs, retargeted to a twin session).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: process.env.AWS_REGION,
    endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 500, requestTimeout: 1500 },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

const COMMANDS = { BatchGet: BatchGetCommand, Get: GetCommand, TransactWrite: TransactWriteCommand } as const;

export interface FloorEvent {
  calls: { op: string; input: Record<string, unknown> }[];
}

export const handler = async (event: FloorEvent): Promise<{ statusCode: number; body: string }> => {
  let items = 0;
  for (const call of event.calls) {
    const Command = COMMANDS[call.op as keyof typeof COMMANDS];
    if (!Command) throw new Error(`the join floor does not issue ${call.op}`);
    const out = (await db.send(new Command(call.input as never) as never)) as { Item?: unknown; Responses?: Record<string, unknown[]> };
    items += out.Item ? 1 : Object.values(out.Responses ?? {}).reduce((n, r) => n + r.length, 0);
  }
  return { statusCode: 200, body: String(items) };
};
