// The local stack's CORS, as API Gateway's HTTP API applies the stage's configuration (lib/cors.ts): preflights
// answered by the gateway itself, and every answer to an allowed origin carrying the headers a page needs to read it.
import { ANY_ORIGIN, CORS_POLICY, ORIGIN } from '../lib/cors.js';

export interface Cors {
  /** The answer to a preflight (OPTIONS with Access-Control-Request-Method), whatever its path. */
  preflight(origin: string | undefined): { status: number; headers: Record<string, string> };
  /** The headers an answer to a request from `origin` carries. */
  headers(origin: string | undefined): Record<string, string>;
}

/** CORS_ALLOWED_ORIGINS: comma-separated origins, or `*` (the default). */
export function corsFrom(setting: string | undefined): Cors {
  const origins = (setting?.trim() || ANY_ORIGIN)
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const bad = origins.find((o) => !ORIGIN.test(o));
  if (bad) throw new Error(`CORS_ALLOWED_ORIGINS must list origins such as https://game.example.com, or *, not "${bad}"`);
  const any = origins.includes(ANY_ORIGIN);
  const allowOrigin = (origin: string | undefined): Record<string, string> => {
    if (!origin) return {};
    if (any) return { 'access-control-allow-origin': ANY_ORIGIN };
    return origins.some((o) => o.toLowerCase() === origin.toLowerCase())
      ? { 'access-control-allow-origin': origin, vary: 'origin' }
      : { vary: 'origin' };
  };
  return {
    preflight: (origin) => {
      const allowed = allowOrigin(origin);
      if (!allowed['access-control-allow-origin']) return { status: 204, headers: allowed };
      return {
        status: 204,
        headers: {
          ...allowed,
          'access-control-allow-methods': CORS_POLICY.allowMethods.join(','),
          'access-control-allow-headers': CORS_POLICY.allowHeaders.join(','),
          'access-control-max-age': String(CORS_POLICY.maxAgeSeconds),
        },
      };
    },
    headers: (origin) => {
      const allowed = allowOrigin(origin);
      return allowed['access-control-allow-origin'] ? { ...allowed, 'access-control-expose-headers': CORS_POLICY.exposeHeaders.join(',') } : allowed;
    },
  };
}
