// Interactive API documentation for the local stack: Swagger UI from the swagger-ui-dist package (served from
// node_modules, no CDN) over schemas/openapi.yaml, whose servers entry is pointed at the stack the page came from,
// so "Try it out" calls this stack, with the dev token pasted into "Authorize".
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { HttpAnswer } from './http-gateway.js';

const require = createRequire(import.meta.url);

/** The only files of swagger-ui-dist the page needs; nothing else of node_modules is reachable. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Session service API (local stack)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const AUTH_HINT =
  'Local stack: paste a dev token from `npm run -s token` (run in the checkout; add `-- --player <uuid> --permissions "..."` to choose).\n\n';

interface SpecOperation {
  description?: string;
  'x-permissions'?: { any?: string[]; self?: string[] };
}

const code = (permissions: readonly string[]) => permissions.map((p) => `\`${p}\``).join(', ');

/** The operation's description with its required permissions, as upstream words them, from x-permissions. */
function withPermissions(op: SpecOperation): string | undefined {
  const { any = [], self = [] } = op['x-permissions'] ?? {};
  if (any.length + self.length === 0) return op.description;
  const lines = ['Required permissions:'];
  if (any.length) lines.push(`- for any player (including themselves) any of: ${code(any)}`);
  if (self.length) lines.push(`- for the player themselves (or the session they lead): ${code(self)}`);
  return `${op.description ?? ''}\n\n${lines.join('\n')}\n`;
}

export interface Docs {
  /** Answers GET /docs, /docs/*, /openapi.yaml and /openapi.json; undefined for any other path. */
  answer(method: string, rawPath: string, host: string | undefined): Promise<HttpAnswer | undefined>;
}

export function createDocs(specFile: string): Docs {
  // Read and parsed at start, so a broken spec stops the stack at once instead of showing a blank page.
  const spec = parse(readFileSync(specFile, 'utf8')) as Record<string, unknown>;
  const assetsDir = dirname(require.resolve('swagger-ui-dist/package.json'));

  const localSpec = (host: string | undefined) => {
    const copy = structuredClone(spec) as {
      servers?: unknown;
      paths?: Record<string, Record<string, SpecOperation>>;
      components?: { securitySchemes?: Record<string, { description?: string }> };
    };
    copy.servers = [{ url: `http://${host ?? '127.0.0.1'}`, description: 'this local stack (npm start)' }];
    for (const op of Object.values(copy.paths ?? {}).flatMap((methods) => Object.values(methods))) op.description = withPermissions(op);
    for (const scheme of Object.values(copy.components?.securitySchemes ?? {})) scheme.description = AUTH_HINT + (scheme.description ?? '');
    return copy;
  };

  const ok = (type: string, body: string | Buffer): HttpAnswer => ({
    status: 200,
    headers: { 'content-type': type, 'cache-control': 'no-cache' },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  });

  return {
    async answer(method, rawPath, host) {
      const get = method === 'GET' || method === 'HEAD';
      if (rawPath === '/docs' || rawPath === '/docs/') return get ? ok('text/html; charset=utf-8', PAGE) : undefined;
      if (rawPath === '/docs/init.js') return get ? ok('text/javascript; charset=utf-8', INIT) : undefined;
      if (rawPath === '/openapi.json') return get ? ok('application/json', JSON.stringify(localSpec(host), null, 2)) : undefined;
      if (rawPath === '/openapi.yaml') {
        return get ? ok('application/yaml; charset=utf-8', stringify(localSpec(host))) : undefined;
      }
      const asset = /^\/docs\/([a-z0-9.-]+)$/.exec(rawPath)?.[1];
      if (asset && ASSETS[asset] && get) return ok(ASSETS[asset], await readFile(join(assetsDir, asset)));
      return undefined;
    },
  };
}
