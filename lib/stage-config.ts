// Typed, validated stage configuration, read from CDK context (cdk.json and `-c key=value`).
//
// Where a value comes from, lowest precedence first:
//   1. the built-in defaults below (production defaults when the stage is production),
//   2. cdk.json `context.stages.<stage>` (per-stage overrides, nested objects allowed),
//   3. a top-level context key of the same name (`-c alarmTopicArn=arn:...`, `-c identity='{"issuer":...}'`).
// `-c stage=<name>` picks the stage; no context at all gives the `dev` stage.
// Every problem is a synth error that names the context key it came from, so a typo never deploys silently.
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ANY_ORIGIN, ORIGIN } from './cors.js';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
export type RemovalPolicyName = 'retain' | 'destroy';

/** (a) the stack creates a Cognito user pool, resource server, game client and machine client. */
export interface CreateCognitoIdentity {
  readonly kind: 'cognito';
  /** Prefix of the Cognito hosted domain (`<prefix>.auth.<region>.amazoncognito.com`); globally unique per region. */
  readonly domainPrefix?: string;
  /** OAuth redirect URLs of the game client's authorization-code flow. */
  readonly callbackUrls: string[];
  readonly logoutUrls: string[];
}
/** (b1) an existing Cognito user pool and the app client ids whose access tokens are accepted. */
export interface ExistingUserPoolIdentity {
  readonly kind: 'user-pool';
  readonly userPoolId: string;
  readonly clientIds: string[];
}
/** (b2) any OIDC issuer. */
export interface OidcIdentity {
  readonly kind: 'oidc';
  readonly issuer: string;
  readonly audience: string[];
  readonly jwksUri: string;
}
export type IdentityConfig = CreateCognitoIdentity | ExistingUserPoolIdentity | OidcIdentity;

export interface StageConfig {
  /** Lower-case name; used in the stack name, the event bus name and resource tags. */
  readonly stageName: string;
  /** Production defaults: PITR, deletion protection, RETAIN, longer log retention, higher throttles. */
  readonly production: boolean;
  readonly identity: IdentityConfig;
  readonly auth: {
    /** Token claim naming the caller's platform (overrides the body's platform), e.g. `custom:platform`. */
    readonly platformClaim?: string;
    /** `cognito:groups` group name -> permissions, e.g. `{"players": ["session:update-player:self"]}`. */
    readonly groupPermissions?: Record<string, string[]>;
  };
  /** HTTP API stage default route throttling. */
  readonly throttling: { readonly rateLimit: number; readonly burstLimit: number };
  /** Origins a browser page may call the API from (CORS, lib/cors.ts): `*` by default, or scheme://host[:port] each. */
  readonly corsAllowedOrigins: string[];
  /** Days; one of CloudWatch Logs' allowed values. Applies to function, access and pipe logs. */
  readonly logRetentionDays: RetentionDays;
  readonly logLevel: LogLevel;
  /** SNS topic every alarm notifies (ALARM and OK). Alarms exist without it. */
  readonly alarmTopicArn?: string;
  /** Removal policy of the stateful resources: table, user pool, log groups. */
  readonly removalPolicy: RemovalPolicyName;
  readonly pointInTimeRecovery: boolean;
  readonly deletionProtection: boolean;
  /** Reserved concurrency of each function; absent means the account's unreserved pool. */
  readonly reservedConcurrency?: number;
  readonly lambda: { readonly memoryMb: number; readonly timeoutSeconds: number };
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  /** The RallyHere-Friends-compatible service friends-only joins ask (FRIENDS_API_URL); without it those joins answer 503. */
  readonly friendsApiUrl?: string;
  /** Put an API Gateway JWT authorizer in front of every route (the functions verify tokens regardless). */
  readonly jwtAuthorizer: boolean;
  /** NODE_OPTIONS=--enable-source-maps: readable stack traces at a measured cold-start cost (see route-function.ts). */
  readonly enableSourceMaps: boolean;
  /**
   * The session templates file (a JSON array of SessionTemplate objects), relative to the repository root or
   * absolute. It is validated at synth (a bad file fails `cdk synth`, naming the problem) and copied into every
   * route function's bundle as session-templates.json, where the handlers read it at init.
   */
  readonly templatesFile: string;
  readonly alarms: {
    /** p99 Duration per function above which the latency alarm fires. */
    readonly p99LatencyMs: number;
    /** API 5xx responses as a percentage of requests above which the 5xx alarm fires. */
    readonly serverErrorRatePercent: number;
  };
}

