// Changing the environment for one test, and putting it back (the handlers' services are read again both times);
// a port nobody listens on, for a dependency that is down.
import { createServer } from 'node:net';
import { resetServices } from '../../src/runtime/services.js';

/** Sets (or, with undefined, removes) the variables; the function returned restores them. */
export function setEnv(changes: Record<string, string | undefined>): () => void {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetServices();
  };
  apply(changes);
  return () => apply(saved);
}

export async function withEnv<T>(changes: Record<string, string | undefined>, run: () => Promise<T>): Promise<T> {
  const restore = setEnv(changes);
  try {
    return await run();
  } finally {
    restore();
  }
}

/** A port that was free a moment ago and that nothing listens on. */
export const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
