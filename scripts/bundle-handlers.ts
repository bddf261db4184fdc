// Bundles every handler with the settings the CDK stack deploys (lib/bundling.ts): one ESM file per handler.
import { build } from 'esbuild';
import { join } from 'node:path';
import { BUNDLE_SETTINGS, HANDLERS, handlerEntry, type HandlerName } from '../lib/bundling.js';

export async function bundleHandlers(root: string, outDir: string): Promise<Record<HandlerName, string>> {
  const { outExtension, banner, mainFields, ...settings } = BUNDLE_SETTINGS;
  const out = {} as Record<HandlerName, string>;
  for (const name of HANDLERS) {
    const outfile = join(outDir, name, `index${outExtension}`);
    await build({
      ...settings,
      mainFields: [...mainFields],
      banner: { js: banner },
      entryPoints: [handlerEntry(root, name)],
      outfile,
      logLevel: 'warning',
    });
    out[name] = outfile;
  }
  return out;
}
