// API Gateway sends two payload formats: HTTP API (v2) and REST API (v1). After @middy/http-header-normalizer
// has lower-cased the headers, these are the only places where the two differ for us.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export const requestIdOf = (e: ApiEvent): string | undefined => e.requestContext?.requestId;

export const methodOf = (e: ApiEvent): string | undefined =>
  'httpMethod' in e ? e.httpMethod : (e as APIGatewayProxyEventV2).requestContext?.http?.method;

export const headerOf = (e: ApiEvent, name: string): string | undefined => e.headers?.[name] ?? undefined;

/**
 * Each query parameter's last value, as FastAPI takes a repeated one. HTTP API joins repeated values with commas in
 * queryStringParameters, so its raw query string is read instead; REST API lists them in multiValueQueryStringParameters.
 */
export function lastQueryValues(e: ApiEvent): Record<string, string> {
  const query: Record<string, string> = {};
  if ('rawQueryString' in e && typeof e.rawQueryString === 'string' && e.rawQueryString !== '') {
    for (const [name, value] of new URLSearchParams(e.rawQueryString)) query[name] = value;
  } else if ('multiValueQueryStringParameters' in e && e.multiValueQueryStringParameters) {
    for (const [name, values] of Object.entries(e.multiValueQueryStringParameters)) if (values?.length) query[name] = values.at(-1)!;
  } else Object.assign(query, e.queryStringParameters ?? {});
  return query;
}

/** Raw body size in bytes as received (base64 bodies count decoded). */
export function bodyBytes(e: ApiEvent): number {
  const body = e.body;
  if (typeof body !== 'string') return 0;
  return e.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
}
