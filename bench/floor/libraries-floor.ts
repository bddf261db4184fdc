// A route's libraries floor: its SDK floor plus exactly the libraries we keep, used as a handler uses them, and
// nothing of ours. middy with the two middlewares (header normalizer, JSON body parser), Powertools Logger (the
// Lambda context on its lines) and Metrics (the cold-start metric, a rejection as its own EMF line, flushed per
// invocation), and aws-jwt-verify checking the bearer token against the keys of AUTH_JWKS, as ours does. A refused
// token answers 403 with a logged warning; an accepted one sends the calls the event carries through the route's
// SDK floor (none for a route that makes no DynamoDB call, whose floor then holds no SDK).
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { Context } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import type { FloorAnswer, FloorEvent } from './sdk-floor.js';

interface Event extends Partial<FloorEvent> {
  headers?: Record<string, string | undefined>;
}

export function librariesFloor(send?: (event: FloorEvent) => Promise<FloorAnswer>) {
  const logger = new Logger({ serviceName: 'floor', logLevel: 'INFO' });
  const metrics = new Metrics({ namespace: 'Floor', serviceName: 'floor' });
  const issuer = process.env.AUTH_ISSUER!;
  const verifier = JwtVerifier.create({ issuer, audience: process.env.AUTH_AUDIENCE!, jwksUri: `${issuer}/.well-known/jwks.json` });
  verifier.cacheJwks(JSON.parse(process.env.AUTH_JWKS!));
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };

  return middy(async (event: Event, context: Context) => {
    logger.addContext(context);
    metrics.captureColdStartMetric(context.functionName);
    try {
      await verifier.verify((event.headers?.authorization ?? '').replace(/^Bearer /i, ''));
    } catch (e) {
      logger.warn('refused', { status: 403, detail: (e as Error).message });
      const m = metrics.singleMetric();
      m.addDimensions({ operation: 'floor', error_code: 'auth_token_sig_invalid' });
      m.addMetric('Rejections', MetricUnit.Count, 1);
      flush();
      return { statusCode: 403, body: JSON.stringify({ error_code: 'auth_token_sig_invalid' }) };
    }
    const answer = send ? await send({ calls: event.calls ?? [] }) : { statusCode: 200, body: '0' };
    metrics.addMetric('Served', MetricUnit.Count, 1);
    flush();
    return answer;
  })
    .use(httpHeaderNormalizer())
    .use(httpJsonBodyParser({ disableContentTypeError: true }));
}
