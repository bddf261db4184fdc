// The expiry reaper (handlers/reap-expired-session.ts) against DynamoDB Local: a TTL deletion of a session item
// (a stream REMOVE by the DynamoDB service, old image marshalled) deletes that incarnation's player items and no
// one else's, idempotently; anything else in the batch is skipped; a record it cannot process is reported as the
// batch's first failure. test/support/services.ts first: it sets the environment the handler modules read.
import { createSession, seatedPlayer, store as testStore } from '../support/services.js';
import { describe, expect, it } from '@jest/globals';
import { DeleteCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { createReaperStore, failOnUnprocessedItems, handler, reapExpiredSessions, selectRecord } from '../../handlers/reap-expired-session.js';
import { REAPER_FILTER_PATTERN, TTL_USER_IDENTITY } from '../../lib/expiry-reaper.js';
import type { Session } from '../../src/sessions/model/session.js';
import { sessionToItem } from '../../src/dynamodb/items.js';
import { SessionStore } from '../../src/dynamodb/session-store.js';
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
    userIdentity: { ...TTL_USER_IDENTITY },
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
  const out = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `S#${sessionId}` }, ConsistentRead: true }));
  return (out.Items ?? []).map((i) => ({ sk: String(i.sk), inc: String(i.inc) })).sort((a, b) => a.sk.localeCompare(b.sk));
}
/** What DynamoDB's TTL does to the session item (and nothing else). */
const expireByTtl = (s: Session) => db.send(new DeleteCommand({ TableName: table, Key: { pk: `S#${s.sessionId}`, sk: '#SESSION' } }));

const players = (n: number, team = 0) => Array.from({ length: n }, (_, i) => seatedPlayer(randomUUID(), { status: i === 0 && team === 0 ? 'leader' : 'member', teamId: team }));

describe('reap-expired-session', () => {
  it('a TTL deletion removes that incarnation\'s players; the players of a session created again under the same id stay', async () => {
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

  it('a DynamoDB failure fails the record (reported, so Lambda retries it)', async () => {
    const expired = await createSession({}, players(1));
    await expireByTtl(expired);
    const record = ttlRemoval(expired);
    const failing = { deleteOrphanPlayers: async () => Promise.reject(new Error('ProvisionedThroughputExceededException')) };
    expect(await reapExpiredSessions(event(record), failing)).toEqual({ batchItemFailures: [{ itemIdentifier: record.dynamodb!.SequenceNumber }] });
    expect(await reapExpiredSessions(event(record), createReaperStore())).toEqual({ batchItemFailures: [] });
    expect(await partition(expired.sessionId)).toEqual([]);
  });

  it('UnprocessedItems from BatchWriteItem is an error, not a silent leftover', async () => {
    // A client whose Query finds one orphan and whose BatchWriteItem hands it back unprocessed (as under throttling):
    // a stand-in for DynamoDB's HTTP endpoint, so the SDK's own (de)serialization and the document client run.
    const key = { pk: { S: 'S#s1' }, sk: { S: 'P#p1' } };
    const answers: Record<string, unknown> = {
      Query: { Items: [{ ...key, inc: { S: 'inc1' } }], Count: 1, ScannedCount: 1 },
      BatchWriteItem: { UnprocessedItems: { t: [{ DeleteRequest: { Key: key } }] } },
    };
    const calls: string[] = [];
    const requestHandler = {
      handle: async (request: { headers: Record<string, string> }) => {
        const operation = String(request.headers['x-amz-target']).split('.')[1]!;
        calls.push(operation);
        const body = new TextEncoder().encode(JSON.stringify(answers[operation] ?? {}));
        return { response: { statusCode: 200, headers: { 'content-type': 'application/x-amz-json-1.0' }, body } };
      },
    };
    const client = failOnUnprocessedItems(
      DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, requestHandler: requestHandler as never, maxAttempts: 1 })),
    );
    await expect(new SessionStore(client, 't').deleteOrphanPlayers('s1', 'inc1')).rejects.toThrow('BatchWriteItem left 1 item(s) unprocessed');
    expect(calls).toEqual(['Query', 'BatchWriteItem']);
    // With everything processed, the same client succeeds.
    answers.BatchWriteItem = { UnprocessedItems: {} };
    await expect(new SessionStore(client, 't').deleteOrphanPlayers('s1', 'inc1')).resolves.toBeUndefined();
  });

  it('the records the handler acts on are the ones the event source mapping lets through', () => {
    expect(REAPER_FILTER_PATTERN.userIdentity).toEqual({ type: [TTL_USER_IDENTITY.type], principalId: [TTL_USER_IDENTITY.principalId] });
    expect(REAPER_FILTER_PATTERN.eventName).toEqual(['REMOVE']);
  });

  it('the test store and the reaper see the same table', async () => {
    const s = await createSession({}, players(1));
    expect(await testStore.readSession(s.sessionId, new Date())).toMatchObject({ incarnation: s.incarnation });
  });
});
