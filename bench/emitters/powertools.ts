// Structured logs and EMF metrics as our handlers emit them, through Powertools (what we keep): per invocation the
// Lambda context on the log lines, the cold-start metric, one log line with fields, three metrics, a rejection as
// an EMF line of its own with two dimensions, and the flush. Compared with bench/emitters/alternative.ts.
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

const logger = new Logger({ serviceName: 'session-service', logLevel: 'INFO' });
const metrics = new Metrics({ namespace: 'SessionService', serviceName: 'session-service' });

export const handler = async (_event: unknown, context: Context) => {
  logger.addContext(context);
  logger.appendKeys({ operation: 'join_session_by_id_self', request_id: context.awsRequestId });
  metrics.captureColdStartMetric(context.functionName);
  logger.info('session_conflict', { status: 409, detail: 'a lost race', attempts: 2 });
  metrics.addMetric('join_session_by_id_self.committed', MetricUnit.Count, 1);
  metrics.addMetric('ConflictRetries', MetricUnit.Count, 1);
  metrics.addMetric('PlayersCulled', MetricUnit.Count, 2);
  const m = metrics.singleMetric();
  m.addDimensions({ operation: 'join_session_by_id_self', error_code: 'team_full' });
  m.addMetric('Rejections', MetricUnit.Count, 1);
  metrics.publishStoredMetrics();
  logger.resetKeys();
  return { statusCode: 200 };
};
