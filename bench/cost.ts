// 6. Cost: capacity units per join (what DynamoDB Local reports, and what DynamoDB bills by its published rules,
// computed from the items' sizes) and Lambda GB-seconds per join, in dollars per million joins.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { playerKey, sessionKey } from '../src/dynamodb/items.js';
import { SESSIONS_TABLE } from '../src/dynamodb/table-definition.js';
import { ROOT, round, TABLE } from './support.js';

/** Published on-demand prices, us-east-1, as checked on the date below. */
export const PRICES = {
  checked:
    '2026-11-24, against copies of the AWS pricing pages (DynamoDB on-demand rates in effect since the 2024-11-01 cut; Lambda arm64 first tier)',
  region: 'us-east-1',
  dynamodbWritePerMillionWru: 0.625,
  dynamodbReadPerMillionRru: 0.125,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  sources: [
    'https://aws.amazon.com/dynamodb/pricing/on-demand/ (WRU/RRU definitions; $0.625 / $0.125 per million after the Nov 2024 50% cut)',
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (transactional write: 2 WRU per KB per item; strongly consistent read: 1 RRU per 4 KB, BatchGet rounds each item)',
    'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html (item size)',
    'https://aws.amazon.com/lambda/pricing/ (arm64 $0.0000133334 per GB-s for the first 7.5 billion GB-s a month; $0.20 per million requests)',
  ],
  notes: [
    'Prices are assumptions checked against third-party copies of the AWS pages, not fetched live.',
    'A read of an item that does not exist is counted as 1 RRU (upper bound; DynamoDB Local reports 0).',
    'A write that reaches a global secondary index (projection ALL) adds 1 WRU per KB of the item, counted as a standard (not transactional) write.',
    'Lambda bills duration in 1 ms steps; INIT is billed too since 2025-08-01 but is amortised over the container’s requests and left out.',
  ],
} as const;

// ------------------------------------------------------------------------------------------- item sizes
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** DynamoDB's size of a number: 1 byte per two significant digits, plus 1. */
function numberBytes(n: number): number {
  const digits = String(Math.abs(n)).replace('.', '').replace(/e.*$/i, '').replace(/^0+/, '').replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueBytes(v: unknown): number {
  if (v === null || typeof v === 'boolean') return 1;
  if (typeof v === 'string') return utf8(v);
  if (typeof v === 'number') return numberBytes(v);
  if (Array.isArray(v)) return 3 + v.reduce((n: number, x) => n + valueBytes(x) + 1, 0);
  if (typeof v === 'object') return 3 + Object.entries(v as object).reduce((n, [k, x]) => n + utf8(k) + valueBytes(x) + 1, 0);
  return 0;
}

/** An item's size by DynamoDB's rules: names plus values, 3 bytes per map or list and 1 per element in one. */
const itemBytes = (item: Record<string, unknown>): number => Object.entries(item).reduce((n, [k, v]) => n + utf8(k) + valueBytes(v), 0);

export interface JoinItems {
  session?: Record<string, unknown>;
  player?: Record<string, unknown>;
}

export async function readJoinItems(doc: DynamoDBDocumentClient, sessionId: string, playerUuid: string): Promise<JoinItems> {
  const [s, p] = await Promise.all([
    doc.send(new GetCommand({ TableName: TABLE, Key: sessionKey(sessionId), ConsistentRead: true })),
    doc.send(new GetCommand({ TableName: TABLE, Key: playerKey(sessionId, playerUuid), ConsistentRead: true })),
  ]);
  return { session: s.Item, player: p.Item };
}

export interface JoinBilling {
  rru: number;
  wru: number;
  /** Of wru: writes propagated to global secondary indexes (projection ALL), 1 WRU per KB, not doubled. */
  indexWru: number;
  sessionBytes: number;
  playerBytes: number;
}

/**
 * What a join that committed on its first attempt is billed: a strongly consistent BatchGet of the session
 * and player items (each rounded up to 4 KB; an absent item counted as 1), and a TransactWrite of both items
 * (2 WRU per KB, each rounded up, of the larger of the item before and after).
 */
export function joinBilling(before: JoinItems, after: JoinItems): JoinBilling {
  const sb = before.session ? itemBytes(before.session) : 0;
  const sa = after.session ? itemBytes(after.session) : 0;
  const pb = before.player ? itemBytes(before.player) : 0;
  const pa = after.player ? itemBytes(after.player) : 0;
  const read = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096));
  const write = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
  const indexWru = indexWrites(before.session, after.session) + indexWrites(before.player, after.player);
  return {
    rru: read(sb) + read(pb),
    wru: 2 * (write(Math.max(sb, sa)) + write(Math.max(pb, pa))) + indexWru,
    indexWru,
    sessionBytes: Math.max(sb, sa),
    playerBytes: Math.max(pb, pa),
  };
}

