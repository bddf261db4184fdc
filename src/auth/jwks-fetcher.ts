// How aws-jwt-verify's JWKS cache gets its keys. Every failure is a FetchError, which the authenticator turns
// into auth_keys_unavailable; SimpleJwksCache caches only successes, so the first request after the issuer
// recovers fetches again and succeeds.
import { request } from 'node:http';
import { SimpleFetcher, type Fetcher } from 'aws-jwt-verify/https';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import { isLoopbackHost } from './loopback.js';

/** Short: a request waiting on a slow issuer holds a Lambda (and the player) hostage. */
export const DEFAULT_JWKS_FETCH_TIMEOUT_MS = 1500;

// Far more than any real JWKS; stops a misbehaving local server from filling the memory.
const MAX_JWKS_BYTES = 512 * 1024;

/** https through aws-jwt-verify's own fetcher; plain http only to a loopback host. */
export function createJwksFetcher(timeoutMs = DEFAULT_JWKS_FETCH_TIMEOUT_MS): Fetcher {
  const https = new SimpleFetcher({ defaultRequestOptions: { timeout: timeoutMs, responseTimeout: timeoutMs } });
  return {
    fetch(uri, requestOptions, data) {
      const url = URL.canParse(uri) ? new URL(uri) : undefined;
      if (url?.protocol === 'https:') return https.fetch(uri, requestOptions, data);
      if (url?.protocol === 'http:' && isLoopbackHost(url.hostname)) return fetchLoopback(url, timeoutMs);
      return Promise.reject(new NonRetryableFetchError(uri, 'only https, or http to a loopback host, is allowed'));
    },
  };
}

/** Serves keys given in the configuration: an unknown kid then ends as KidNotFoundInJwksError, never a fetch. */
export function createStaticJwksFetcher(jwks: Jwks): Fetcher {
  const bytes = new TextEncoder().encode(JSON.stringify(jwks));
  return { fetch: async () => bytes.slice().buffer };
}

function fetchLoopback(url: URL, timeoutMs: number): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, body?: ArrayBuffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err instanceof FetchError ? err : new FetchError(url.href, err.message));
      } else {
        resolve(body as ArrayBuffer);
      }
    };
    // agent: false, so no kept-alive socket outlives the fetch (and keeps a test's server from closing).
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        finish(new NonRetryableFetchError(url.href, `Status code is ${res.statusCode}, expected 200`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_JWKS_BYTES) finish(new NonRetryableFetchError(url.href, `JWKS larger than ${MAX_JWKS_BYTES} bytes`));
        else chunks.push(chunk);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        finish(undefined, body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
      });
      res.on('error', finish);
    });
    const timer = setTimeout(() => finish(new FetchError(url.href, `no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    req.on('timeout', () => finish(new FetchError(url.href, `socket idle for ${timeoutMs} ms`)));
    req.on('error', finish);
    req.end();
  });
}
