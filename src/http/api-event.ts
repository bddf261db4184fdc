// API Gateway sends two payload formats: HTTP API (v2) and REST API (v1). After @middy/http-header-normalizer
// has lower-cased the headers, these are the only places where the two differ for us.
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

export type ApiEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;

export const requestIdOf = (e: ApiEvent): string | undefined => e.requestContext?.requestId;

export const methodOf = (e: ApiEvent): string | undefined =>
  'httpMethod' in e ? e.httpMethod : (e as APIGatewayProxyEventV2).requestContext?.http?.method;

export const headerOf = (e: ApiEvent, name: string): string | undefined => e.headers?.[name] ?? undefined;

/** Raw body size in bytes as received (base64 bodies count decoded). */
export function bodyBytes(e: ApiEvent): number {
  const body = e.body;
  if (typeof body !== 'string') return 0;
  return e.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
}
