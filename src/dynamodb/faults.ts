// Which DynamoDB failures are the client's to retry later (503 with Retry-After) and which are ours (500).
// Conditional failures and transaction cancellations pass through: the store reads those itself.
import { ApiError } from '../errors/api-error.js';

const BUSY = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Reasons a transaction (a write or a snapshot read) is cancelled for throttling. */
const THROTTLED_REASONS = new Set(['ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded']);

/** The reason codes of a cancelled transaction, in the order of its items; undefined for any other error. */
export function cancellationCodes(e: unknown): string[] | undefined {
  const err = e as { name?: string; CancellationReasons?: { Code?: string }[] };
  return err?.name === 'TransactionCanceledException' ? (err.CancellationReasons ?? []).map((r) => r.Code ?? 'None') : undefined;
}

/** A transaction cancelled for throttling is a 503, as any throttling is. */
export function refuseIfThrottled(codes: readonly string[], what: string): void {
  if (codes.some((c) => THROTTLED_REASONS.has(c))) throw new ApiError('service_unavailable', `${what} throttled: ${codes.join(',')}`);
}

export function storeFault(e: unknown): unknown {
  if (e instanceof ApiError) return e;
  const err = e as { name?: string; code?: string; cause?: { code?: string }; message?: string };
  if (err?.name && BUSY.has(err.name)) return new ApiError('service_unavailable', `DynamoDB: ${err.name}`);
  // The SDK sometimes wraps a socket error so that only its message keeps the code.
  const code = err?.code ?? err?.cause?.code ?? /\b(E[A-Z]{4,})\b/.exec(err?.message ?? '')?.[1];
  if (code && NETWORK.has(code)) return new ApiError('service_unavailable', `DynamoDB unreachable: ${code}`);
  return e;
}
