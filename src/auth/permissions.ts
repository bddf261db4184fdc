// What a caller may do: collected once from the token's claims, checked by each operation.
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ApiError } from '../errors/api-error.js';

export interface PermissionHolder {
  readonly permissions: ReadonlySet<string>;
}

/**
 * Union of the `scope` claim, the `permissions` claim and the permissions AUTH_GROUP_PERMISSIONS grants to the
 * caller's `cognito:groups`. A malformed `permissions` or `cognito:groups` claim rejects the token rather than
 * being read as "no permissions", so that a token's meaning never depends on a guess.
 */
export function permissionsFromClaims(claims: JwtPayload, groupPermissions: ReadonlyMap<string, readonly string[]>): Set<string> {
  const granted = new Set<string>();
  // aws-jwt-verify has already rejected a scope that is not a string.
  for (const scope of words(claims.scope)) granted.add(fromCognitoScope(scope));

  const permissions = claims['permissions'];
  if (typeof permissions === 'string') {
    for (const p of words(permissions)) granted.add(p);
  } else if (Array.isArray(permissions)) {
    if (!permissions.every((p) => typeof p === 'string')) throw invalidClaim('permissions');
    for (const p of permissions) if (p) granted.add(p);
  } else if (permissions !== undefined) {
    throw invalidClaim('permissions');
  }

  if (groupPermissions.size > 0) {
    const groups = claims['cognito:groups'];
    const names = typeof groups === 'string' ? [groups] : groups;
    if (names !== undefined && (!Array.isArray(names) || !names.every((g) => typeof g === 'string'))) {
      throw invalidClaim('cognito:groups');
    }
    for (const group of names ?? []) {
      for (const p of groupPermissions.get(group) ?? []) granted.add(p);
    }
  }
  return granted;
}

/**
 * True when any one of `required` is granted. A granted permission ending in `:*` covers everything under its
 * prefix (`session:*` covers `session:update-player:self`), and `*` covers everything. A `*` anywhere else,
 * or in `required`, is an ordinary character. No required permission at all is never satisfied.
 */
export function hasAnyPermission(caller: PermissionHolder, required: readonly string[]): boolean {
  return required.some((need) => {
    if (caller.permissions.has(need)) return true;
    for (const granted of caller.permissions) {
      if (granted === '*') return true;
      if (granted.endsWith(':*') && need.startsWith(granted.slice(0, -1))) return true;
    }
    return false;
  });
}

/** Throws insufficient_permissions (403, auth_success true) unless any one of `required` is granted. */
export function requirePermission(caller: PermissionHolder, required: string | readonly string[]): void {
  const anyOf = typeof required === 'string' ? [required] : required;
  if (!hasAnyPermission(caller, anyOf)) {
    throw new ApiError('insufficient_permissions', `requires any of: ${anyOf.join(', ')}`);
  }
}

const words = (value: string | undefined): string[] => (value ?? '').split(/\s+/).filter((w) => w.length > 0);

// Cognito writes a custom scope as "<resource server>/<scope>", e.g. "session/update-player:self"; the
// service's permissions are "session:update-player:self". URL-like resource servers are left alone.
const fromCognitoScope = (scope: string): string => scope.replace(/^([^/:]+)\/(?=.)/, '$1:');

const invalidClaim = (claim: string) => new ApiError('auth_token_invalid_claim', `${claim} claim must be a string or an array of strings`);
