// What a person gets when `npm start` cannot start: one line on stderr that names the fix, a non-zero exit, and
// nothing left behind. Run as `npm -s start` (npm's own failure banner silenced, as `npm -s` does).
import { execSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JAVA_MISSING_MESSAGE, freePort } from '../../local/dynamodb-local.js';
import { run } from './stack-process.js';

const SLOW = 120_000;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-stack-errors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string>): NodeJS.ProcessEnv => ({ ...process.env, LOG_LEVEL: 'warn', ...extra });

/** The one line of stderr; fails when there is more (or nothing). */
function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

test(
  'a bad templates file: one line naming the file, the entry and the field',
  async () => {
    const file = join(dir, 'bad-templates.json');
    await writeFile(file, JSON.stringify([{ session_type: 'lobby', num_teams: 'two' }]));
    const out = await run('npm', ['-s', 'start'], env({ PORT: String(await freePort()), SESSION_TEMPLATES_FILE: file }));
    expect(out.code).not.toBe(0);
    const line = oneLine(out.stderr);
    expect(line).toMatch(/^error: /);
    expect(line).toContain(file);
    expect(line).toContain('num_teams');
    expect(line).toContain('SESSION_TEMPLATES_FILE');
    expect(out.stdout).not.toContain('ready');
  },
  SLOW,
);

test(
  'a templates file that is not an array of templates is refused the same way',
  async () => {
    const file = join(dir, 'object-templates.json');
    await writeFile(file, JSON.stringify({ templates: { lobby: { session_type: 'lobby' } } }));
    const out = await run('npm', ['-s', 'start'], env({ PORT: String(await freePort()), SESSION_TEMPLATES_FILE: file }));
    expect(out.code).not.toBe(0);
    expect(oneLine(out.stderr)).toMatch(/^error: .*array/);
  },
  SLOW,
);

test(
  'a port in use: one line naming the port and how to pick another',
  async () => {
    const port = await freePort();
    const holder: Server = createServer();
    await new Promise<void>((r) => holder.listen(port, '127.0.0.1', () => r()));
    try {
      const out = await run('npm', ['-s', 'start'], env({ PORT: String(port) }));
      expect(out.code).not.toBe(0);
      expect(oneLine(out.stderr)).toBe(
        `error: port ${port} is already in use: stop whatever listens on it, or start on another port, e.g. PORT=${port + 1} npm start`,
      );
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  },
  SLOW,
);

test(
  'no Java: one line saying how to install it',
  async () => {
    // A PATH with node, npm and sh but no java.
    const bin = join(dir, 'bin');
    await mkdir(bin);
    const npmCli = realpathSync(execSync('command -v npm', { encoding: 'utf8' }).trim());
    await symlink(process.execPath, join(bin, 'node'));
    await symlink(npmCli, join(bin, 'npm'));
    await symlink('/bin/sh', join(bin, 'sh'));
    const out = await run(join(bin, 'npm'), ['-s', 'start'], env({ PATH: bin, PORT: String(await freePort()) }));
    expect(out.code).not.toBe(0);
    expect(oneLine(out.stderr)).toBe(`error: ${JAVA_MISSING_MESSAGE}`);
  },
  SLOW,
);

test(
  'a PORT that is not a port number',
  async () => {
    const out = await run('npm', ['-s', 'start'], env({ PORT: 'eighty' }));
    expect(out.code).not.toBe(0);
    expect(oneLine(out.stderr)).toMatch(/^error: PORT must be a port number/);
  },
  SLOW,
);
