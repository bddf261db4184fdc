// A sessions table of the suite's own on the run's DynamoDB Local, for suites that must see every write to their
// table and nothing else: the model-based suite (the culling tests run the real sweep, which culls whatever is due in
// the table, and a cull written by another suite's process would be a change it never observed), and the fuzzer
// that scans the whole table for items a request should not have touched. Imported first, it names the table before
// the suite's modules read SESSIONS_TABLE_NAME (the shared test store, the container's services).
import { randomUUID } from 'node:crypto';
import { ensureTable } from '../../local/create-table.js';
import { resetServices } from '../../src/runtime/services.js';
import { testDynamoDbClient } from './dynamodb.js';

const OWN_TABLE = `sessions-own-${randomUUID().slice(0, 8)}`;
process.env.SESSIONS_TABLE_NAME = OWN_TABLE;
resetServices();
const client = testDynamoDbClient();
await ensureTable(client, OWN_TABLE);
client.destroy();
