// Every route against its two floors (bench/README.md, "Every route"). Per route, three bundles built with
// BUNDLE_SETTINGS: ours; the SDK floor, the AWS SDK with exactly the document-client commands our bundle holds;
// the libraries floor, that plus the libraries we keep (bench/floor/libraries-floor.ts). A cold start is a fresh
// process that imports the bundle and answers one refused request (a well-formed token from the right issuer whose
// signature does not verify), timed in CPU time from the import to the answer: a library deferred to the first
// request still counts, and no DynamoDB call is made. Routes with the same commands share their floors.
import { generateKeyPairSync, randomInt, randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Plugin } from 'esbuild';
import { OPERATIONS, ROUTES, type DynamoDbAction, type Route } from '../schemas/generated/operations.js';
import { handlerEntry } from '../lib/bundling.js';
import { bundle, carryingNeverRun, type BuiltBundle } from './bundle.js';
import { httpApiEvent } from '../test/support/api.js';
import type { TestIssuer } from '../test/support/test-issuer.js';
import { contributors, packagesOf, runChild, type Contributor } from './cold-start.js';
import { median, ratio, ROOT, round } from './support.js';

export type FloorKind = 'sdk' | 'libraries';

const FLOOR_DIR = join(ROOT, 'bench', 'floor');
const COMMAND_FILE = /@aws-sdk\/lib-dynamodb\/dist-es\/commands\/(\w+)Command\.js$/;

/**
 * What a join needs only for some requests, each replaced by a stub in the join bundle "without": what the join
 * bundle would be if it did not offer them, so that the difference is what they cost a join that does not use them.
 */
const OPTIONAL_FEATURES: Record<string, string> = {
  'src/friends/friends-client.ts': 'export function createFriendsClient() { throw new Error("left out"); }',
  'src/security/password-hash.ts':
    'export async function hashPassword() { throw new Error("left out"); }\nexport async function verifyPassword() { throw new Error("left out"); }',
  'src/http/middleware/short-code.ts': 'export const resolveShortCode = () => ({ before: () => undefined });',
};
const OPTIONAL_FEATURE_FILES = Object.keys(OPTIONAL_FEATURES);

const withoutOptionalFeatures: Plugin = {
  name: 'without-optional-features',
  setup(b) {
    const files = new Map(Object.entries(OPTIONAL_FEATURES).map(([f, code]) => [join(ROOT, f), code]));
    b.onLoad({ filter: /\.ts$/ }, (args) => (files.has(args.path) ? { contents: files.get(args.path)!, loader: 'ts' } : undefined));
  },
};

/** The table actions each document-client command needs (IAM's names): the role of a route allows its calls. */
const ACTIONS_OF: Record<string, readonly DynamoDbAction[]> = {
  Get: ['GetItem'],
  TransactGet: ['GetItem'],
  BatchGet: ['BatchGetItem'],
  Query: ['Query'],
  Scan: ['Scan'],
  Put: ['PutItem'],
  Update: ['UpdateItem'],
  Delete: ['DeleteItem'],
  BatchWrite: ['BatchWriteItem'],
  TransactWrite: ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
};

/**
 * The route's DynamoDB calls: the document-client commands our bundle holds that the route's role may send (the
 * spec's x-dynamodb). A command the SDK keeps in every bundle but the route never sends stays out of the floor.
 */
function commandsOf(b: BuiltBundle, allowed: readonly DynamoDbAction[]): string[] {
  const output = Object.values(b.metafile.outputs).find((o) => o.entryPoint);
  const kept = Object.entries(output?.inputs ?? {}).filter(([, i]) => i.bytesInOutput > 0);
  const names = kept.flatMap(([p]) => COMMAND_FILE.exec(p)?.[1] ?? []);
  return [...new Set(names)].filter((n) => ACTIONS_OF[n]?.some((a) => allowed.includes(a))).sort();
}

/** The entry of a floor: the route's commands handed to the SDK floor, and that to the libraries around it. */
function floorEntry(kind: FloorKind, commands: readonly string[]): string {
  if (commands.length === 0) {
    return kind === 'sdk'
      ? "export const handler = async () => ({ statusCode: 200, body: '0' });\n"
      : "import { librariesFloor } from './libraries-floor.js';\nexport const handler = librariesFloor();\n";
  }
  const sdk = `sdkFloor({ ${commands.map((c) => `${c}: ${c}Command`).join(', ')} })`;
  return [
    `import { ${commands.map((c) => `${c}Command`).join(', ')} } from '@aws-sdk/lib-dynamodb';`,
    "import { sdkFloor } from './sdk-floor.js';",
    ...(kind === 'sdk'
      ? [`export const handler = ${sdk};`]
      : ["import { librariesFloor } from './libraries-floor.js';", `export const handler = librariesFloor(${sdk});`]),
    '',
  ].join('\n');
}

