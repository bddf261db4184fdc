// `npm run lint`: TypeScript's own check (tsc, see package.json), then this: typescript-eslint's recommended rules,
// Prettier's formatting left to Prettier, and the direction of imports (docs/architecture.md): src/ is what ships in
// a Lambda bundle and imports nothing of the tooling around it; the session domain owns its port and imports no
// adapter; the adapters do not import each other.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import globals from 'globals';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const TOOLING = ['./lib', './local', './scripts', './bench', './test', './bin', './handlers'];
const zone = (target, from, message) => ({ target, from, message });

export default defineConfig(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'cdk.out/',
      'coverage/',
      '.tmp/',
      '.local/',
      'reports/',
      '.stryker-tmp/',
      'schemas/generated/',
      'bench/results/',
    ],
  },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src', TOOLING, 'src/ holds what ships in a Lambda bundle: it imports no tooling, tests or handlers.'),
            zone(
              './src/sessions',
              ['./src/dynamodb', './src/http', './src/runtime', './src/auth', './src/config'],
              'The session domain owns its port (src/sessions/store.ts) and imports no adapter.',
            ),
            zone(
              './src/dynamodb',
              ['./src/http', './src/runtime', './src/auth', './src/config'],
              'The DynamoDB adapter depends on the domain, not on the HTTP side.',
            ),
            zone(
              './src/auth',
              ['./src/http', './src/dynamodb', './src/runtime', './src/sessions'],
              'Authentication knows tokens and permissions, nothing of sessions or storage.',
            ),
            zone('./lib', ['./local', './test', './bench', './handlers'], 'The CDK app builds from src/, schemas/ and its own files.'),
            zone(
              './handlers',
              TOOLING.filter((t) => t !== './handlers'),
              'A handler is bundled: it imports src/ and schemas/ only.',
            ),
            zone('./local', ['./test', './bench'], 'The local stack does not depend on the test suites.'),
          ],
        },
      ],
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Tests and benchmarks read answers of any shape.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  prettier,
);
