// `npm run -s token -- [--player <uuid>] [--permissions "<space-separated>"] [--expires 1h] [--platform Steam]`
// prints a JWT the local stack accepts, and nothing else. Signed with the running stack's dev key (the newest
// running stack of this checkout, or the one on --port), or with the checkout's .local/keys when none runs
// (made if missing: a stack started later trusts it). --data DIR picks the keys of a stack started with --data DIR.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { GAME_CLIENT_PERMISSIONS } from '../schemas/generated/operations.js';
import { loadOrCreateDevIssuer, parseDuration } from './dev-issuer.js';
import { findStack, keysDirFor } from './stack-state.js';

const USAGE = `usage: npm run -s token -- [--player <uuid>] [--permissions "<space-separated>"] [--expires 1h] [--platform Steam]
  --player       the token's subject (sub), a UUID; default: a new random player
  --permissions  permissions as upstream spells them, put in the scope claim; default: a game client's:
                 ${GAME_CLIENT_PERMISSIONS.join(' ')}
  --expires      lifetime: 30s, 10m, 1h, 7d; default 1h
  --platform     a platform claim (Steam, XboxLive, PSN, ...), which wins over the request body's platform
  --port N       sign for the running local stack on port N (default: the newest running one)
  --data DIR     sign with the keys of a stack started with --data DIR`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(2);
}

let values: { player?: string; permissions?: string; expires?: string; platform?: string; port?: string; data?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      player: { type: 'string' },
      permissions: { type: 'string' },
      expires: { type: 'string' },
      platform: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const player = values.player ?? randomUUID();
if (!UUID.test(player)) fail(`--player must be a UUID such as ${randomUUID()}, not "${player}"`);
const expiresInSeconds = values.expires === undefined ? 3600 : parseDuration(values.expires);
if (expiresInSeconds === undefined) fail(`--expires must be a duration such as 30s, 10m, 1h or 7d, not "${values.expires}"`);
const permissions = values.permissions === undefined ? undefined : values.permissions.split(/[\s,]+/).filter((p) => p.length > 0);
if (values.platform !== undefined && !/^[A-Za-z]+$/.test(values.platform))
  fail(`--platform must be a platform name such as Steam, not "${values.platform}"`);
let port: number | undefined;
if (values.port !== undefined) {
  port = Number(values.port);
  if (!/^\d+$/.test(values.port)) fail(`--port must be a port number, not "${values.port}"`);
}

let keysDir: string;
if (values.data !== undefined) {
  keysDir = keysDirFor(values.data);
} else {
  const stack = await findStack({ port });
  if (port !== undefined && !stack) fail(`no local stack of this checkout runs on port ${port}: start one with PORT=${port} npm start`);
  keysDir = stack?.keysDir ?? keysDirFor(undefined);
}

const issuer = await loadOrCreateDevIssuer(keysDir);
process.stdout.write(`${issuer.mint({ player, permissions, expiresInSeconds, platform: values.platform })}\n`);
