// The handlers and floors loaded into this process (after the environment is set, as Lambda would), and the
// paired runner that interleaves ours and the floor.
import { performance } from 'node:perf_hooks';
import type { Context } from 'aws-lambda';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SessionStore } from '../src/sessions/store.js';
import type { TestIssuer } from '../test/support/test-issuer.js';
import { httpApiEvent, lambdaContext } from '../test/support/api.js';
import type { FloorEvent } from './floor/sdk-floor.js';
import { GET_ROUTE, JOIN_ROUTE, recordCalls, retarget, type BenchPlayer, type Call, type CallRecorder } from './support.js';

type Handler = (event: never, context: Context) => Promise<{ statusCode: number; body?: string; headers?: Record<string, string> }>;
type FloorHandler = (event: FloorEvent) => Promise<{ statusCode: number }>;

export interface InProcess {
  join: Handler;
  get: Handler;
  floorJoin: FloorHandler;
  floorGet: FloorHandler;
  /** A store on the table our handlers share (src/runtime/services.ts), whose client's calls are recorded. */
  store: SessionStore;
  rec: CallRecorder;
  /** The benchmark's own client, for seeding and reading items back. */
  doc: DynamoDBDocumentClient;
  issuer: TestIssuer;
}

export async function loadInProcess(doc: DynamoDBDocumentClient, issuer: TestIssuer): Promise<InProcess> {
  const { handler: join } = await import('../handlers/join-session-self.js');
  const { handler: get } = await import('../handlers/get-session.js');
  const { getServices } = await import('../src/runtime/services.js');
  const { sessionsTable } = await import('../src/runtime/table.js');
  const { handler: floorJoin } = await import('./floor/join-floor.js');
  const { handler: floorGet } = await import('./floor/get-floor.js');
  const { dynamoDbStore } = await import('../src/dynamodb/store.js');
  const table = sessionsTable(getServices());
  return { join: join as Handler, get: get as Handler, floorJoin, floorGet, store: dynamoDbStore(table), rec: recordCalls(table.db), doc, issuer };
}

export interface OpResult {
  ms: number;
  /** Ours outside the SDK: before the first send(), between sends, after the last one (ms). */
  phases?: { before: number; between: number; after: number };
  /** process.cpuUsage() (user + system, all threads) over the op, in ms. */
  cpuMs: number;
  calls: Call[];
  status: number;
  etag?: string;
}

function phasesOf(calls: Call[], t0: number, t1: number): OpResult['phases'] {
  if (!calls.length || calls.some((c) => c.start === undefined || c.end === undefined)) return undefined;
  let between = 0;
  for (let i = 1; i < calls.length; i++) between += calls[i]!.start! - calls[i - 1]!.end!;
  return { before: calls[0]!.start! - t0, between, after: t1 - calls[calls.length - 1]!.end! };
}

const cpuMsSince = (c0: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
};

/** One join through our handler, timed from the call to the resolved response; the event is built beforehand. */
export async function oursJoin(ctx: InProcess, sessionId: string, player: BenchPlayer, body: unknown): Promise<OpResult> {
  const event = httpApiEvent({
    method: 'POST',
    route: JOIN_ROUTE,
    pathParameters: { session_id: sessionId },
    headers: { authorization: player.authorization },
    body,
  });
  const context = lambdaContext('join');
  ctx.rec.take();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await ctx.join(event as never, context);
  const t1 = performance.now();
  const cpuMs = cpuMsSince(c0);
  const calls = ctx.rec.take();
  return { ms: t1 - t0, cpuMs, calls, status: r.statusCode, phases: phasesOf(calls, t0, t1) };
}

export async function oursGet(ctx: InProcess, sessionId: string, player: BenchPlayer): Promise<OpResult> {
  const event = httpApiEvent({
    method: 'GET',
    route: GET_ROUTE,
    pathParameters: { session_id: sessionId },
    headers: { authorization: player.authorization },
  });
  const context = lambdaContext('get');
  ctx.rec.take();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await ctx.get(event as never, context);
  const ms = performance.now() - t0;
  const cpuMs = cpuMsSince(c0);
  return { ms, cpuMs, calls: ctx.rec.take(), status: r.statusCode, etag: (r.headers as Record<string, string> | undefined)?.etag };
}

/** The floor issuing the calls ours made, retargeted to the twin session; timed around the SDK calls alone. */
export async function floorCalls(handler: FloorHandler, calls: Call[], fromId: string, toId: string): Promise<{ ms: number; cpuMs: number }> {
  const event = { calls: retarget(calls, fromId, toId) };
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await handler(event);
  const ms = performance.now() - t0;
  return { ms, cpuMs: cpuMsSince(c0) };
}

export interface PairedOp<T extends string = string> {
  tag: T;
  ours: () => Promise<OpResult>;
  floor: (calls: Call[]) => Promise<{ ms: number; cpuMs: number }>;
}

export interface PairedResult<T extends string = string> {
  tag: T;
  ours: number;
  floor: number;
  oursCpu: number;
  floorCpu: number;
  phases?: OpResult['phases'];
  /** Of ours, the time spent inside the SDK's send() (the same calls the floor makes). */
  oursInSdk: number;
  calls: Call[];
}

/**
 * Runs ours and the floor interleaved, the floor one op behind (ours i, floor i-1, ours i+1, floor i, ...),
 * so each side is as often right after the other, and drift over the run hits both alike. Ours must answer 200.
 */
export async function runPaired<T extends string>(ops: PairedOp<T>[], between?: (i: number) => Promise<void>): Promise<PairedResult<T>[]> {
  const out: PairedResult<T>[] = [];
  let pending: { op: PairedOp<T>; r: OpResult } | undefined;
  const flush = async () => {
    if (!pending) return;
    const floor = await pending.op.floor(pending.r.calls);
    const oursInSdk = pending.r.calls.reduce((n, c) => n + (c.ms ?? 0), 0);
    out.push({
      tag: pending.op.tag,
      ours: pending.r.ms,
      floor: floor.ms,
      oursCpu: pending.r.cpuMs,
      floorCpu: floor.cpuMs,
      oursInSdk,
      phases: pending.r.phases,
      calls: pending.r.calls,
    });
    pending = undefined;
  };
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const r = await op.ours();
    if (r.status !== 200) throw new Error(`ours answered ${r.status} on a ${op.tag} op`);
    await flush();
    pending = { op, r };
    if (between) await between(i);
  }
  await flush();
  return out;
}
