// Operations whose contract path puts a literal after a parameter in one segment (`{session_id}:generate-short-code`)
// are routed on the whole segment, since API Gateway matches parameters segment by segment: the parameter must end
// with the literal, which is taken off; any other value is a path no operation has.
import type middy from '@middy/core';
import type { OperationDefinition } from '../../../schemas/generated/operations.js';
import { ApiError } from '../../errors/api-error.js';
import type { ApiEvent } from '../api-event.js';

export const pathSuffix = ({ parameter, suffix }: NonNullable<OperationDefinition['pathSuffix']>): middy.MiddlewareObj<ApiEvent> => ({
  before: ({ event }) => {
    const value = event.pathParameters?.[parameter];
    if (value === undefined || !value.endsWith(suffix)) throw new ApiError('route_not_found');
    event.pathParameters = { ...event.pathParameters, [parameter]: value.slice(0, -suffix.length) };
  },
});
