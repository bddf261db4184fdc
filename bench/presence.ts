// 8. Presence (player culling, docs/culling.md): what the SDK's polls cost a session that culls, per player-hour, next
// to the same polls of a session that does not; a join into free seats in both, which must cost the same; and one
// once the session's cull floor has passed, which must cost the same in a session of 2 players and of 5,000.
// The real operations (getSession as the GET handler calls it, joinSession) on the DynamoDB store against DynamoDB
// Local, with a simulated clock: each player polls every 60 s for an hour with the ETag it last saw, as RallyHere's
// Unreal SDK does. Capacity is what DynamoDB Local reports with ReturnConsumedCapacity.
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbStore } from '../src/dynamodb/store.js';
import { tableOf } from '../src/dynamodb/table.js';
import { etagOf } from '../src/sessions/model/etag.js';
import { newSession, withPlayers } from '../src/sessions/model/new-session.js';
import { getSession } from '../src/sessions/operations/get-session.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { joinRequest } from '../test/support/fixtures.js';
import { PRICES } from './cost.js';
import { recordCalls, round, seatedPlayer, seedSession, TABLE, type LocalDb } from './support.js';

const PRESENCE_POLL_SECONDS = 60;
const PLAYERS = 4;
/** The sessions a join past the cull floor is measured in: it must cost the same in both. */
const PAST_FLOOR_SIZES = [2, 5000] as const;
const HOUR_MS = 3_600_000;

interface PollCost {
  polls: number;
  calls: Record<string, number>;
  /** Capacity units per player-hour, by operation, as DynamoDB Local reported them. */
  unitsPerPlayerHour: Record<string, number>;
  readUnitsPerPlayerHour: number;
  writeUnitsPerPlayerHour: number;
  dollarsPerMillionPlayerHours: number;
}

/** The document client's command names (recordCalls drops `Command`) of the operations DynamoDB bills as writes. */
const WRITES = new Set(['Update', 'Put', 'Delete', 'TransactWrite', 'BatchWrite']);