export interface RouteBundles {
  route: Route;
  ours: BuiltBundle;
  commands: string[];
  floorKey: string;
  /** The route's libraries floor carrying our code, never run (carryingNeverRun). */
  carrying: { file: string; bytes: number };
}

export async function buildRouteBundles(outDir: string) {
  const routes = await Promise.all(
    ROUTES.map(async (route) => {
      const ours = await bundle(join(outDir, route.handler, 'index'), { file: handlerEntry(ROOT, route.handler) });
      const commands = commandsOf(ours, route.dynamodb);
      return { route, ours, commands, floorKey: commands.join('+') || 'none' };
    }),
  );
  const floors = new Map<string, Record<FloorKind, BuiltBundle>>();
  await Promise.all(
    [...new Map(routes.map((r) => [r.floorKey, r.commands])).entries()].map(async ([key, commands]) => {
      const [sdk, libraries] = await Promise.all(
        (['sdk', 'libraries'] as const).map((kind) =>
          bundle(join(outDir, 'floors', `${key}-${kind}`), {
            contents: floorEntry(kind, commands),
            name: `${key}-${kind}-floor.ts`,
            resolveDir: FLOOR_DIR,
          }),
        ),
      );
      floors.set(key, { sdk: sdk!, libraries: libraries! });
    }),
  );
  const withCarrying: RouteBundles[] = await Promise.all(
    routes.map(async (r) => {
      const libraries = floors.get(r.floorKey)!.libraries;
      const file = join(outDir, r.route.handler, 'carrying');
      return { ...r, carrying: await carryingNeverRun(file, libraries, handlerEntry(ROOT, r.route.handler), packagesOf(libraries)) };
    }),
  );
  const joinWithout = await bundle(join(outDir, 'join-session-self-without', 'index'), { file: handlerEntry(ROOT, 'join-session-self') }, [
    withoutOptionalFeatures,
  ]);
  return { routes: withCarrying, floors, joinWithout };
}

/** One request of the route that the verifier refuses: the right issuer and key id, signed with another key. */
function refusedRequest(route: Route, issuer: TestIssuer, forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey) {
  const operation = OPERATIONS.find((o) => o.operationId === route.operations[0])!;
  const suffix = 'pathSuffix' in operation ? operation.pathSuffix : undefined;
  const pathParameters = Object.fromEntries(
    [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, `${randomUUID()}${suffix && suffix.parameter === name ? suffix.suffix : ''}`]),
  );
  const token = issuer.sign({ sub: randomUUID() }, { key: forger });
  const withBody = route.method === 'POST' || route.method === 'PUT' || route.method === 'PATCH';
  return httpApiEvent({
    method: route.method,
    route: route.path,
    pathParameters,
    headers: { authorization: `Bearer ${token}` },
    ...(withBody ? { body: {} } : {}),
  });
}

interface Sample {
  cpuMs: number;
  wallMs: number;
  /** The CPU time of the two parts: importing the bundle, and answering the refused request. */
  importCpuMs: number;
  requestCpuMs: number;
}

/**
 * `again`: the libraries floor a second time in the round, for the floor against itself; `carrying`: that floor
 * carrying our code, never run.
 */
type Variant = 'ours' | FloorKind | 'without' | 'again' | 'carrying';

export interface RouteFigures {
  handler: string;
  method: string;
  path: string;
  commands: string[];
  bytes: { ours: number; libraries: number; sdk: number };
  gzipBytes: { ours: number; libraries: number; sdk: number };
  /** Medians of the cold start (import and one refused request): CPU time, the target's measure, and wall time. */
  coldCpuMs: { ours: number; libraries: number; sdk: number };
  coldWallMs: { ours: number; libraries: number; sdk: number };
  /** The cold start's CPU in its two parts, medians: the import of the bundle, and the answer to the refused request. */
  coldPartsCpuMs: { ours: { import: number; request: number }; libraries: { import: number; request: number } };
  /**
   * Cold start against a floor: the median over rounds of ours / the floor in the same round (the target's measure:
   * processes run back to back, so the pairing cancels what drifts between rounds), and the ratio of the medians.
   */
  ratios: { bytesVsLibraries: number; coldVsLibraries: number; coldMediansVsLibraries: number; bytesVsSdk: number; coldVsSdk: number };
  /** Our bytes beyond the libraries floor, by package or folder of ours (esbuild's metafile), the largest first. */
  beyondLibraries: Pick<Contributor, 'name' | 'beyondFloor'>[];
  /**
   * The libraries floor carrying our code as a function it never calls: its bytes (ours within what our code uses
   * of the floor's packages beyond the floor), the median of its cold start, and that against the libraries floor
   * paired as ours is. What it adds to the floor is what our bytes cost by being read; ours beyond it, our code run.
   */
  carrying: { bytes: number; coldCpuMs: number; coldVsLibraries: number };
  runs: number;
}