/** Context keys a stage object (and the top level) may carry. Anything else is a typo and an error. */
const STAGE_KEYS = [
  'production',
  'identity',
  'auth',
  'throttling',
  'corsAllowedOrigins',
  'logRetentionDays',
  'logLevel',
  'alarmTopicArn',
  'removalPolicy',
  'pointInTimeRecovery',
  'deletionProtection',
  'reservedConcurrency',
  'lambda',
  'customDomain',
  'friendsApiUrl',
  'jwtAuthorizer',
  'enableSourceMaps',
  'templatesFile',
  'alarms',
] as const;
type StageKey = (typeof STAGE_KEYS)[number];

const DEFAULT_STAGE = 'dev';
/** The templates file every stage deploys unless `templatesFile` names another (relative to the repository root). */
const DEFAULT_TEMPLATES_FILE = 'config/session-templates.json';

/** Built-in defaults; production differs only where safety or scale requires it. */
export function defaultStageConfig(stageName: string, production: boolean): StageConfig {
  return {
    stageName,
    production,
    identity: { kind: 'cognito', callbackUrls: ['http://localhost:8976/callback'], logoutUrls: ['http://localhost:8976/'] },
    auth: {},
    throttling: production ? { rateLimit: 1000, burstLimit: 2000 } : { rateLimit: 50, burstLimit: 100 },
    corsAllowedOrigins: [ANY_ORIGIN],
    logRetentionDays: production ? RetentionDays.THREE_MONTHS : RetentionDays.TWO_WEEKS,
    logLevel: 'INFO',
    removalPolicy: production ? 'retain' : 'destroy',
    pointInTimeRecovery: production,
    deletionProtection: production,
    lambda: { memoryMb: 1024, timeoutSeconds: 10 },
    jwtAuthorizer: false,
    enableSourceMaps: false,
    templatesFile: DEFAULT_TEMPLATES_FILE,
    alarms: { p99LatencyMs: 1000, serverErrorRatePercent: 1 },
  };
}

export class StageConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid CDK context "${key}": ${problem}`);
    this.name = 'StageConfigError';
  }
}

/** Reads one context value; the CDK's `node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

const STAGE_NAME = /^[a-z][a-z0-9-]{0,23}$/;
const SNS_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const HOSTNAME = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const USER_POOL_ID = /^[a-z]{2}(-[a-z]+)+-\d_[0-9A-Za-z]+$/;
const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const RETENTION_VALUES = Object.values(RetentionDays).filter((v): v is number => typeof v === 'number');

