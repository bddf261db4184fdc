// Shared by the auth tests: a config that must be valid, and the ApiError an authentication ends in.
import { readAuthConfig, type AuthConfig } from '../../../src/auth/auth-config.js';
import type { Authenticator } from '../../../src/auth/authenticator.js';
import { ApiError } from '../../../src/errors/api-error.js';

export function validConfig(env: Record<string, string | undefined>): AuthConfig {
  const result = readAuthConfig(env);
  if ('problems' in result) throw new Error(`unexpected config problems: ${result.problems.join(' ')}`);
  return result.config;
}

export async function rejectionOf(auth: Authenticator, header: string | undefined): Promise<ApiError> {
  let caller;
  try {
    caller = await auth.authenticate(header);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error(`expected a rejection, got caller ${caller.playerUuid}`);
}
