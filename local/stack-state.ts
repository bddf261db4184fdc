// Where the local stack keeps its things, and how `npm run token` and `npm run invoke` find a running stack of
// the same checkout without being told its port: each running stack writes .local/stacks/<pid>.json (always in
// the checkout, even with --data, which only moves the data and the keys) and removes it when it stops.
import { mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pidAlive } from './processes.js';

/** The checkout this file belongs to. */
export const CHECKOUT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The git-ignored folder of the checkout that holds the dev keys and the running stacks' state. */
export const localDir = (root = CHECKOUT_ROOT) => join(root, '.local');

/** Where the dev issuer's key lives: <data>/keys with --data, the checkout's .local/keys otherwise. */
export const keysDirFor = (dataDir: string | undefined, root = CHECKOUT_ROOT) =>
  dataDir ? join(resolve(dataDir), 'keys') : join(localDir(root), 'keys');

const stacksDir = (root: string) => join(localDir(root), 'stacks');

export interface StackState {
  pid: number;
  port: number;
  baseUrl: string;
  startedAt: string;
  /** Absent when the data is in memory. */
  dataDir?: string;
  keysDir: string;
  dynamoDb: { endpoint: string; port: number; javaPid: number };
  tableName: string;
  /** Exactly the environment the stack gives the handlers; `npm run invoke` gives the same to a bundle. */
  handlerEnv: Record<string, string>;
}

export async function writeStackState(state: StackState, root = CHECKOUT_ROOT): Promise<string> {
  const dir = stacksDir(root);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${state.pid}.json`);
  const temp = `${file}.tmp`;
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, file);
  return file;
}

export async function removeStackState(pid: number, root = CHECKOUT_ROOT): Promise<void> {
  await unlink(join(stacksDir(root), `${pid}.json`)).catch(() => undefined);
}

/** The running stacks of this checkout, newest first. State left by a stack that died is cleaned up. */
async function runningStacks(root = CHECKOUT_ROOT): Promise<StackState[]> {
  const dir = stacksDir(root);
  const names = await readdir(dir).catch(() => [] as string[]);
  const states: StackState[] = [];
  for (const name of names) {
    if (!/^\d+\.json$/.test(name)) continue;
    const state = await readFile(join(dir, name), 'utf8').then(
      (t) => JSON.parse(t) as StackState,
      () => undefined,
    );
    if (!state || !pidAlive(state.pid)) {
      await unlink(join(dir, name)).catch(() => undefined);
      continue;
    }
    states.push(state);
  }
  return states.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

/** The stack on `port`, or the newest one; undefined when none runs. */
export async function findStack(opts: { port?: number } = {}, root = CHECKOUT_ROOT): Promise<StackState | undefined> {
  const stacks = await runningStacks(root);
  return opts.port === undefined ? stacks[0] : stacks.find((s) => s.port === opts.port);
}
