// The harness every DynamoDB test stands on: separate ports, the table as defined, nothing left running.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../local/create-table.js';
import { JAVA_MISSING_MESSAGE, isPortFree, startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.js';
import { SESSIONS_TABLE } from '../../src/dynamodb/table-definition.js';
import { testDocumentClient, testDynamoDbClient, testTableName } from '../support/dynamodb.js';

const HARNESS = fileURLToPath(new URL('../../local/dynamodb-local.ts', import.meta.url));

// Each test starts Java once or twice, at about 2 s a start.
const SLOW = 60_000;

function clientFor(local: DynamoDbLocal): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: local.endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/** Pids of java processes whose command line names this port, wherever they came from. */
async function javaProcessesOnPort(port: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const found: number[] = [];
  for (const pid of pids) {
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
      (s) => s.split('\0'),
      (): string[] => [],
    );
    const isJava = argv[0] !== undefined && /(^|\/)java$/.test(argv[0]);
    const portIndex = argv.indexOf('-port');
    if (isJava && portIndex >= 0 && argv[portIndex + 1] === String(port)) found.push(Number(pid));
  }
  return found;
}

async function expectGone(local: DynamoDbLocal): Promise<void> {
  expect(processExists(local.pid)).toBe(false);
  expect(await javaProcessesOnPort(local.port)).toEqual([]);
  expect(await isPortFree(local.port)).toBe(true);
}

describe('the suite-wide instance from globalSetup', () => {
  it('serves the sessions table with TTL on its attribute', async () => {
    const client = testDynamoDbClient();
    try {
      const table = await client.send(new DescribeTableCommand({ TableName: testTableName() }));
      expect(table.Table?.TableStatus).toBe('ACTIVE');
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: testTableName() }));
      expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: SESSIONS_TABLE.ttlAttribute });
    } finally {
      client.destroy();
    }
  });

  it('is reachable through the document client helper', async () => {
    const doc = testDocumentClient();
    const key = { [SESSIONS_TABLE.partitionKey]: 'HARNESS#doc-helper', [SESSIONS_TABLE.sortKey]: 'META' };
    try {
      await doc.send(new PutCommand({ TableName: testTableName(), Item: { ...key, n: 1 } }));
      const { Item } = await doc.send(new GetCommand({ TableName: testTableName(), Key: key }));
      expect(Item).toEqual({ ...key, n: 1 });
    } finally {
      doc.destroy();
    }
  });
});

describe('startDynamoDbLocal', () => {
  it(
    'starts a second instance on a free port of its own, and stop() leaves nothing behind',
    async () => {
      const local = await startDynamoDbLocal();
      const client = clientFor(local);
      try {
        expect(local.endpoint).toBe(`http://127.0.0.1:${local.port}`);
        expect(local.endpoint).not.toBe(process.env.DYNAMODB_ENDPOINT);
        expect(await javaProcessesOnPort(local.port)).toEqual([local.pid]);

        await ensureTable(client, 'harness-test');
        await ensureTable(client, 'harness-test'); // idempotent
        const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'harness-test' }));
        expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: SESSIONS_TABLE.ttlAttribute });
      } finally {
        client.destroy();
        await local.stop();
      }
      await expectGone(local);
      await local.stop(); // a second stop() is harmless
    },
    SLOW,
  );

  it(
    'keeps items in dataDir across a stop and a start',
    async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'dynamodb-local-test-'));
      const key = { [SESSIONS_TABLE.partitionKey]: 'SESSION#1', [SESSIONS_TABLE.sortKey]: 'META' };
      try {
        const first = await startDynamoDbLocal({ dataDir });
        const firstDoc = DynamoDBDocumentClient.from(clientFor(first));
        try {
          await ensureTable(firstDoc, 'persisted');
          await firstDoc.send(new PutCommand({ TableName: 'persisted', Item: { ...key, note: 'kept' } }));
        } finally {
          firstDoc.destroy();
          await first.stop();
        }
        await expectGone(first);

        const second = await startDynamoDbLocal({ dataDir });
        const secondDoc = DynamoDBDocumentClient.from(clientFor(second));
        try {
          await ensureTable(secondDoc, 'persisted');
          const { Item } = await secondDoc.send(new GetCommand({ TableName: 'persisted', Key: key }));
          expect(Item).toEqual({ ...key, note: 'kept' });
        } finally {
          secondDoc.destroy();
          await second.stop();
        }
        await expectGone(second);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    'fails with a clear error when the port is already taken',
    async () => {
      const taken = await startDynamoDbLocal();
      try {
        await expect(startDynamoDbLocal({ port: taken.port })).rejects.toThrow(`port ${taken.port} is already in use`);
      } finally {
        await taken.stop();
      }
    },
    SLOW,
  );

  it(
    'says in one line how to get Java when there is none',
    async () => {
      // Only a child process can get a PATH without java: the sandbox's process.env is a copy spawn() never reads.
      const bin = await mkdtemp(join(tmpdir(), 'no-java-'));
      try {
        await symlink(process.execPath, join(bin, 'node'));
        const script = `const { startDynamoDbLocal } = await import(${JSON.stringify(HARNESS)});
        await startDynamoDbLocal().then(() => console.log('started'), (error) => console.log(error.message));`;
        const child = spawn(join(bin, 'node'), ['--import', 'tsx', '--input-type=module', '-e', script], {
          env: { ...process.env, PATH: bin },
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        await once(child, 'close');
        expect(out.trim()).toBe(JAVA_MISSING_MESSAGE);
      } finally {
        await rm(bin, { recursive: true, force: true });
      }
    },
    SLOW,
  );

  it(
    'does not outlive a parent that is killed outright',
    async () => {
      // A parent that cannot run any hook: only the watchdog can clean up after it.
      const script = `const { startDynamoDbLocal } = await import(${JSON.stringify(HARNESS)});
      const local = await startDynamoDbLocal();
      console.log(JSON.stringify({ pid: local.pid, port: local.port }));
      setInterval(() => {}, 1000);`;
      const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      try {
        const [line] = (await once(parent.stdout!, 'data')) as [Buffer];
        const local = JSON.parse(line.toString()) as { pid: number; port: number };
        expect(processExists(local.pid)).toBe(true);

        parent.kill('SIGKILL');
        const deadline = Date.now() + 5_000;
        while (processExists(local.pid) && Date.now() < deadline) await sleep(100);
        expect(processExists(local.pid)).toBe(false);
        expect(await javaProcessesOnPort(local.port)).toEqual([]);
      } finally {
        parent.kill('SIGKILL');
      }
    },
    SLOW,
  );
});
