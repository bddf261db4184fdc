// The deployable bundles themselves: built with the deploy settings, loaded by a plain Node process the way
// Lambda loads them, and serving a real join against DynamoDB Local.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { OPERATIONS } from '../../schemas/generated/operations.js';
import { bundleHandlers } from '../../scripts/bundle-handlers.js';
import { httpApiEvent, lambdaContext } from '../support/api.js';
import { JOIN_ROUTE } from '../support/api-client.js';
import { joinBody } from '../support/fixtures.js';
import { newPlayer } from '../support/players.js';
import { createSession } from '../support/stores.js';

const outDir = mkdtempSync(join(tmpdir(), 'bundles-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
const bundles = await bundleHandlers(process.cwd(), outDir);

/** Runs `script` in a fresh Node process with only the given environment (plus PATH). */
function node(script: string, env: Record<string, string | undefined>): string {
  const file = join(outDir, `run-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, script);
  return execFileSync(process.execPath, ['--no-warnings', file], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
}

test.each(Object.entries(bundles))('%s is one minified ESM file with a source map and no AWS SDK left outside', (_name, file) => {
  const code = readFileSync(file, 'utf8');
  expect(code).toMatch(/^import\{createRequire/);
  expect(code).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
  expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
  expect(readFileSync(`${file}.map`, 'utf8')).toContain('"sources"');
});

// Each operation composes only the store parts it uses: a bundle holds a write command exactly when its function may
// make that write (the transaction's items are authorised as ConditionCheckItem among others, src/dynamodb/commit.ts).
test.each(OPERATIONS.map((o) => [o.handler, o]))('%s carries the store code of its own operation and no other write', (handler, op) => {
  const code = readFileSync(bundles[handler], 'utf8');
  const actions: readonly string[] = op.dynamodb;
  expect({ transactions: code.includes('TransactWriteItems'), batchWrites: code.includes('BatchWriteItem') }).toEqual({
    transactions: actions.includes('ConditionCheckItem'),
    batchWrites: actions.includes('BatchWriteItem'),
  });
});

// A function whose role allows no table action has nothing to say to DynamoDB: its bundle carries no AWS SDK client
// (which alone is about 340 KiB), so that its cold start is the libraries' and ours.
test.each(OPERATIONS.map((o) => [o.handler, o]))('%s carries the DynamoDB client exactly when its role allows a table action', (handler, op) => {
  const code = readFileSync(bundles[handler], 'utf8');
  expect(code.includes('DynamoDB_20120810')).toBe(op.dynamodb.length > 0);
});

test.each(Object.entries(bundles))('importing %s with no configuration at all does not throw', (_name, file) => {
  const out = node(`const m = await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(typeof m.handler);`, {});
  expect(out.trim().split('\n').at(-1)).toBe('function');
});

test('the bundled join handler serves a join against DynamoDB Local', async () => {
  const s = await createSession();
  const p = newPlayer();
  const event = httpApiEvent({ method: 'POST', route: JOIN_ROUTE, pathParameters: { session_id: s.sessionId }, headers: p.auth, body: joinBody() });
  const env = Object.fromEntries(
    [
      'SESSIONS_TABLE_NAME',
      'DYNAMODB_ENDPOINT',
      'AWS_REGION',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
      'AUTH_ISSUER',
      'AUTH_AUDIENCE',
      'AUTH_JWKS',
    ].map((k) => [k, process.env[k]]),
  );
  const { getRemainingTimeInMillis: _, ...context } = lambdaContext();
  const out = node(
    `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles['join-session-self']).href)});
     const context = { ...${JSON.stringify(context)}, getRemainingTimeInMillis: () => 10000 };
     console.log(JSON.stringify(await handler(${JSON.stringify(event)}, context)));`,
    { ...env, LOG_LEVEL: 'error' },
  );
  const result = JSON.parse(out.trim().split('\n').at(-1)!);
  expect(result.statusCode).toBe(200);
  expect(JSON.parse(result.body)).toMatchObject({ player_uuid: p.uuid, status: 'leader' });
  expect(result.headers.etag).toBe(`"${s.incarnation}-${s.version + 1}"`);
});
