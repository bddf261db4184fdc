// A token issuer for tests: a real RSA key pair and real RS256 signatures, so the service's verification runs
// exactly as in production. Built on node:crypto alone so that it cannot share a bug with aws-jwt-verify.
import { GAME_CLIENT_PERMISSIONS } from '../../schemas/generated/operations.js';
import { generateKeyPairSync, randomUUID, sign as cryptoSign, type JsonWebKey, type KeyObject } from 'node:crypto';

export interface SignOptions {
  /** Merged over { alg: 'RS256', typ: 'JWT', kid }; the token is still signed RS256, whatever alg says. */
  header?: Record<string, unknown>;
  /** Sign with this private key instead of the issuer's own (the kid stays the issuer's unless overridden). */
  key?: KeyObject;
  /** exp = iat + this; default 3600. Negative for an already expired token. */
  expiresInSeconds?: number;
}

export interface TestIssuer {
  issuer: string;
  audience: string;
  kid: string;
  jwks: { keys: JsonWebKey[] };
  privateKey: KeyObject;
  publicKey: KeyObject;
  /**
   * Claims are merged over { iss, aud, iat: now, exp: now + 3600, sub: random UUID }; a claim given as undefined
   * is left out of the token (e.g. `{ aud: undefined }` for a Cognito access token, which has none).
   */
  sign(claims?: Record<string, unknown>, options?: SignOptions): string;
}

export interface TestIssuerOptions {
  issuer?: string;
  audience?: string;
  kid?: string;
}

export function createTestIssuer(opts: TestIssuerOptions = {}): TestIssuer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const issuer = opts.issuer ?? 'https://auth.test.invalid';
  const audience = opts.audience ?? 'rh-session-service';
  const kid = opts.kid ?? `test-${randomUUID()}`;
  const jwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };

  return {
    issuer,
    audience,
    kid,
    jwks: { keys: [jwk] },
    privateKey,
    publicKey,
    sign(claims = {}, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', typ: 'JWT', kid, ...options.header };
      const payload = {
        iss: issuer,
        aud: audience,
        iat: now,
        exp: now + (options.expiresInSeconds ?? 3600),
        sub: randomUUID(),
        ...claims,
      };
      return signRs256(header, payload, options.key ?? privateKey);
    },
  };
}

/** Signs any header and payload (even ones a real issuer never would) with RS256. */
function signRs256(header: Record<string, unknown>, payload: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A player's token: `sub` is the player UUID, `scope` the permissions (space-separated; a game client's by default). */
export function playerToken(issuer: TestIssuer, opts: { sub?: string; permissions?: readonly string[] } = {}): string {
  return issuer.sign({
    ...(opts.sub === undefined ? {} : { sub: opts.sub }),
    scope: (opts.permissions ?? GAME_CLIENT_PERMISSIONS).join(' '),
  });
}

/** Environment for static-JWKS OIDC mode: verification with this issuer's key and no network. */
export function authEnvFor(issuer: TestIssuer): Record<string, string> {
  return {
    AUTH_ISSUER: issuer.issuer,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS: JSON.stringify(issuer.jwks),
  };
}

/** The issuer's public key as PEM: what an HS256 key-confusion attack uses as its HMAC secret. */
export const publicKeyPem = (issuer: TestIssuer): string => issuer.publicKey.export({ format: 'pem', type: 'spki' }).toString();
