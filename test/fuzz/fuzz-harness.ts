// Hostile input: what the fuzz suites share. The operations under test, what the contract
// (schemas/openapi.yaml) documents for each of them, generators of hostile bodies, headers and path parameters,
// and the check every answer must pass: a documented status in the documented shape, never a 5xx.
import { seatedPlayer } from '../support/fixtures.js';
import { newAdmin, newPlayer, type TestPlayer } from '../support/players.js';
import { createSession } from '../support/stores.js';
import { randomUUID } from 'node:crypto';
import { join as joinPath } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { componentValidator, loadSpec } from '../../scripts/openapi-schemas.js';
import { OPERATIONS as SPEC_OPERATIONS } from '../../schemas/generated/operations.js';
import { httpApiEvent, invoke, restApiEvent, type Answer } from '../support/api.js';
import { testDocumentClient, testTableName } from '../support/dynamodb.js';

// ---------------------------------------------------------------------------------------------------------------
// The operations and their contract
// ---------------------------------------------------------------------------------------------------------------

type Handler = (event: never, context: never) => Promise<unknown>;
const handlers = {
  join_session_by_id_self: (await import('../../handlers/join-session-self.js')).handler,
  leave_session_by_id_self: (await import('../../handlers/leave-session-self.js')).handler,
  get_session_by_id: (await import('../../handlers/get-session.js')).handler,
  update_session_by_id: (await import('../../handlers/update-session.js')).handler,
  update_session_player_by_uuid_v2: (await import('../../handlers/update-session-player.js')).handler,
  kick_player_from_session_by_uuid_v2: (await import('../../handlers/kick-player.js')).handler,
  create_or_join_session: (await import('../../handlers/create-or-join-session.js')).handler,
  generate_session_short_code: (await import('../../handlers/generate-session-short-code.js')).handler,
  update_session_player_by_uuid: (await import('../../handlers/update-session-player-by-uuid.js')).handler,
  kick_player_from_session_by_uuid: (await import('../../handlers/kick-player-by-uuid.js')).handler,
  swap_players_in_session: (await import('../../handlers/swap-players-in-session.js')).handler,
  delete_session: (await import('../../handlers/delete-session.js')).handler,
  get_player_in_session: (await import('../../handlers/get-player-in-session.js')).handler,
  get_players_in_session: (await import('../../handlers/get-players-in-session.js')).handler,
  get_player_sessions_by_uuid_v2: (await import('../../handlers/get-player-sessions-by-uuid.js')).handler,
  get_player_sessions_by_uuid: (await import('../../handlers/get-player-sessions-by-uuid-deprecated.js')).handler,
  get_player_permission_by_uuid: (await import('../../handlers/get-player-permission.js')).handler,
  give_player_permission_by_uuid: (await import('../../handlers/give-player-permission.js')).handler,
  remove_player_permission_by_uuid: (await import('../../handlers/remove-player-permission.js')).handler,
  update_player_by_uuid_v2: (await import('../../handlers/player-v2.js')).handler,
  invite_player_by_uuid_v2: (await import('../../handlers/player-v2.js')).handler,
  promote_player_by_uuid_v2: (await import('../../handlers/player-v2.js')).handler,
  move_player_by_uuid_v2: (await import('../../handlers/player-v2.js')).handler,
  invite_session_to_session: (await import('../../handlers/invite-session-to-session.js')).handler,
  kick_session_from_session: (await import('../../handlers/kick-session-from-session.js')).handler,
} satisfies Record<string, Handler>;

export type OperationId = keyof typeof handlers;

export interface Operation {
  id: OperationId;
  method: string;
  route: string;
  /** The path as the contract gives it (the route's, but where a parameter carries a suffix). */
  contractPath: string;
  pathSuffix?: { parameter: string; suffix: string };
  /** Whether the operation reads a body (the others get one anyway, sometimes). */
  hasBody: boolean;
  /** A body the contract accepts, to mutate. */
  validBody?: () => Record<string, unknown>;
}

const validJoin = () => ({
  client_version: '1.0.0',
  client_settings: { platform: 'Steam', input: 'gamepad' },
  team_id: 0,
  crossplay_preferences: { permitted_platform: 'desired_platforms_any', permitted_input: 'desired_inputs_any' },
  custom_data: { k: 'v' },
  password: 'a password',
  friend_uuid: '00000000-0000-4000-8000-000000000001',
});

