// Jest setupFiles: the environment of a Lambda container of the service, set before any module of a test file
// loads, exactly as Lambda hands a container its configuration (global-setup.ts has set the DynamoDB Local ones).
import { authEnvFor } from './test-issuer.js';
import { issuer } from './players.js';

Object.assign(process.env, {
  // Powertools writes through the global console (so tests can read the logs); EMF metric lines stay out.
  POWERTOOLS_DEV: 'true',
  POWERTOOLS_METRICS_DISABLED: 'true',
  ...authEnvFor(issuer),
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
  // DynamoDB Local answers a stampede far slower than DynamoDB does, and hundreds of connections opened at once
  // queue in its accept backlog: its connections and requests get more time than production gives them.
  DYNAMODB_REQUEST_TIMEOUT_MS: '10000',
  DYNAMODB_CONNECT_TIMEOUT_MS: '5000',
});
