// Reads the auth settings from the environment. Never throws: a misconfigured container must still answer every
// request (with configuration_invalid) and log what is wrong, rather than crash at init and leave no clue.
import { readFileSync } from 'node:fs';
import { isJwks, type Jwks } from 'aws-jwt-verify/jwk';
import { jwksUriProblem } from './loopback.js';

interface CommonAuthConfig {
  /** Claim naming the player; its value must be a UUID. */
  readonly playerClaim: string;
  /** Claim naming the player's platform, if the issuer provides one. */
  readonly platformClaim?: string;
  /** `cognito:groups` group name -> permissions granted to its members. */
  readonly groupPermissions: ReadonlyMap<string, readonly string[]>;
  /** Minimum seconds between JWKS fetches caused by key ids that turned out unknown. */
  readonly jwksRefetchSeconds: number;
  /** Keys given directly (AUTH_JWKS or AUTH_JWKS_FILE): the verifier then never touches the network. */
  readonly staticJwks?: Jwks;
}

export interface CognitoAuthConfig extends CommonAuthConfig {
  readonly mode: 'cognito';
  readonly userPoolId: string;
  readonly clientIds: readonly string[];
  readonly tokenUse: 'access' | 'id';
}

export interface OidcAuthConfig extends CommonAuthConfig {
  readonly mode: 'oidc';
  readonly issuer: string;
  readonly audience: readonly string[];
  /** With static keys this is only the key of aws-jwt-verify's cache, never fetched. */
  readonly jwksUri: string;
}

export type AuthConfig = CognitoAuthConfig | OidcAuthConfig;
export type AuthConfigResult = { config: AuthConfig } | { problems: string[] };

export interface AuthConfigIo {
  readFile(path: string): string;
}

const defaultIo: AuthConfigIo = { readFile: (path) => readFileSync(path, 'utf8') };

// Copied from aws-jwt-verify's CognitoJwtVerifier.USER_POOL_ID_REGEX so that a bad pool id is a config problem
// here instead of an exception from the verifier's constructor.
const USER_POOL_ID = /^(?:eusc-[a-z]{2}|[a-z]{2})-(?:gov-)?[a-z]+-\d_[a-zA-Z0-9]+$/;

// Settings that only make sense in one mode: setting them in the other is almost surely a mistake, so it is
// reported instead of being silently ignored.
const OIDC_ONLY = ['AUTH_AUDIENCE', 'AUTH_JWKS_URI'] as const;
const COGNITO_ONLY = ['AUTH_COGNITO_CLIENT_IDS', 'AUTH_TOKEN_USE'] as const;

