// Verifies the bearer token of a request. Created once per container, so the JWKS and the public keys derived
// from it are fetched and computed once and then shared by every request the container serves.
import { CognitoJwtVerifier } from 'aws-jwt-verify/cognito-verifier';
import { JwtVerifier } from 'aws-jwt-verify/jwt-verifier';
import { SimpleJwksCache, SimplePenaltyBox } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ApiError } from '../errors/api-error.js';
import type { AuthConfig } from './auth-config.js';
import { callerFromClaims, type Caller } from './caller.js';
import { createJwksFetcher, createStaticJwksFetcher, DEFAULT_JWKS_FETCH_TIMEOUT_MS } from './jwks-fetcher.js';
import { toApiError } from './verify-errors.js';
import { VerifiedTokens } from './verified-tokens.js';

export type { Caller } from './caller.js';

export interface Authenticator {
  /** Resolves to the caller, or rejects with an ApiError (auth_*: 403, or auth_keys_unavailable: 503). */
  authenticate(authorizationHeader: string | undefined): Promise<Caller>;
}

export interface AuthenticatorOptions {
  /** How long one JWKS fetch may take; tests shorten it. */
  readonly jwksFetchTimeoutMs?: number;
  /** How many verified tokens the container remembers until they expire (0: none). */
  readonly verifiedTokenCapacity?: number;
}

/** Longer than any token a real issuer mints; refused before any parsing so no work is spent on junk. */
export const MAX_TOKEN_LENGTH = 8192;

/** How far an issuer's clock may run ahead of ours, for `iat` and `nbf`; `exp` is exact. */
export const CLOCK_SKEW_SECONDS = 60;

/**
 * Beyond aws-jwt-verify's checks (which, with graceSeconds, allow the skew on nbf): a token must expire, exactly
 * when it says, and cannot have been issued in the future.
 */
function checkTimes({ payload }: { payload: JwtPayload }): void {
  const now = Date.now() / 1000;
  if (payload.exp === undefined) throw new ApiError('auth_token_invalid_claim', 'no exp claim: a token that never expires');
  if (payload.exp <= now) throw new ApiError('auth_token_expired', `expired at ${new Date(payload.exp * 1000).toISOString()}`);
  if (payload.iat !== undefined && payload.iat > now + CLOCK_SKEW_SECONDS) throw new ApiError('auth_token_invalid_claim', 'iat is in the future');
}

export function createAuthenticator(config: AuthConfig, options: AuthenticatorOptions = {}): Authenticator {
  const verify = createVerify(config, options.jwksFetchTimeoutMs ?? DEFAULT_JWKS_FETCH_TIMEOUT_MS);
  const verified = new VerifiedTokens(options.verifiedTokenCapacity ?? 1000);
  return {
    async authenticate(authorizationHeader) {
      const token = bearerToken(authorizationHeader);
      const known = verified.get(token, Date.now());
      if (known) return known;
      assertJwtShape(token);
      let claims: JwtPayload;
      try {
        claims = await verify(token);
      } catch (err) {
        throw toApiError(err, token);
      }
      const caller = callerFromClaims(claims, config);
      verified.put(token, caller, claims.exp);
      return caller;
    },
  };
}

function createVerify(config: AuthConfig, fetchTimeoutMs: number): (token: string) => Promise<JwtPayload> {
  const jwksCache = new SimpleJwksCache({
    fetcher: config.staticJwks ? createStaticJwksFetcher(config.staticJwks) : createJwksFetcher(fetchTimeoutMs),
    // Without it, every token with a made-up kid would make the container fetch the JWKS again.
    penaltyBox: new SimplePenaltyBox({ waitSeconds: config.jwksRefetchSeconds }),
  });
  if (config.mode === 'cognito') {
    const verifier = CognitoJwtVerifier.create(
      {
        userPoolId: config.userPoolId,
        clientId: [...config.clientIds],
        tokenUse: config.tokenUse,
        graceSeconds: CLOCK_SKEW_SECONDS,
        customJwtCheck: checkTimes,
      },
      { jwksCache },
    );
    if (config.staticJwks) verifier.cacheJwks(config.staticJwks);
    return (token) => verifier.verify(token);
  }
  const verifier = JwtVerifier.create(
    { issuer: config.issuer, audience: [...config.audience], jwksUri: config.jwksUri, graceSeconds: CLOCK_SKEW_SECONDS, customJwtCheck: checkTimes },
    { jwksCache },
  );
  if (config.staticJwks) verifier.cacheJwks(config.staticJwks);
  return (token) => verifier.verify(token);
}

function bearerToken(header: string | undefined): string {
  const value = header?.trim() ?? '';
  const space = value.search(/\s/);
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme.toLowerCase() !== 'bearer') {
    throw new ApiError('auth_token_format', header === undefined ? 'no Authorization header' : 'scheme is not Bearer');
  }
  const token = space < 0 ? '' : value.slice(space).trim();
  if (token.length > MAX_TOKEN_LENGTH) {
    throw new ApiError('auth_malformed_access', `token of ${token.length} characters, more than ${MAX_TOKEN_LENGTH}`);
  }
  if (token === '' || /\s/.test(token)) throw new ApiError('auth_token_format', 'expected exactly one token after Bearer');
  return token;
}

const B64URL_PART = /^[A-Za-z0-9_-]+={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

// aws-jwt-verify reports "not a JWT at all" and "a JWT whose JSON is broken" with the same JwtParseError;
// RallyHere tells them apart (auth_not_jwt, auth_token_unknown), so the first is decided here.
function assertJwtShape(token: string): void {
  const parts = token.split('.');
  const [header, payload, signature] = parts;
  if (parts.length !== 3 || !isUtf8Base64Url(header) || !isUtf8Base64Url(payload)) {
    throw new ApiError('auth_not_jwt', 'not three base64url parts with a UTF-8 header and payload');
  }
  // An unsecured JWT (RFC 7519 section 6, alg "none") has an empty signature.
  if (signature === '') throw new ApiError('auth_token_sig_invalid', 'token has no signature');
  if (!B64URL_PART.test(signature ?? '')) throw new ApiError('auth_not_jwt', 'signature is not base64url');
}

function isUtf8Base64Url(part: string | undefined): boolean {
  // A length of 4n+1 cannot be base64 at all; Buffer would quietly drop the odd character.
  if (part === undefined || !B64URL_PART.test(part) || part.replace(/=+$/, '').length % 4 === 1) return false;
  try {
    utf8.decode(Buffer.from(part, 'base64url'));
    return true;
  } catch {
    return false;
  }
}
