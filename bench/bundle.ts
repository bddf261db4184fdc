// One bundle built exactly as scripts/build.ts builds a handler (BUNDLE_SETTINGS), with its metafile: every bundle
// the benchmark measures, ours and the floors alike, comes from here so that they differ only in what they hold.
// A floor carrying our code as a script it never runs goes through the same build, the few settings of a script changed.
import { readFile, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
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

/** Builds `entry` to `<outFile><outExtension>`; `overrides` changes settings for a bundle that is not a handler's. */
export async function bundle(
  outFile: string,
  entry: BundleEntry,
  plugins: Plugin[] = [],
  overrides: Pick<BuildOptions, 'format' | 'banner' | 'sourcemap' | 'external'> = {},
): Promise<BuiltBundle> {
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
    ...overrides,
  });
  const code = await readFile(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, metafile: result.metafile };
}

/**
 * A floor carrying our code, never run: the floor's bundle followed by a function it never calls whose body is
 * `entryFile` bundled with the same settings but without the packages the floor already holds (`leftOut`; a
 * package name also leaves out its subpaths), as a script, since a function cannot hold imports. V8 reads and
 * pre-parses those bytes as it does ours, and compiles and runs none of them, so this cold start against the
 * floor's is what our bytes cost by being there; the rest of ours' excess is our code being compiled and run.
 */
export async function carryingNeverRun(outFile: string, floor: BuiltBundle, entryFile: string, leftOut: readonly string[]) {
  const script = await bundle(`${outFile}-script`, { file: entryFile }, [], { format: 'iife', banner: {}, sourcemap: false, external: [...leftOut] });
  const [floorCode, scriptCode] = await Promise.all([readFile(floor.file, 'utf8'), readFile(script.file, 'utf8')]);
  const code = `${floorCode}\nfunction carriedNeverRun(){${scriptCode}}\n`;
  const file = `${outFile}${BUNDLE_SETTINGS.outExtension}`;
  await writeFile(file, code);
  return { file, bytes: Buffer.byteLength(code) };
}