/** `env` is usually process.env; `io` reads AUTH_JWKS_FILE, once, when the container starts. */
export function readAuthConfig(env: Record<string, string | undefined>, io: AuthConfigIo = defaultIo): AuthConfigResult {
  const problems: string[] = [];
  // Deployment tools often set a variable to '' to mean "unset".
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };

  const playerClaim = get('AUTH_PLAYER_CLAIM') ?? 'sub';
  const platformClaim = get('AUTH_PLATFORM_CLAIM');
  const groupPermissions = parseGroupPermissions(get('AUTH_GROUP_PERMISSIONS'), problems);
  const jwksRefetchSeconds = parseRefetchSeconds(get('AUTH_JWKS_REFETCH_SECONDS'), problems);
  const staticJwks = readStaticJwks(get('AUTH_JWKS'), get('AUTH_JWKS_FILE'), io, problems);
  const common = { playerClaim, platformClaim, groupPermissions, jwksRefetchSeconds, staticJwks };

  const userPoolId = get('AUTH_COGNITO_USER_POOL_ID');
  const issuer = get('AUTH_ISSUER');
  let config: AuthConfig | undefined;

  if (userPoolId && issuer) {
    problems.push('AUTH_COGNITO_USER_POOL_ID and AUTH_ISSUER are both set: set only one of them.');
  } else if (userPoolId) {
    for (const name of OIDC_ONLY) {
      if (get(name)) problems.push(`${name} applies only with AUTH_ISSUER, not with AUTH_COGNITO_USER_POOL_ID: unset it.`);
    }
    if (!USER_POOL_ID.test(userPoolId)) {
      problems.push(`AUTH_COGNITO_USER_POOL_ID must be a user pool id such as eu-west-1_AbCdEf123, not "${userPoolId}".`);
    }
    const clientIds = list(get('AUTH_COGNITO_CLIENT_IDS'));
    if (clientIds.length === 0) {
      problems.push('AUTH_COGNITO_CLIENT_IDS must list the accepted app client ids, comma-separated.');
    }
    const tokenUse = get('AUTH_TOKEN_USE') ?? 'access';
    if (tokenUse !== 'access' && tokenUse !== 'id') {
      problems.push(`AUTH_TOKEN_USE must be "access" or "id", not "${tokenUse}".`);
    }
    config = { mode: 'cognito', userPoolId, clientIds, tokenUse: tokenUse === 'id' ? 'id' : 'access', ...common };
  } else if (issuer) {
    for (const name of COGNITO_ONLY) {
      if (get(name)) problems.push(`${name} applies only with AUTH_COGNITO_USER_POOL_ID, not with AUTH_ISSUER: unset it.`);
    }
    const audience = list(get('AUTH_AUDIENCE'));
    if (audience.length === 0) {
      problems.push('AUTH_AUDIENCE must list the accepted audiences (aud claim values), comma-separated.');
    }
    if (!URL.canParse(issuer)) {
      problems.push(`AUTH_ISSUER must be the issuer's URL (the exact iss claim value), not "${issuer}".`);
    }
    const jwksUri = get('AUTH_JWKS_URI') ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
    const uriProblem = staticJwks ? undefined : jwksUriProblem(jwksUri);
    if (uriProblem) {
      const name = get('AUTH_JWKS_URI') ? 'AUTH_JWKS_URI' : 'AUTH_JWKS_URI (derived from AUTH_ISSUER)';
      problems.push(`${name} ${uriProblem}: "${jwksUri}".`);
    }
    config = { mode: 'oidc', issuer, audience, jwksUri, ...common };
  } else {
    problems.push('Neither AUTH_COGNITO_USER_POOL_ID nor AUTH_ISSUER is set: set AUTH_COGNITO_USER_POOL_ID or AUTH_ISSUER.');
  }

  return problems.length > 0 || !config ? { problems } : { config };
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function parseGroupPermissions(raw: string | undefined, problems: string[]): Map<string, readonly string[]> {
  // A Map, not an object: a group may be called "constructor" or "__proto__".
  const map = new Map<string, readonly string[]>();
  if (!raw) return map;
  const problem =
    'AUTH_GROUP_PERMISSIONS must be a JSON object mapping each group name to an array of permissions, such as {"game-servers":["session:*"]}.';
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    problems.push(problem);
    return map;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    problems.push(problem);
    return map;
  }
  for (const [group, permissions] of Object.entries(parsed)) {
    if (!Array.isArray(permissions) || !permissions.every((p): p is string => typeof p === 'string' && p.length > 0)) {
      problems.push(problem);
      return map;
    }
    map.set(group, permissions);
  }
  return map;
}

function parseRefetchSeconds(raw: string | undefined, problems: string[]): number {
  if (raw === undefined) return 10;
  const seconds = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(seconds)) {
    problems.push(`AUTH_JWKS_REFETCH_SECONDS must be a number of seconds, 0 or more, not "${raw}".`);
    return 10;
  }
  return seconds;
}

function readStaticJwks(inline: string | undefined, file: string | undefined, io: AuthConfigIo, problems: string[]): Jwks | undefined {
  if (inline && file) {
    problems.push('AUTH_JWKS and AUTH_JWKS_FILE are both set: set only one of them.');
    return undefined;
  }
  let name: string;
  let text: string;
  if (inline) {
    name = 'AUTH_JWKS';
    text = inline;
  } else if (file) {
    name = 'AUTH_JWKS_FILE';
    try {
      text = io.readFile(file);
    } catch (err) {
      problems.push(`AUTH_JWKS_FILE names a file that cannot be read (${(err as Error).message}).`);
      return undefined;
    }
  } else {
    return undefined;
  }
  let jwks: unknown;
  try {
    jwks = JSON.parse(text);
  } catch {
    problems.push(`${name} is not JSON: it must be a JWKS, {"keys":[...]}.`);
    return undefined;
  }
  // The same check aws-jwt-verify applies to a fetched JWKS, so static keys are accepted exactly when fetched ones would be.
  if (!isJwks(jwks as Parameters<typeof isJwks>[0])) {
    problems.push(`${name} is not a valid JWKS: it must be {"keys":[...]} with a string "kty" in every key.`);
    return undefined;
  }
  const result = jwks as Jwks;
  if (!result.keys.some((key) => typeof key.kid === 'string')) {
    problems.push(`${name} has no key with a "kid", so no token could ever be verified with it.`);
    return undefined;
  }
  return result;
}
