// What a Lambda container creates once, at init: configuration, the DynamoDB client and store, and the JWT
// authenticator (session templates: runtime/templates.ts, loaded only by the handlers that use them). Creation
// never throws at import (a benchmark imports a handler alone); a configuration problem is logged once and
// answered with a 500 envelope on every request.
import { createAuthenticator, type Authenticator } from '../auth/authenticator.js';
import { readConfig, type ServiceConfig } from '../config/config.js';
import { ApiError } from '../errors/api-error.js';
import { log } from '../observability/logger.js';
import { createDocumentClient } from '../dynamodb/client.js';
import { SessionStore } from '../dynamodb/session-store.js';

export interface Services {
  config: ServiceConfig;
  store: SessionStore;
  authenticator: Authenticator;
}

let services: Services | undefined;
let problems: string[] | undefined;

export function createServices(config: ServiceConfig): Services {
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint, requestTimeoutMs: config.dynamoDbRequestTimeoutMs, connectTimeoutMs: config.dynamoDbConnectTimeoutMs });
  return { config, store: new SessionStore(db, config.tableName), authenticator: createAuthenticator(config.auth) };
}

function init(): void {
  try {
    const read = readConfig(process.env);
    if ('problems' in read) problems = read.problems;
    else services = createServices(read.config);
  } catch (e) {
    problems = [(e as Error).message];
  }
  if (problems) log('error', 'configuration invalid; every request will answer 500 configuration_invalid', { problems });
}

export function getServices(): Services {
  if (!services && !problems) init();
  if (!services) throw new ApiError('configuration_invalid', problems?.join('; '));
  return services;
}

/** Tests and the local stack re-read the environment after changing it. */
export function resetServices(): void {
  services = undefined;
  problems = undefined;
}

init();
