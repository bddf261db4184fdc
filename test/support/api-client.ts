// The service's API as the suites call it: every operation of the spec by its operationId, through the real
// handler that serves it, with the event API Gateway's HTTP API would send (or a REST API's, on request).
import { OPERATIONS, type Operation } from '../../schemas/generated/operations.js';
import { httpApiEvent, invoke, restApiEvent, type Answer } from './api.js';
import { joinBody } from './fixtures.js';

type OperationId = Operation['operationId'];
type Headers = Record<string, string>;
type Handler = Parameters<typeof invoke>[0];

export interface RequestOptions {
  headers?: Headers;
  /** Name-value pairs may repeat a name. */
  query?: Record<string, string> | [string, string][];
  /** The API Gateway payload: HTTP API (2.0, the default) or REST API (1.0). */
  format?: 'http' | 'rest';
  /** The invocation's Lambda timeout (default: the route functions' 10 s). */
  timeoutMs?: number;
}

/** Whoever sends the request: a player or a trusted caller with a token, or nobody. */
export interface Sender {
  auth: Headers;
}

const operation = (id: OperationId) => OPERATIONS.find((o) => o.operationId === id)!;

/** The route of an operation, as the spec gives it. */
const routeOf = (id: OperationId): string => operation(id).path;

const handlers = new Map<string, Promise<Handler>>();
/** One import at a time: jest's ESM loader loses a module two concurrent imports both wait for. */
let importing: Promise<unknown> = Promise.resolve();
/** The handler module of an operation, loaded when first called (after the environment is set, as in Lambda). */
export function handlerOf(id: OperationId): Promise<Handler> {
  const { handler } = operation(id);
  let loaded = handlers.get(handler);
  if (!loaded) {
    loaded = importing.then(() => import(`../../handlers/${handler}.js`)).then((m: { handler: Handler }) => m.handler);
    importing = loaded.catch(() => undefined);
    handlers.set(handler, loaded);
  }
  return loaded;
}

async function call(
  id: OperationId,
  sender: Sender | undefined,
  pathParameters: Record<string, string>,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<Answer> {
  const { method, path } = operation(id);
  const spec = { method, route: path, pathParameters, headers: { ...sender?.auth, ...opts.headers }, query: opts.query, body };
  const event = opts.format === 'rest' ? restApiEvent(spec) : httpApiEvent(spec);
  return invoke(await handlerOf(id), event, opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs });
}

