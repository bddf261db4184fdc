// BUNDLE_SETTINGS (lib/bundling.ts, shared with `npm run build`) expressed as NodejsFunction bundling props,
// so the CDK's local esbuild run produces what `npm run build` produces. Kept out of bundling.ts so that the
// build script does not load aws-cdk-lib.
import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
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
