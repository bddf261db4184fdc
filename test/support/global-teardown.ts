// Jest globalTeardown: stops the DynamoDB Local that global-setup.ts started, and fails the run loudly if its
// port is still taken, since a leaked Java would otherwise go unnoticed until some later run trips on it.
import { createServer } from 'node:net';

export default async function globalTeardown(): Promise<void> {
  const local = globalThis.__dynamoDbLocal;
  if (!local) return;
  globalThis.__dynamoDbLocal = undefined;
  await local.stop();
  if (!(await portFree(local.port))) {
    throw new Error(`DynamoDB Local (pid ${local.pid}) was stopped but port ${local.port} is still in use`);
  }
}

// Checked here rather than imported from the harness: see importSource in global-setup.ts for why a plain
// import of the TypeScript source does not work in this file.
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, () => server.close(() => resolve(true)));
  });
}
