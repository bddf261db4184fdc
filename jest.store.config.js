// The integration suites against a DynamoDB Local that is already running (scripts/mutate-store.ts starts one for
// the whole mutation run and hands its endpoint down in the environment): what `npm run mutate:store` executes.
import base from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...againstRunningDynamoDbLocal } = base;

export default { ...againstRunningDynamoDbLocal, testMatch: ['<rootDir>/test/integration/**/*.test.ts'] };