/** Builds the stage's configuration from context; throws StageConfigError naming the offending key. */
export function stageConfigFromContext(get: ContextReader): StageConfig {
  const stageRaw = get('stage') ?? DEFAULT_STAGE;
  if (typeof stageRaw !== 'string' || !STAGE_NAME.test(stageRaw)) {
    throw new StageConfigError(
      'stage',
      `must match ${STAGE_NAME} (lower-case letters, digits, dashes; at most 24 characters), got ${show(stageRaw)}`,
    );
  }
  const stageName = stageRaw;

  const stagesRaw = parseMaybeJson(get('stages'), 'stages') ?? {};
  if (!isPlainObject(stagesRaw)) throw new StageConfigError('stages', `must be an object of stage name -> settings, got ${show(stagesRaw)}`);
  const stageObj = stagesRaw[stageName] ?? {};
  if (!isPlainObject(stageObj)) throw new StageConfigError(`stages.${stageName}`, `must be an object, got ${show(stageObj)}`);
  for (const key of Object.keys(stageObj)) {
    if (!(STAGE_KEYS as readonly string[]).includes(key)) {
      throw new StageConfigError(`stages.${stageName}.${key}`, `unknown setting; known settings: ${STAGE_KEYS.join(', ')}`);
    }
  }

  // The effective raw value of each setting and the key it came from (for error messages).
  const pick = (key: StageKey): { value: unknown; key: string } | undefined => {
    const top = parseMaybeJson(get(key), key);
    if (top !== undefined && top !== null) return { value: top, key };
    const staged = stageObj[key];
    if (staged !== undefined && staged !== null) return { value: staged, key: `stages.${stageName}.${key}` };
    return undefined;
  };

  const productionSetting = pick('production');
  const production = productionSetting ? bool(productionSetting) : stageName === 'prod';
  const d = defaultStageConfig(stageName, production);

  const throttlingSetting = pick('throttling');
  const throttling = throttlingSetting ? objectOf(throttlingSetting, ['rateLimit', 'burstLimit']) : {};
  const lambdaSetting = pick('lambda');
  const lambda = lambdaSetting ? objectOf(lambdaSetting, ['memoryMb', 'timeoutSeconds']) : {};
  const alarmsSetting = pick('alarms');
  const alarms = alarmsSetting ? objectOf(alarmsSetting, ['p99LatencyMs', 'serverErrorRatePercent']) : {};

  const logRetention = pick('logRetentionDays');
  const logLevel = pick('logLevel');
  const alarmTopic = pick('alarmTopicArn');
  const removal = pick('removalPolicy');
  const pitr = pick('pointInTimeRecovery');
  const protection = pick('deletionProtection');
  const reserved = pick('reservedConcurrency');
  const domain = pick('customDomain');
  const friends = pick('friendsApiUrl');
  const jwt = pick('jwtAuthorizer');
  const sourceMaps = pick('enableSourceMaps');
  const identity = pick('identity');
  const auth = pick('auth');
  const templatesFile = pick('templatesFile');
  const cors = pick('corsAllowedOrigins');

  return {
    stageName,
    production,
    identity: identity ? identityConfig(identity, d.identity as CreateCognitoIdentity) : d.identity,
    auth: auth ? authConfig(auth) : d.auth,
    throttling: {
      rateLimit: throttling.rateLimit ? num(throttling.rateLimit, { min: 1, max: 1_000_000 }) : d.throttling.rateLimit,
      burstLimit: throttling.burstLimit ? num(throttling.burstLimit, { min: 1, max: 1_000_000, integer: true }) : d.throttling.burstLimit,
    },
    corsAllowedOrigins: cors ? stringList(cors, ORIGIN) : d.corsAllowedOrigins,
    logRetentionDays: logRetention ? retention(logRetention) : d.logRetentionDays,
    logLevel: logLevel ? oneOf(logLevel, ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const) : d.logLevel,
    alarmTopicArn: alarmTopic ? matching(alarmTopic, SNS_ARN, 'an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)') : undefined,
    removalPolicy: removal ? oneOf(removal, ['retain', 'destroy'] as const) : d.removalPolicy,
    pointInTimeRecovery: pitr ? bool(pitr) : d.pointInTimeRecovery,
    deletionProtection: protection ? bool(protection) : d.deletionProtection,
    reservedConcurrency: reserved ? num(reserved, { min: 1, max: 10_000, integer: true }) : undefined,
    lambda: {
      memoryMb: lambda.memoryMb ? num(lambda.memoryMb, { min: 128, max: 10_240, integer: true }) : d.lambda.memoryMb,
      // An HTTP API integration gives up after 30 s; a function allowed to run longer would only be cut off.
      timeoutSeconds: lambda.timeoutSeconds ? num(lambda.timeoutSeconds, { min: 1, max: 29, integer: true }) : d.lambda.timeoutSeconds,
    },
    customDomain: domain ? customDomain(domain) : undefined,
    friendsApiUrl: friends ? httpsUrl(friends) : undefined,
    jwtAuthorizer: jwt ? bool(jwt) : d.jwtAuthorizer,
    enableSourceMaps: sourceMaps ? bool(sourceMaps) : d.enableSourceMaps,
    templatesFile: templatesFile ? filePath(templatesFile) : d.templatesFile,
    alarms: {
      p99LatencyMs: alarms.p99LatencyMs ? num(alarms.p99LatencyMs, { min: 1, max: 900_000 }) : d.alarms.p99LatencyMs,
      serverErrorRatePercent: alarms.serverErrorRatePercent
        ? num(alarms.serverErrorRatePercent, { min: 0.01, max: 100 })
        : d.alarms.serverErrorRatePercent,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Value parsers. Each takes { value, key } and throws StageConfigError naming the key.

type Setting = { value: unknown; key: string };

function identityConfig(s: Setting, defaults: CreateCognitoIdentity): IdentityConfig {
  const o = objectOf(s, ['userPoolId', 'userPoolClientIds', 'issuer', 'audience', 'jwksUri', 'domainPrefix', 'callbackUrls', 'logoutUrls']);
  const hasPool = o.userPoolId !== undefined || o.userPoolClientIds !== undefined;
  const hasOidc = o.issuer !== undefined || o.audience !== undefined || o.jwksUri !== undefined;
  const hasCreate = o.domainPrefix !== undefined || o.callbackUrls !== undefined || o.logoutUrls !== undefined;
  if ([hasPool, hasOidc, hasCreate].filter(Boolean).length > 1) {
    throw new StageConfigError(
      s.key,
      'give either an existing user pool (userPoolId, userPoolClientIds), or an OIDC issuer (issuer, audience, jwksUri), ' +
        'or settings of the user pool this stack creates (domainPrefix, callbackUrls, logoutUrls), not a mix',
    );
  }
  if (hasPool) {
    return {
      kind: 'user-pool',
      userPoolId: matching(required(o.userPoolId, `${s.key}.userPoolId`), USER_POOL_ID, 'a Cognito user pool id such as eu-west-1_AbCdEf123'),
      clientIds: stringList(required(o.userPoolClientIds, `${s.key}.userPoolClientIds`), /^[A-Za-z0-9_+]{1,128}$/),
    };
  }
  if (hasOidc) {
    return {
      kind: 'oidc',
      issuer: httpsUrl(required(o.issuer, `${s.key}.issuer`)),
      audience: stringList(required(o.audience, `${s.key}.audience`), /^\S{1,512}$/),
      jwksUri: httpsUrl(required(o.jwksUri, `${s.key}.jwksUri`)),
    };
  }
  return {
    kind: 'cognito',
    domainPrefix: o.domainPrefix
      ? matching(o.domainPrefix, DOMAIN_PREFIX, 'lower-case letters, digits and dashes, at most 63 characters')
      : undefined,
    callbackUrls: o.callbackUrls ? stringList(o.callbackUrls, /^[a-z][a-z0-9+.-]*:\/\/\S+$/) : defaults.callbackUrls,
    logoutUrls: o.logoutUrls ? stringList(o.logoutUrls, /^[a-z][a-z0-9+.-]*:\/\/\S+$/) : defaults.logoutUrls,
  };
}

function authConfig(s: Setting): StageConfig['auth'] {
  const o = objectOf(s, ['platformClaim', 'groupPermissions']);
  let groupPermissions: Record<string, string[]> | undefined;
  if (o.groupPermissions) {
    const g = o.groupPermissions;
    const parsed = parseMaybeJson(g.value, g.key);
    if (!isPlainObject(parsed)) throw new StageConfigError(g.key, `must be an object of group -> permission list, got ${show(parsed)}`);
    groupPermissions = {};
    for (const [group, perms] of Object.entries(parsed)) {
      groupPermissions[group] = stringList({ value: perms, key: `${g.key}.${group}` }, /^[a-z0-9*][a-z0-9:*_-]*$/i);
    }
  }
  return {
    platformClaim: o.platformClaim ? matching(o.platformClaim, /^[A-Za-z0-9:_.-]{1,128}$/, 'a claim name') : undefined,
    groupPermissions,
  };
}

function customDomain(s: Setting): NonNullable<StageConfig['customDomain']> {
  const o = objectOf(s, ['domainName', 'certificateArn']);
  return {
    domainName: matching(required(o.domainName, `${s.key}.domainName`), HOSTNAME, 'a lower-case DNS name such as sessions.example.com'),
    certificateArn: matching(required(o.certificateArn, `${s.key}.certificateArn`), ACM_ARN, "an ACM certificate ARN in the stack's region"),
  };
}

/** An object setting: returns its known sub-settings keyed by name; unknown sub-keys are errors. */
function objectOf<K extends string>(s: Setting, keys: readonly K[]): Partial<Record<K, Setting>> {
  const value = parseMaybeJson(s.value, s.key);
  if (!isPlainObject(value)) throw new StageConfigError(s.key, `must be an object with ${keys.join(', ')}, got ${show(value)}`);
  const out: Partial<Record<K, Setting>> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!(keys as readonly string[]).includes(k)) throw new StageConfigError(`${s.key}.${k}`, `unknown setting; known settings: ${keys.join(', ')}`);
    if (v !== undefined && v !== null) out[k as K] = { value: v, key: `${s.key}.${k}` };
  }
  return out;
}

function required(s: Setting | undefined, key: string): Setting {
  if (!s) throw new StageConfigError(key, 'is required');
  return s;
}

function bool(s: Setting): boolean {
  if (s.value === true || s.value === 'true') return true;
  if (s.value === false || s.value === 'false') return false;
  throw new StageConfigError(s.key, `must be true or false, got ${show(s.value)}`);
}

function num(s: Setting, o: { min: number; max: number; integer?: boolean }): number {
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && s.value.trim() !== '' ? Number(s.value) : NaN;
  if (!Number.isFinite(n) || n < o.min || n > o.max || (o.integer && !Number.isInteger(n))) {
    throw new StageConfigError(s.key, `must be ${o.integer ? 'an integer' : 'a number'} from ${o.min} to ${o.max}, got ${show(s.value)}`);
  }
  return n;
}

function retention(s: Setting): RetentionDays {
  const n = num(s, { min: 1, max: 3653, integer: true });
  if (!RETENTION_VALUES.includes(n))
    throw new StageConfigError(s.key, `must be one of CloudWatch Logs' retention periods (${RETENTION_VALUES.join(', ')}), got ${show(s.value)}`);
  return n as RetentionDays;
}

function oneOf<T extends string>(s: Setting, values: readonly T[]): T {
  const v = typeof s.value === 'string' ? s.value : undefined;
  const hit = values.find((x) => x.toLowerCase() === v?.toLowerCase());
  if (!hit) throw new StageConfigError(s.key, `must be one of ${values.join(', ')}, got ${show(s.value)}`);
  return hit;
}

function matching(s: Setting, re: RegExp, what: string): string {
  if (typeof s.value !== 'string' || !re.test(s.value)) throw new StageConfigError(s.key, `must be ${what}, got ${show(s.value)}`);
  return s.value;
}

/** A file path (relative to the repository root, or absolute); whether the file exists and is valid is the stack's check. */
function filePath(s: Setting): string {
  if (typeof s.value !== 'string' || s.value.trim() === '' || s.value.includes('\0')) {
    throw new StageConfigError(s.key, `must be a file path (relative to the repository root, or absolute), got ${show(s.value)}`);
  }
  return s.value.trim();
}

function httpsUrl(s: Setting): string {
  if (typeof s.value === 'string') {
    try {
      const u = new URL(s.value);
      if (u.protocol === 'https:' && !u.username && !u.password) return s.value;
    } catch {
      // fall through to the error
    }
  }
  throw new StageConfigError(s.key, `must be an https URL, got ${show(s.value)}`);
}

/** A non-empty list of strings, as a JSON array or a comma-separated string. */
function stringList(s: Setting, re: RegExp): string[] {
  const raw = parseMaybeJson(s.value, s.key);
  const list = typeof raw === 'string' ? raw.split(',').map((x) => x.trim()) : raw;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && re.test(x))) {
    throw new StageConfigError(s.key, `must be a non-empty list of strings matching ${re} (JSON array or comma-separated), got ${show(s.value)}`);
  }
  return [...new Set(list as string[])];
}

/** `-c key=value` gives strings; a value that looks like JSON (object or array) is parsed as JSON. */
function parseMaybeJson(v: unknown, key: string): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return v;
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new StageConfigError(key, `looks like JSON but does not parse: ${(e as Error).message}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
