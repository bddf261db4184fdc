// The esbuild settings of every Lambda bundle, shared by `npm run build` (scripts/build.ts) and the CDK stack,
// so what is benchmarked and tested locally is byte for byte what is deployed.
import { join } from 'node:path';
import { ROUTES, type HandlerName } from '../schemas/generated/operations.js';

/** One Lambda function and bundle per route of the spec (its operations' x-handler). */
export const HANDLERS: readonly HandlerName[] = ROUTES.map((r) => r.handler);
export type { HandlerName };

export const handlerEntry = (root: string, name: HandlerName) => join(root, 'handlers', `${name}.ts`);

export const BUNDLE_SETTINGS = {
  format: 'esm',
  platform: 'node',
  target: 'node22',
  bundle: true,
  minify: true,
  treeShaking: true,
  sourcemap: true,
  // Module-first: the AWS SDK's ESM build is a third smaller and starts faster than its CommonJS one.
  mainFields: ['module', 'main'],
  // Some bundled CommonJS code calls require() for Node built-ins; ESM has no require of its own.
  banner: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);",
  outExtension: '.mjs',
  legalComments: 'none',
} as const;
