// One definition per operation: every operation of the spec is served by the handler file it names, and every
// file of handlers/ serves an operation of the spec (or is the stream handler the CDK app deploys apart).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAPER_NAME } from '../../lib/expiry-reaper.js';
import { CULL_SWEEP_NAME } from '../../lib/cull-sweep.js';
import { GAME_CLIENT_PERMISSIONS, OPERATIONS, PERMISSIONS } from '../../schemas/generated/operations.js';
import { loadSpec } from '../../scripts/openapi-schemas.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const handlerFiles = readdirSync(join(ROOT, 'handlers'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3));

test.each(OPERATIONS.map((o) => [o.operationId, o.handler]))('%s is served by handlers/%s.ts, which declares it', async (operationId, handler) => {
  expect(handlerFiles).toContain(handler);
  // A function serving several operations of one route (told apart by suffix) names them all.
  const mod = (await import(`../../handlers/${handler}.js`)) as { handler?: { operationId?: string; operationIds?: string[] } };
  expect(mod.handler?.operationIds ?? [mod.handler?.operationId]).toContain(operationId);
});

test('every file of handlers/ serves an operation of the spec, but the expiry reaper (a stream handler) and the culling sweep (scheduled)', () => {
  const served = new Set<string>(OPERATIONS.map((o) => o.handler));
  expect(handlerFiles.filter((f) => !served.has(f)).sort()).toEqual([CULL_SWEEP_NAME, REAPER_NAME].sort());
});

test('the operations table has every operation of the spec, each once, with permissions of the catalogue', async () => {
  const spec = await loadSpec(join(ROOT, 'schemas', 'openapi.yaml'));
  const inSpec = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
  );
  expect(OPERATIONS.map((o) => `${o.method} ${o.contractPath} ${o.operationId}`).sort()).toEqual(inSpec.sort());
  for (const o of OPERATIONS) for (const p of [...o.permissions.any, ...o.permissions.self]) expect(Object.keys(PERMISSIONS)).toContain(p);
  for (const p of GAME_CLIENT_PERMISSIONS) expect(Object.keys(PERMISSIONS)).toContain(p);
});
