// The operation's store: the whole store Services provides in place of DynamoDB (the CPU benchmark, fault suites),
// else the parts the operation declared, built on the sessions table once per container. The provider comes from
// the handler (src/runtime/table.ts), so that a handler whose operation uses no table bundles no AWS SDK.
import type middy from '@middy/core';
import type { Services } from '../../runtime/services.js';
import type { SessionStore, ShortCodes } from '../../sessions/store.js';
import type { ApiEvent } from '../api-event.js';
import type { OperationContext } from './authenticate.js';

export interface StoreProvider<K extends keyof SessionStore> {
  /** The parts of the store the operation uses. */
  store(services: Services): Pick<SessionStore, K>;
  /** The short-code lookup on the same table, for a route with a session id (middleware/short-code.ts). */
  shortCodes(services: Services): ShortCodes;
}

export function provideStore<K extends keyof SessionStore>(
  provider: StoreProvider<K>,
): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext<unknown, K>> {
  return {
    before: ({ context }) => {
      context.store = provider.store(context.services);
    },
  };
}
