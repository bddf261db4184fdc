// The expiry reaper (handlers/reap-expired-session.ts) against DynamoDB Local: a TTL deletion of a session item
// (a stream REMOVE by the DynamoDB service, old image marshalled) deletes that incarnation's player items and no
// one else's, idempotently; anything else in the batch is skipped; a record it cannot process is reported as the
// batch's first failure.
import { seatedPlayer } from '../support/fixtures.js';
import { createSession, store as testStore } from '../support/stores.js';
import { describe, expect, it } from '@jest/globals';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { handler } from '../../handlers/reap-expired-session.js';
import { REAPER_FILTER_PATTERN } from '../../lib/expiry-reaper.js';
import { reapExpiredSessions, selectRecord, TTL_PRINCIPAL } from '../../src/dynamodb/expired-sessions.js';
import { sessionCleanup } from '../../src/dynamodb/cleanup.js';
import { tableFromEnv } from '../../src/runtime/table.js';
import type { Session } from '../../src/sessions/model/session.js';
import { sessionToItem } from '../../src/dynamodb/items.js';
import { tableOf } from '../../src/dynamodb/table.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';

const db = testDocumentClient();
const table = testTableName();
let sequence = 1000;

/** The stream record DynamoDB writes when TTL deletes the session item (NEW_AND_OLD_IMAGES: old image only). */
function ttlRemoval(session: Session, over: Partial<DynamoDBRecord> = {}): DynamoDBRecord {
  const item = sessionToItem(session);
  return {
    eventID: randomUUID(),
    eventName: 'REMOVE',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-1',
    userIdentity: { ...TTL_PRINCIPAL },
    dynamodb: {
      Keys: marshall({ pk: item.pk, sk: item.sk }) as never,
      OldImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(sequence++),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    ...over,
  };
}
const event = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** Every item of the session's partition: its sk and inc. */
async function partition(sessionId: string): Promise<{ sk: string; inc: string }[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `S#${sessionId}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).map((i) => ({ sk: String(i.sk), inc: String(i.inc) })).sort((a, b) => a.sk.localeCompare(b.sk));
}
/** What DynamoDB's TTL does to the session item (and nothing else). */
const expireByTtl = (s: Session) => db.send(new DeleteCommand({ TableName: table, Key: { pk: `S#${s.sessionId}`, sk: '#SESSION' } }));

const players = (n: number, team = 0) =>
  Array.from({ length: n }, (_, i) => seatedPlayer(randomUUID(), { status: i === 0 && team === 0 ? 'leader' : 'member', teamId: team }));

describe('reap-expired-session', () => {
  it("a TTL deletion removes that incarnation's players; the players of a session created again under the same id stay", async () => {
    const old = players(3);
    const expired = await createSession({ teamSizes: [4, 4] }, [...old, seatedPlayer(randomUUID(), { status: 'invited', teamId: 1 })]);
    await expireByTtl(expired);
    // Before the reaper ran, the id was taken again (a new incarnation) with a player of its own.
    const mine = seatedPlayer(randomUUID(), { status: 'leader', teamId: 0 });
    const again = await createSession({ sessionId: expired.sessionId, teamSizes: [4, 4] }, [mine]);
    expect(again.incarnation).not.toBe(expired.incarnation);
    expect((await partition(expired.sessionId)).filter((i) => i.inc === expired.incarnation)).toHaveLength(4);

    const result = await handler(event(ttlRemoval(expired)));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual(
      [
        { sk: '#SESSION', inc: again.incarnation },
        { sk: `P#${mine.playerUuid}`, inc: again.incarnation },
      ].sort((a, b) => a.sk.localeCompare(b.sk)),
    );
  });

  it('is idempotent: the same record again (a retry) finds nothing to delete and succeeds', async () => {
    const expired = await createSession({}, players(2));
    await expireByTtl(expired);
    const record = ttlRemoval(expired);
    expect(await handler(event(record))).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual([]);
    expect(await handler(event(record, record))).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual([]);
  });

  it('deletes more players than one BatchWriteItem takes (25 per call)', async () => {
    const many = [...players(20, 0), ...players(20, 1)];
    const expired = await createSession({ teamSizes: [20, 20] }, many);
    await expireByTtl(expired);
    expect(await partition(expired.sessionId)).toHaveLength(40);
    expect(await handler(event(ttlRemoval(expired)))).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual([]);
  });

  it('touches nothing for records that are not TTL deletions of a session item', async () => {
    const live = await createSession({}, players(2));
    const before = await partition(live.sessionId);
    const removal = ttlRemoval(live);
    const skipped = [
      { ...removal, userIdentity: undefined }, // a caller's DeleteItem, not TTL
      { ...removal, eventName: 'MODIFY' as const },
      { ...removal, dynamodb: { ...removal.dynamodb, Keys: marshall({ pk: `S#${live.sessionId}`, sk: `P#${before[1]!.sk.slice(2)}` }) as never } },
      { ...removal, dynamodb: { ...removal.dynamodb, Keys: marshall({ pk: 'OPEN#test', sk: '#SESSION' }) as never } },
    ];
    for (const r of skipped) expect(selectRecord(r)).toHaveProperty('skip');
    expect(await handler(event(...skipped))).toEqual({ batchItemFailures: [] });
    expect(await partition(live.sessionId)).toEqual(before);
  });

  it('stops at a record it cannot process and reports it: earlier records are done, later ones retried with it', async () => {
    const [first, third] = [await createSession({}, players(2)), await createSession({}, players(2))];
    await Promise.all([expireByTtl(first), expireByTtl(third)]);
    const broken = ttlRemoval(first);
    delete broken.dynamodb!.OldImage; // a stream without old images: the incarnation is unknown
    expect(selectRecord(broken)).toEqual({ problem: expect.stringContaining('NEW_AND_OLD_IMAGES') });
    const records = [ttlRemoval(first), broken, ttlRemoval(third)];
    expect(await handler(event(...records))).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]!.dynamodb!.SequenceNumber }] });
    expect(await partition(first.sessionId)).toEqual([]);
    expect(await partition(third.sessionId)).toHaveLength(2);
  });

  it("a TTL deletion releases the session's short code, unless another session holds that code by then", async () => {
    const { PutCommand, GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { shortCodeKey } = await import('../../src/dynamodb/items.js');
    const codeOf = async (code: string) => (await db.send(new GetCommand({ TableName: table, Key: shortCodeKey(code) }))).Item;
    const [a, b] = [await createSession({}, players(1)), await createSession({}, players(1))];
    await db.send(new PutCommand({ TableName: table, Item: { ...shortCodeKey('REAP01'), session_id: a.sessionId, inc: a.incarnation } }));
    await db.send(new PutCommand({ TableName: table, Item: { ...shortCodeKey('REAP02'), session_id: 'someone-else', inc: 'x' } }));
    await Promise.all([expireByTtl(a), expireByTtl(b)]);
    const result = await handler(event(ttlRemoval({ ...a, shortCode: 'REAP01' }), ttlRemoval({ ...b, shortCode: 'REAP02' })));
    expect(result).toEqual({ batchItemFailures: [] });
    expect(await codeOf('REAP01')).toBeUndefined();
    expect(await codeOf('REAP02')).toMatchObject({ session_id: 'someone-else' });
  });

  it('a DynamoDB failure fails the record (reported, so Lambda retries it)', async () => {
    const expired = await createSession({}, players(1));
    await expireByTtl(expired);
    const record = ttlRemoval(expired);
    const failing = {
      deleteOrphanPlayers: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')),
      releaseShortCode: async () => undefined,
    };
    expect(await reapExpiredSessions(event(record), failing)).toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }] });
    expect(await reapExpiredSessions(event(record), sessionCleanup(tableFromEnv()))).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual([]);
  });

  it('UnprocessedItems from BatchWriteItem are sent again; left unprocessed every time, they are an error, not a silent leftover', async () => {
    // A stand-in for DynamoDB's HTTP endpoint (DynamoDB Local never leaves items unprocessed), so that the SDK's own
    // (de)serialization and the document client run: its Query finds one orphan, its BatchWriteItem hands it back.
    const key = { pk: { S: 'S#s1' }, sk: { S: 'P#p1' } };
    let unprocessedAnswers = Infinity;
    const calls: string[] = [];
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        const operation = String(request.headers['x-amz-target']).split('.')[1]!;
        calls.push(operation);
        const answer =
          operation === 'Query'
            ? { Items: [{ ...key, inc: { S: 'inc1' } }], Count: 1, ScannedCount: 1 }
            : { UnprocessedItems: unprocessedAnswers-- > 0 ? { t: [{ DeleteRequest: { Key: key } }] } : {} };
        const body = new TextEncoder().encode(JSON.stringify(answer));
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
      },
    };
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'local',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        requestHandler,
        maxAttempts: 1,
      }),
    );
    const cleanup = sessionCleanup(tableOf(client, 't'));
    await expect(cleanup.deleteOrphanPlayers('s1', 'inc1')).rejects.toMatchObject({ code: 'service_unavailable' });
    expect(calls).toEqual(['Query', ...Array(6).fill('BatchWriteItem')]);
    // Handed back once, then processed: the cleanup sends it again and succeeds.
    calls.length = 0;
    unprocessedAnswers = 1;
    await expect(cleanup.deleteOrphanPlayers('s1', 'inc1')).resolves.toBe(true);
    expect(calls).toEqual(['Query', 'BatchWriteItem', 'BatchWriteItem']);
  });

  it('the records the handler acts on are the ones the event source mapping lets through', () => {
    expect(REAPER_FILTER_PATTERN.userIdentity).toEqual({ type: [TTL_PRINCIPAL.type], principalId: [TTL_PRINCIPAL.principalId] });
    expect(REAPER_FILTER_PATTERN.eventName).toEqual(['REMOVE']);
  });

  it('the test store and the reaper see the same table', async () => {
    const s = await createSession({}, players(1));
    expect(await testStore.readSession(s.sessionId, new Date())).toMatchObject({ incarnation: s.incarnation });
  });
});
