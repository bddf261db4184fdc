// One bundle built exactly as scripts/build.ts builds a handler (BUNDLE_SETTINGS), with its metafile: every bundle
// the benchmark measures, ours and the floors alike, comes from here so that they differ only in what they hold.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, type Plugin } from 'esbuild';
import { BUNDLE_SETTINGS } from '../lib/bundling.js';
import { ROOT } from './support.js';

export interface BuiltBundle {
  file: string;
  bytes: number;
  gzipBytes: number;
  metafile: Metafile;
}

/** An entry file, or a module's source (resolved from `resolveDir`) for floors composed per route. */
export type BundleEntry = { file: string } | { contents: string; name: string; resolveDir: string };

/** Builds `entry` to `<outFile><outExtension>`. */
export async function bundle(outFile: string, entry: BundleEntry, plugins: Plugin[] = []): Promise<BuiltBundle> {
  const { outExtension, ...settings } = BUNDLE_SETTINGS;
  const file = `${outFile}${outExtension}`;
  const result = await build({
    ...settings,
    mainFields: [...settings.mainFields],
    banner: { js: settings.banner },
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: 'ts' as const, sourcefile: entry.name } }),
    outfile: file,
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'warning',
    plugins,
  });
  const code = await readFile(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}
