// Per invocation: the Lambda context and correlation keys on every log line, the cold-start metric, and the
// metrics of the invocation flushed at its end (whatever the outcome).
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from '../../observability/logger.js';
import { metrics } from '../../observability/metrics.js';
import { requestIdOf, type ApiEvent } from '../api-event.js';

export function observe(operation: string): middy.MiddlewareObj<ApiEvent, unknown, Error, Context> {
  const flush = async () => {
    // Most reads record nothing; publishing an empty set would only log a warning.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    logger.resetKeys();
  };
  return {
    before: async ({ event, context }) => {
      logger.addContext(context);
      logger.appendKeys({ operation, request_id: requestIdOf(event), session_id: event.pathParameters?.session_id });
      metrics.captureColdStartMetric(context.functionName);
    },
    after: flush,
    onError: flush,
  };
}
