// Copies the component schemas of RallyHere's published session spec into test/contract/upstream/, where the
// contract suite checks our answers against them. Run when the reference spec moves on:
//   npx tsx scripts/upstream-schemas.ts [path to rallyhere-session-api.openapi.json]
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = process.argv[2] ?? join(root, '..', 'shared', 'reference', 'rallyhere-session-api.openapi.json');
const spec = JSON.parse(await readFile(source, 'utf8')) as { info: { version: string }; components: { schemas: object } };
const out = {
  source: 'RallyHereInteractive/openapi-spec-environment schemas/session.json (session-api), as of 2026-08-17, commit d44d2b9',
  version: spec.info.version,
  schemas: spec.components.schemas,
};
await writeFile(join(root, 'test', 'contract', 'upstream', 'session-api.schemas.json'), `${JSON.stringify(out, null, 1)}\n`);
