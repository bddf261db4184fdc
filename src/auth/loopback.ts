// Plain http is tolerated only towards this machine: the local dev stack serves its JWKS on 127.0.0.1, and keys
// fetched over plain http from anywhere else could be swapped by anyone on the path.
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', '::1', 'localhost']);

/** `hostname` as `URL` gives it (IPv6 in brackets). */
export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname.toLowerCase());

/** Why `uri` cannot be a JWKS address, or undefined when it can. */
export function jwksUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
  return 'must be https (plain http only for 127.0.0.1, ::1 or localhost)';
}
