// `npm run build`: bundles every handler with the settings the CDK stack deploys (lib/bundling.ts) into
// dist/<handler-name>/index.mjs, and prints each bundle's size.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE_SETTINGS, HANDLERS, handlerEntry } from '../lib/bundling.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { outExtension, ...settings } = BUNDLE_SETTINGS;

for (const name of HANDLERS) {
  const outfile = join(root, 'dist', name, `index${outExtension}`);
  await build({
    ...settings,
    mainFields: [...settings.mainFields],
    banner: { js: settings.banner },
    entryPoints: [handlerEntry(root, name)],
    outfile,
    logLevel: 'warning',
  });
  console.log(`dist/${name}/index${outExtension}  ${(statSync(outfile).size / 1024).toFixed(1)} KiB`);
}
