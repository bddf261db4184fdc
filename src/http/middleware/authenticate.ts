// Who is calling, from a verified JWT, and whether they hold one of the operation's permissions.
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { Caller } from '../../auth/authenticator.js';
import { requirePermission } from '../../auth/permissions.js';
import { ApiError } from '../../errors/api-error.js';
import { getServices, type Services } from '../../runtime/services.js';
import { headerOf, type ApiEvent } from '../api-event.js';

export interface OperationContext extends Context {
  services: Services;
  caller: Caller;
  input: { path: Record<string, unknown>; query: Record<string, unknown>; body: unknown };
}

export const authenticate = (permissions: readonly string[], playerOnly: boolean): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext> => ({
  before: async (request) => {
    const services = getServices();
    const caller = await services.authenticator.authenticate(headerOf(request.event, 'authorization'));
    if (playerOnly && !caller.isPlayer) throw new ApiError('auth_token_invalid_claim', 'a player operation needs a player token');
    requirePermission(caller, permissions);
    request.context.services = services;
    request.context.caller = caller;
  },
});
