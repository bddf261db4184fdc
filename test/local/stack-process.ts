// Runs `npm start` as a person would, in its own process group, and takes it down with SIGTERM the way a terminal
// or a process manager does. npm itself exits within milliseconds of a SIGTERM without waiting for its child, so
// "stopped" here means: the whole process group is gone, Java (which leads a group of its own) is gone, and
// neither port is listened on any more.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { isPortFree } from '../../local/dynamodb-local.js';
import { groupAlive, pidAlive, signalGroup } from '../../local/processes.js';
import { CHECKOUT_ROOT } from '../../local/stack-state.js';

const execFileAsync = promisify(execFile);
export const ROOT = CHECKOUT_ROOT;

export interface RunningStack {
  child: ChildProcess;
  baseUrl: string;
  port: number;
  dynamoDbEndpoint: string;
  dynamoDbPort: number;
  javaPid: number;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** SIGTERM to the process group, then waits until nothing of the stack is left. */
  stop(): Promise<void>;
}

export interface StartOptions {
  port: number;
  env?: Record<string, string>;
  args?: string[];
  readyTimeoutMs?: number;
}

export async function startStack(opts: StartOptions): Promise<RunningStack> {
  const child = spawn('npm', ['start', ...(opts.args?.length ? ['--', ...opts.args] : [])], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...opts.env, PORT: String(opts.port) },
    detached: true, // its own process group, as a terminal gives it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 90_000);
  let ready: RegExpExecArray | null;
  while (!(ready = /Local stack ready at (http:\/\/\S+)/.exec(out))) {
    const code = await Promise.race([exited, sleep(100, 'running' as const)]);
    if (code !== 'running' || Date.now() > deadline) {
      signalGroup(child.pid!, 'SIGKILL');
      throw new Error(`npm start did not get ready (${code === 'running' ? 'timed out' : `exit ${code}`})\nstdout:\n${out}\nstderr:\n${err}`);
    }
  }
  const dynamo = /DynamoDB Local: (http:\/\/127\.0\.0\.1:(\d+)),.*\(Java pid (\d+)\)/.exec(out);
  if (!dynamo) throw new Error(`no DynamoDB Local line in:\n${out}`);
  const javaPid = Number(dynamo[3]);
  const dynamoDbPort = Number(dynamo[2]);

  let stopped: Promise<void> | undefined;
  return {
    child,
    baseUrl: ready[1]!,
    port: opts.port,
    dynamoDbEndpoint: dynamo[1]!,
    dynamoDbPort,
    javaPid,
    stdout: () => out,
    stderr: () => err,
    stop: () =>
      (stopped ??= (async () => {
        signalGroup(child.pid!, 'SIGTERM');
        const gone = await waitUntil(async () => !groupAlive(child.pid!) && !pidAlive(javaPid), 20_000);
        if (!gone) {
          signalGroup(child.pid!, 'SIGKILL');
          throw new Error(`the local stack did not stop within 20 s of SIGTERM\nstdout:\n${out}\nstderr:\n${err}`);
        }
      })()),
  };
}

/** Resolves true once `check` holds, false when `ms` passed first. */
async function waitUntil(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return check();
}

/** Java processes whose command line names this port, wherever they came from. */
async function javaOnPort(port: number): Promise<number[]> {
  const found: number[] = [];
  for (const pid of (await readdir('/proc')).filter((e) => /^\d+$/.test(e))) {
    const argv = await readFile(`/proc/${pid}/cmdline`, 'utf8').then(
      (s) => s.split('\0'),
      (): string[] => [],
    );
    const i = argv.indexOf('-port');
    if (argv[0] !== undefined && /(^|\/)java$/.test(argv[0]) && i >= 0 && argv[i + 1] === String(port)) found.push(Number(pid));
  }
  return found;
}

/** Nothing listens on either port, and no Java of the stack is left. */
export async function nothingLeft(stack: RunningStack): Promise<{ httpPortFree: boolean; dynamoDbPortFree: boolean; java: number[] }> {
  return {
    httpPortFree: await isPortFree(stack.port),
    dynamoDbPortFree: await isPortFree(stack.dynamoDbPort),
    java: [...(pidAlive(stack.javaPid) ? [stack.javaPid] : []), ...(await javaOnPort(stack.dynamoDbPort))],
  };
}

/** `npm run -s token -- ...args`: the JWT alone. */
export async function npmToken(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('npm', ['run', '-s', 'token', '--', ...args], { cwd: ROOT, timeout: 30_000 });
  return stdout.trim();
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (for the start failures, which must end by themselves; a stack that starts is stopped). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // A start that was meant to fail but came up: take it down at once, and let the test's checks say why.
      if (/Local stack ready at /.test(stdout)) signalGroup(child.pid!, 'SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      signalGroup(child.pid!, 'SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not end within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
