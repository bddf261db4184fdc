// Turns the claims of a verified token into the caller the operations work with.
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import type { Platform } from '../contract/types.js';
import { ApiError } from '../errors/api-error.js';
import type { AuthConfig } from './auth-config.js';
import { permissionsFromClaims } from './permissions.js';

export interface Caller {
  /** Lower-case UUID. */
  readonly playerUuid: string;
  readonly permissions: ReadonlySet<string>;
  /** Only when AUTH_PLATFORM_CLAIM is configured and the token carries it. */
  readonly platform?: Platform;
  readonly claims: Readonly<JwtPayload>;
}

const PLATFORMS = [
  'Anon', 'Basic', 'XboxLive', 'PSN', 'NintendoNAID', 'NintendoSwitch', 'NintendoPPID', 'Google',
  'GooglePlay', 'Apple', 'Epic', 'Steam', 'Amazon', 'Twitch', 'RallyHere', 'LegacyName',
] as const satisfies readonly Platform[];
// Fails to compile when the contract gains a platform this list lacks.
const platformsComplete: [Exclude<Platform, (typeof PLATFORMS)[number]>] extends [never] ? true : never = true;
void platformsComplete;
const PLATFORM_SET: ReadonlySet<string> = new Set(PLATFORMS);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function callerFromClaims(
  claims: JwtPayload,
  config: Pick<AuthConfig, 'playerClaim' | 'platformClaim' | 'groupPermissions'>,
): Caller {
  const player = claims[config.playerClaim];
  if (typeof player !== 'string' || !UUID.test(player)) {
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
    playerUuid: player.toLowerCase(),
    permissions: permissionsFromClaims(claims, config.groupPermissions),
    ...(platform === undefined ? {} : { platform }),
    claims,
  };
}
