// 6. GET of a large, busy session: a 5,000-player session while its leader rewrites their custom_data about 10
// times a second, and a reader GETs it over and over. Every answer should be 200 (a strong ETag when its pages
// settled on one state, a weak one when they did not: docs/api.md, "Get Session By Id"); reported: p50, p99 and
// the worst latency, the share of 200s and of strong ETags.
import { randomUUID } from 'node:crypto';
import { newSession, withPlayers } from '../src/sessions/model/new-session.js';
import type { Player } from '../src/sessions/model/session.js';
import { oursGet, oursJoin, type InProcess } from './in-process.js';
import { benchPlayer, joinBody, round, seatedPlayer, seedSession, sessionId, stats, type Stats } from './support.js';

export const BUSY_GET_PLAYERS = 5000;
export const BUSY_GET_WRITES_PER_SECOND = 10;
/** The slowest such GET may take on DynamoDB Local: inside the Lambda timeout (10 s) with room for a cold start. */
export const BUSY_GET_MAX_MS = 8000;

export interface BusyGetResult {
  players: number;
  writesPerSecond: { asked: number; achieved: number };
  seconds: number;
  gets: number;
  latency: Stats;
  /** Shares of the GETs (0..1). */
  ok: number;
  strong: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBusyGet(ctx: InProcess, seconds: number, progress: (m: string) => void): Promise<BusyGetResult> {
  const leader = benchPlayer(ctx.issuer);
  const players: Player[] = Array.from({ length: BUSY_GET_PLAYERS }, (_, i) =>
    seatedPlayer(i === 0 ? leader.uuid : randomUUID(), 0, i === 0 ? 'leader' : 'member'),
  );
  const session = withPlayers(
    newSession({ sessionId: sessionId('busy'), type: 'bench', teamSizes: [BUSY_GET_PLAYERS + 100], joinable: true }),
    players,
  );
  const t0 = Date.now();
  await seedSession(ctx.store, ctx.doc, session, players);
  progress(`busy get: seeded ${BUSY_GET_PLAYERS} players in ${((Date.now() - t0) / 1000).toFixed(1)} s; ${seconds} s of writes and reads`);

  const until = Date.now() + seconds * 1000;
  let writes = 0;
  const writer = async () => {
    const interval = 1000 / BUSY_GET_WRITES_PER_SECOND;
    for (let next = Date.now(); Date.now() < until; next += interval) {
      await oursJoin(ctx, session.sessionId, leader, joinBody(0, { mood: `m${writes}` }));
      writes++;
      await sleep(Math.max(0, next + interval - Date.now()));
    }
  };
  const reader = benchPlayer(ctx.issuer);
  const gets: { ms: number; status: number; strong: boolean }[] = [];
  const readerLoop = async () => {
    while (Date.now() < until) {
      const r = await oursGet(ctx, session.sessionId, reader);
      gets.push({ ms: r.ms, status: r.status, strong: r.etag !== undefined && !r.etag.startsWith('W/') });
    }
  };
  const started = Date.now();
  await Promise.all([writer(), readerLoop()]);
  const elapsed = (Date.now() - started) / 1000;
  return {
    players: BUSY_GET_PLAYERS,
    writesPerSecond: { asked: BUSY_GET_WRITES_PER_SECOND, achieved: round(writes / elapsed, 1) },
    seconds: round(elapsed, 1),
    gets: gets.length,
    latency: stats(gets.map((g) => g.ms)),
    ok: round(gets.filter((g) => g.status === 200).length / Math.max(1, gets.length), 3),
    strong: round(gets.filter((g) => g.strong).length / Math.max(1, gets.length), 3),
  };
}
