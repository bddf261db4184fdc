// `npm run invoke -- <handler-name> <event.json>`: what `sam local invoke` does, without Docker. Runs the built
// bundle dist/<handler>/index.mjs (built first when missing or older than the sources, with the deploy settings)
// with one API Gateway event, against the running local stack's DynamoDB and keys, and prints the result.
// In the event file, {{token}} becomes a fresh dev token and {{player}} its player, so samples never go stale.
import './quiet-sdk-warning.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { BUNDLE_SETTINGS, HANDLERS, type HandlerName } from '../lib/bundling.js';
import { loadOrCreateDevIssuer } from './dev-issuer.js';
import { lambdaContext } from './http-gateway.js';
import { applyHandlerEnv } from './local-stack.js';
import { CHECKOUT_ROOT, findStack } from './stack-state.js';

const root = CHECKOUT_ROOT;
const USAGE = `usage: npm run invoke -- <handler-name> <event.json> [--player <uuid>] [--permissions "..."] [--port N] [--build]
  handler-name   one of: ${HANDLERS.join(', ')}
  event.json     an API Gateway (HTTP API v2) event, e.g. events/join-session-self.valid.json;
                 {{token}} in it becomes a fresh dev token, {{player}} that token's player
  --player, --permissions   for the {{token}} (as npm run token takes them)
  --port N       the local stack on port N (default: the newest running one of this checkout)
  --build        rebuild the bundles first even when they look up to date
Needs a running local stack (npm start in another terminal).`;

function fail(message: string, code = 2): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(code);
}

let parsed: { values: { player?: string; permissions?: string; port?: string; build?: boolean; help?: boolean }; positionals: string[] };
try {
  parsed = parseArgs({
    options: {
      player: { type: 'string' },
      permissions: { type: 'string' },
      port: { type: 'string' },
      build: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (positionals.length !== 2) fail(`expected a handler name and an event file\n${USAGE}`);
const [handlerName, eventArg] = positionals as [string, string];
if (!(HANDLERS as readonly string[]).includes(handlerName)) fail(`"${handlerName}" is not a handler: one of ${HANDLERS.join(', ')}`);
const handler = handlerName as HandlerName;
if (values.port !== undefined && !/^\d+$/.test(values.port)) fail(`--port must be a port number, not "${values.port}"`);

const stack = await findStack({ port: values.port === undefined ? undefined : Number(values.port) });
if (!stack) {
  fail(
    values.port === undefined
      ? 'no local stack of this checkout is running: start one with npm start (in another terminal), then invoke again'
      : `no local stack of this checkout runs on port ${values.port}`,
  );
}

const eventFile = [eventArg, join(root, eventArg), join(root, 'events', eventArg)].find((f) => existsSync(f));
if (!eventFile) fail(`no event file ${eventArg}: see events/ for samples`);

const bundle = join(root, 'dist', handler, `index${BUNDLE_SETTINGS.outExtension}`);
if (values.build || bundleIsStale(bundle)) {
  process.stderr.write(`building the handler bundles into dist/ (as npm run build does)...\n`);
  const { bundleHandlers } = await import('../scripts/bundle-handlers.js');
  await bundleHandlers(root, join(root, 'dist'));
}

const issuer = await loadOrCreateDevIssuer(stack.keysDir);
const player = values.player ?? randomUUID();
const permissions = values.permissions?.split(/[\s,]+/).filter((p) => p.length > 0);
const text = (await readFile(eventFile, 'utf8')).replaceAll('{{token}}', () => issuer.mint({ player, permissions })).replaceAll('{{player}}', player);
let event: unknown;
try {
  event = JSON.parse(text);
} catch (error) {
  fail(`${eventFile} is not JSON: ${(error as Error).message}`);
}

// The same settings the stack gives its handlers, so the bundle sees what a Lambda container of the stack would.
applyHandlerEnv(stack.handlerEnv);
process.stderr.write(`invoking ${relative(root, bundle)} with ${relative(root, eventFile) || eventFile} (local stack ${stack.baseUrl})\n`);
const mod = (await import(pathToFileURL(bundle).href)) as { handler: (event: unknown, context: unknown) => Promise<unknown> };
try {
  const result = await mod.handler(event, lambdaContext(`rh-session-local-${handler}`));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(0);
} catch (error) {
  // As Lambda reports a function error.
  const e = error as Error;
  process.stdout.write(
    `${JSON.stringify({ errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(error), trace: e?.stack?.split('\n') ?? [] }, null, 2)}\n`,
  );
  process.exit(1);
}

/** Missing, or older than anything it is built from. */
function bundleIsStale(file: string): boolean {
  if (!existsSync(file)) return true;
  const built = statSync(file).mtimeMs;
  const sources = [
    join(root, 'handlers'),
    join(root, 'src'),
    join(root, 'schemas', 'generated'),
    join(root, 'lib', 'bundling.ts'),
    join(root, 'package-lock.json'),
  ];
  return sources.some((source) => newestMtime(source, join(root, 'src', 'local')) > built);
}

function newestMtime(path: string, skip: string): number {
  if (path === skip || !existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name), skip));
  return newest;
}
