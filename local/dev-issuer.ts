// The local stack's token issuer: one RS256 key pair made at first use and kept in a folder (the checkout's
// git-ignored .local/keys, or <--data>/keys), so tokens keep working across restarts and whatever port the stack
// listens on. The handlers trust it through the production auth path (aws-jwt-verify in OIDC mode); only the key
// source differs: AUTH_JWKS_FILE names the public key set written next to the key.
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, sign, createHash, type KeyObject } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GAME_CLIENT_PERMISSIONS } from '../schemas/generated/operations.js';

/** The `iss` of dev tokens. Not a URL anyone fetches: the keys come from AUTH_JWKS_FILE, never from the network. */
export const DEV_ISSUER = 'urn:rh-session:local';
/** The `aud` of dev tokens. */
export const DEV_AUDIENCE = 'rh-session-local';
/** Claim the handlers read the platform from (AUTH_PLATFORM_CLAIM) when a token carries one. */
export const DEV_PLATFORM_CLAIM = 'platform';

const KEY_FILE = 'dev-issuer-key.json';
const JWKS_FILE = 'jwks.json';

export interface PublicJwk {
  kty: string;
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface DevIssuer {
  issuer: string;
  audience: string;
  kid: string;
  /** The folder holding the key and the JWKS. */
  dir: string;
  /** The public key set, as served at /.well-known/jwks.json and read through AUTH_JWKS_FILE. */
  jwks: { keys: PublicJwk[] };
  jwksFile: string;
  mint(options?: MintOptions): string;
}

export interface MintOptions {
  /** `sub`; a random player when absent. */
  player?: string;
  /** Go into the `scope` claim, space-separated; a game client's when absent. */
  permissions?: readonly string[];
  /** Seconds until `exp`; one hour when absent. */
  expiresInSeconds?: number;
  /** Goes into the `platform` claim. */
  platform?: string;
  now?: Date;
}

interface KeyFile {
  kid: string;
  privateKeyPem: string;
  created: string;
}

/** Loads the issuer's key from `dir`, creating it when there is none. Safe when several processes race. */
export async function loadOrCreateDevIssuer(dir: string): Promise<DevIssuer> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyPath = join(dir, KEY_FILE);
  let stored = await readKeyFile(keyPath);
  if (!stored) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const candidate: KeyFile = {
      kid: thumbprint(createPublicKey(privateKey)),
      privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      created: new Date().toISOString(),
    };
    // Written aside, then linked into place: link fails if another process got there first, and then its key
    // is the one everybody uses.
    const temp = `${keyPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, `${JSON.stringify(candidate, null, 2)}\n`, { mode: 0o600 });
    try {
      await link(temp, keyPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    stored = await readKeyFile(keyPath);
    if (!stored) throw new Error(`${keyPath} could not be read back after it was written`);
  }

  const privateKey = createPrivateKey(stored.privateKeyPem);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as { kty: string; n: string; e: string };
  const jwks = { keys: [{ kty: jwk.kty, n: jwk.n, e: jwk.e, kid: stored.kid, alg: 'RS256' as const, use: 'sig' as const }] };
  const jwksFile = join(dir, JWKS_FILE);
  const text = `${JSON.stringify(jwks, null, 2)}\n`;
  if ((await readFile(jwksFile, 'utf8').catch(() => '')) !== text) {
    const temp = `${jwksFile}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, text);
    await rename(temp, jwksFile);
  }

  return {
    issuer: DEV_ISSUER,
    audience: DEV_AUDIENCE,
    kid: stored.kid,
    dir,
    jwks,
    jwksFile,
    mint: (options) => mintToken(privateKey, stored.kid, options),
  };
}

async function readKeyFile(path: string): Promise<KeyFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<KeyFile>;
  if (typeof parsed.kid !== 'string' || typeof parsed.privateKeyPem !== 'string') {
    throw new Error(`${path} is not a dev issuer key file: delete it and a new key is made at the next start`);
  }
  return parsed as KeyFile;
}

function mintToken(key: KeyObject, kid: string, options: MintOptions = {}): string {
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const payload: Record<string, unknown> = {
    iss: DEV_ISSUER,
    aud: DEV_AUDIENCE,
    sub: options.player ?? randomUUID(),
    iat: now,
    exp: now + (options.expiresInSeconds ?? 3600),
    jti: randomUUID(),
    scope: (options.permissions ?? GAME_CLIENT_PERMISSIONS).join(' '),
  };
  if (options.platform !== undefined) payload[DEV_PLATFORM_CLAIM] = options.platform;
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** RFC 7638 JWK thumbprint: a key id that is the same for the same key, wherever it is computed. */
function thumbprint(publicKey: KeyObject): string {
  const { e, kty, n } = publicKey.export({ format: 'jwk' }) as { e: string; kty: string; n: string };
  return createHash('sha256').update(JSON.stringify({ e, kty, n })).digest('base64url');
}

/** "30s", "10m", "1h", "7d" or a bare number of seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
