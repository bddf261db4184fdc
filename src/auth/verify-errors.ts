// aws-jwt-verify's errors, in RallyHere's vocabulary. Kept apart from the authenticator so the whole mapping
// reads as one table.
import {
  CognitoJwtInvalidTokenUseError,
  FetchError,
  JwkInvalidKtyError,
  JwkInvalidUseError,
  JwkValidationError,
  JwksNotAvailableInCacheError,
  JwksValidationError,
  JwtExpiredError,
  JwtInvalidClaimError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtBaseError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from 'aws-jwt-verify/error';
import { ApiError, type ErrorCode } from '../errors/api-error.js';

type ErrorClass = abstract new (...args: never[]) => Error;

// First match wins, so subclasses come before the classes they extend.
const MAPPING: readonly (readonly [ErrorClass, ErrorCode])[] = [
  [JwtParseError, 'auth_token_unknown'],
  [JwtInvalidSignatureError, 'auth_token_sig_invalid'],
  // alg "none", HS256 (a public key used as an HMAC secret) or any alg other than the key's own.
  [JwtInvalidSignatureAlgorithmError, 'auth_token_sig_invalid'],
  [JwtWithoutValidKidError, 'auth_invalid_key_id'],
  [KidNotFoundInJwksError, 'auth_invalid_key_id'],
  // An unknown kid seen again within AUTH_JWKS_REFETCH_SECONDS: refused without asking the issuer again.
  [WaitPeriodNotYetEndedJwkError, 'auth_invalid_key_id'],
  // The kid names an encryption key, or a key of a type no JWT can be verified with.
  [JwkInvalidUseError, 'auth_invalid_key_id'],
  [JwkInvalidKtyError, 'auth_invalid_key_id'],
  [JwtExpiredError, 'auth_token_expired'],
  [CognitoJwtInvalidTokenUseError, 'auth_token_invalid_type'],
  // nbf, iss, aud, Cognito client id and every other claim check.
  [JwtInvalidClaimError, 'auth_token_invalid_claim'],
  // With the verifier's options fixed at creation, verify() raises this only for an iss it has no
  // configuration for (a Cognito verifier knows two issuer spellings and looks the token's up).
  [ParameterValidationError, 'auth_token_invalid_claim'],
  // Fail closed: without the issuer's keys no token is accepted, and the client is told to retry (503).
  [FetchError, 'auth_keys_unavailable'],
  [JwksValidationError, 'auth_keys_unavailable'],
  [JwkValidationError, 'auth_keys_unavailable'],
  [JwksNotAvailableInCacheError, 'auth_keys_unavailable'],
];

const MAX_DETAIL = 300;

/** `token` is only used to keep it out of the detail, which is logged. */
/** aws-jwt-verify's parse error for a well-formed token whose claim has the wrong type ("scope claim is not a string"). */
const CLAIM_OF_WRONG_TYPE = /^JWT payload \w+ claim is not /;

export function toApiError(err: unknown, token: string): ApiError {
  if (err instanceof ApiError) return err;
  // The token parses; one of its claims does not say what a claim of its name must: the claim's code, not "unknown".
  if (err instanceof JwtParseError && CLAIM_OF_WRONG_TYPE.test(err.message)) return new ApiError('auth_token_invalid_claim', safeDetail(err, token));
  const code = MAPPING.find(([type]) => err instanceof type)?.[1] ?? 'auth_token_unknown';
  return new ApiError(code, safeDetail(err, token));
}

function safeDetail(err: unknown, token: string): string {
  let detail = err instanceof Error ? err.message : String(err);
  // JwtParseError appends JSON.parse's message, which quotes the decoded header or payload.
  if (err instanceof JwtParseError) detail = detail.split(': ')[0] ?? '';
  // The library's own messages say what failed; anything else needs its kind to make sense in a log.
  if (!(err instanceof JwtBaseError)) detail = `${err instanceof Error ? err.name : typeof err}: ${detail}`;
  for (const part of token.split('.')) {
    if (part.length >= 8) detail = detail.replaceAll(part, '<token>');
  }
  return detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}...` : detail;
}
