// The operations table: what the spec says of each operation beyond its HTTP contract (x-handler, x-permissions,
// x-player-only, x-dynamodb-actions), checked and rendered as schemas/generated/operations.ts. The handlers, the
// CDK app, the local stack and the bundler read that module, so an operation is defined once, in the spec.
import type { OpenApiSpec } from './openapi-schemas.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * IAM actions on the sessions table. `TransactWriteItems` is not an IAM action: DynamoDB authorizes each item of
 * a transaction as its own `PutItem`, `UpdateItem`, `DeleteItem` or `ConditionCheckItem`, so those are listed.
 */
export const DYNAMODB_ACTIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'ConditionCheckItem',
  'BatchWriteItem',
] as const;

interface OperationExtensions {
  operationId: string;
  'x-handler'?: unknown;
  'x-permissions'?: { any?: unknown; self?: unknown };
  'x-player-only'?: unknown;
  'x-dynamodb-actions'?: unknown;
  'x-route'?: { path?: unknown; parameter?: unknown; suffix?: unknown };
}

export interface OperationRow {
  operationId: string;
  method: string;
  /** The route API Gateway serves it on (x-route's path where the contract's cannot be routed as it is). */
  path: string;
  /** The path as the contract gives it. */
  contractPath: string;
  /** The part of a path parameter the route cannot match: it must end with `suffix`, which is taken off. */
  pathSuffix?: { parameter: string; suffix: string };
  handler: string;
  permissions: { any: string[]; self: string[] };
  playerOnly: boolean;
  dynamodb: string[];
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** Every operation of the spec with its extensions, or the problems that keep the table from being generated. */
export function operationRows(spec: OpenApiSpec & { 'x-permission-catalog'?: Record<string, string> }): OperationRow[] {
  const catalog = spec['x-permission-catalog'] ?? {};
  const problems: string[] = [];
  const rows: OperationRow[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const op = (methods as Record<string, OperationExtensions | undefined>)[method];
      if (!op) continue;
      const where = `${method.toUpperCase()} ${path} (${op.operationId})`;
      const handler = op['x-handler'];
      if (typeof handler !== 'string' || !/^[a-z][a-z0-9-]*$/.test(handler))
        problems.push(`${where}: x-handler must name a file of handlers/ in kebab case`);
      const any = op['x-permissions']?.any ?? [];
      const self = op['x-permissions']?.self ?? [];
      if (!isStrings(any) || !isStrings(self) || any.length + self.length === 0) {
        problems.push(`${where}: x-permissions must list the permissions of the operation under any and self`);
      } else {
        for (const p of [...any, ...self]) if (!(p in catalog)) problems.push(`${where}: permission ${p} is not in x-permission-catalog`);
      }
      const dynamodb = op['x-dynamodb-actions'] ?? [];
      if (!isStrings(dynamodb) || dynamodb.some((a) => !(DYNAMODB_ACTIONS as readonly string[]).includes(a))) {
        problems.push(`${where}: x-dynamodb-actions must list actions of ${DYNAMODB_ACTIONS.join(', ')}`);
      }
      const route = op['x-route'];
      const routed =
        route && typeof route.path === 'string' && typeof route.parameter === 'string' && typeof route.suffix === 'string'
          ? { path: route.path, pathSuffix: { parameter: route.parameter, suffix: route.suffix } }
          : undefined;
      if (
        route &&
        (!routed || path !== routed.path.replace(`{${routed.pathSuffix.parameter}}`, `{${routed.pathSuffix.parameter}}${routed.pathSuffix.suffix}`))
      ) {
        problems.push(`${where}: x-route must give the path, parameter and suffix that make up the contract's path`);
      }
      rows.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: routed?.path ?? path,
        contractPath: path,
        ...(routed ? { pathSuffix: routed.pathSuffix } : {}),
        handler: String(handler),
        permissions: { any: isStrings(any) ? any : [], self: isStrings(self) ? self : [] },
        playerOnly: op['x-player-only'] === true,
        dynamodb: isStrings(dynamodb) ? [...dynamodb].sort() : [],
      });
    }
  }
  // One function per route: operations may share a handler only where they share a route (API Gateway routes on
  // whole segments, so `{player_uuid}:invite` and `{player_uuid}` are one route), told apart by their suffixes.
  for (const h of new Set(rows.map((r) => r.handler))) {
    const serving = rows.filter((r) => r.handler === h);
    if (new Set(serving.map(routeKeyOf)).size > 1) problems.push(`x-handler ${h} serves more than one route: one function per route`);
    const suffixes = serving.map((r) => r.pathSuffix?.suffix ?? '');
    if (new Set(suffixes).size < suffixes.length) problems.push(`x-handler ${h}: operations of one route must differ in their x-route suffix`);
  }
  for (const key of new Set(rows.map(routeKeyOf)))
    if (new Set(rows.filter((r) => routeKeyOf(r) === key).map((r) => r.handler)).size > 1)
      problems.push(`${key}: the operations of one route must name one x-handler`);
  if (problems.length) throw new Error(`schemas/openapi.yaml:\n  ${problems.join('\n  ')}`);
  return rows;
}

