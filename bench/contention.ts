// 4. Contention: N joiners at once on one session with room for all. Each joiner has its own DynamoDB client
// and store (as N Lambda containers would), connections opened beforehand, and calls joinSession
// (src/sessions/join-session.ts) directly, which returns the number of transaction attempts.
import { performance } from 'node:perf_hooks';
import { ApiError } from '../src/errors/api-error.js';
import { joinSession } from '../src/sessions/operations/join-session.js';
import { ANY_CROSSPLAY, type JoinRequest } from '../src/sessions/model/session.js';
import { newSession } from '../src/sessions/model/new-session.js';
import { createDocumentClient } from '../src/dynamodb/client.js';
import { dynamoDbStore } from '../src/dynamodb/store.js';
import { tableOf } from '../src/dynamodb/table.js';
import { randomUUID } from 'node:crypto';
import { mustCreate, recordCalls, round, sessionId, stats, TABLE, type Stats } from './support.js';

export interface ContentionRow {
  n: number;
  rounds: number;
  joiners: number;
  admitted: number;
  refused: Record<string, number>;
  attemptsPerAdmitted: number;
  maxAttempts: number;
  callsPerAdmitted: Record<string, number>;
  latency: Stats;
  /** Admitted joins per second: admitted / (last answer - first start), averaged over rounds. */
  throughputPerSecond: number;
  consistent: boolean;
}

const request = (teamId: number): JoinRequest => ({
  playerUuid: randomUUID(),
  status: 'member',
  teamId,
  clientVersion: '1.4.2',
  clientSettings: { platform: 'Steam', input: 'keyboardandmouse' },
  crossplay: ANY_CROSSPLAY,
  customData: {},
});

export async function runContention(
  endpoint: string,
  ns: readonly number[],
  rounds: number,
  progress: (m: string) => void,
): Promise<ContentionRow[]> {
  const maxN = Math.max(...ns);
  const containers = Array.from({ length: maxN }, () => {
    const db = createDocumentClient({ region: 'local', endpoint });
    return { store: dynamoDbStore(tableOf(db, TABLE)), rec: recordCalls(db), db };
  });
  // Open every container's connection before the stampede, like warm containers.
  const probe = newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: [1], joinable: true });
  await mustCreate(containers[0]!.store, probe);
  await Promise.all(containers.map((c) => c.store.readSession(probe.sessionId, new Date())));

  const rows: ContentionRow[] = [];
  try {
    for (const n of ns) {
      const latencies: number[] = [];
      const attempts: number[] = [];
      const refused: Record<string, number> = {};
      const throughput: number[] = [];
      const calls: Record<string, number> = {};
      let admitted = 0;
      let consistent = true;
      for (let r = 0; r < rounds; r++) {
        const session = newSession({ sessionId: sessionId('ours'), type: 'bench', teamSizes: [100, 100], joinable: true });
        await mustCreate(containers[0]!.store, session);
        const before = containers.slice(0, n).map((c) => ({ ...c.rec.counts }));
        const t0 = performance.now();
        const outcomes = await Promise.all(
          containers.slice(0, n).map(async (c, i) => {
            const start = performance.now();
            try {
              const out = await joinSession(c.store, session.sessionId, request(i % 2));
              return { ok: true as const, ms: performance.now() - start, attempts: out.attempts, end: performance.now() };
            } catch (e) {
              return { ok: false as const, code: e instanceof ApiError ? e.code : (e as Error).name, end: performance.now() };
            }
          }),
        );
        const t1 = Math.max(...outcomes.map((o) => o.end));
        let roundAdmitted = 0;
        for (const o of outcomes) {
          if (o.ok) {
            roundAdmitted++;
            latencies.push(o.ms);
            attempts.push(o.attempts);
          } else refused[o.code] = (refused[o.code] ?? 0) + 1;
        }
        admitted += roundAdmitted;
        throughput.push(roundAdmitted / ((t1 - t0) / 1000));
        containers.slice(0, n).forEach((c, i) => {
          for (const [op, k] of Object.entries(c.rec.counts)) calls[op] = (calls[op] ?? 0) + k - (before[i]![op] ?? 0);
        });
        const after = await containers[0]!.store.readSessionWithPlayers(session.sessionId, new Date());
        const seated = after ? after.session.teams.reduce((s, t) => s + t.occupied, 0) : -1;
        if (!after || after.session.version !== session.version + roundAdmitted || seated !== roundAdmitted || after.players.length !== roundAdmitted)
          consistent = false;
      }
      const row: ContentionRow = {
        n,
        rounds,
        joiners: n * rounds,
        admitted,
        refused,
        attemptsPerAdmitted: round(attempts.reduce((a, b) => a + b, 0) / (attempts.length || 1), 3),
        maxAttempts: Math.max(0, ...attempts),
        callsPerAdmitted: Object.fromEntries(
          Object.entries(calls)
            .filter(([, k]) => k > 0)
            .map(([op, k]) => [op, round(k / (admitted || 1), 3)]),
        ),
        latency: stats(latencies),
        throughputPerSecond: round(throughput.reduce((a, b) => a + b, 0) / throughput.length, 1),
        consistent,
      };
      rows.push(row);
      progress(`contention: N=${n}: ${admitted}/${n * rounds} admitted, ${row.attemptsPerAdmitted} attempts per admitted join`);
    }
  } finally {
    for (const c of containers) c.db.destroy();
  }
  return rows;
}
