// npm run mutate: StrykerJS over the pure core. Every mutant of these files runs against the unit tests that cover
// it (jest.unit.config.js: no DynamoDB Local), type-checked first so that mutants the compiler refuses are not
// counted. Incremental: reports/stryker-incremental.json (Stryker's default) keeps the previous run's results, so a
// run after a small change tests only the mutants it touched.
export default {
  packageManager: 'npm',
  testRunner: 'jest',
  testRunnerNodeArgs: ['--experimental-vm-modules'],
  jest: { configFile: 'jest.unit.config.js' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.mutate.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'src/sessions/rules/*.ts',
    'src/sessions/model/*.ts',
    'src/dynamodb/conditions.ts',
    'src/http/validation-errors.ts',
    'src/http/conditional.ts',
    'src/http/content-etag.ts',
    'src/auth/permissions.ts',
    'src/auth/caller.ts',
  ],
  ignoreStatic: true,
  incremental: true,
  reporters: ['clear-text', 'progress', 'json', 'html'],
  thresholds: { high: 95, low: 90, break: 90 },
  concurrency: 2,
  timeoutMS: 10000,
};
