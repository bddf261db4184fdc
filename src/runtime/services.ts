// What a Lambda container creates once, at init: configuration, the DynamoDB client and store, the JWT
// authenticator, and the session templates (their file is read once). Creation never throws at import (a benchmark
// imports a handler alone); a configuration problem, a missing or invalid templates file included, is logged once
// and answered with a 500 envelope on every request.
import { createAuthenticator, type Authenticator } from '../auth/authenticator.js';
import { readConfig, type ServiceConfig } from '../config/config.js';
import { ApiError } from '../errors/api-error.js';
import { log } from '../observability/logger.js';
import { createDocumentClient } from '../store/dynamodb-client.js';
import { SessionStore } from '../store/session-store.js';
import { loadTemplates, templatesFileFrom } from '../templates/load-templates.js';
import type { TemplateCatalog } from '../templates/template-catalog.js';

export interface Services {
  config: ServiceConfig;
  store: SessionStore;
  authenticator: Authenticator;
  templates: TemplateCatalog;
}

let services: Services | undefined;
let problems: string[] | undefined;

export function createServices(config: ServiceConfig, templates: TemplateCatalog): Services {
  const db = createDocumentClient({ region: config.region, endpoint: config.dynamoDbEndpoint, requestTimeoutMs: config.dynamoDbRequestTimeoutMs, connectTimeoutMs: config.dynamoDbConnectTimeoutMs });
  return { config, store: new SessionStore(db, config.tableName), authenticator: createAuthenticator(config.auth), templates };
}

function init(): void {
  try {
    const read = readConfig(process.env);
    // Read even when the environment has problems, so that one log line reports everything to fix.
    const loaded = loadTemplates(templatesFileFrom(process.env));
    const found = [...('problems' in read ? read.problems : []), ...('problems' in loaded ? loaded.problems : [])];
    if (found.length) problems = found;
    else if ('config' in read && 'catalog' in loaded) services = createServices(read.config, loaded.catalog);
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
