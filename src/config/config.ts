// The service's settings, from environment variables (docs/operations.md). Reading never throws: problems come
// back as sentences naming the variable, reported once and answered with a 500 envelope.
import { readAuthConfig, type AuthConfig } from '../auth/auth-config.js';
import { DYNAMODB_TIMEOUTS } from '../dynamodb/timeouts.js';
import { SHORT_CODE_LENGTH } from '../sessions/model/short-code.js';
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

/** Where friends-only joins learn who is a friend (a RallyHere-Friends-compatible service). */
export interface FriendsConfig {
  /** FRIENDS_API_URL: the service's base URL, under which `/friends/v2/...` is served; friend joins answer 503 without it. */
  apiUrl?: string;
  /** FRIENDS_API_TIMEOUT_MS: how long one friendship check may take before the join answers 503. */
  timeoutMs: number;
  /** FRIENDS_CACHE_SECONDS: how long a container remembers that two players are friends (0: not at all). */
  cacheSeconds: number;
}

const FRIENDS_DEFAULTS = { timeoutMs: 1500, cacheSeconds: 30 } as const;

export interface ServiceConfig extends TableConfig {
  auth: AuthConfig;
  friends: FriendsConfig;
  /** SHORT_CODE_LENGTH: characters of a generated short code. */
  shortCodeLength: number;
  /** SESSION_TEMPLATES_FILE, absolute (default: next to the bundle in Lambda, config/session-templates.json elsewhere). */
  templatesFile: string;
}

export type ConfigResult<C> = { config: C } | { problems: string[] };

type Env = Record<string, string | undefined>;

const isHttpUrl = (value: string) => /^https?:\/\/[^\s/]+/.test(value);

/** A whole number from `min` to `max` (its default when unset); out of bounds, a sentence naming the variable. */
function wholeNumber(env: Env, problems: string[], name: string, fallback: number, [min, max]: [number, number], unit?: string): number {
  const value = env[name]?.trim() || String(fallback);
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    problems.push(`${name} must be a whole number ${unit ? `of ${unit} ` : ''}from ${min} to ${max}`);
  }
  return Number(value);
}

/** The table settings alone: what the stream reaper needs. */
export function readTableConfig(env: Env): ConfigResult<TableConfig> {
  const problems: string[] = [];
  const tableName = env.SESSIONS_TABLE_NAME?.trim() ?? '';
  if (!/^[a-zA-Z0-9_.-]{3,255}$/.test(tableName)) {
    problems.push('SESSIONS_TABLE_NAME must name the sessions table (3-255 characters of a-z A-Z 0-9 _ . -)');
  }
  const endpoint = env.DYNAMODB_ENDPOINT?.trim() || undefined;
  if (endpoint && !isHttpUrl(endpoint)) problems.push('DYNAMODB_ENDPOINT must be an http(s) URL');
  const millis = (name: string, fallback: number) => wholeNumber(env, problems, name, fallback, [100, 10_000], 'milliseconds');
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

function readFriendsConfig(env: Env, problems: string[]): FriendsConfig {
  const apiUrl = env.FRIENDS_API_URL?.trim() || undefined;
  if (apiUrl && !isHttpUrl(apiUrl)) problems.push('FRIENDS_API_URL must be an http(s) URL');
  return {
    ...(apiUrl ? { apiUrl: apiUrl.replace(/\/+$/, '') } : {}),
    timeoutMs: wholeNumber(env, problems, 'FRIENDS_API_TIMEOUT_MS', FRIENDS_DEFAULTS.timeoutMs, [100, 30_000], 'milliseconds'),
    cacheSeconds: wholeNumber(env, problems, 'FRIENDS_CACHE_SECONDS', FRIENDS_DEFAULTS.cacheSeconds, [0, 3600], 'seconds'),
  };
}

export function readConfig(env: Env): ConfigResult<ServiceConfig> {
  const table = readTableConfig(env);
  const auth = readAuthConfig(env);
  const problems = [...('problems' in table ? table.problems : []), ...('problems' in auth ? auth.problems : [])];
  const friends = readFriendsConfig(env, problems);
  const shortCodeLength = wholeNumber(env, problems, 'SHORT_CODE_LENGTH', SHORT_CODE_LENGTH.default, [SHORT_CODE_LENGTH.min, SHORT_CODE_LENGTH.max]);
  if (problems.length || !('config' in table) || !('config' in auth)) return { problems };
  return { config: { ...table.config, auth: auth.config, friends, shortCodeLength, templatesFile: templatesFileFrom(env) } };
}
