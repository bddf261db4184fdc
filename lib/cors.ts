// Cross-origin requests, for browser clients (device_type web): which request headers a page may send, which answer
// headers it may read (the ETag above all), and how long a preflight holds. The CDK app's HTTP API and the local
// stack apply this one policy; the origins allowed are a stage's setting (corsAllowedOrigins) or the local stack's
// CORS_ALLOWED_ORIGINS, any origin by default: callers authenticate with a bearer token, never with cookies.
export const CORS_POLICY = {
  allowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match'],
  exposeHeaders: ['etag', 'retry-after'],
  allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
  maxAgeSeconds: 600,
} as const;

export const ANY_ORIGIN = '*';

/** An allowed origin: `*`, or a scheme and host (and port), with no path. */
export const ORIGIN = /^(\*|https?:\/\/[a-z0-9.-]+(:\d{1,5})?)$/i;
