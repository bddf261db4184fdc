// Metrics as CloudWatch embedded metric format (EMF) log lines, through Powertools' Metrics: cold starts, admitted
// changes, conflict retries, culls, and rejections by error code. Flushed at the end of every invocation.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SessionService',
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'session-service',
});

/** A committed change (e.g. a join admitted), how many lost races it took, and the culls written before it. */
export function recordChange(operation: string, outcome: { written: boolean; attempts: number; culled?: number }): void {
  if (outcome.written) metrics.addMetric(`${operation}.committed`, MetricUnit.Count, 1);
  if (outcome.attempts > 1) metrics.addMetric('ConflictRetries', MetricUnit.Count, outcome.attempts - 1);
  recordCulls(outcome.culled ?? 0);
}

/** Players culled (docs/culling.md): by a request that found them due, or by the sweep. */
export function recordCulls(culled: number): void {
  if (culled > 0) metrics.addMetric('PlayersCulled', MetricUnit.Count, culled);
}

/** An answer with an error code, as its own EMF line so that the code can be a dimension. */
export function recordRejection(operation: string, code: string): void {
  const m = metrics.singleMetric();
  m.addDimensions({ operation, error_code: code });
  m.addMetric('Rejections', MetricUnit.Count, 1);
}