/**
 * A libraries floor against itself: run twice beside `route` (of those on the floor, the one with the fewest
 * rounds), the median over rounds of one run against the other. Identical code, so how far this sits from 1 is how
 * far a paired median of that many rounds moves on this machine with no difference to find.
 */
export interface FloorAgainstItself {
  route: string;
  commands: string[];
  routes: number;
  rounds: number;
  ratio: number;
}

/** The join bundle with and without the features a plain join does not use (OPTIONAL_FEATURES). */
export interface OptionalFeatures {
  files: string[];
  bytes: { with: number; without: number };
  coldCpuMs: { with: number; without: number };
  /** Median over rounds of with / without in the same round. */
  pairedColdRatio: number;
}

/**
 * Rounds of one fresh process per bundle. A route's group: its bundle and its own run of its libraries floor back to
 * back, in either order (with the floor's second run among them, for the floor against itself, in the group of one
 * route per floor), and before or after those the floor carrying our code, never run, and, in the join's group, the
 * join without its optional features. The groups go in an order shuffled afresh each round: what drifts over a round
 * hits a route and the floor it is judged against alike, and no place in the round favours a bundle. The SDK
 * floors, which no target judges, run once a round each. `roundsFor` gives each route its number of rounds (the hot
 * routes more).
 */
