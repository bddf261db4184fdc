// What a Lambda container creates once, at init: configuration and the JWT authenticator (session templates:
// runtime/templates.ts, loaded only by the handlers that use them; the sessions table and the store:
// runtime/table.ts, loaded only by the handlers of operations that use the table, so that the others carry no AWS
// SDK). Creation never throws at import (a benchmark imports a handler alone); a configuration problem is logged
// once and answered with a 500 envelope on every request.
import { createAuthenticator, type Authenticator } from '../auth/authenticator.js';
import { readConfig, type ServiceConfig } from '../config/config.js';
import { ApiError } from '../errors/api-error.js';
import { log } from '../observability/logger.js';
import type { SessionStore } from '../sessions/store.js';

export interface Services {
  config: ServiceConfig;
  authenticator: Authenticator;
  /** A whole store used in place of the DynamoDB one (the CPU benchmark's in-memory store, fault suites' decorators). */
  store?: SessionStore;
}

let services: Services | undefined;
let problems: string[] | undefined;

export const createServices = (config: ServiceConfig): Services => ({
  config,
  authenticator: createAuthenticator(config.auth),
});

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