export async function runPresence(db: LocalDb, log: (line: string) => void, timeoutsSeconds: readonly number[] = [120, 600]) {
  const doc = DynamoDBDocumentClient.from(db.client, { marshallOptions: { removeUndefinedValues: true } });
  const recorder = recordCalls(doc);
  const store = dynamoDbStore(tableOf(doc, TABLE));
  const t0 = Date.now();

  /** The DynamoDB calls `work` makes and the capacity DynamoDB Local reports for them, by operation. */
  async function measured(work: () => Promise<void>) {
    recorder.take();
    recorder.takeCapacity();
    recorder.withCapacity(true);
    await work().finally(() => recorder.withCapacity(false));
    return { calls: recorder.take().map((c) => c.op), capacity: recorder.takeCapacity() };
  }

  /** An hour of polls by PLAYERS players of one session, each with the ETag it last saw, spread over each minute. */
  async function pollHour(cullAfterSeconds: number): Promise<PollCost> {
    const uuids = Array.from({ length: PLAYERS }, () => randomUUID());
    const players = uuids.map((u, i) => ({ ...seatedPlayer(u, i % 2, i === 0 ? 'leader' : 'member'), joined: new Date(t0).toISOString() }));
    const s = withPlayers(
      newSession({
        sessionId: `bench-p-${randomUUID()}`,
        type: 'bench',
        teamSizes: [4, 4],
        joinable: true,
        ttlSeconds: 0,
        cullAfterSeconds,
        now: new Date(t0),
      }),
      players,
    );
    if ((await store.createSession(s, players, new Date(t0))) !== 'created') throw new Error('presence bench: session id taken');
    const held = new Map<string, string>();
    let polls = 0;
    const { calls: sent, capacity } = await measured(async () => {
      for (let minute = 0; minute < HOUR_MS / (PRESENCE_POLL_SECONDS * 1000); minute++) {
        for (const [i, uuid] of uuids.entries()) {
          const now = new Date(t0 + minute * PRESENCE_POLL_SECONDS * 1000 + i * 7_000);
          const etag = held.get(uuid);
          const out = await getSession(
            store,
            s.sessionId,
            { refreshTtl: true, presenceOf: uuid, ...(etag ? { held: (e: string) => e === etag } : {}) },
            now,
          );
          held.set(uuid, out.notModified ? out.etag : etagOf(out.session));
          polls++;
        }
      }
    });
    const calls: Record<string, number> = {};
    for (const op of sent) calls[op] = (calls[op] ?? 0) + 1;
    const perPlayer = Object.fromEntries(Object.entries(capacity).map(([op, units]) => [op, round(units / PLAYERS, 2)]));
    const reads = Object.entries(perPlayer).reduce((n, [op, u]) => n + (WRITES.has(op) ? 0 : u), 0);
    const writes = Object.entries(perPlayer).reduce((n, [op, u]) => n + (WRITES.has(op) ? u : 0), 0);
    return {
      polls,
      calls,
      unitsPerPlayerHour: perPlayer,
      readUnitsPerPlayerHour: round(reads, 2),
      writeUnitsPerPlayerHour: round(writes, 2),
      dollarsPerMillionPlayerHours: round(reads * PRICES.dynamodbReadPerMillionRru + writes * PRICES.dynamodbWritePerMillionWru, 3),
    };
  }

  /** A newcomer's join of a session: its DynamoDB calls and the capacity units DynamoDB Local reported for them. */
  async function measuredJoin(sessionId: string, check: (joined: Awaited<ReturnType<typeof joinSession>>) => void = () => undefined) {
    const joiner = randomUUID();
    const { calls, capacity } = await measured(async () => check(await joinSession(store, sessionId, joinRequest(joiner), { presenceOf: joiner })));
    return {
      calls,
      units: round(
        Object.values(capacity).reduce((a, b) => a + b, 0),
        2,
      ),
    };
  }

  /** One join into free seats. */
  async function freeSeatJoin(cullAfterSeconds: number | undefined) {
    const leader = seatedPlayer(randomUUID(), 0, 'leader');
    const s = withPlayers(
      newSession({
        sessionId: `bench-p-${randomUUID()}`,
        type: 'bench',
        teamSizes: [10, 10],
        joinable: true,
        ...(cullAfterSeconds ? { cullAfterSeconds } : {}),
      }),
      [leader],
    );
    await store.createSession(s, [leader], new Date());
    return measuredJoin(s.sessionId);
  }

  /**
   * One join into free seats once the session's cull floor has passed, every member but the leader silent for long
   * past T, in a session of `size` players: it must not read them (nor cull them: the next read or the sweep does).
   */
  async function pastFloorJoin(size: number, cullAfterSeconds: number) {
    const long = new Date(Date.now() - 10 * cullAfterSeconds * 1000);
    const players = Array.from({ length: size }, (_, i) => ({
      ...seatedPlayer(randomUUID(), 0, i === 0 ? 'leader' : 'member'),
      joined: long.toISOString(),
    }));
    const s = withPlayers(
      newSession({ sessionId: `bench-p-${randomUUID()}`, type: 'bench', teamSizes: [size + 10], joinable: true, cullAfterSeconds, now: long }),
      players,
    );
    await seedSession(store, doc, s, players);
    await store.recordPresence(s, players[0]!.playerUuid, new Date());
    const joined = await measuredJoin(s.sessionId, (j) => {
      if (j.culled !== 0) throw new Error('presence bench: the join past the floor culled');
    });
    return { players: size, ...joined };
  }

  log(
    `presence: ${PLAYERS} players polling every ${PRESENCE_POLL_SECONDS} s for a simulated hour, without culling and with T = ${timeoutsSeconds.join(', ')} s`,
  );
  const baseline = await pollHour(0);
  const byTimeout = [];
  for (const T of timeoutsSeconds) {
    const cost = await pollHour(T);
    byTimeout.push({
      timeoutSeconds: T,
      ...cost,
      extra: {
        readUnitsPerPlayerHour: round(cost.readUnitsPerPlayerHour - baseline.readUnitsPerPlayerHour, 2),
        writeUnitsPerPlayerHour: round(cost.writeUnitsPerPlayerHour - baseline.writeUnitsPerPlayerHour, 2),
        dollarsPerMillionPlayerHours: round(cost.dollarsPerMillionPlayerHours - baseline.dollarsPerMillionPlayerHours, 3),
      },
    });
  }
  const join = { withoutCulling: await freeSeatJoin(undefined), withCulling: await freeSeatJoin(timeoutsSeconds[0]) };
  const pastFloor = [];
  for (const size of PAST_FLOOR_SIZES) pastFloor.push(await pastFloorJoin(size, timeoutsSeconds[0]!));
  const [few, many] = [pastFloor[0]!, pastFloor[pastFloor.length - 1]!];
  return {
    pollSeconds: PRESENCE_POLL_SECONDS,
    players: PLAYERS,
    baseline,
    byTimeout,
    freeSeatJoin: { ...join, sameCalls: join.withoutCulling.calls.join(',') === join.withCulling.calls.join(',') },
    pastFloorJoin: {
      bySize: pastFloor,
      flat: few.calls.join(',') === many.calls.join(',') && few.units === many.units && !many.calls.includes('Query'),
    },
  };
}
