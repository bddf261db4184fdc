// `npm start [-- --data DIR]`: the whole API on http://127.0.0.1:${PORT:-3000} (see local-stack.ts). Ctrl-C or
// SIGTERM stops everything it started, Java included, and exits 0. A start failure a person can fix is one line
// on stderr that names the fix, and exit code 1.
import './quiet-sdk-warning.js';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { OPERATIONS } from '../schemas/generated/operations.js';
import { DEMO_SESSION_ID, LocalStackError, startLocalStack, type LocalStack } from './local-stack.js';
import { CHECKOUT_ROOT } from './stack-state.js';

const USAGE = `usage: npm start [-- --data DIR]
  PORT=3000            port of the API (127.0.0.1 only); 0 picks a free one
  --data DIR           keep DynamoDB's data and the dev keys in DIR (default: data in memory, keys in .local/keys)
  SESSION_TEMPLATES_FILE  session templates (default: config/session-templates.json)
  LOG_LEVEL=warn       the handlers' log level (debug, info, warn, error)
  CORS_ALLOWED_ORIGINS=*  origins a browser page may call from, comma-separated (default: any)`;

function fail(message: string, code = 1): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

let args: { data?: string; help?: boolean };
try {
  args = parseArgs({ options: { data: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
} catch (error) {
  fail(`${(error as Error).message} (see npm start -- --help)`, 2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const portText = process.env.PORT?.trim() || '3000';
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) fail(`PORT must be a port number from 0 to 65535, not "${portText}": e.g. PORT=3000 npm start`, 2);

let stack: LocalStack | undefined;
let stopping = false;

async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A second Ctrl-C: leave now; the DynamoDB harness's exit hook still kills Java's process group.
    process.exit(0);
  }
  stopping = true;
  if (!stack) process.exit(0); // still starting: the exit hook and the watchdog take Java down
  console.log(`${signal}: stopping the local stack...`);
  try {
    await stack.stop();
    console.log('Stopped; nothing of it is left running.');
    process.exit(0);
  } catch (error) {
    process.stderr.write(`error while stopping: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
process.on('SIGINT', (s) => void shutdown(s));
process.on('SIGTERM', (s) => void shutdown(s));
process.on('SIGHUP', (s) => void shutdown(s));

try {
  stack = await startLocalStack({ port, dataDir: args.data });
} catch (error) {
  if (error instanceof LocalStackError) fail(error.message);
  process.stderr.write(`error: the local stack did not start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
if (stopping) {
  await stack.stop().catch(() => undefined);
  process.exit(0);
}

const rel = (p: string) => {
  const r = relative(CHECKOUT_ROOT, p);
  return r.startsWith('..') ? p : r;
};
const base = stack.baseUrl;
// Each operation as the contract names it (several may share a route, and so a handler).
const width = Math.max(...OPERATIONS.map((r) => r.method.length + 1 + r.contractPath.length));
console.log(
  [
    `DynamoDB Local: ${stack.dynamoDb.endpoint}, ${args.data ? `data in ${args.data}` : 'data in memory'}, tables sessions-local and friends-local (Java pid ${stack.dynamoDb.pid})`,
    `Dev token issuer: ${stack.issuer.issuer}, keys in ${rel(stack.issuer.dir)}, JWKS at ${base}/.well-known/jwks.json`,
    stack.templates.file
      ? `Session templates: ${stack.templates.count} from ${rel(stack.templates.file)}`
      : 'Session templates: none (config/session-templates.json not found, SESSION_TEMPLATES_FILE not set)',
    `Routes (schemas/openapi.yaml):`,
    ...OPERATIONS.map((r) => `  ${`${r.method} ${r.contractPath}`.padEnd(width)}  handlers/${r.handler}.ts`),
    `Friends service (friends-only joins; local/friends-service.ts): GET, PUT, DELETE ${base}/friends/v2/player/{player_uuid}/friend/{other_player_uuid}`,
    `Local stack ready at ${base}`,
    '',
    'Try it, in another terminal of this checkout:',
    '  token=$(npm run -s token)',
    `  curl -i -X POST ${base}/session/v1/session/${DEMO_SESSION_ID}/player/me \\`,
    `    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \\`,
    `    -d '{"client_version":"1.0.0","client_settings":{"platform":"Steam","input":"keyboardandmouse"},"team_id":0}'`,
    `  curl -i ${base}/session/v1/session/${DEMO_SESSION_ID} -H "Authorization: Bearer $token"`,
    `API docs: ${base}/docs  (Authorize with a token from npm run -s token). Ctrl-C stops everything.`,
    '',
  ].join('\n'),
);
