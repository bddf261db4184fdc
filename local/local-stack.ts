// The whole API on one machine: DynamoDB Local with the table the CDK stack defines, the dev token issuer, and an
// HTTP server that serves every operation of the spec through the real handler modules, as API Gateway's HTTP API
// and Lambda would. Table-driven: an operation added to the spec (and `npm run generate`) is served at the next start, with no change here.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, relative, resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { handlerEntry, type HandlerName } from '../lib/bundling.js';
import { ROUTES, type Route } from '../schemas/generated/operations.js';
import { ApiError } from '../src/errors/api-error.js';
import { errorResult } from '../src/http/responses.js';
import { ensureTable } from './create-table.js';
import { DEV_PLATFORM_CLAIM, loadOrCreateDevIssuer, type DevIssuer } from './dev-issuer.js';
import { corsFrom, type Cors } from './cors.js';
import { createDocs } from './docs.js';
import { JAVA_MISSING_MESSAGE, freePort, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.js';
import { friendsRequestHandler, type FriendsRequestHandler } from './friends-service.js';
import { ensureFriendsTable } from './friends-table.js';
import {
  fromLambdaResult,
  lambdaContext,
  lambdaFailure,
  newRequestId,
  splitTarget,
  toHttpApiEvent,
  writeAnswer,
  type HttpAnswer,
} from './http-gateway.js';
import { RouteTable } from './route-table.js';
import { CHECKOUT_ROOT, keysDirFor, localDir, removeStackState, writeStackState, type StackState } from './stack-state.js';

const TABLE_NAME = 'sessions-local';
const FRIENDS_TABLE_NAME = 'friends-local';
/** The default templates file, relative to the checkout. */
const DEFAULT_TEMPLATES_FILE = 'config/session-templates.json';
/** A session every start makes sure exists, so that a join can be tried at once (see seedDemoSession). */
export const DEMO_SESSION_ID = 'demo-lobby';
/** API Gateway's HTTP API refuses larger payloads. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

/** A start failure a person can fix: its message is one line that names the fix. */
export class LocalStackError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalStackError';
  }
}

export interface LocalStackOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** Keeps DynamoDB's data and the dev keys here; in memory (keys in the checkout's .local/keys) when absent. */
  dataDir?: string;
  /** Read for SESSION_TEMPLATES_FILE and LOG_LEVEL; the handlers' settings are then written to process.env. */
  env?: NodeJS.ProcessEnv;
  /** One line per request. */
  log?: (line: string) => void;
  /** Problems while serving (a handler that threw). */
  warn?: (line: string) => void;
  root?: string;
}

export interface LocalStack {
  baseUrl: string;
  port: number;
  dynamoDb: DynamoDbLocal;
  issuer: DevIssuer;
  templates: TemplatesInfo;
  routes: readonly Route[];
  stateFile: string;
  /** Stops the server, DynamoDB Local (Java's whole process group) and forgets the state file. Idempotent. */
  stop(): Promise<void>;
}

export interface TemplatesInfo {
  /** Absolute path handed to the handlers as SESSION_TEMPLATES_FILE. */
  file: string;
  /** How many templates it lists, when it is a JSON array. */
  count?: number;
}

