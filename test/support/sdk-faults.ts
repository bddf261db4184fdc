// SDK fault injector: DynamoDB Local never throttles, never reports a transaction conflict and cannot fail a
// command on demand, so a store on a client of its own has an SDK middleware throw, before the call leaves, the
// error DynamoDB would. And the handlers' store swapped for one like it while a test runs.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { getServices } from '../../src/runtime/services.js';
import type { SessionStore } from '../../src/sessions/store.js';
import { storeOn, testClient } from './stores.js';

/**
 * A store whose calls of `commands` (TransactWriteItems unless told) fail with `error`: the first `times` of them,
 * every one by default. `calls.transactions` counts the calls of `commands`, failed or not.
 */
export function sdkFaultStore(error: () => Error, { commands = /TransactWrite/, times = Infinity }: { commands?: RegExp; times?: number } = {}) {
  const db = testClient();
  let left = times;
  const calls = { transactions: 0 };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (commands.test(context.commandName ?? '')) {
        calls.transactions++;
        if (left-- > 0) throw error();
      }
      return next(args);
    },
    { step: 'initialize', name: 'sdkFaultInjector' },
  );
  return { store: storeOn(db), calls };
}

/** A transaction cancelled because another one was writing the same item. */
export const transactionConflict = () =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });

export const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

/** The handlers use `store` while `run` runs; the store they had before (often none) afterwards. */
export async function withStore<T>(store: SessionStore, run: () => Promise<T>): Promise<T> {
  const services = getServices();
  const before = services.store;
  services.store = store;
  try {
    return await run();
  } finally {
    if (before) services.store = before;
    else delete services.store;
  }
}
