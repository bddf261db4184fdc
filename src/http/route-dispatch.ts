// Several operations on one route, told apart by the suffix a path parameter ends with (`{player_uuid}:invite`):
// API Gateway routes on whole segments, so one function serves them all and hands each request to its operation's
// pipeline, which takes the suffix off (middleware/path-suffix.ts). A value with no operation's suffix goes to the
// route's operation without one, as upstream's router would (its validation then answers a malformed parameter).
import type { Context } from 'aws-lambda';
import type { OperationDefinition } from '../../schemas/generated/operations.js';
import type { ApiEvent } from './api-event.js';
import type { ApiHandler } from './operation.js';

export function routeBySuffix(
  served: readonly (readonly [OperationDefinition, ApiHandler])[],
): ApiHandler & { readonly operationIds: readonly string[] } {
  const plain = served.find(([op]) => !op.pathSuffix);
  const suffixed = served.filter(([op]) => op.pathSuffix);
  if (!plain || new Set(served.map(([op]) => `${op.method} ${op.path}`)).size !== 1)
    throw new Error('routeBySuffix: the operations of one route, one of them without a suffix');
  const route = (event: ApiEvent, context: Context) => {
    const pick = suffixed.find(([op]) => event.pathParameters?.[op.pathSuffix!.parameter]?.endsWith(op.pathSuffix!.suffix));
    return (pick ?? plain)[1](event, context);
  };
  return Object.assign(route, { operationId: plain[0].operationId, operationIds: served.map(([op]) => op.operationId) });
}