const routeKeyOf = (r: Pick<OperationRow, 'method' | 'path'>) => `${r.method} ${r.path}`;

/** The routes API Gateway serves: one per method and path, one function each, with what its operations need. */
export function routeRows(rows: readonly OperationRow[]) {
  return [...new Set(rows.map(routeKeyOf))].map((key) => {
    const serving = rows.filter((r) => routeKeyOf(r) === key);
    const first = serving[0]!;
    return {
      method: first.method,
      path: first.path,
      handler: first.handler,
      operations: serving.map((r) => r.operationId),
      dynamodb: [...new Set(serving.flatMap((r) => r.dynamodb))].sort(),
    };
  });
}

/** schemas/generated/operations.ts: one named constant per operation (so a bundle keeps only its own), and the table. */
export function renderOperations(
  spec: OpenApiSpec & { 'x-permission-catalog'?: Record<string, string>; 'x-game-client-permissions'?: unknown },
  banner: string,
): string {
  const rows = operationRows(spec);
  const catalog = spec['x-permission-catalog'] ?? {};
  const gameClient = spec['x-game-client-permissions'];
  if (!isStrings(gameClient) || gameClient.some((p) => !(p in catalog))) {
    throw new Error('schemas/openapi.yaml: x-game-client-permissions must list permissions of x-permission-catalog');
  }
  const lines = [
    banner,
    `export type DynamoDbAction = ${DYNAMODB_ACTIONS.map((a) => `'${a}'`).join(' | ')};`,
    '',
    'export interface OperationDefinition {',
    '  readonly operationId: string;',
    "  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';",
    '  /** The route API Gateway serves it on, with {parameters}. */',
    '  readonly path: string;',
    '  /** As the contract gives it. */',
    '  readonly contractPath: string;',
    '  /** A path parameter the route matches whole must end with `suffix`, which is taken off (x-route). */',
    '  readonly pathSuffix?: { readonly parameter: string; readonly suffix: string };',
    '  /** The file under handlers/ that serves it, its Lambda function and its bundle (dist/<handler>/). */',
    '  readonly handler: string;',
    '  /** any: act on anyone; self: act on oneself, or on the session one leads. The caller needs one of either. */',
    '  readonly permissions: { readonly any: readonly string[]; readonly self: readonly string[] };',
    '  /** The operation acts as the caller: a machine token (no player) cannot call it. */',
    '  readonly playerOnly: boolean;',
    "  /** The sessions table actions its function's role allows. */",
    '  readonly dynamodb: readonly DynamoDbAction[];',
    '}',
    '',
  ];
  for (const r of rows) lines.push(`export const ${r.operationId} = ${JSON.stringify(r, null, 2)} as const satisfies OperationDefinition;`, '');
  lines.push(
    '/** Every operation, in the order of the spec. */',
    `export const OPERATIONS = [${rows.map((r) => r.operationId).join(', ')}] as const;`,
    '',
    '/** One operation of the spec, with its literal types. */',
    'export type Operation = (typeof OPERATIONS)[number];',
    '',
    "export type HandlerName = Operation['handler'];",
    '',
    '/** A route API Gateway serves (a method and a path): one function, serving one or more operations told apart by suffix. */',
    'export interface Route {',
    "  readonly method: OperationDefinition['method'];",
    '  readonly path: string;',
    '  readonly handler: HandlerName;',
    "  readonly operations: readonly Operation['operationId'][];",
    "  /** The sessions table actions its function's role allows: what its operations need together. */",
    '  readonly dynamodb: readonly DynamoDbAction[];',
    '}',
    '',
    '/** Every route, in the order of the spec. */',
    `export const ROUTES: readonly Route[] = ${JSON.stringify(routeRows(rows), null, 2)};`,
    '',
    '/** Every permission, with what it grants (x-permission-catalog). */',
    `export const PERMISSIONS: Readonly<Record<string, string>> = ${JSON.stringify(catalog, null, 2)};`,
    '',
    "/** What a game client's token carries (x-game-client-permissions): the dev token's default, the Cognito players group. */",
    `export const GAME_CLIENT_PERMISSIONS = ${JSON.stringify(gameClient, null, 2)} as const;`,
    '',
  );
  return lines.join('\n');
}
