// The unit tests alone: the pure core and the operations on the in-memory store, without DynamoDB Local. What the
// mutation run (stryker.config.mjs) executes for every mutant.
import base from './jest.config.js';

const { globalSetup: _setup, globalTeardown: _teardown, ...withoutDynamoDbLocal } = base;

export default { ...withoutDynamoDbLocal, testMatch: ['<rootDir>/test/unit/**/*.test.ts'] };