type LambdaHandler = (event: unknown, context: unknown, options?: unknown) => Promise<unknown>;

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const root = opts.root ?? CHECKOUT_ROOT;
  const env = opts.env ?? process.env;
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.log(line));
  const warn = opts.warn ?? ((line: string) => console.error(line));
  const dataDir = opts.dataDir === undefined ? undefined : resolve(opts.dataDir);

  // What needs no process comes first; the templates file is judged when the handlers load, still before any Java.
  const templates = await resolveTemplatesFile(env.SESSION_TEMPLATES_FILE, root);
  let cors: Cors;
  try {
    cors = corsFrom(env.CORS_ALLOWED_ORIGINS);
  } catch (error) {
    throw new LocalStackError((error as Error).message);
  }
  const sweepEveryMs = cullSweepIntervalMs(env);
  const table = new RouteTable(ROUTES);
  const docs = createDocs(join(root, 'schemas', 'openapi.yaml'));
  const issuer = await loadOrCreateDevIssuer(keysDirFor(dataDir, root));

  const handlers = new Map<HandlerName, LambdaHandler>();
  let ready: (() => void) | undefined;
  const readyGate = new Promise<void>((r) => (ready = r));
  const inFlight = new AbortController();
  let friends: FriendsRequestHandler | undefined;

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const started = process.hrtime.bigint();
    const method = (req.method ?? 'GET').toUpperCase();
    const { rawPath } = splitTarget(req.url ?? '/');
    let status = 0;
    try {
      await readyGate; // a request that arrives while the stack starts waits for it
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      const origin = req.headers.origin;
      const headers: Record<string, string> = cors.headers(origin);
      let answer: HttpAnswer;
      if (method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
        const preflight = cors.preflight(origin);
        answer = { status: preflight.status, headers: preflight.headers, body: Buffer.alloc(0) };
      } else if (body === undefined) {
        answer = fromLambdaResult(errorResult(new ApiError('payload_too_large')));
      } else if (rawPath === '/.well-known/jwks.json' && (method === 'GET' || method === 'HEAD')) {
        answer = { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify(issuer.jwks)) };
      } else if (rawPath === '/' && (method === 'GET' || method === 'HEAD')) {
        answer = { status: 302, headers: { location: '/docs' }, body: Buffer.alloc(0) };
      } else {
        // One API host, as RallyHere serves /session and /friends side by side.
        answer =
          (await friends!(method, rawPath, req.headers, body)) ??
          (await docs.answer(method, rawPath, req.headers.host)) ??
          (await invokeRoute(req, method, body, headers));
      }
      writeAnswer(res, answer, headers);
      status = answer.status;
    } catch (error) {
      warn(`local stack: ${method} ${rawPath} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) writeAnswer(res, lambdaFailure());
      else res.destroy();
      status = 500;
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${method} ${rawPath} ${status} ${ms.toFixed(0)} ms`);
    }
  };

  const invokeRoute = async (req: IncomingMessage, method: string, body: Buffer, headers: Record<string, string>): Promise<HttpAnswer> => {
    const raw = {
      method,
      url: req.url ?? '/',
      rawHeaders: req.rawHeaders,
      body,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      httpVersion: req.httpVersion,
    };
    const match = table.match(method, splitTarget(raw.url).rawPath);
    if (match.kind !== 'route') {
      headers['apigw-requestid'] = newRequestId();
      return fromLambdaResult(match.result);
    }
    const event = toHttpApiEvent(raw, match);
    headers['apigw-requestid'] = event.requestContext.requestId;
    const handler = handlers.get(match.route.handler)!;
    try {
      return fromLambdaResult(await handler(event, lambdaContext(`rh-session-local-${match.route.handler}`), { signal: inFlight.signal }));
    } catch (error) {
      // Lambda logs the error and API Gateway answers a bare 500; the same here.
      warn(`${match.route.handler} threw: ${(error as Error).stack ?? String(error)}`);
      return lambdaFailure();
    }
  };

  const server = createServer((req, res) => void serve(req, res));
  server.keepAliveTimeout = 5_000;
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => answerClientError(error, socket));
  const port = await listen(server, opts.port, host);
  const baseUrl = `http://${host}:${port}`;

  let dynamoDb: DynamoDbLocal | undefined;
  let stateFile: string | undefined;
  let stopping: Promise<void> | undefined;
  const sweep: { running?: { stop: () => Promise<void> } } = {};
  const stop = () =>
    (stopping ??= (async () => {
      await sweep.running?.stop();
      inFlight.abort();
      await closeServer(server);
      await dynamoDb?.stop();
      await removeStackState(process.pid, root);
    })());

  try {
    // The handlers read their settings when their modules load, exactly as in a Lambda container. DynamoDB Local's
    // port is picked first, so they load (and judge the templates file) before any Java is started.
    const handlerEnv: Record<string, string> = {
      SESSIONS_TABLE_NAME: TABLE_NAME,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      AWS_REGION: 'local',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      // DynamoDB Local answers far slower than DynamoDB under load; Lambda's fail-fast bounds would turn that into 503s.
      DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
      DYNAMODB_CONNECT_TIMEOUT_MS: '5000',
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: issuer.audience,
      AUTH_JWKS_FILE: issuer.jwksFile,
      AUTH_PLATFORM_CLAIM: DEV_PLATFORM_CLAIM,
      LOG_LEVEL: env.LOG_LEVEL?.trim() || 'warn',
      // Embedded-metric-format lines are for CloudWatch; locally they would only bury the request log.
      POWERTOOLS_METRICS_DISABLED: 'true',
      SESSION_TEMPLATES_FILE: templates.file,
      // Friends-only joins ask the friends service this stack serves itself; as with DynamoDB Local, under load it
      // answers slower than the deployed bound allows.
      FRIENDS_API_URL: baseUrl,
      FRIENDS_API_TIMEOUT_MS: '5000',
    };
    applyHandlerEnv(handlerEnv);
    await loadHandlers(root, handlers, templates);

    dynamoDb = await startJava(Number(new URL(handlerEnv.DYNAMODB_ENDPOINT!).port), dataDir);
    if (dynamoDb.endpoint !== handlerEnv.DYNAMODB_ENDPOINT) {
      // The port picked was taken before Java bound it: point the handlers' services at the one it got.
      handlerEnv.DYNAMODB_ENDPOINT = dynamoDb.endpoint;
      applyHandlerEnv(handlerEnv);
      (await import('../src/runtime/services.js')).resetServices();
    }
    const client = new DynamoDBClient({
      endpoint: dynamoDb.endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      await ensureTable(client, TABLE_NAME);
      await ensureFriendsTable(client, FRIENDS_TABLE_NAME);
    } finally {
      client.destroy();
    }
    friends = friendsRequestHandler({ endpoint: dynamoDb.endpoint, tableName: FRIENDS_TABLE_NAME });
    await seedDemoSession();

    stateFile = await writeStackState(
      {
        pid: process.pid,
        port,
        baseUrl,
        startedAt: new Date().toISOString(),
        ...(dataDir ? { dataDir } : {}),
        keysDir: issuer.dir,
        dynamoDb: { endpoint: dynamoDb.endpoint, port: dynamoDb.port, javaPid: dynamoDb.pid },
        tableName: TABLE_NAME,
        handlerEnv,
      } satisfies StackState,
      root,
    );
    await writeSamEnv(root, handlerEnv, baseUrl);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }

  sweep.running = await startCullSweep(root, sweepEveryMs, warn);
  ready!();
  return { baseUrl, port, dynamoDb, issuer, templates, routes: ROUTES, stateFile, stop };
}

