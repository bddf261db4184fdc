// BUNDLE_SETTINGS (lib/bundling.ts, shared with `npm run build`) expressed as NodejsFunction bundling props,
// so the CDK's local esbuild run produces what `npm run build` produces. Kept out of bundling.ts so that the
// build script does not load aws-cdk-lib.
import { LogLevel, OutputFormat, type BundlingOptions, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import { isAbsolute, posix, relative, sep } from 'node:path';
import { BUNDLE_SETTINGS } from './bundling.js';

export function nodejsBundlingOptions(settings: typeof BUNDLE_SETTINGS = BUNDLE_SETTINGS): BundlingOptions {
  // NodejsFunction always bundles for platform node and names an ESM output index.mjs; refuse settings it
  // cannot honour rather than deploy something different from what was built and benchmarked.
  const s = settings as { [K in keyof typeof BUNDLE_SETTINGS]: unknown };
  if (s.platform !== 'node' || s.bundle !== true) throw new Error('BUNDLE_SETTINGS: the CDK bundles with platform "node" and bundle: true only');
  if (s.format !== 'esm' || s.outExtension !== '.mjs') throw new Error('BUNDLE_SETTINGS: the CDK writes ESM bundles as index.mjs only');
  return {
    format: OutputFormat.ESM,
    target: settings.target,
    minify: settings.minify,
    sourceMap: settings.sourcemap,
    mainFields: [...settings.mainFields],
    banner: settings.banner,
    // Nothing external: the AWS SDK v3 is bundled (tree-shaken, pinned by package-lock) instead of the runtime's copy.
    externalModules: [],
    esbuildArgs: {
      '--tree-shaking': String(settings.treeShaking),
      '--legal-comments': settings.legalComments,
    },
    logLevel: LogLevel.WARNING,
    // esbuild from node_modules, never Docker: synth works offline on a clean clone.
    forceDockerBundling: false,
  };
}

/**
 * Command hooks that copy files into the bundle's output directory after esbuild ran: `files` maps the name in the
 * bundle to an absolute source path. A source under the project root is addressed through the bundling input
 * directory (the project root when bundling locally, its mount when bundling in Docker); one outside it by its
 * absolute path, which only local bundling (what this app uses) can reach. The copy is part of the bundle, so it
 * changes the asset hash (NodejsFunction hashes the output) and a changed file is redeployed.
 */
export function copyIntoBundle(projectRoot: string, files: Readonly<Record<string, string>>): ICommandHooks {
  for (const name of Object.keys(files)) {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === 'index.mjs' || name === 'index.mjs.map')
      throw new Error(`copyIntoBundle: "${name}" is not a plain file name of its own`);
  }
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      Object.entries(files).map(([name, source]) => {
        const rel = relative(projectRoot, source);
        const inProject = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
        const from = inProject ? posix.join(inputDir, rel.split(sep).join(posix.sep)) : source;
        return `cp ${shellQuote(from)} ${shellQuote(posix.join(outputDir, name))}`;
      }),
  };
}

/** POSIX single-quoting: the whole string literal, with every ' written as '\''. */
function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