/**
 * What a write of one item costs in the table's global secondary indexes (all project ALL): nothing when the
 * item carries none of an index's keys before or after, 1 write of the item's size when it enters the index
 * or changes there, 2 (a delete and a put) when its index key changes.
 */
function indexWrites(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): number {
  const indexes = (SESSIONS_TABLE as { indexes?: readonly { partitionKey: string; sortKey: string }[] }).indexes ?? [];
  let wru = 0;
  for (const ix of indexes) {
    const keyOf = (i?: Record<string, unknown>) =>
      i && i[ix.partitionKey] !== undefined && i[ix.sortKey] !== undefined ? `${i[ix.partitionKey]}|${i[ix.sortKey]}` : undefined;
    const [kb, ka] = [keyOf(before), keyOf(after)];
    const units = (i: Record<string, unknown>) => Math.max(1, Math.ceil(itemBytes(i) / 1024));
    if (ka && kb && ka !== kb) wru += units(before!) + units(after!);
    else if (ka) wru += units(after!);
    else if (kb) wru += units(before!);
  }
  return wru;
}

export interface CapacitySample {
  tag: string;
  billed: JoinBilling;
  /** What DynamoDB Local reported with ReturnConsumedCapacity: 'TOTAL', per operation. */
  local: Record<string, number>;
}

export function summarizeCapacity(samples: CapacitySample[]) {
  const mean = (f: (s: CapacitySample) => number) => round(samples.reduce((n, s) => n + f(s), 0) / (samples.length || 1), 3);
  return {
    samples: samples.length,
    billedRru: mean((s) => s.billed.rru),
    billedWru: mean((s) => s.billed.wru),
    indexWru: mean((s) => s.billed.indexWru),
    localReportedRead: mean((s) => s.local.BatchGet ?? 0),
    localReportedWrite: mean((s) => s.local.TransactWrite ?? 0),
    sessionItemBytes: mean((s) => s.billed.sessionBytes),
    playerItemBytes: mean((s) => s.billed.playerBytes),
  };
}
export type CapacitySummary = ReturnType<typeof summarizeCapacity>;

// --------------------------------------------------------------------------------------------- Lambda
/** The function's memory as the CDK stack configures it (lib/stage-config.ts defaults; cdk.json may override). */
export async function lambdaMemoryMb(): Promise<{ memoryMb: number; source: string }> {
  try {
    const text = await readFile(join(ROOT, 'lib', 'stage-config.ts'), 'utf8');
    const m = /lambda:\s*\{\s*memoryMb:\s*(\d+)/.exec(text);
    const cdk = JSON.parse(await readFile(join(ROOT, 'cdk.json'), 'utf8')) as {
      context?: { stages?: Record<string, { lambda?: { memoryMb?: number } }> };
    };
    const override = cdk.context?.stages?.prod?.lambda?.memoryMb;
    if (override) return { memoryMb: override, source: 'cdk.json context.stages.prod.lambda.memoryMb' };
    if (m) return { memoryMb: Number(m[1]), source: 'lib/stage-config.ts defaultStageConfig lambda.memoryMb (arm64, lib/route-function.ts)' };
  } catch {
    // fall through
  }
  return { memoryMb: 512, source: 'assumed (lib/stage-config.ts not readable)' };
}

export function costPerMillion(capacity: CapacitySummary, billedMsPerJoin: number, memoryMb: number) {
  const gbSeconds = (memoryMb / 1024) * (billedMsPerJoin / 1000);
  const ddbWrite = capacity.billedWru * PRICES.dynamodbWritePerMillionWru;
  const ddbRead = capacity.billedRru * PRICES.dynamodbReadPerMillionRru;
  const lambdaDuration = gbSeconds * PRICES.lambdaArmPerGbSecond * 1e6;
  const lambdaRequests = PRICES.lambdaPerMillionRequests;
  return {
    wruPerJoin: capacity.billedWru,
    rruPerJoin: capacity.billedRru,
    billedMsPerJoin: round(billedMsPerJoin, 2),
    memoryMb,
    gbSecondsPerJoin: Number(gbSeconds.toPrecision(4)),
    dollarsPerMillionJoins: {
      dynamodbWrites: round(ddbWrite, 4),
      dynamodbReads: round(ddbRead, 4),
      lambdaDuration: round(lambdaDuration, 4),
      lambdaRequests: round(lambdaRequests, 4),
      total: round(ddbWrite + ddbRead + lambdaDuration + lambdaRequests, 4),
    },
  };
}
