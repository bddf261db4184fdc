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

/** A transaction that updates the session item and puts/updates a player item, each under a condition. */
const TRANSACT_UPDATE_AND_PUT: readonly DynamoDbAction[] = ['UpdateItem', 'PutItem', 'ConditionCheckItem'];

export const ROUTES: readonly RouteSpec[] = [
  // join_session_by_id_self: one strongly consistent read (GetItem / BatchGetItem of session + player), one TransactWriteItems.
  { method: 'POST', path: '/session/v1/session/{session_id}/player/me', handler: 'join-session-self', dynamodb: ['BatchGetItem', 'GetItem', ...TRANSACT_UPDATE_AND_PUT] },
  // get_session_by_id: the session item, then its player items (one partition); UpdateItem extends the expiry.
  { method: 'GET', path: '/session/v1/session/{session_id}', handler: 'get-session', dynamodb: ['GetItem', 'Query', 'UpdateItem'] },
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
