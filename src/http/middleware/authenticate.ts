// Who is calling, from a verified JWT; whether they hold one of the operation's permissions; and whether they act
// on anyone (an `any` permission) or as a player, on themselves or on the session they lead.
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { OperationDefinition } from '../../../schemas/generated/operations.js';
import type { Caller } from '../../auth/authenticator.js';
import { hasAnyPermission, requirePermission } from '../../auth/permissions.js';
import { ApiError } from '../../errors/api-error.js';
import { getServices, type Services } from '../../runtime/services.js';
import type { Actor } from '../../sessions/model/actor.js';
import type { SessionStore } from '../../sessions/store.js';
import { headerOf, type ApiEvent } from '../api-event.js';

export interface OperationContext<B = unknown, K extends keyof SessionStore = never> extends Context {
  services: Services;
  caller: Caller;
  actor: Actor;
  input: { path: Record<string, unknown>; query: Record<string, unknown>; body: B };
  /** The parts of the store the operation declared (src/http/operation.ts). */
  store: Pick<SessionStore, K>;
}

export const authenticate = <B>(operation: OperationDefinition): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext<B>> => {
  const required = [...operation.permissions.any, ...operation.permissions.self];
  return {
    before: async (request) => {
      const services = getServices();
      const caller = await services.authenticator.authenticate(headerOf(request.event, 'authorization'));
      if (operation.playerOnly && !caller.isPlayer) throw new ApiError('auth_token_invalid_claim', 'a player operation needs a player token');
      requirePermission(caller, required);
      request.context.services = services;
      request.context.caller = caller;
      request.context.actor = { playerUuid: caller.playerUuid, trusted: hasAnyPermission(caller, operation.permissions.any) };
    },
  };
};
