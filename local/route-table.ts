// Matches a request's method and raw path against the deployed routes (the operations of schemas/generated/operations.ts), the way API Gateway's
// HTTP API picks a route: literal segments win over {parameters}, and path parameters arrive URL-decoded.
// What matches nothing is answered here, in the service's own envelope: 404 route_not_found for an unknown
// path, 405 method_not_allowed (with Allow) for a known path and another method.
import { ApiError } from '../src/errors/api-error.js';
import { errorResult, type ApiResult } from '../src/http/responses.js';

/** The part of an operation the router needs. */
export interface RouteLike {
  readonly method: string;
  readonly path: string;
}

type Segment = { literal: string } | { param: string };

interface CompiledRoute<R extends RouteLike> {
  route: R;
  segments: Segment[];
  /** `${method} ${path}`, API Gateway's routeKey. */
  routeKey: string;
}

export type RouteMatch<R extends RouteLike> =
  | { kind: 'route'; route: R; routeKey: string; pathParameters: Record<string, string> }
  | { kind: 'not_found'; result: ApiResult }
  | { kind: 'method_not_allowed'; allowed: string[]; result: ApiResult };

export class RouteTable<R extends RouteLike> {
  private readonly routes: CompiledRoute<R>[];

  constructor(routes: readonly R[]) {
    this.routes = routes.map((route) => ({ route, segments: compile(route.path), routeKey: `${route.method} ${route.path}` }));
    const keys = new Set<string>();
    for (const r of this.routes) {
      if (keys.has(r.routeKey)) throw new Error(`route ${r.routeKey} is listed twice`);
      keys.add(r.routeKey);
    }
  }

  /** `rawPath` exactly as the client sent it (still percent-encoded, no query string). */
  match(method: string, rawPath: string): RouteMatch<R> {
    const parts = splitPath(rawPath);
    const candidates: { compiled: CompiledRoute<R>; params: Record<string, string> }[] = [];
    if (parts) {
      for (const compiled of this.routes) {
        const params = matchSegments(compiled.segments, parts);
        if (params) candidates.push({ compiled, params });
      }
    }
    if (candidates.length === 0) return { kind: 'not_found', result: errorResult(new ApiError('route_not_found')) };

    // HEAD is served by a GET route, as API Gateway is told to (lib/http-api.ts) and RFC 9110 asks.
    const wanted = method.toUpperCase();
    const serves = (routeMethod: string) => routeMethod === wanted || (wanted === 'HEAD' && routeMethod === 'GET');
    const sameMethod = candidates.filter((c) => serves(c.compiled.route.method));
    if (sameMethod.length === 0) {
      const methods = new Set(candidates.map((c) => c.compiled.route.method));
      if (methods.has('GET')) methods.add('HEAD');
      const allowed = [...methods].sort();
      const result = errorResult(new ApiError('method_not_allowed'));
      result.headers = { ...result.headers, allow: allowed.join(', ') };
      return { kind: 'method_not_allowed', allowed, result };
    }
    sameMethod.sort((a, b) => specificity(b.compiled.segments, a.compiled.segments));
    const best = sameMethod[0]!;
    const routeKey = wanted === 'HEAD' ? `HEAD ${best.compiled.route.path}` : best.compiled.routeKey;
    return { kind: 'route', route: best.compiled.route, routeKey, pathParameters: best.params };
  }
}

function compile(path: string): Segment[] {
  if (!path.startsWith('/')) throw new Error(`route path ${path} must start with /`);
  return path
    .slice(1)
    .split('/')
    .map((part) => {
      const param = /^\{([A-Za-z0-9_]+)\}$/.exec(part);
      if (param) return { param: param[1]! };
      if (/[{}]/.test(part)) throw new Error(`route path ${path}: only whole-segment {parameters} are supported`);
      return { literal: part };
    });
}

/** The path's segments, undecoded; undefined for a path that is not one. */
function splitPath(rawPath: string): string[] | undefined {
  if (!rawPath.startsWith('/')) return undefined;
  return rawPath.slice(1).split('/');
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      // A parameter is never empty: API Gateway does not match /session/v1/session//player/me either.
      if (part === '') return undefined;
      let decoded: string;
      try {
        decoded = decodeURIComponent(part);
      } catch {
        return undefined; // malformed percent-encoding: no route takes it
      }
      params[segment.param] = decoded;
    }
  }
  return params;
}

/** Positive when `a` is more specific than `b`: the first segment where they differ decides, a literal wins. */
function specificity(a: Segment[], b: Segment[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aLiteral = 'literal' in a[i]!;
    const bLiteral = 'literal' in b[i]!;
    if (aLiteral !== bLiteral) return aLiteral ? 1 : -1;
  }
  return 0;
}
