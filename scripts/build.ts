// `npm run build`: dist/<handler-name>/index.mjs for every handler, exactly as the CDK stack bundles them.
import { statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleHandlers } from './bundle-handlers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundles = await bundleHandlers(root, join(root, 'dist'));
for (const file of Object.values(bundles)) console.log(`${relative(root, file)}  ${(statSync(file).size / 1024).toFixed(1)} KiB`);
