// Turns the claims of a verified token into the caller the operations work with.
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Platform } from '../contract/types.js';
import { ApiError } from '../errors/api-error.js';
import type { AuthConfig } from './auth-config.js';
import { permissionsFromClaims } from './permissions.js';

export interface Caller {
  /** Lower-case UUID; for a trusted service (not a player), `service:<subject>`. */
  readonly playerUuid: string;
  /** False for a trusted machine client, which may act on players but never as one (no /player/me routes). */
  readonly isPlayer: boolean;
  readonly permissions: ReadonlySet<string>;
  /** Only when AUTH_PLATFORM_CLAIM is configured and the token carries it. */
  readonly platform?: Platform;
  readonly claims: Readonly<JwtPayload>;
}

const PLATFORMS = [
  'Anon',
  'Basic',
  'XboxLive',
  'PSN',
  'NintendoNAID',
  'NintendoSwitch',
  'NintendoPPID',
  'Google',
  'GooglePlay',
  'Apple',
  'Epic',
  'Steam',
  'Amazon',
  'Twitch',
  'RallyHere',
  'LegacyName',
  'AndroidDevice',
  'iosDevice',
  'Discord',
] as const satisfies readonly Platform[];
// Fails to compile when the contract gains a platform this list lacks.
const platformsComplete: [Exclude<Platform, (typeof PLATFORMS)[number]>] extends [never] ? true : never = true;
void platformsComplete;
const PLATFORM_SET: ReadonlySet<string> = new Set(PLATFORMS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function callerFromClaims(claims: JwtPayload, config: Pick<AuthConfig, 'playerClaim' | 'platformClaim' | 'groupPermissions'>): Caller {
  const player = claims[config.playerClaim];
  const permissions = permissionsFromClaims(claims, config.groupPermissions);
  const isPlayer = typeof player === 'string' && UUID.test(player);
  // A trusted machine client (client credentials: its subject is its client id) acts on others, never as a player.
  const trustedService =
    !isPlayer && typeof player === 'string' && player.length > 0 && [...permissions].some((p) => p === 'session:*' || p.endsWith(':any'));
  if (!isPlayer && !trustedService) {
    throw new ApiError(
      'auth_token_invalid_claim',
      player === undefined ? `no ${config.playerClaim} claim` : `${config.playerClaim} claim is not a UUID`,
    );
  }

  let platform: Platform | undefined;
  const claimed = config.platformClaim === undefined ? undefined : claims[config.platformClaim];
  if (claimed !== undefined && claimed !== null) {
    if (typeof claimed !== 'string' || !PLATFORM_SET.has(claimed)) {
      throw new ApiError('auth_token_invalid_claim', `${config.platformClaim} claim is not a known platform`);
    }
    platform = claimed as Platform;
  }

  return {
    playerUuid: isPlayer ? (player as string).toLowerCase() : `service:${player as string}`,
    isPlayer,
    permissions,
    ...(platform === undefined ? {} : { platform }),
    claims,
  };
}