/**
 * .local/sam-env.json: the `--env-vars` file for `sam local invoke --docker-network host` against this stack (see
 * docs/local-stack.md). SAM drops the names a template does not declare, so the keys come from a JWKS URL here, not a file.
 */
async function writeSamEnv(root: string, handlerEnv: Record<string, string>, baseUrl: string): Promise<void> {
  // Not passed: the key file (the container fetches the JWKS from this stack instead), the templates file (bundled
  // next to the handler) and AWS_* (SAM sets those itself).
  const skip = new Set(['AUTH_JWKS_FILE', 'SESSION_TEMPLATES_FILE', 'POWERTOOLS_METRICS_DISABLED']);
  const parameters: Record<string, string> = { AUTH_JWKS_URI: `${baseUrl}/.well-known/jwks.json` };
  for (const [name, value] of Object.entries(handlerEnv)) if (!skip.has(name) && !name.startsWith('AWS_')) parameters[name] = value;
  await mkdir(localDir(root), { recursive: true });
  await writeFile(join(localDir(root), 'sam-env.json'), `${JSON.stringify({ Parameters: parameters }, null, 2)}\n`);
}

/** DynamoDB Local on `port`, or on another free port when someone took that one first. */
async function startJava(port: number, dataDir: string | undefined): Promise<DynamoDbLocal> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDynamoDbLocal({ port, dataDir: dataDir && join(dataDir, 'dynamodb') });
    } catch (error) {
      const message = (error as Error).message;
      if (message === JAVA_MISSING_MESSAGE) throw new LocalStackError(JAVA_MISSING_MESSAGE);
      if (attempt >= 3 || !/already in use|BindException/i.test(message)) throw error;
      port = await freePort();
    }
  }
}

