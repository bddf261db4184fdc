// The same logs and EMF metrics as bench/emitters/powertools.ts through the well-kept alternatives: pino for
// structured JSON logs (the Lambda context and keys as a child logger's bindings) and AWS's aws-embedded-metrics
// for EMF (stdout, as in Lambda).
import { createMetricsLogger, Unit } from 'aws-embedded-metrics';
import type { Context } from 'aws-lambda';
import pino from 'pino';

const base = pino({ base: { service: 'session-service' }, timestamp: pino.stdTimeFunctions.isoTime });
let cold = true;

export const handler = async (_event: unknown, context: Context) => {
  const log = base.child({
    function_name: context.functionName,
    function_request_id: context.awsRequestId,
    cold_start: cold,
    operation: 'join_session_by_id_self',
    request_id: context.awsRequestId,
  });
  const metrics = createMetricsLogger();
  metrics.setNamespace('SessionService');
  metrics.setDimensions({ service: 'session-service' });
  if (cold) metrics.putMetric('ColdStart', 1, Unit.Count);
  cold = false;
  log.info({ status: 409, detail: 'a lost race', attempts: 2 }, 'session_conflict');
  metrics.putMetric('join_session_by_id_self.committed', 1, Unit.Count);
  metrics.putMetric('ConflictRetries', 1, Unit.Count);
  metrics.putMetric('PlayersCulled', 2, Unit.Count);
  const rejection = createMetricsLogger();
  rejection.setNamespace('SessionService');
  rejection.setDimensions({ service: 'session-service', operation: 'join_session_by_id_self', error_code: 'team_full' });
  rejection.putMetric('Rejections', 1, Unit.Count);
  await Promise.all([metrics.flush(), rejection.flush()]);
  return { statusCode: 200 };
};
