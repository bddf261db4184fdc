// What API Gateway's HTTP API does around a Lambda integration (payload format 2.0), for the local stack:
// an HTTP request becomes the event API Gateway would send, the handler runs with a Lambda context, and its
// result becomes the HTTP response. Nothing here knows any route: the operations table (schemas/generated/operations.ts) says which handler serves what.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** A request as read off the socket: raw, before any interpretation. */
export interface RawRequest {
  method: string;
  /** The request target as sent: path and query, percent-encoded. */
  url: string;
  /** Node's rawHeaders: name, value, name, value, ... in the order received, casing kept. */
  rawHeaders: string[];
  body: Buffer;
  sourceIp: string;
  httpVersion: string;
}

export interface RouteFound {
  routeKey: string;
  pathParameters: Record<string, string>;
}

/** Splits a request target into the path and the query string, both as sent. */
export function splitTarget(url: string): { rawPath: string; rawQueryString: string } {
  let target = url;
  // Absolute-form targets (a client talking to us as a proxy) carry the scheme and host first.
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(target);
  if (absolute) target = target.slice(absolute[0].length) || '/';
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  const q = target.indexOf('?');
  return q < 0 ? { rawPath: target, rawQueryString: '' } : { rawPath: target.slice(0, q), rawQueryString: target.slice(q + 1) };
}

// Measured on AWS (HTTP API, payload 2.0): only these arrive as text; everything else, a missing content-type and
// application/x-www-form-urlencoded included, arrives base64-encoded with isBase64Encoded true.
const TEXT_TYPES = /^(text\/[^;\s]+|application\/(json|xml|javascript))\s*(;|$)/i;

const isTextContentType = (contentType: string | undefined): boolean => TEXT_TYPES.test(contentType?.trim() ?? '');

/** The HTTP API v2 event for a request that matched a route. */
export function toHttpApiEvent(req: RawRequest, found: RouteFound, now = new Date()): APIGatewayProxyEventV2 {
  const { rawPath, rawQueryString } = splitTarget(req.url);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c.length > 0),
      );
      continue;
    }
    // Repeated headers are joined with commas, as API Gateway does.
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const host = headers.host ?? '127.0.0.1';
  const port = /:(\d+)$/.exec(host)?.[1] ?? '80';
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-port'] = port;
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const requestId = newRequestId();
  const method = req.method.toUpperCase();
  const domainName = host.replace(/:\d+$/, '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: found.routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(rawQueryString ? { queryStringParameters: queryParameters(rawQueryString) } : {}),
    ...(Object.keys(found.pathParameters).length ? { pathParameters: { ...found.pathParameters } } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method,
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: found.routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (req.body.length > 0) {
    const text = isTextContentType(headers['content-type']);
    event.body = text ? req.body.toString('utf8') : req.body.toString('base64');
    event.isBase64Encoded = !text;
  }
  return event;
}

/** Query parameters decoded; a name given more than once gets its values joined with commas. */
function queryParameters(rawQueryString: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    out[name] = name in out ? `${out[name]},${value}` : value;
  }
  return out;
}

/** API Gateway's request ids look like "JKJaXmPLvHcESHA=". */
export const newRequestId = (): string => randomBytes(11).toString('base64');

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** requestContext.time: "24/Nov/2026:12:00:01 +0000". */
function clfTime(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

/** The deployed functions' timeout (lib/stage-config.ts default, lambda.timeoutSeconds). */
const FUNCTION_TIMEOUT_MS = 10_000;

/** A Lambda context as the Node.js runtime passes it. */
export function lambdaContext(functionName: string, timeoutMs = FUNCTION_TIMEOUT_MS): Context {
  const deadline = Date.now() + timeoutMs;
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:123456789012:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An HTTP answer, whatever produced it. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/**
 * A handler's result as API Gateway turns it into a response (payload format 2.0): an object with a statusCode
 * is used as is (headers, cookies, body, isBase64Encoded); anything else is a 200 whose JSON body is the value.
 */
export function fromLambdaResult(result: unknown): HttpAnswer {
  if (result !== null && typeof result === 'object' && 'statusCode' in result) {
    const r = result as { statusCode: unknown; headers?: Record<string, unknown>; cookies?: unknown; body?: unknown; isBase64Encoded?: unknown };
    const status = Number(r.statusCode);
    if (!Number.isInteger(status) || status < 100 || status > 599) return lambdaFailure();
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(r.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    if (Array.isArray(r.cookies) && r.cookies.length) headers['set-cookie'] = r.cookies.map(String);
    const text = typeof r.body === 'string' ? r.body : r.body === undefined || r.body === null ? '' : JSON.stringify(r.body);
    return { status, headers, body: r.isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
  }
  const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
  return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body, 'utf8') };
}

/** What API Gateway answers when the function fails (throws, times out, returns garbage). */
export function lambdaFailure(): HttpAnswer {
  return { status: 500, headers: { 'content-type': 'application/json' }, body: Buffer.from('{"message":"Internal Server Error"}') };
}

export function writeAnswer(res: ServerResponse, answer: HttpAnswer, extraHeaders: Record<string, string> = {}): void {
  const headers: Record<string, string | string[]> = { ...answer.headers, ...extraHeaders };
  // 204 and 304 never carry a body; the answer to HEAD has none and says nothing of the length of GET's.
  const bodiless = answer.status === 204 || answer.status === 304 || res.req?.method === 'HEAD';
  const body = bodiless ? Buffer.alloc(0) : answer.body;
  if (!bodiless) headers['content-length'] = String(body.length);
  else delete headers['content-length'];
  res.writeHead(answer.status, headers);
  res.end(body);
}
