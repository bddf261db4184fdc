// npm run mutate:store: StrykerJS over the DynamoDB store, against the integration suites on DynamoDB Local (one
// instance for the whole run, started by scripts/mutate-store.ts). Slow (each mutant runs the integration tests
// that cover it), so it is not part of CI; its results are kept apart from the pure core's.
import core from './stryker.config.mjs';

export default {
  ...core,
  jest: { configFile: 'jest.store.config.js' },
  mutate: ['src/dynamodb/*.ts', '!src/dynamodb/conditions.ts', '!src/dynamodb/table-definition.ts'],
  incrementalFile: 'reports/stryker-store-incremental.json',
  jsonReporter: { fileName: 'reports/mutation/store.json' },
  htmlReporter: { fileName: 'reports/mutation/store.html' },
  thresholds: { high: 90, low: 80, break: null },
  timeoutMS: 30000,
};
