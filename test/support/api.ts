// Builds the events API Gateway sends (HTTP API v2 and REST API v1) and invokes a handler with a Lambda
// context, the way the Lambda runtime would. No part of the service is replaced.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, Context } from 'aws-lambda';

export interface RequestSpec {
  method: string;
  /** Route template, e.g. /session/v1/session/{session_id}/player/me */
  route: string;
  pathParameters?: Record<string, string>;
  headers?: Record<string, string>;
  /** Name-value pairs may repeat a name, as a query string may. */
  query?: Record<string, string> | [string, string][];
  /** An object is sent as JSON with content-type application/json; a string is sent as is. */
  body?: unknown;
}

const pairsOf = (query: RequestSpec['query']): [string, string][] => (Array.isArray(query) ? query : Object.entries(query ?? {}));

/** As API Gateway gives them: HTTP API joins a repeated name's values with commas; REST API keeps the last, and lists them all. */
function queryParameters(query: RequestSpec['query']) {
  const joined: Record<string, string> = {};
  const last: Record<string, string> = {};
  const all: Record<string, string[]> = {};
  for (const [name, value] of pairsOf(query)) {
    joined[name] = name in joined ? `${joined[name]},${value}` : value;
    last[name] = value;
    (all[name] ??= []).push(value);
  }
  const any = Object.keys(all).length > 0;
  return { joined: any ? joined : undefined, last: any ? last : null, all: any ? all : null };
}

const fill = (route: string, params: Record<string, string> = {}) =>
  route.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));

function bodyAndType(spec: RequestSpec) {
  if (spec.body === undefined) return { body: undefined, type: {} };
  if (typeof spec.body === 'string') return { body: spec.body, type: {} };
  return { body: JSON.stringify(spec.body), type: { 'content-type': 'application/json' } };
}

export function httpApiEvent(spec: RequestSpec): APIGatewayProxyEventV2 {
  const { body, type } = bodyAndType(spec);
  const path = fill(spec.route, spec.pathParameters);
  const headers = Object.fromEntries(Object.entries({ ...type, ...spec.headers }).map(([k, v]) => [k.toLowerCase(), v]));
  const rawQueryString = new URLSearchParams(pairsOf(spec.query)).toString();
  return {
    version: '2.0',
    routeKey: `${spec.method} ${spec.route}`,
    rawPath: path,
    rawQueryString,
    headers,
    queryStringParameters: queryParameters(spec.query).joined,
    pathParameters: spec.pathParameters,
    requestContext: {
      accountId: '123456789012',
      apiId: 'test',
      domainName: 'test.execute-api.local',
      domainPrefix: 'test',
      http: { method: spec.method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
      requestId: randomUUID(),
      routeKey: `${spec.method} ${spec.route}`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

export function restApiEvent(spec: RequestSpec): APIGatewayProxyEvent {
  const { body, type } = bodyAndType(spec);
  const path = fill(spec.route, spec.pathParameters);
  // REST APIs keep the client's header casing.
  const headers = { ...(Object.keys(type).length ? { 'Content-Type': 'application/json' } : {}), ...spec.headers };
  return {
    resource: spec.route,
    path,
    httpMethod: spec.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: queryParameters(spec.query).last,
    multiValueQueryStringParameters: queryParameters(spec.query).all,
    pathParameters: spec.pathParameters ?? null,
    stageVariables: null,
    requestContext: {
      requestId: randomUUID(),
      resourcePath: spec.route,
      httpMethod: spec.method,
      path: `/prod${path}`,
      stage: 'prod',
    } as APIGatewayProxyEvent['requestContext'],
    body: body ?? null,
    isBase64Encoded: false,
  };
}

/** A Lambda context whose deadline is the route functions' timeout (lib/route-function.ts) unless told otherwise. */
export function lambdaContext(functionName = 'test', timeoutMs = 10_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
  raw?: string;
}

type Handler = (event: any, context: Context, ...rest: any[]) => Promise<any>;

export async function invoke(
  handler: Handler,
  event: APIGatewayProxyEventV2 | APIGatewayProxyEvent,
  opts: { timeoutMs?: number } = {},
): Promise<Answer> {
  const result = await handler(event, lambdaContext('test', opts.timeoutMs), { signal: new AbortController().signal });
  const raw: string | undefined = result.body;
  return { status: result.statusCode, headers: result.headers ?? {}, body: raw ? JSON.parse(raw) : undefined, raw };
}