/** The operations fuzzed, with their method and route from the spec and a body the contract accepts. */
const fuzzed = (id: OperationId, validBody?: () => Record<string, unknown>): Operation => {
  const op = SPEC_OPERATIONS.find((o) => o.operationId === id)!;
  return {
    id,
    method: op.method,
    route: op.path,
    contractPath: op.contractPath,
    ...('pathSuffix' in op ? { pathSuffix: op.pathSuffix } : {}),
    hasBody: validBody !== undefined,
    ...(validBody ? { validBody } : {}),
  };
};

export const FUZZED_OPERATIONS: Operation[] = [
  fuzzed('join_session_by_id_self', validJoin),
  fuzzed('leave_session_by_id_self'),
  fuzzed('get_session_by_id'),
  fuzzed('update_session_by_id', () => ({
    joinable: true,
    joinability: { open: true, friends: false },
    password: null,
    custom_data: { mode: 'x' },
    teams: [{ max_size: 4 }, { max_size: 4, custom_data: { a: 'b' } }],
  })),
  fuzzed('update_session_player_by_uuid_v2', () => ({ status: 'invited', team_id: 1, custom_data: { k: 'v' }, overflow_action: 'allow_overflow' })),
  fuzzed('kick_player_from_session_by_uuid_v2'),
  fuzzed('create_or_join_session', () => ({
    session_type: 'duel',
    client_version: '1.0.0',
    client_settings: { platform: 'Steam', input: 'gamepad' },
    player: validJoin(),
  })),
  fuzzed('generate_session_short_code'),
  fuzzed('update_session_player_by_uuid', () => ({ team_id: 1, custom_data: { k: 'v' } })),
  fuzzed('kick_player_from_session_by_uuid'),
  fuzzed('swap_players_in_session', () => ({ players: ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'] })),
  fuzzed('delete_session'),
  fuzzed('get_player_in_session'),
  fuzzed('get_players_in_session'),
  fuzzed('get_player_sessions_by_uuid_v2'),
  fuzzed('get_player_sessions_by_uuid'),
  fuzzed('get_player_permission_by_uuid'),
  fuzzed('give_player_permission_by_uuid'),
  fuzzed('remove_player_permission_by_uuid'),
  fuzzed('update_player_by_uuid_v2', () => ({ custom_data: { k: 'v' } })),
  fuzzed('invite_player_by_uuid_v2', () => ({ team_id: 1, overflow_action: 'allow_overflow', custom_data: { k: 'v' } })),
  fuzzed('promote_player_by_uuid_v2'),
  fuzzed('move_player_by_uuid_v2', () => ({ team_id: 1 })),
  fuzzed('invite_session_to_session', () => ({ team_id: 0, overflow_action: 'partial_with_overflow', custom_data: { k: 'v' } })),
  fuzzed('kick_session_from_session'),
];
export const operation = (id: OperationId) => FUZZED_OPERATIONS.find((o) => o.id === id)!;

interface SpecResponse {
  $ref?: string;
  'x-error-codes'?: string[];
  content?: Record<string, { schema?: { $ref?: string } }>;
}
const spec = await loadSpec(joinPath(process.cwd(), 'schemas', 'openapi.yaml'));
const isError = componentValidator(spec, 'HzApiErrorModel');
const isValidationError = componentValidator(spec, 'HTTPValidationError');
const schemaValidators = new Map<string, ReturnType<typeof componentValidator>>();
const validatorFor = (ref: string) => {
  const name = ref.replace('#/components/schemas/', '');
  if (!schemaValidators.has(name)) schemaValidators.set(name, componentValidator(spec, name));
  return schemaValidators.get(name)!;
};

/** Status → the error codes documented for it (undefined: a success or a 422, which has no codes). */
function documented(op: Operation): Map<number, { codes?: string[]; schema?: string }> {
  const raw = (spec.paths[op.contractPath] as unknown as Record<string, { responses: Record<string, SpecResponse> }>)[op.method.toLowerCase()]!
    .responses;
  return new Map(
    Object.entries(raw).map(([status, r]) => [Number(status), { codes: r['x-error-codes'], schema: r.content?.['application/json']?.schema?.$ref }]),
  );
}

/** Every answer: a status the contract documents for the operation, in the documented shape; never a 5xx. */
export function problemWith(op: Operation, a: Answer): string | undefined {
  const docs = documented(op);
  const doc = docs.get(a.status);
  const where = `${op.id} answered ${a.status} ${a.raw?.slice(0, 300) ?? ''}`;
  if (a.status >= 500) return `${where}: a 5xx`;
  if (!doc) return `${where}: a status the contract does not document for ${op.id} (documented: ${[...docs.keys()].join(', ')})`;
  if (a.status === 422) return isValidationError(a.body) && a.body.detail.length > 0 ? undefined : `${where}: not an HTTPValidationError`;
  if (a.status >= 400) {
    if (!isError(a.body)) return `${where}: not an HzApiErrorModel`;
    if (Object.keys(a.body).sort().join() !== 'auth_success,desc,error_code') return `${where}: more than the HzApiErrorModel's fields`;
    if (doc.codes && !doc.codes.includes(a.body.error_code)) return `${where}: code ${a.body.error_code} is not documented under ${a.status}`;
    if ((a.status === 409 || a.status === 503) && !a.headers['retry-after']) return `${where}: no Retry-After`;
    return undefined;
  }
  if (a.status === 204 || a.status === 304) return a.raw ? `${where}: a body on a ${a.status}` : undefined;
  if (doc.schema && !validatorFor(doc.schema)(a.body)) return `${where}: not a ${doc.schema}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

export interface FuzzRequest {
  op: Operation;
  format: 'http' | 'rest';
  sessionId: string;
  playerUuid: string;
  /** The session permission of a permission route's path. */
  permission: string;
  /** The other session of a party route's path (invited_session_id, kicked_session_id). */
  otherSessionId: string;
  /** The raw body text (already JSON or not), or none. */
  body?: string;
  isBase64Encoded?: boolean;
  headers: Record<string, string>;
  /** Query parameters as name-value pairs (a name may repeat). */
  query?: [string, string][];
  /** The player the token names, when the token is valid. */
  caller?: string;
  /** A description of what the case tries, for the failure message. */
  label: string;
}

/** A path parameter as API Gateway delivers it: decoded UTF-8, so a lone surrogate arrives as U+FFFD. */
const delivered = (s: string) => (s as string & { toWellFormed(): string }).toWellFormed();

function toEvent(r: FuzzRequest): APIGatewayProxyEventV2 | APIGatewayProxyEvent {
  const pathParameters: Record<string, string> = {};
  if (r.op.route.includes('{session_id}')) pathParameters.session_id = delivered(r.sessionId);
  if (r.op.route.includes('{player_uuid}')) pathParameters.player_uuid = delivered(r.playerUuid);
  if (r.op.route.includes('{permission}')) pathParameters.permission = delivered(r.permission);
  for (const other of ['invited_session_id', 'kicked_session_id'])
    if (r.op.route.includes(`{${other}}`)) pathParameters[other] = delivered(r.otherSessionId);
  const suffix = r.op.pathSuffix;
  if (suffix) pathParameters[suffix.parameter] += suffix.suffix;
  const spec = { method: r.op.method, route: r.op.route, pathParameters, headers: r.headers, body: r.body, query: r.query };
  const event = r.format === 'http' ? httpApiEvent(spec) : restApiEvent(spec);
  if (r.isBase64Encoded) event.isBase64Encoded = true;
  return event;
}

export function send(r: FuzzRequest): Promise<Answer> {
  return invoke(handlers[r.op.id] as never, toEvent(r));
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

/** Keys that reach for an object's prototype, or that JavaScript objects already have. */
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

/** Numbers at the edges, as JSON text (some have no exact double). */
const EDGE_NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '0.0',
  '1.0',
  '1e0',
  '0.5',
  '-0.5',
  '1e-400',
  '1e308',
  '-1e308',
  '1e309',
  '49',
  '50',
  '51',
  '99',
  '100',
  '101',
  '128',
  '129',
  '2147483647',
  '2147483648',
  '-2147483649',
  '4294967296',
  '9007199254740991',
  '9007199254740992',
  '9007199254740993',
  '-9007199254740993',
  '123456789012345678901234567890',
  '1E2',
  '1e+2',
  '0.1e1',
  '5e-324',
  '2.2250738585072014e-308',
];

const str = (s: string) => JSON.stringify(s);

/** Strings that break things: empty, long around the bounds, unicode of every kind, control characters, delimiters. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\t\n\r',
    '"',
    '\\',
    '#',
    'S#',
    'P#',
    '#SESSION',
    'OPEN#lobby',
    '%00',
    '%2F',
    '../..',
    '${x}',
    '{{x}}',
    "'; DROP TABLE",
    '<script>',
  ),
  fc.constantFrom(128, 129, 4096, 4097, 10_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(4096, 4097).map((n) => '😀'.repeat(n)),
  fc.constantFrom('\ud800', '\udfff', 'a\ud800b', '\ufeff', '\u202e', '\u200b', 'ﷺ', 'Z̴̨̯͎̝͖̗͗͋̌͌͛a̷̰̥͇̋̾l̶̡͖̗̆g̵͎̽o'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ maxLength: 20 }),
);

/** Any JSON value, as text, including what JSON.stringify cannot produce: duplicate keys, prototype keys, edge numbers. */
const jsonText: fc.Memo<string> = fc.memo((depth) => {
  const leaf = fc.oneof(fc.constantFrom(...EDGE_NUMBERS), fc.constantFrom('true', 'false', 'null'), hostileString.map(str));
  if (depth <= 1) return leaf;
  const key = fc.oneof(
    fc.constantFrom(...PROTO_KEYS),
    hostileString,
    fc.constantFrom('client_version', 'team_id', 'status', 'custom_data', 'client_settings', 'max_size'),
  );
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(jsonText(depth - 1), { maxLength: 4 }).map((items) => `[${items.join(',')}]`) },
    {
      weight: 2,
      arbitrary: fc.array(fc.tuple(key, jsonText(depth - 1)), { maxLength: 5 }).map((kv) => `{${kv.map(([k, v]) => `${str(k)}:${v}`).join(',')}}`),
    },
  );
});

/** Nesting deep enough to break a recursive reader: arrays, objects, or both, inside a field or alone. */
const deepText: fc.Arbitrary<string> = fc
  .record({ depth: fc.constantFrom(64, 1000, 10_000, 40_000), kind: fc.constantFrom('array', 'object', 'mixed') })
  .map(({ depth, kind }) => {
    if (kind === 'array') return '['.repeat(depth) + ']'.repeat(depth);
    if (kind === 'object') return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    return '[{"a":'.repeat(depth / 2) + '0' + '}]'.repeat(depth / 2);
  });

function setAt(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(obj)) as Record<string, unknown>;
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) {
    if (!Object.hasOwn(at, k) || typeof at[k] !== 'object' || at[k] === null)
      Object.defineProperty(at, k, { value: {}, enumerable: true, writable: true, configurable: true });
    at = at[k] as Record<string, unknown>;
  }
  // defineProperty, so that "__proto__" becomes a key of the JSON text rather than the object's prototype.
  Object.defineProperty(at, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** A valid body's JSON text with one field replaced by raw JSON text (any value, deep, huge, prototype keys). */
function mutated(op: Operation): fc.Arbitrary<{ text: string; label: string }> {
  const valid = op.validBody!();
  const paths: string[][] = [];
  const walk = (o: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      paths.push([...prefix, k]);
      if (v && typeof v === 'object' && !Array.isArray(v)) walk(v as Record<string, unknown>, [...prefix, k]);
    }
  };
  walk(valid, []);
  for (const extra of [
    ['custom_data', '__proto__'],
    ['custom_data', 'constructor'],
    ['__proto__'],
    ['constructor'],
    ['client_settings', '__proto__'],
    ['custom_data', 'x'],
  ])
    paths.push(extra);
  const marker = '"@@FUZZ@@"';
  return fc
    .record({ path: fc.constantFrom(...paths), value: fc.oneof({ weight: 4, arbitrary: jsonText(3) }, { weight: 1, arbitrary: deepText }) })
    .map(({ path, value }) => ({
      text: JSON.stringify(setAt(valid, path, '@@FUZZ@@')).replace(marker, value),
      label: `${path.join('.')} := ${value.length > 80 ? `${value.slice(0, 80)}... (${value.length} chars)` : value}`,
    }));
}

/** The same key twice in one object, as raw text: which one wins must not matter to the outcome's validity. */
function duplicated(op: Operation): fc.Arbitrary<{ text: string; label: string }> {
  const valid = op.validBody!();
  const keys = Object.keys(valid);
  return fc.record({ key: fc.constantFrom(...keys), value: jsonText(2), first: fc.boolean() }).map(({ key, value, first }) => {
    const body = JSON.stringify(valid).slice(1, -1);
    const dup = `${str(key)}:${value}`;
    return { text: first ? `{${dup},${body}}` : `{${body},${dup}}`, label: `duplicate ${key} = ${value.slice(0, 60)} (${first ? 'first' : 'last'})` };
  });
}

/** Bodies that are not what the operation reads at all. */
const strangeBody: fc.Arbitrary<{ text?: string; label: string }> = fc.oneof(
  fc.constantFrom<{ text?: string; label: string }>(
    { text: undefined, label: 'no body' },
    { text: '', label: 'empty body' },
    { text: 'null', label: 'null' },
    { text: '[]', label: 'an array' },
    { text: '"x"', label: 'a string' },
    { text: '{', label: 'truncated JSON' },
    { text: '{"a":1,}', label: 'a trailing comma' },
    { text: '\ufeff{}', label: 'a byte-order mark' },
    { text: '{/*c*/}', label: 'a comment' },
    { text: "{'a':1}", label: 'single quotes' },
    { text: '{"a":NaN}', label: 'NaN' },
    { text: '{"a":Infinity}', label: 'Infinity' },
  ),
  jsonText(4).map((text) => ({ text, label: `any JSON: ${text.slice(0, 80)}` })),
  deepText.map((text) => ({ text, label: `nesting ${text.slice(0, 12)}... (${text.length} chars)` })),
  fc
    .constantFrom(128 * 1024 - 16, 128 * 1024 + 1, 200_000, 1_000_000)
    .map((n) => ({ text: `{"custom_data":{"k":"${'x'.repeat(n)}"}}`, label: `a body of about ${n} bytes` })),
  fc
    .constantFrom(40_000, 70_000)
    .map((n) => ({ text: JSON.stringify({ custom_data: { k: '😀'.repeat(n) } }), label: `${n} emoji (${n * 4} bytes)` })),
  fc.string({ unit: 'binary', maxLength: 60 }).map((text) => ({ text, label: `text: ${JSON.stringify(text)}` })),
);

/** A valid body whose custom data (or another object) holds keys named after Object.prototype's, with valid values. */
function prototypeKeys(op: Operation): fc.Arbitrary<{ text: string; label: string }> {
  const valid = op.validBody!();
  const objects: string[][] = [[]];
  const walk = (o: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(o)) {
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        objects.push([...prefix, k]);
        walk(v as Record<string, unknown>, [...prefix, k]);
      }
    }
  };
  walk(valid, []);
  const inCustomData = objects.filter((p) => p[p.length - 1] === 'custom_data');
  return fc
    .record({
      at: fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...(inCustomData.length ? inCustomData : objects)) },
        { weight: 1, arbitrary: fc.constantFrom(...objects) },
      ),
      key: fc.constantFrom(...PROTO_KEYS),
      value: fc.constantFrom('x', 'polluted', '1'),
    })
    .map(({ at, key, value }) => ({
      text: JSON.stringify(setAt(valid, [...at, key], value)),
      label: `prototype key ${[...at, key].join('.')} = ${JSON.stringify(value)}`,
    }));
}

function bodyArb(op: Operation): fc.Arbitrary<{ text?: string; label: string }> {
  if (!op.validBody) return strangeBody;
  return fc.oneof(
    { weight: 4, arbitrary: mutated(op) },
    { weight: 1, arbitrary: prototypeKeys(op) },
    { weight: 1, arbitrary: duplicated(op) },
    { weight: 2, arbitrary: strangeBody },
    { weight: 1, arbitrary: fc.constant({ text: JSON.stringify(op.validBody()), label: 'the valid body' }) },
  );
}

export interface Identities {
  admin: TestPlayer;
  player: TestPlayer;
}

const authVariants = (ids: Identities): fc.Arbitrary<{ headers: Record<string, string>; label: string; caller?: string }> =>
  fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constant({ headers: { authorization: `Bearer ${ids.admin.token}` }, label: 'trusted caller', caller: ids.admin.uuid }),
    },
    { weight: 3, arbitrary: fc.constant({ headers: { authorization: `Bearer ${ids.player.token}` }, label: 'a player', caller: ids.player.uuid }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        { headers: { authorization: `Bearer ${ids.admin.token},Bearer ${ids.player.token}` }, label: 'two Authorization headers (joined)' } as {
          headers: Record<string, string>;
          label: string;
          caller?: string;
        },
        { headers: { authorization: `bearer ${ids.admin.token}` }, label: 'lower-case scheme', caller: ids.admin.uuid },
        { headers: { authorization: `Bearer  ${ids.admin.token}  ` }, label: 'extra spaces', caller: ids.admin.uuid },
        { headers: { authorization: `Bearer ${ids.admin.token}x` }, label: 'a corrupted signature' },
        { headers: { authorization: `Bearer ${'a'.repeat(20_000)}` }, label: 'a 20,000-character token' },
        { headers: { authorization: 'Bearer a.b.c' }, label: 'a.b.c' },
        { headers: { authorization: 'Bearer \u0000' }, label: 'a NUL token' },
        { headers: {}, label: 'no token' },
      ),
    },
  );

/** Headers beyond authorization: content types and encodings, huge and repeated values, conditional headers. */
const extraHeaders: fc.Arbitrary<{ headers: Record<string, string>; base64?: boolean; label: string }> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ headers: {}, label: 'plain' }) },
  fc
    .constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/xml',
      'application/vnd.api+json',
      'application/json, text/plain',
      '',
      'x'.repeat(10_000),
      'application/json\u0000',
    )
    .map((t) => ({ headers: { 'content-type': t }, label: `content-type ${t.slice(0, 40)}` })),
  fc
    .constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip, gzip', 'x'.repeat(1000))
    .map((e) => ({ headers: { 'content-encoding': e }, label: `content-encoding ${e.slice(0, 20)}` })),
  fc.constant({ headers: {}, base64: true, label: 'isBase64Encoded' }),
  fc
    .constantFrom(
      ['if-match', '*'],
      ['if-match', '"nope-1"'],
      ['if-match', 'W/"weak"'],
      ['if-match', '"a", "b", "c"'],
      ['if-match', ','.repeat(5000)],
      ['if-match', '"x"'.repeat(3000)],
      ['if-none-match', '*'],
      ['if-none-match', '"x"'],
      ['if-none-match', ', , ,'],
      ['if-none-match', 'W/'.repeat(4000)],
      ['x-huge', 'h'.repeat(64 * 1024)],
      ['x-amzn-trace-id', 'Root=\u0000'],
      ['accept-encoding', 'gzip'],
      ['host', 'evil.example'],
      ['content-length', '-1'],
      ['content-length', '99999999999'],
      ['transfer-encoding', 'chunked'],
    )
    .map(([k, v]) => ({ headers: { [k]: v }, label: `${k}: ${v.slice(0, 30)}${v.length > 30 ? `... (${v.length} chars)` : ''}` })),
);

/** Session ids that try to escape their partition or break the key layout: delimiters, encodings, every length. */
export const hostileSessionId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '#',
    '##',
    'S#',
    'P#',
    '#SESSION',
    'x#SESSION',
    'x#P#00000000-0000-0000-0000-000000000000',
    'S#x',
    'OPEN#lobby',
    'OPEN#lobby#TICKET',
    '#TICKET',
    '/',
    '//',
    '%2F',
    'a%2Fb',
    'a/b',
    '..',
    '../x',
    '%23',
    '?x=1',
    'a b',
    '\u0000',
    '\n',
    '\u00e9',
    'e\u0301',
    '😀',
    '\ud800',
    '\ufeff',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    // The shape of a short code: looked up as one, and answered as an unknown id when no session has it.
    'ABCDE',
    'zzzzzz',
    '0123456789AB',
    'CODE#ABCDE',
  ),
  fc.constantFrom(1, 127, 128, 129, 1000, 10_000).map((n) => 's'.repeat(n)),
  fc.constantFrom(128, 129).map((n) => '😀'.repeat(n)),
  fc.constantFrom(128, 129).map((n) => '#'.repeat(n)),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 140 }),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => `S#${s}`),
);

export const hostilePlayerUuid: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    'me',
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '#SESSION',
    'P#x',
    '{8c1f0c52-2d8e-4e2a-9ad4-0c0e0c0e0c0e}',
    'x'.repeat(10_000),
  ),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid(),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

export interface Target {
  sessionId: string;
  playerUuid: string;
}

/** A full request: an operation, an event format, a body, headers, and path parameters (the target's or hostile). */
/** The query parameters the operations read, with values pydantic takes and values it refuses; sometimes repeated. */
const queryArb: fc.Arbitrary<[string, string][]> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 2,
    arbitrary: fc.array(
      fc.tuple(
        fc.constantFrom('refresh_ttl', 'reason', 'REFRESH_TTL', 'other'),
        fc.oneof(
          fc.constantFrom('true', 'False', 'YES', 'off', '1', '0', 't', 'n', '', 'maybe', '2', 'truee', 'x'.repeat(129), '"gg"'),
          hostileString,
        ),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  },
);

export function requestArb(ops: readonly Operation[], ids: Identities, target: () => Target): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ops).chain((op) =>
    fc
      .record({
        format: fc.constantFrom('http' as const, 'rest' as const),
        body: op.hasBody
          ? bodyArb(op)
          : fc.oneof(
              { weight: 5, arbitrary: fc.constant({ text: undefined as string | undefined, label: 'no body' }) },
              { weight: 1, arbitrary: strangeBody },
            ),
        auth: authVariants(ids),
        extra: extraHeaders,
        sessionId: fc.option(hostileSessionId, { freq: 4 }),
        playerUuid: fc.option(hostilePlayerUuid, { freq: 3 }),
        permission: fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom('invite', 'kick', 'move') },
          { weight: 1, arbitrary: fc.oneof(fc.constantFrom('', 'KICK', 'admin', 'kick ', '%6Bick', '__proto__'), fc.string()) },
        ),
        otherSessionId: fc.option(hostileSessionId, { freq: 3 }),
        query: queryArb,
      })
      .map(({ format, body, auth, extra, sessionId, playerUuid, permission, otherSessionId, query }) => {
        const t = target();
        const text = body.text;
        const headers: Record<string, string> = { ...auth.headers, ...extra.headers };
        if (text !== undefined && !('content-type' in headers)) headers['content-type'] = 'application/json';
        return {
          op,
          format,
          sessionId: sessionId ?? t.sessionId,
          playerUuid: playerUuid ?? t.playerUuid,
          permission,
          otherSessionId: otherSessionId ?? t.sessionId,
          body: extra.base64 && text !== undefined ? Buffer.from(text).toString('base64') : text,
          isBase64Encoded: extra.base64,
          headers,
          query,
          caller: auth.caller,
          label: [
            op.id,
            format,
            body.label,
            query?.length ? `query ${JSON.stringify(query).slice(0, 80)}` : '',
            auth.label,
            extra.label,
            sessionId !== null ? `session_id ${JSON.stringify(sessionId).slice(0, 60)}` : '',
            playerUuid !== null ? `player_uuid ${JSON.stringify(playerUuid).slice(0, 60)}` : '',
            op.route.includes('{permission}') ? `permission ${JSON.stringify(permission).slice(0, 40)}` : '',
            otherSessionId !== null && op.route.includes('-session/') ? `other session ${JSON.stringify(otherSessionId).slice(0, 60)}` : '',
          ]
            .filter(Boolean)
            .join(' | '),
        } satisfies FuzzRequest;
      }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

/** Every item under a partition key, as stored. */
export async function partitionItems(pk: string, tableName = testTableName()): Promise<string> {
  const items: unknown[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await db().send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return JSON.stringify(items);
}
let client: ReturnType<typeof testDocumentClient> | undefined;
const db = () => (client ??= testDocumentClient());

/** The session the fuzz aims at: a leader, a member and an invited player on two teams of 4, joinable. */
export async function freshTarget(): Promise<Target & { leader: string }> {
  const [leader, member, invited] = [randomUUID(), randomUUID(), randomUUID()];
  const s = await createSession({ teamSizes: [4, 4], keepAliveOnEmpty: true }, [
    seatedPlayer(leader, { status: 'leader' }),
    seatedPlayer(member, { teamId: 1 }),
    seatedPlayer(invited, { status: 'invited', joined: undefined, clientVersion: undefined, clientSettings: undefined, crossplay: undefined }),
  ]);
  return { sessionId: s.sessionId, playerUuid: member, leader };
}

export function identities(): Identities {
  return {
    admin: newAdmin(),
    player: newPlayer(),
  };
}
