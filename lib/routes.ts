// Every deployed operation, one line each: HTTP method, path (as the contract gives it), the handler under
// handlers/ that serves it, and the DynamoDB actions that handler performs. The stack builds one function per
// handler, one HTTP API route per line, and an IAM policy that allows exactly these actions on the sessions table.
import type { HandlerName } from './bundling.js';

/**
 * IAM actions on the sessions table. `TransactWriteItems` is not an IAM action: DynamoDB authorizes each item of
 * a transaction as its own `PutItem`, `UpdateItem`, `DeleteItem` or `ConditionCheckItem`, so list those.
 * `Query` and `Scan` are also granted on the table's indexes.
 */
export type DynamoDbAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchWriteItem';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteSpec {
  readonly method: RouteMethod;
  readonly path: string;
  readonly handler: HandlerName;
  readonly dynamodb: readonly DynamoDbAction[];
}

/**
 * A change of a session: one TransactWriteItems that updates the session item and puts or deletes player items
 * under conditions, and puts or deletes the session's entry in the open-session index (updating its count).
 */
const TRANSACT_CHANGE: readonly DynamoDbAction[] = ['UpdateItem', 'PutItem', 'DeleteItem', 'ConditionCheckItem'];
/** Reading a session and players for a change: one consistent BatchGetItem; GetItem to read the version back. */
const READ_FOR_CHANGE: readonly DynamoDbAction[] = ['BatchGetItem', 'GetItem'];

export const ROUTES: readonly RouteSpec[] = [
  // join_session_by_id_self: one strongly consistent read of session + player, one TransactWriteItems.
  { method: 'POST', path: '/session/v1/session/{session_id}/player/me', handler: 'join-session-self', dynamodb: [...READ_FOR_CHANGE, ...TRANSACT_CHANGE] },
  // leave_session_by_id_self: a leaving leader's successor is found by a Query of the session's players; the
  // players left in a deleted session (invited, reserved) are removed with BatchWriteItem.
  { method: 'DELETE', path: '/session/v1/session/{session_id}/player/me', handler: 'leave-session-self', dynamodb: [...READ_FOR_CHANGE, 'Query', 'BatchWriteItem', ...TRANSACT_CHANGE] },
  // get_session_by_id: the session item, then its player items (one partition); UpdateItem extends the expiry.
  { method: 'GET', path: '/session/v1/session/{session_id}', handler: 'get-session', dynamodb: ['GetItem', 'Query', 'UpdateItem'] },
  // update_session_by_id: the session item, then the session with its players for the answer.
  { method: 'PATCH', path: '/session/v1/session/{session_id}', handler: 'update-session', dynamodb: ['GetItem', 'Query', ...TRANSACT_CHANGE] },
  // update_session_player_by_uuid_v2: session, target and (for a promotion) the leader in one read.
  { method: 'POST', path: '/session/v1/session/{session_id}/player/{player_uuid}', handler: 'update-session-player', dynamodb: [...READ_FOR_CHANGE, ...TRANSACT_CHANGE] },
  // kick_player_from_session_by_uuid_v2: as leave.
  { method: 'DELETE', path: '/session/v1/session/{session_id}/player/{player_uuid}', handler: 'kick-player', dynamodb: [...READ_FOR_CHANGE, 'Query', 'BatchWriteItem', ...TRANSACT_CHANGE] },
  // create_or_join_session: the open-session index is a consistent Query of one partition; joins and creations
  // are transactions.
  { method: 'POST', path: '/session/v1/session', handler: 'create-or-join-session', dynamodb: [...READ_FOR_CHANGE, 'Query', ...TRANSACT_CHANGE] },
  // get_player_sessions_self: the player-sessions index (a Query of the GSI), then the sessions' items.
  { method: 'GET', path: '/session/v1/player/me/session', handler: 'get-player-sessions-self', dynamodb: ['Query', 'BatchGetItem'] },
  // get_all_session_templates, get_session_template_by_type: served from the templates file read at init; no DynamoDB.
  { method: 'GET', path: '/session/v1/template', handler: 'get-all-session-templates', dynamodb: [] },
  { method: 'GET', path: '/session/v1/template/{session_type}', handler: 'get-session-template-by-type', dynamodb: [] },
];

/** The DynamoDB actions of each handler: the union over the routes it serves, sorted. */
export function actionsByHandler(routes: readonly RouteSpec[] = ROUTES): Map<HandlerName, DynamoDbAction[]> {
  const out = new Map<HandlerName, Set<DynamoDbAction>>();
  for (const r of routes) {
    const set = out.get(r.handler) ?? new Set<DynamoDbAction>();
    r.dynamodb.forEach((a) => set.add(a));
    out.set(r.handler, set);
  }
  return new Map([...out].map(([h, s]) => [h, [...s].sort()]));
}