export const api = {
  join: (p: Sender, sessionId: string, body: unknown = joinBody(), opts?: RequestOptions) =>
    call('join_session_by_id_self', p, { session_id: sessionId }, body, opts),
  leave: (p: Sender, sessionId: string, opts?: RequestOptions) => call('leave_session_by_id_self', p, { session_id: sessionId }, undefined, opts),
  get: (p: Sender, sessionId: string, opts?: RequestOptions) => call('get_session_by_id', p, { session_id: sessionId }, undefined, opts),
  patch: (p: Sender, sessionId: string, body: unknown, opts?: RequestOptions) =>
    call('update_session_by_id', p, { session_id: sessionId }, body, opts),
  setPlayer: (p: Sender, sessionId: string, target: string, body: unknown, opts?: RequestOptions) =>
    call('update_session_player_by_uuid_v2', p, { session_id: sessionId, player_uuid: target }, body, opts),
  kick: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) =>
    call('kick_player_from_session_by_uuid_v2', p, { session_id: sessionId, player_uuid: target }, undefined, opts),
  swap: (p: Sender, sessionId: string, players: unknown, opts?: RequestOptions) =>
    call('swap_players_in_session', p, { session_id: sessionId }, { players }, opts),
  /** The deprecated `/player/uuid/{player_uuid}` routes RallyHere's Unreal SDK calls. */
  setPlayerByUuid: (p: Sender, sessionId: string, target: string, body: unknown, opts?: RequestOptions) =>
    call('update_session_player_by_uuid', p, { session_id: sessionId, player_uuid: target }, body, opts),
  kickByUuid: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) =>
    call('kick_player_from_session_by_uuid', p, { session_id: sessionId, player_uuid: target }, undefined, opts),
  /** The route's session_id carries the `:generate-short-code` suffix, as the contract's path does. */
  shortCode: (p: Sender, sessionId: string, opts?: RequestOptions) =>
    call('generate_session_short_code', p, { session_id: `${sessionId}:generate-short-code` }, undefined, opts),
  /** The v2 player operations: one route, the operation named by the suffix of `player_uuid`, as the contract's path has it. */
  updatePlayerV2: (p: Sender, sessionId: string, target: string, body: unknown, opts?: RequestOptions) =>
    call('update_player_by_uuid_v2', p, { session_id: sessionId, player_uuid: target }, body, opts),
  invite: (p: Sender, sessionId: string, target: string, body: unknown = {}, opts?: RequestOptions) =>
    call('invite_player_by_uuid_v2', p, { session_id: sessionId, player_uuid: `${target}:invite` }, body, opts),
  promote: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) =>
    call('promote_player_by_uuid_v2', p, { session_id: sessionId, player_uuid: `${target}:promote` }, undefined, opts),
  move: (p: Sender, sessionId: string, target: string, body: unknown, opts?: RequestOptions) =>
    call('move_player_by_uuid_v2', p, { session_id: sessionId, player_uuid: `${target}:move` }, body, opts),
  givePermission: (p: Sender, sessionId: string, target: string, permission: string, opts?: RequestOptions) =>
    call('give_player_permission_by_uuid', p, { session_id: sessionId, player_uuid: target, permission }, undefined, opts),
  removePermission: (p: Sender, sessionId: string, target: string, permission: string, opts?: RequestOptions) =>
    call('remove_player_permission_by_uuid', p, { session_id: sessionId, player_uuid: target, permission }, undefined, opts),
  permissions: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) =>
    call('get_player_permission_by_uuid', p, { session_id: sessionId, player_uuid: target }, undefined, opts),
  /** A whole party: the route's invited_session_id carries the `:invite` suffix, as the contract's path does. */
  inviteSession: (p: Sender, sessionId: string, invited: string, body: unknown = {}, opts?: RequestOptions) =>
    call('invite_session_to_session', p, { session_id: sessionId, invited_session_id: `${invited}:invite` }, body, opts),
  kickSession: (p: Sender, sessionId: string, kicked: string, opts?: RequestOptions) =>
    call('kick_session_from_session', p, { session_id: sessionId, kicked_session_id: kicked }, undefined, opts),
  deleteSession: (p: Sender, sessionId: string, opts?: RequestOptions) => call('delete_session', p, { session_id: sessionId }, undefined, opts),
  player: (p: Sender, sessionId: string, target: string, opts?: RequestOptions) =>
    call('get_player_in_session', p, { session_id: sessionId, player_uuid: target }, undefined, opts),
  players: (p: Sender, sessionId: string, opts?: RequestOptions) => call('get_players_in_session', p, { session_id: sessionId }, undefined, opts),
  createOrJoin: (p: Sender, body: unknown, opts?: RequestOptions) => call('create_or_join_session', p, {}, body, opts),
  mine: (p: Sender, opts?: RequestOptions) => call('get_player_sessions_self', p, {}, undefined, opts),
  /** Another player's sessions; `deprecated` takes the `/player/uuid/{player_uuid}/session` route. */
  sessionsOf: (p: Sender, target: string, opts?: RequestOptions & { deprecated?: boolean }) =>
    call(opts?.deprecated ? 'get_player_sessions_by_uuid' : 'get_player_sessions_by_uuid_v2', p, { player_uuid: target }, undefined, opts),
  templates: (p: Sender, opts?: RequestOptions) => call('get_all_session_templates', p, {}, undefined, opts),
  template: (p: Sender, sessionType: string, opts?: RequestOptions) =>
    call('get_session_template_by_type', p, { session_type: sessionType }, undefined, opts),
};

/** The routes the suites build events for by hand. */
export const JOIN_ROUTE = routeOf('join_session_by_id_self');
export const GET_ROUTE = routeOf('get_session_by_id');