/** The handlers' environment, over whatever the shell had: a stray Cognito or AWS setting must not leak in. */
export function applyHandlerEnv(handlerEnv: Record<string, string>): void {
  for (const name of [
    'AWS_SESSION_TOKEN',
    'AUTH_COGNITO_USER_POOL_ID',
    'AUTH_COGNITO_CLIENT_IDS',
    'AUTH_TOKEN_USE',
    'AUTH_JWKS',
    'AUTH_JWKS_URI',
    'AUTH_PLAYER_CLAIM',
    'AUTH_GROUP_PERMISSIONS',
    'SESSION_TEMPLATES_FILE',
  ]) {
    delete process.env[name];
  }
  Object.assign(process.env, handlerEnv);
}

/**
 * Imports every handler module of the spec's operations, then asks the services they share whether the configuration and
 * the session templates are valid, through the same code a Lambda container runs. What the modules log meanwhile
 * is held back and dropped when the start fails, so a bad templates file is one line, not a JSON log line too.
 */
async function loadHandlers(root: string, handlers: Map<HandlerName, LambdaHandler>, templates: TemplatesInfo): Promise<void> {
  const held: [keyof typeof streams, unknown[]][] = [];
  const streams = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  for (const name of Object.keys(streams) as (keyof typeof streams)[]) console[name] = (...args: unknown[]) => void held.push([name, args]);
  try {
    for (const route of ROUTES) {
      if (handlers.has(route.handler)) continue;
      const entry = handlerEntry(root, route.handler);
      let mod: { handler?: unknown };
      try {
        mod = (await import(pathToFileURL(entry).href)) as { handler?: unknown };
      } catch (error) {
        throw new LocalStackError(
          `cannot load ${relative(root, entry)} for ${route.method} ${route.path}: ${firstLine(error)} (fix the handler, or its operation in schemas/openapi.yaml)`,
        );
      }
      if (typeof mod.handler !== 'function') {
        throw new LocalStackError(`${relative(root, entry)} exports no handler function: export const handler = ... as Lambda expects`);
      }
      handlers.set(route.handler, mod.handler as LambdaHandler);
    }
    // What a container reads at init (settings) and on first use (the session templates), read now.
    const [{ getServices }, { getTemplates }] = await Promise.all([import('../src/runtime/services.js'), import('../src/runtime/templates.js')]);
    try {
      getServices();
      await getTemplates();
    } catch (error) {
      const problems = firstLine(error).replace(/^configuration_invalid:\s*/, '');
      throw new LocalStackError(
        `the handlers' configuration is invalid: ${problems}. Fix ${templates.file}, or point SESSION_TEMPLATES_FILE at a valid file.`,
      );
    }
  } catch (error) {
    held.length = 0;
    throw error;
  } finally {
    Object.assign(console, streams);
    for (const [name, args] of held) streams[name](...args);
  }
}

/** CULL_SWEEP_INTERVAL_SECONDS: how often the local stack runs the culling sweep (default 3 s; AWS runs it every minute). */
function cullSweepIntervalMs(env: NodeJS.ProcessEnv): number {
  const setting = env.CULL_SWEEP_INTERVAL_SECONDS?.trim();
  const seconds = setting ? Number(setting) : 3;
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new LocalStackError(`CULL_SWEEP_INTERVAL_SECONDS must be a positive number of seconds, not "${setting}"`);
  return seconds * 1000;
}

