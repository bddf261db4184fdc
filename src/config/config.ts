// The service's settings, from environment variables (docs/operations.md). Reading never throws: problems come
// back as sentences naming the variable, reported once and answered with a 500 envelope.
import { readAuthConfig, type AuthConfig } from '../auth/auth-config.js';
import { DYNAMODB_TIMEOUTS } from '../dynamodb/client.js';
import { templatesFileFrom } from '../templates/templates-file.js';

export interface TableConfig {
  tableName: string;
  /** DynamoDB endpoint override (DynamoDB Local); the SDK's regional default otherwise. */
  dynamoDbEndpoint?: string;
  region: string;
  /** DYNAMODB_REQUEST_TIMEOUT_MS: how long one DynamoDB request may take before it is retried or answered 503. */
  dynamoDbRequestTimeoutMs: number;
  /** DYNAMODB_CONNECT_TIMEOUT_MS: how long opening a connection to DynamoDB may take. */
  dynamoDbConnectTimeoutMs: number;
}

export interface ServiceConfig extends TableConfig {
  auth: AuthConfig;
  /** SESSION_TEMPLATES_FILE, absolute (default: next to the bundle in Lambda, config/session-templates.json elsewhere). */
  templatesFile: string;
}

export type ConfigResult<C> = { config: C } | { problems: string[] };

/** The table settings alone: what the stream reaper needs. */
export function readTableConfig(env: Record<string, string | undefined>): ConfigResult<TableConfig> {
  const problems: string[] = [];
  const tableName = env.SESSIONS_TABLE_NAME?.trim() ?? '';
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
    problems.push('SESSIONS_TABLE_NAME must name the sessions table (3-255 characters of a-z A-Z 0-9 _ . -)');
  }
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  if (endpoint && !/^https?:\/\/[^\s/]+/.test(endpoint)) problems.push('DYNAMODB_ENDPOINT must be an http(s) URL');
  const millis = (name: string, fallback: number) => {
    const value = env[name]?.trim() || String(fallback);
    if (!/^\d+$/.test(value) || Number(value) < 100 || Number(value) > 10_000) {
      problems.push(`${name} must be a whole number of milliseconds from 100 to 10000`);
    }
    return Number(value);
  };
  const requestTimeout = millis('DYNAMODB_REQUEST_TIMEOUT_MS', DYNAMODB_TIMEOUTS.requestTimeout);
  const connectTimeout = millis('DYNAMODB_CONNECT_TIMEOUT_MS', DYNAMODB_TIMEOUTS.connectionTimeout);
  if (problems.length) return { problems };
  return {
    config: {
      tableName,
      dynamoDbEndpoint: endpoint,
      dynamoDbRequestTimeoutMs: requestTimeout,
      dynamoDbConnectTimeoutMs: connectTimeout,
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    },
  };
}

export function readConfig(env: Record<string, string | undefined>): ConfigResult<ServiceConfig> {
  const table = readTableConfig(env);
  const auth = readAuthConfig(env);
  const problems = [...('problems' in table ? table.problems : []), ...('problems' in auth ? auth.problems : [])];
  if (problems.length || !('config' in table) || !('config' in auth)) return { problems };
  return { config: { ...table.config, auth: auth.config, templatesFile: templatesFileFrom(env) } };
}
