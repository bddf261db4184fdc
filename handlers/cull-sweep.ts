// EventBridge schedule handler, not an HTTP route: every minute, the sessions whose cull floor has passed have their
// due culls written (src/sessions/operations/cull-sweep.ts), so a silent player's seat and membership go even when
// nobody reads or joins their session. It needs neither auth nor templates: only the table.
import type { Context, ScheduledEvent } from 'aws-lambda';
import { sessionCommits } from '../src/dynamodb/commit.js';
import { presence } from '../src/dynamodb/presence.js';
import { sessionReads } from '../src/dynamodb/reads.js';
import { log } from '../src/observability/logger.js';
import { metrics, recordCulls } from '../src/observability/metrics.js';
import { tableFromEnv } from '../src/runtime/table.js';
import { sweepCulls, type SweepOutcome } from '../src/sessions/operations/cull-sweep.js';
import type { SessionChanges } from '../src/sessions/store.js';

/** Stop taking sessions this long before the function's timeout, so the sessions in hand finish. */
const MARGIN_MS = 10_000;

let store: SessionChanges | undefined;

export const handler = async (event: ScheduledEvent, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<SweepOutcome> => {
  store ??= (() => {
    const table = tableFromEnv();
    return { ...sessionReads(table), ...sessionCommits(table), ...presence(table) };
  })();
  const deadline = Date.now() + Math.max(0, context.getRemainingTimeInMillis() - MARGIN_MS);
  const outcome = await sweepCulls(store, { deadline });
  recordCulls(outcome.culled);
  metrics.publishStoredMetrics();
  log(outcome.failed.length ? 'warn' : 'info', 'cull sweep', { scheduled: event.time, ...outcome, failed: outcome.failed.slice(0, 10) });
  return outcome;
};
