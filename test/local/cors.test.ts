// The local stack's CORS (local/cors.ts): any origin by default, or the configured ones, with the one policy the
// CDK app gives API Gateway (lib/cors.ts).
import { CORS_POLICY } from '../../lib/cors.js';
import { corsFrom } from '../../local/cors.js';

test('by default any origin: preflights allow the policy, answers expose the ETag', () => {
  const cors = corsFrom(undefined);
  expect(cors.preflight('https://game.example.com')).toEqual({
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': CORS_POLICY.allowMethods.join(','),
      'access-control-allow-headers': 'authorization,content-type,if-match,if-none-match',
      'access-control-max-age': '600',
    },
  });
  expect(cors.headers('https://game.example.com')).toEqual({
    'access-control-allow-origin': '*',
    'access-control-expose-headers': 'etag,retry-after',
  });
  // A request without an Origin (not a browser's cross-origin request) gets no CORS headers.
  expect(cors.headers(undefined)).toEqual({});
});

test('configured origins: an allowed one is echoed, another gets no CORS headers', () => {
  const cors = corsFrom('https://game.example.com, http://localhost:5173');
  expect(cors.headers('http://localhost:5173')).toEqual({
    'access-control-allow-origin': 'http://localhost:5173',
    vary: 'origin',
    'access-control-expose-headers': 'etag,retry-after',
  });
  expect(cors.headers('https://evil.example.com')).toEqual({ vary: 'origin' });
  expect(cors.preflight('https://evil.example.com')).toEqual({ status: 204, headers: { vary: 'origin' } });
});

test('a setting that is not a list of origins is refused, naming itself', () => {
  expect(() => corsFrom('game.example.com')).toThrow(/CORS_ALLOWED_ORIGINS/);
  expect(() => corsFrom('https://game.example.com/path')).toThrow(/CORS_ALLOWED_ORIGINS/);
});
