// A RallyHere-Friends-compatible service for the local stack and the tests, so that friends-only joins meet a real
// service over HTTP: get, add and delete friend v2 (`/friends/v2/player/{player_uuid}/friend/{other_player_uuid}`),
// with upstream's FriendRelationship answers, ETags, statuses and error envelope, on DynamoDB Local. Tokens are
// verified by the session service's own authenticator, so the same dev and test tokens work for both.
//
// Permissions, as read from upstream's spec: GET needs friend:friend_list:read, PUT and DELETE
// friend:friend_list:write, and the caller must be {player_uuid}. Upstream names no "any player" variant for the
// friend list (unlike its referral operations, which list refer:*:any beside refer:*:self), so no permission lets
// one player read or change another's friends; `friend:*` or `*` only stand for the two permissions themselves, as
// the session service reads wildcards.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readAuthConfig } from '../src/auth/auth-config.js';
import { createAuthenticator, type Authenticator } from '../src/auth/authenticator.js';
import { requirePermission } from '../src/auth/permissions.js';
import { ApiError } from '../src/errors/api-error.js';
import { FriendsError, errorAnswer, jsonAnswer, validationAnswer, type ValidationProblem } from './friends-errors.js';
import { afterAdd, afterDelete, statusOf, type Pair } from './friends-relationships.js';
import { FriendsStore } from './friends-store.js';
import { ensureFriendsTable } from './friends-table.js';
import { writeAnswer, type HttpAnswer } from './http-gateway.js';

const READ_PERMISSION = 'friend:friend_list:read';
const WRITE_PERMISSION = 'friend:friend_list:write';
const RELATIONSHIP_PATH = /^\/friends\/v2\/player\/([^/]+)\/friend\/([^/]+)$/;
const ALLOWED_METHODS = 'DELETE, GET, HEAD, PUT';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Upstream's Notes.notes: 1..4000 characters. */
const NOTES_MAX_LENGTH = 4000;
const MAX_BODY_BYTES = 128 * 1024;

export interface FriendsServiceOptions {
  /** DynamoDB Local's endpoint. */
  endpoint: string;
  tableName: string;
}

export type FriendsRequestHandler = (method: string, rawPath: string, headers: IncomingHttpHeaders, body: Buffer) => Promise<HttpAnswer | undefined>;

/**
 * Answers the requests under `/friends/` (undefined for any other path), for a server that serves more than this.
 * Reads the AUTH_* settings from process.env now; throws when they are invalid.
 */
export function friendsRequestHandler(options: FriendsServiceOptions): FriendsRequestHandler {
  return openFriendsService(options).handle;
}

/** The service on a node:http server of its own, its table created when missing. */
export async function startFriendsService(options: FriendsServiceOptions & { port?: number }): Promise<{ baseUrl: string; stop(): Promise<void> }> {
  const admin = localClient(options.endpoint);
  try {
    await ensureFriendsTable(admin, options.tableName);
  } finally {
    admin.destroy();
  }
  const service = openFriendsService(options);
  const server = createServer((req, res) => void serve(service.handle, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  let stopping: Promise<void> | undefined;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    stop: () =>
      (stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        service.close();
      })()),
  };
}

function openFriendsService(options: FriendsServiceOptions): { handle: FriendsRequestHandler; close(): void } {
  const auth = readAuthConfig(process.env);
  if ('problems' in auth) throw new Error(`the friends service's auth settings are invalid: ${auth.problems.join(' ')}`);
  const authenticator = createAuthenticator(auth.config);
  const client = localClient(options.endpoint);
  const store = new FriendsStore(DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }), options.tableName);
  const handle: FriendsRequestHandler = async (method, rawPath, headers, body) => {
    if (!rawPath.startsWith('/friends/')) return undefined;
    try {
      return await answerRelationship({ store, authenticator }, method.toUpperCase(), rawPath, headers, body);
    } catch (error) {
      const answer = errorAnswer(error, error instanceof ApiError && error.code === 'method_not_allowed' ? { allow: ALLOWED_METHODS } : {});
      if (answer) return answer;
      throw error;
    }
  };
  return { handle, close: () => client.destroy() };
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // DynamoDB Local answers far slower than DynamoDB under load.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
  });

interface Deps {
  store: FriendsStore;
  authenticator: Authenticator;
}

