// The operation's store: the whole store Services provides in place of DynamoDB (the CPU benchmark, fault suites),
// else the parts the operation declared, built on the sessions table once per container.
import type middy from '@middy/core';
import type { Table } from '../../dynamodb/table.js';
import type { Services } from '../../runtime/services.js';
import type { SessionStore } from '../../sessions/store.js';
import type { ApiEvent } from '../api-event.js';
import type { OperationContext } from './authenticate.js';

export function provideStore<K extends keyof SessionStore>(
  build: ((table: Table) => Pick<SessionStore, K>) | undefined,
): middy.MiddlewareObj<ApiEvent, unknown, Error, OperationContext<unknown, K>> {
  const built = new WeakMap<Services, Pick<SessionStore, K>>();
  return {
    before: ({ context }) => {
      if (!build) return;
      const { services } = context;
      let store = services.store ?? built.get(services);
      if (!store) built.set(services, (store = build(services.table)));
      context.store = store;
    },
  };
}
