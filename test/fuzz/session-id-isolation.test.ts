// A session id can never address another item of the table, whatever characters it holds ("hostile
// input"). On a table of its own, seeded with victims (sessions with players, an open-session index entry, a seat
// ticket, ids that share prefixes with the attacks), fast-check sends every write handler (and GET) a valid request
// by a trusted caller under an arbitrary session id, half the time after creating a session of that very id so
// that the request really writes. A scan of the whole table before and after: nothing outside the partition
// S#<id> changes, appears or disappears, but the items that are that session's own elsewhere: a short code it claims
// (CODE#<code>, naming it) and password tries at it (TRIES#<id>).
// The table of the suite's own is named first, before any module reads its name.
import '../support/own-table.js';
import { seatedPlayer } from '../support/fixtures.js';
import { newAdmin } from '../support/players.js';
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { newSession, withPlayers } from '../../src/sessions/model/new-session.js';
import type { Player } from '../../src/sessions/model/session.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';
import { store } from '../support/stores.js';
import { checkProperty } from './check-property.js';
import { FUZZED_OPERATIONS, hostileSessionId, problemWith, send, type FuzzRequest, type OperationId } from './fuzz-harness.js';

const RUNS = Number(process.env.FUZZ_ISOLATION_RUNS ?? 150);
const SEED = Number(process.env.FUZZ_SEED ?? 7_2026);
const TABLE = testTableName();

const admin = newAdmin();
const db = testDocumentClient();
const print = console.log.bind(console);

beforeAll(async () => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) jest.spyOn(console, method).mockImplementation(() => undefined);
  // Victims: ids an attacker would aim at, each with players; an auto-join session (open-session index entry).
  for (const id of ['victim', 'victim#SESSION', 'S#victim', 'x', 'x#P', '#', 'OPEN#test', '\u00e9', 'e\u0301']) await seed(id);
  await seed('open-lobby', { autoJoin: true, type: 'lobby' });
  await store.takeTicket('lobby', 'epoch');
});

async function seed(sessionId: string, opts: { autoJoin?: boolean; type?: string } = {}): Promise<void> {
  const players: Player[] = [
    seatedPlayer(randomUUID(), { status: 'leader' }),
    seatedPlayer(randomUUID(), { teamId: 1 }),
    seatedPlayer(randomUUID(), { status: 'invited', joined: undefined }),
  ];
  const session = withPlayers(
    newSession({ sessionId, type: opts.type ?? 'test', teamSizes: [4, 4], joinable: true, autoJoin: opts.autoJoin, keepAliveOnEmpty: true }),
    players,
  );
  await store.createSession(session, players, new Date());
}

async function scan(): Promise<Map<string, string>> {
  const items = new Map<string, string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: TABLE, ConsistentRead: true, ExclusiveStartKey: startKey }));
    for (const item of out.Items ?? []) items.set(`${item.pk}\u0000${item.sk}`, JSON.stringify(item));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}

const BODIES: Partial<Record<OperationId, (target: string) => unknown>> = {
  join_session_by_id_self: () => ({
    client_version: '1.0.0',
    client_settings: { platform: 'Steam', input: 'gamepad' },
    team_id: 0,
    custom_data: { k: 'v' },
  }),
  update_session_by_id: () => ({
    joinable: false,
    joinability: { friends: true },
    password: 'pwned',
    custom_data: { mode: 'pwned' },
    teams: [{ max_size: 9 }, { max_size: 9 }],
  }),
  update_session_player_by_uuid_v2: () => ({ status: 'member', team_id: 1, custom_data: { k: 'v' }, overflow_action: 'overfill' }),
  invite_session_to_session: () => ({ team_id: 1, overflow_action: 'overfill', custom_data: { k: 'v' } }),
};
const ops = FUZZED_OPERATIONS.filter((o) => o.id !== 'create_or_join_session');

const caseArb = fc.record({
  sessionId: fc.oneof(
    hostileSessionId,
    fc.string({ unit: 'binary', minLength: 1, maxLength: 128 }),
    fc.constantFrom('victim', 'S#victim', 'victim#SESSION', 'x'),
  ),
  op: fc.constantFrom(...ops),
  create: fc.boolean(),
  format: fc.constantFrom('http' as const, 'rest' as const),
  targetLeader: fc.boolean(),
});

test(
  `a session id only ever addresses its own partition (${RUNS} cases, seed ${SEED})`,
  async () => {
    let wrote = 0;
    let created = 0;
    await checkProperty(
      caseArb,
      async (c) => {
        // The id as the handler receives it (API Gateway delivers decoded UTF-8).
        const id = (c.sessionId as string & { toWellFormed(): string }).toWellFormed();
        const players: Player[] = [seatedPlayer(admin.uuid, { status: 'leader' }), seatedPlayer(randomUUID(), { teamId: 1 })];
        const victims = new Set(['victim', 'victim#SESSION', 'S#victim', 'x', 'x#P', '#', 'OPEN#test', '\u00e9', 'e\u0301', 'open-lobby']);
        if (c.create && !victims.has(id) && [...id].length <= 128 && id.length > 0) {
          const s = withPlayers(newSession({ sessionId: id, type: 'test', teamSizes: [4, 4], joinable: true, keepAliveOnEmpty: false }), players);
          if ((await store.createSession(s, players, new Date())) === 'created') created++;
        }
        const before = await scan();
        const req: FuzzRequest = {
          op: c.op,
          format: c.format,
          sessionId: c.sessionId,
          playerUuid: c.targetLeader ? admin.uuid : players[1]!.playerUuid,
          permission: 'kick',
          // A party route's other session is the same id: the case addresses one partition, through both parameters.
          otherSessionId: c.sessionId,
          body: BODIES[c.op.id] ? JSON.stringify(BODIES[c.op.id]!(id)) : undefined,
          headers: { authorization: `Bearer ${admin.token}`, ...(BODIES[c.op.id] ? { 'content-type': 'application/json' } : {}) },
          label: `${c.op.id} ${c.format} session_id ${JSON.stringify(c.sessionId)}${c.create ? ' (created first)' : ''}`,
        };
        const a = await send(req);
        const problem = problemWith(c.op, a);
        if (problem) throw new Error(problem);
        const after = await scan();
        const own = `S#${id}\u0000`;
        const itsOwn = (key: string) =>
          key.startsWith(own) ||
          key.startsWith(`TRIES#${id}\u0000`) ||
          (key.startsWith('CODE#') &&
            [before.get(key), after.get(key)].every((v) => v === undefined || (JSON.parse(v) as { session_id?: string }).session_id === id));
        for (const key of new Set([...before.keys(), ...after.keys()])) {
          if (itsOwn(key)) continue;
          if (before.get(key) !== after.get(key)) {
            throw new Error(
              `item ${JSON.stringify(key)} outside S#${JSON.stringify(id)} changed\nbefore: ${before.get(key)}\nafter: ${after.get(key)}`,
            );
          }
        }
        if ([...after.keys()].some((k) => k.startsWith(own) && before.get(k) !== after.get(k))) wrote++;
      },
      {
        numRuns: RUNS,
        seed: SEED,
        label: (c) => `${c.op.id} ${c.format} session_id ${JSON.stringify(c.sessionId).slice(0, 200)}${c.create ? ' (created first)' : ''}`,
      },
    );
    print(
      `session-id isolation: ${RUNS} cases held (${created} sessions created under hostile ids, ${wrote} requests wrote to their own partition); seed ${SEED}`,
    );
    // The property is only worth something if requests did write.
    expect(wrote).toBeGreaterThan(RUNS / 10);
  },
  Math.max(60_000, RUNS * 500),
);