async function answerRelationship(
  { store, authenticator }: Deps,
  method: string,
  rawPath: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<HttpAnswer> {
  const match = RELATIONSHIP_PATH.exec(rawPath);
  const rawParams = match && decodeAll(match[1]!, match[2]!);
  if (!rawParams) throw new ApiError('route_not_found');
  const reads = method === 'GET' || method === 'HEAD';
  if (!reads && method !== 'PUT' && method !== 'DELETE') throw new ApiError('method_not_allowed');

  const caller = await authenticator.authenticate(headers.authorization);
  requirePermission(caller, reads ? READ_PERMISSION : WRITE_PERMISSION);
  const invalid = (['player_uuid', 'other_player_uuid'] as const)
    .filter((name, i) => !UUID.test(rawParams[i]!))
    .map((name): ValidationProblem => ({ loc: ['path', name], msg: 'value is not a valid uuid', type: 'type_error.uuid' }));
  if (invalid.length) return validationAnswer(invalid);
  const [player, other] = rawParams.map((p) => p.toLowerCase()) as [string, string];
  if (caller.playerUuid !== player) throw new ApiError('insufficient_permissions', 'a player reads and changes only their own friends');

  if (reads) {
    const pair = await store.read(player, other);
    const status = statusOf(pair, player);
    if (!pair || !status) throw new FriendsError('relationship_not_found');
    const etag = etagOf(pair);
    if (matchesAny(headers['if-none-match'], etag)) return { status: 304, headers: { etag }, body: Buffer.alloc(0) };
    return jsonAnswer(200, relationship(pair, player, other), { etag });
  }

  if (method === 'PUT') {
    const notes = notesOf(body);
    if ('problems' in notes) return validationAnswer(notes.problems);
    if (player === other) throw new FriendsError('cannot_friend_self');
    const pair = await store.change(player, other, (current) => {
      requireIfMatch(headers['if-match'], current, player);
      return afterAdd(current, player, notes.notes);
    });
    // Adding always leaves the adder a relationship.
    return jsonAnswer(200, relationship(pair!, player, other), { etag: etagOf(pair!) });
  }

  await store.change(player, other, (current) => {
    requireIfMatch(headers['if-match'], current, player);
    return afterDelete(current, player);
  });
  return { status: 204, headers: {}, body: Buffer.alloc(0) };
}

/** Upstream's FriendRelationship, as `player` sees it. */
function relationship(pair: Pair, player: string, other: string) {
  const notes = pair.notes[player];
  return {
    friends_player_uuid: other,
    status: statusOf(pair, player)!,
    ...(notes === undefined ? {} : { notes }),
    last_modified_on: pair.lastModifiedOn,
  };
}

const etagOf = (pair: Pair) => `"${pair.revision}"`;

/** If-None-Match / If-Match lists, compared weakly (a W/ prefix is ignored); `*` matches any current state. */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

/** An If-Match the caller's current view does not satisfy refuses the write; without a view nothing matches. */
function requireIfMatch(header: string | undefined, pair: Pair | undefined, player: string): void {
  if (header === undefined) return;
  if (!pair || !statusOf(pair, player) || !matchesAny(header, etagOf(pair))) throw new FriendsError('relationship_precondition_failed');
}

/** PUT's optional body, upstream's Notes: `{ "notes": "<1..4000 characters>" }`; no body, or no notes, leaves them. */
function notesOf(body: Buffer): { notes: string | undefined } | { problems: ValidationProblem[] } {
  if (body.length > MAX_BODY_BYTES) throw new ApiError('payload_too_large');
  const text = body.toString('utf8');
  if (text.trim() === '') return { notes: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problems: [{ loc: ['body'], msg: 'the body is not valid JSON', type: 'value_error.jsondecode' }] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { problems: [{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }] };
  }
  const notes = (parsed as { notes?: unknown }).notes;
  if (notes === undefined || notes === null) return { notes: undefined };
  const loc = ['body', 'notes'];
  if (typeof notes !== 'string') return { problems: [{ loc, msg: 'str type expected', type: 'type_error.str' }] };
  if (notes.length < 1) return { problems: [{ loc, msg: 'ensure this value has at least 1 characters', type: 'value_error.any_str.min_length' }] };
  if (notes.length > NOTES_MAX_LENGTH) {
    return { problems: [{ loc, msg: `ensure this value has at most ${NOTES_MAX_LENGTH} characters`, type: 'value_error.any_str.max_length' }] };
  }
  return { notes };
}

/** Path parameters URL-decoded; undefined for malformed percent-encoding, which no route takes. */
function decodeAll(...parts: string[]): string[] | undefined {
  try {
    return parts.map((p) => decodeURIComponent(p));
  } catch {
    return undefined;
  }
}

async function serve(handle: FriendsRequestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const rawPath = (req.url ?? '/').split('?')[0]!;
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    // Read to the end, so the client gets the 413 rather than a reset; kept only up to what is refused.
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      size += chunk.length;
    }
    const answer = (await handle(method, rawPath, req.headers, Buffer.concat(chunks))) ?? errorAnswer(new ApiError('route_not_found'))!;
    writeAnswer(res, answer);
  } catch (error) {
    console.error(`friends service: ${method} ${rawPath} failed: ${(error as Error).stack ?? String(error)}`);
    if (res.headersSent) res.destroy();
    else writeAnswer(res, errorAnswer(new ApiError('internal_error'))!);
  }
}