/**
 * The culling sweep as AWS runs it from its schedule (handlers/cull-sweep.ts), every `intervalMs`, one run at a time,
 * each given the interval as its time (less the handler's own margin, so it stops in time).
 */
async function startCullSweep(root: string, intervalMs: number, warn: (line: string) => void): Promise<{ stop: () => Promise<void> }> {
  const { handler } = (await import(pathToFileURL(join(root, 'handlers', 'cull-sweep.ts')).href)) as {
    handler: (event: unknown, context: { getRemainingTimeInMillis: () => number }) => Promise<unknown>;
  };
  let running: Promise<unknown> | undefined;
  const context = { getRemainingTimeInMillis: () => intervalMs + 10_000 };
  const timer = setInterval(() => {
    if (running) return;
    const event = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date().toISOString(), detail: {} };
    running = handler(event, context)
      .catch((error: unknown) => warn(`cull-sweep failed: ${(error as Error).stack ?? String(error)}`))
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The demo session every start makes sure exists: the "try it" block and the sample events join it at once, with
 * nothing to create first. A --data stack that ran before already has it, and keeps it as it is.
 */
async function seedDemoSession(): Promise<void> {
  const [{ createDocumentClient }, { sessionCreation }, { tableOf }, { newSession }] = await Promise.all([
    import('../src/dynamodb/client.js'),
    import('../src/dynamodb/creation.js'),
    import('../src/dynamodb/table.js'),
    import('../src/sessions/model/new-session.js'),
  ]);
  const db = createDocumentClient({ region: process.env.AWS_REGION!, endpoint: process.env.DYNAMODB_ENDPOINT });
  try {
    const demo = newSession({ sessionId: DEMO_SESSION_ID, type: 'demo', teamSizes: [4, 4], joinable: true });
    await sessionCreation(tableOf(db, TABLE_NAME)).createSession(demo, [], new Date());
  } finally {
    db.destroy();
  }
}

/**
 * The templates file the handlers will read: SESSION_TEMPLATES_FILE (relative to the working directory) or the
 * checkout's default, made absolute so the handlers find it wherever the stack was started from. Not judged here:
 * the handlers' own loader does that when they load (see loadHandlers), with the offending entry and field.
 */
async function resolveTemplatesFile(setting: string | undefined, root: string): Promise<TemplatesInfo> {
  const file = setting?.trim() ? resolve(setting.trim()) : join(root, DEFAULT_TEMPLATES_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch {
    parsed = undefined;
  }
  return { file, ...(Array.isArray(parsed) ? { count: parsed.length } : {}) };
}

/**
 * A request Node's parser refuses before any route sees it. Headers past Node's limit (16 KiB) get a 431 in the
 * service's envelope, as every answer of the stack does; anything else the parser's own 400.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  if (error.code !== 'HPE_HEADER_OVERFLOW') return void socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  const { statusCode, headers = {}, body = '' } = errorResult(new ApiError('request_headers_too_large'));
  const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  socket.end(`HTTP/1.1 ${statusCode} Request Header Fields Too Large\r\n${head.join('')}\r\n${body}`);
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const next = port === 0 ? 3001 : port + 1;
      if (error.code === 'EADDRINUSE') {
        reject(
          new LocalStackError(`port ${port} is already in use: stop whatever listens on it, or start on another port, e.g. PORT=${next} npm start`),
        );
      } else if (error.code === 'EACCES') {
        reject(new LocalStackError(`not allowed to listen on port ${port}: use a port above 1023, e.g. PORT=3000 npm start`));
      } else {
        reject(error);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolvePort(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Stops accepting, lets requests in progress finish for a moment, then drops every connection. */
async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((r) => server.close(() => r()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), 1_000);
  await closed;
  clearTimeout(timer);
}

/** The request body, or undefined when it is larger than `max`. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max)
      tooLarge = true; // keep reading, so the client gets the answer instead of a reset
    else chunks.push(chunk);
  }
  return tooLarge ? undefined : Buffer.concat(chunks);
}

const firstLine = (error: unknown): string => String((error as Error)?.message ?? error).split('\n')[0] ?? '';