export async function measureRoutes(
  built: Awaited<ReturnType<typeof buildRouteBundles>>,
  roundsFor: (handler: string) => number,
  issuer: TestIssuer,
  tmp: string,
  progress: (m: string) => void,
): Promise<{ routes: RouteFigures[]; optionalFeatures: OptionalFeatures; floorsAgainstThemselves: FloorAgainstItself[] }> {
  await mkdir(join(tmp, 'route-events'), { recursive: true });
  const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const samples = new Map<string, Sample[]>();
  const keyOf = (r: RouteBundles, v: Variant) => (v === 'sdk' ? `floor ${r.floorKey}/sdk` : `${r.route.handler}/${v}`);
  // An SDK floor shared by routes runs in every round any of them runs; a route runs the first rounds, so its own
  // are the first of the floor's.
  const of = (r: RouteBundles, v: Variant) => samples.get(keyOf(r, v))!.slice(0, roundsFor(r.route.handler));
  const fileOf = (r: RouteBundles, v: Variant) => {
    const floor = built.floors.get(r.floorKey)!;
    const files: Record<Variant, string> = {
      ours: r.ours.file,
      libraries: floor.libraries.file,
      again: floor.libraries.file,
      sdk: floor.sdk.file,
      carrying: r.carrying.file,
      without: built.joinWithout.file,
    };
    return files[v];
  };
  const maxRounds = Math.max(...built.routes.map((r) => roundsFor(r.route.handler)));
  // For each floor, the route beside which the floor also runs against itself: the one with the fewest rounds.
  const againBeside = new Map(
    [...built.floors.keys()].map((key) => [
      key,
      built.routes.filter((r) => r.floorKey === key).reduce((a, b) => (roundsFor(b.route.handler) < roundsFor(a.route.handler) ? b : a)),
    ]),
  );
  const shuffled = <T>(xs: T[]): T[] => {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  for (let k = 0; k < maxRounds; k++) {
    const running = built.routes.filter((r) => k < roundsFor(r.route.handler));
    const groups: { r: RouteBundles; v: Variant }[][] = running.map((r) => {
      // The pair the target judges stays together (with the floor's second run, which measures that pairing's
      // noise); the others go before or after it.
      const group: { r: RouteBundles; v: Variant }[] = shuffled([
        { r, v: 'ours' as const },
        { r, v: 'libraries' as const },
        ...(againBeside.get(r.floorKey) === r ? [{ r, v: 'again' as const }] : []),
      ]);
      const others = [{ r, v: 'carrying' as const }, ...(r.route.handler === 'join-session-self' ? [{ r, v: 'without' as const }] : [])];
      for (const other of shuffled(others)) {
        if (randomInt(2)) group.push(other);
        else group.unshift(other);
      }
      return group;
    });
    for (const r of new Map(running.map((r) => [r.floorKey, r])).values()) groups.push([{ r, v: 'sdk' }]);
    const order = shuffled(groups).flat();
    for (const { r, v } of order) {
      const key = keyOf(r, v);
      const eventFile = join(tmp, 'route-events', `${r.route.handler}-${v}.json`);
      await writeFile(eventFile, JSON.stringify(refusedRequest(r.route, issuer, forger)));
      const c = await runChild(fileOf(r, v), eventFile, process.env);
      // The SDK floor checks no token: it answers the request with none of the calls.
      const expected = v === 'sdk' ? 200 : 403;
      if (c.status !== expected) throw new Error(`${v} ${r.route.handler}: the refused request answered ${c.status}`);
      samples.set(key, [
        ...(samples.get(key) ?? []),
        {
          cpuMs: c.initCpuMs! + c.firstInvokeCpuMs!,
          wallMs: c.initMs! + c.firstInvokeMs!,
          importCpuMs: c.initCpuMs!,
          requestCpuMs: c.firstInvokeCpuMs!,
        },
      ]);
    }
    progress(`routes: ${k + 1}/${maxRounds} rounds (${order.length} processes)`);
  }
  const med = (xs: Sample[], m: keyof Sample) => round(median(xs.map((s) => s[m])));
  const paired = (a: Sample[], b: Sample[]) => round(median(a.map((s, i) => s.cpuMs / b[i]!.cpuMs)), 3);
  const routes = built.routes.map((r): RouteFigures => {
    const h = r.route.handler;
    const f = built.floors.get(r.floorKey)!;
    const coldCpuMs = { ours: med(of(r, 'ours'), 'cpuMs'), libraries: med(of(r, 'libraries'), 'cpuMs'), sdk: med(of(r, 'sdk'), 'cpuMs') };
    const bytes = { ours: r.ours.bytes, libraries: f.libraries.bytes, sdk: f.sdk.bytes };
    return {
      handler: h,
      method: r.route.method,
      path: r.route.path,
      commands: r.commands,
      bytes,
      gzipBytes: { ours: r.ours.gzipBytes, libraries: f.libraries.gzipBytes, sdk: f.sdk.gzipBytes },
      coldCpuMs,
      coldWallMs: { ours: med(of(r, 'ours'), 'wallMs'), libraries: med(of(r, 'libraries'), 'wallMs'), sdk: med(of(r, 'sdk'), 'wallMs') },
      coldPartsCpuMs: {
        ours: { import: med(of(r, 'ours'), 'importCpuMs'), request: med(of(r, 'ours'), 'requestCpuMs') },
        libraries: { import: med(of(r, 'libraries'), 'importCpuMs'), request: med(of(r, 'libraries'), 'requestCpuMs') },
      },
      ratios: {
        bytesVsLibraries: ratio(bytes.ours, bytes.libraries),
        coldVsLibraries: paired(of(r, 'ours'), of(r, 'libraries')),
        coldMediansVsLibraries: ratio(coldCpuMs.ours, coldCpuMs.libraries),
        bytesVsSdk: ratio(bytes.ours, bytes.sdk),
        coldVsSdk: paired(of(r, 'ours'), of(r, 'sdk')),
      },
      beyondLibraries: contributors(r.ours, f.libraries)
        .groups.filter((g) => g.beyondFloor > 0)
        .slice(0, 8)
        .map(({ name, beyondFloor }) => ({ name, beyondFloor })),
      carrying: {
        bytes: r.carrying.bytes,
        coldCpuMs: med(of(r, 'carrying'), 'cpuMs'),
        coldVsLibraries: paired(of(r, 'carrying'), of(r, 'libraries')),
      },
      runs: of(r, 'ours').length,
    };
  });
  const joinRoute = built.routes.find((r) => r.route.handler === 'join-session-self')!;
  const optionalFeatures: OptionalFeatures = {
    files: OPTIONAL_FEATURE_FILES,
    bytes: { with: joinRoute.ours.bytes, without: built.joinWithout.bytes },
    coldCpuMs: { with: med(of(joinRoute, 'ours'), 'cpuMs'), without: med(of(joinRoute, 'without'), 'cpuMs') },
    pairedColdRatio: paired(of(joinRoute, 'ours'), of(joinRoute, 'without')),
  };
  const floorsAgainstThemselves = [...againBeside].map(([key, r]): FloorAgainstItself => ({
    route: r.route.handler,
    commands: r.commands,
    routes: built.routes.filter((other) => other.floorKey === key).length,
    rounds: roundsFor(r.route.handler),
    ratio: paired(of(r, 'again'), of(r, 'libraries')),
  }));
  return { routes, optionalFeatures, floorsAgainstThemselves };
}
