// The deployable stack, synthesized twice and shared by every assertion below: the dev stage (`cdk synth` with
// no context: cdk.json only) and production with a full context (every setting given, as `-c` strings).
// Real handlers are bundled when handlers/*.ts exist (a fixture otherwise).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_SETTINGS, HANDLERS, type HandlerName } from '../../lib/bundling.js';
import { ACCESS_LOG_FIELDS } from '../../lib/http-api.js';
import { GAME_CLIENT_SCOPES, RESOURCE_SERVERS } from '../../lib/identity.js';
import { GAME_CLIENT_PERMISSIONS } from '../../schemas/generated/operations.js';
import { ROUTES } from '../../schemas/generated/operations.js';
import {
  EVENT_SOURCE,
  PIPE_DETAIL_TYPE_PATH,
  PIPE_FILTER_PATTERN,
  PIPE_INPUT_TEMPLATE,
  PIPE_REQUIRED_PATHS,
  SESSION_EVENT_TYPES,
} from '../../lib/session-events.js';
import { CULL_SWEEP_DYNAMODB_ACTIONS, CULL_SWEEP_SETTINGS } from '../../lib/cull-sweep.js';
import { REAPER_FILTER_PATTERN, REAPER_SETTINGS } from '../../lib/expiry-reaper.js';
import { BUNDLED_TEMPLATES_FILE } from '../../src/templates/load-templates.js';
import { openEntryKey, ticketKey } from '../../src/dynamodb/open-sessions.js';
import { PLAYER_INDEX } from '../../src/dynamodb/items.js';
import { etagOf } from '../../src/sessions/model/etag.js';
import { newSession } from '../../src/sessions/model/new-session.js';
import { sessionToItem, type SessionItem } from '../../src/dynamodb/items.js';
import { createTableInput, SESSIONS_TABLE } from '../../src/dynamodb/table-definition.js';
import { bundleHandlers } from '../../scripts/bundle-handlers.js';
import {
  acknowledgements,
  assetDirOf,
  logicalIdOf,
  nagFindings,
  rawNagFindings,
  realHandlerExists,
  resourcesOfType,
  ROOT,
  synth,
  type Synthesized,
} from './helpers.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:session-oncall';
const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-aaaa-bbbb-cccc-123456789abc';
/** Every setting, as the CLI passes them (strings; objects as JSON). */
const FULL_PRODUCTION_CONTEXT = {
  stage: 'prod',
  alarmTopicArn: TOPIC,
  reservedConcurrency: '200',
  jwtAuthorizer: 'true',
  logLevel: 'WARN',
  enableSourceMaps: 'true',
  logRetentionDays: '180',
  throttling: '{"rateLimit": 1500, "burstLimit": 3000}',
  customDomain: JSON.stringify({ domainName: 'sessions.example.com', certificateArn: CERT }),
  identity: JSON.stringify({
    domainPrefix: 'example-game-sessions',
    callbackUrls: ['examplegame://auth/callback'],
    logoutUrls: ['examplegame://auth/logout'],
  }),
  auth: JSON.stringify({ platformClaim: 'custom:platform', groupPermissions: { players: ['session:update-player:self', 'session:read:self'] } }),
  lambda: JSON.stringify({ memoryMb: 1536, timeoutSeconds: 8 }),
  alarms: JSON.stringify({ p99LatencyMs: 500, serverErrorRatePercent: 0.5 }),
  corsAllowedOrigins: 'https://play.example.com, https://admin.example.com',
  friendsApiUrl: 'https://friends.example.com',
};

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synth({}, 'real');
  prod = synth(FULL_PRODUCTION_CONTEXT, 'real');
}, 180_000);
afterAll(() => {
  dev?.dispose();
  prod?.dispose();
});

const stages = () =>
  [
    ['dev', dev],
    ['prod', prod],
  ] as const;
const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('synthesis', () => {
  it('`cdk synth` with no context gives the dev stack; the full production context gives the prod stack', () => {
    expect(dev.stack.stackName).toBe('RhSessionService-dev');
    expect(dev.stack.config).toMatchObject({ stageName: 'dev', production: false });
    expect(prod.stack.stackName).toBe('RhSessionService-prod');
    expect(prod.stack.config).toMatchObject({ stageName: 'prod', production: true, reservedConcurrency: 200, jwtAuthorizer: true });
  });
});

describe('DynamoDB table', () => {
  it.each(['dev', 'prod'])('%s: keys, attributes and indexes from the shared table definition, on-demand, TTL, KMS, stream', (name) => {
    const s = name === 'dev' ? dev : prod;
    const def = createTableInput('unused');
    s.template.resourceCountIs('AWS::DynamoDB::Table', 1);
    s.template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: def.KeySchema,
      AttributeDefinitions: def.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: SESSIONS_TABLE.ttlAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      // Both images: the pipe publishes new images, the expiry reaper needs the old image of a TTL deletion.
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      // Every index of SESSIONS_TABLE.indexes, exactly as the local stack and the tests create it (projection ALL).
      GlobalSecondaryIndexes: def.GlobalSecondaryIndexes ?? Match.absent(),
    });
  });

  it('the player-sessions GSI (gsi1pk/gsi1sk, projection ALL) and the culling GSI; the open-session index is items of the main table', () => {
    const [[, table]] = resourcesOfType(dev, 'AWS::DynamoDB::Table') as [[string, any]];
    expect(table.Properties.GlobalSecondaryIndexes.map((i: any) => i.IndexName)).toEqual(SESSIONS_TABLE.indexes.map((i) => i.name));
    expect(table.Properties.GlobalSecondaryIndexes).toContainEqual({
      IndexName: 'player-sessions',
      KeySchema: [
        { AttributeName: PLAYER_INDEX.partitionKey, KeyType: 'HASH' },
        { AttributeName: PLAYER_INDEX.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    });
    expect(dev.stack.table.indexNames).toEqual(['player-sessions', 'culling']);
    // Open-session entries and seat tickets are addressed by the table's own keys (pk OPEN#<type>): no GSI of theirs.
    const entry = openEntryKey({ type: 'lobby', created: '2025-01-01T00:00:00.000Z', sessionId: 'abc' });
    expect(Object.keys(entry).sort()).toEqual([SESSIONS_TABLE.partitionKey, SESSIONS_TABLE.sortKey].sort());
    expect(entry.pk).toBe('OPEN#lobby');
    expect(ticketKey('lobby').pk).toBe('OPEN#lobby');
    expect(table.Properties.GlobalSecondaryIndexes.some((i: any) => /open/i.test(i.IndexName))).toBe(false);
  });

  it('dev: no PITR, no deletion protection, deleted with the stack', () => {
    dev.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false }, DeletionProtectionEnabled: false }),
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  it('prod: PITR, deletion protection, RETAIN', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      Properties: Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: true }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('functions', () => {
  const fnId = (s: Synthesized, h: HandlerName) => logicalIdOf(s, s.stack.functions.get(h)!.fn);
  const fnProps = (s: Synthesized, h: HandlerName) => s.json.Resources[fnId(s, h)]!.Properties;

  it('one function per handler, plus the expiry reaper and the culling sweep', () => {
    for (const [, s] of stages()) {
      expect([...s.stack.functions.keys()].sort()).toEqual([...HANDLERS].sort());
      s.template.resourceCountIs('AWS::Lambda::Function', HANDLERS.length + 2);
    }
  });

  it.each(HANDLERS.map((h) => [h]))('%s: the bundle carries session-templates.json, the configured templates file', (h) => {
    const configured = readFileSync(join(ROOT, 'config/session-templates.json'));
    for (const [, s] of stages()) {
      expect(s.stack.templatesFile).toBe(join(ROOT, 'config/session-templates.json'));
      const file = join(assetDirOf(s, fnId(s, h)), BUNDLED_TEMPLATES_FILE);
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file).equals(configured)).toBe(true);
    }
  });

  it.each(HANDLERS.map((h) => [h]))('%s: Node.js 22 on ARM64, tracing, JSON logs to its own log group, memory, timeout, concurrency', (h) => {
    for (const [name, s] of stages()) {
      const f = s.stack.functions.get(h)!;
      const props = fnProps(s, h);
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logicalIdOf(s, f.logGroup)), ApplicationLogLevel: name === 'dev' ? 'INFO' : 'WARN' },
        MemorySize: name === 'dev' ? 1024 : 1536,
        Timeout: name === 'dev' ? 10 : 8,
      });
      expect(props.ReservedConcurrentExecutions).toBe(name === 'dev' ? undefined : 200);
      expect(s.json.Resources[logicalIdOf(s, f.logGroup)]!.Properties.RetentionInDays).toBe(name === 'dev' ? 14 : 180);
    }
  });

  it.each(HANDLERS.map((h) => [h]))('%s: the bundle is ESM (index.mjs with the shared banner and a source map)', (h) => {
    for (const [, s] of stages()) {
      const key: string = fnProps(s, h).Code.S3Key;
      const dir = join(s.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
      expect(existsSync(join(dir, 'index.js'))).toBe(false);
      expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8').startsWith(BUNDLE_SETTINGS.banner)).toBe(true);
    }
  });

  it('the deployed bundles are byte for byte what `npm run build` produces', async () => {
    const real = HANDLERS.filter(realHandlerExists);
    if (real.length !== HANDLERS.length) return; // fixtures stand in for missing handlers: nothing to compare
    const outDir = mkdtempSync(join(tmpdir(), 'rh-session-build-'));
    try {
      const built = await bundleHandlers(ROOT, outDir);
      for (const h of HANDLERS) {
        const key: string = fnProps(dev, h).Code.S3Key;
        const deployed = readFileSync(join(dev.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs'));
        expect(deployed.equals(readFileSync(built[h]))).toBe(true);
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each(HANDLERS.map((h) => [h]))('%s: the deployed bundle imports under Node and exports handler', (h) => {
    const key: string = fnProps(dev, h).Code.S3Key;
    const file = join(dev.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', `const m = await import(${JSON.stringify(file)}); process.stdout.write(typeof m.handler);`],
      { env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1' }, timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] },
    ).toString();
    expect(out).toBe('function');
    if (!realHandlerExists(h)) console.warn(`handlers/${h}.ts does not exist: bundled the fixture instead`);
  });

  it('environment: table, Cognito pool and both clients, log level, Powertools names (dev)', () => {
    const s = dev;
    const id = s.stack.identity;
    for (const h of HANDLERS) {
      expect(fnProps(s, h).Environment.Variables).toEqual({
        SESSIONS_TABLE_NAME: ref(logicalIdOf(s, s.stack.table.table)),
        AUTH_COGNITO_USER_POOL_ID: ref(logicalIdOf(s, id.userPool!)),
        AUTH_COGNITO_CLIENT_IDS: { 'Fn::Join': ['', [ref(logicalIdOf(s, id.gameClient!)), ',', ref(logicalIdOf(s, id.machineClient!))]] },
        AUTH_TOKEN_USE: 'access',
        AUTH_GROUP_PERMISSIONS: JSON.stringify({ players: GAME_CLIENT_PERMISSIONS }),
        LOG_LEVEL: 'INFO',
        POWERTOOLS_SERVICE_NAME: 'rh-session-service',
        POWERTOOLS_METRICS_NAMESPACE: 'RhSessionService/dev',
      });
    }
  });

  it('environment: platform claim, group permissions, source maps, the friends service from the production context', () => {
    for (const h of HANDLERS) {
      expect(fnProps(prod, h).Environment.Variables).toMatchObject({
        AUTH_PLATFORM_CLAIM: 'custom:platform',
        AUTH_GROUP_PERMISSIONS: '{"players":["session:update-player:self","session:read:self"]}',
        LOG_LEVEL: 'WARN',
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_METRICS_NAMESPACE: 'RhSessionService/prod',
        FRIENDS_API_URL: 'https://friends.example.com',
      });
      expect(fnProps(dev, h).Environment.Variables.NODE_OPTIONS).toBeUndefined();
      expect(fnProps(dev, h).Environment.Variables.FRIENDS_API_URL).toBeUndefined();
    }
  });

  it('no secret reaches a function environment', () => {
    for (const [, s] of stages()) {
      for (const [, fn] of resourcesOfType(s, 'AWS::Lambda::Function')) {
        expect(JSON.stringify(fn.Properties.Environment)).not.toMatch(/ClientSecret|secret/i);
      }
    }
  });

  it.each(HANDLERS.map((h) => [h]))('%s: least privilege: exactly its DynamoDB actions on the table, its log group, X-Ray', (h) => {
    for (const [, s] of stages()) {
      const f = s.stack.functions.get(h)!;
      const roleId = logicalIdOf(s, f.role);
      expect(s.json.Resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
      const policies = resourcesOfType(s, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(roleId)]));
      expect(policies).toHaveLength(1);
      const statements: any[] = policies[0]![1].Properties.PolicyDocument.Statement;
      const list = (x: unknown) => (Array.isArray(x) ? x : [x]);
      for (const st of statements) {
        expect(st.Effect).toBe('Allow');
        for (const a of list(st.Action)) expect(a).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
        if (list(st.Resource).includes('*')) expect(list(st.Action).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
      const ddb = statements.filter((st) => list(st.Action).some((a: string) => a.startsWith('dynamodb:')));
      const actions = ROUTES.find((r) => r.handler === h)!.dynamodb;
      // A handler that touches no table (the templates) gets no DynamoDB statement at all.
      expect(ddb).toHaveLength(actions.length ? 1 : 0);
      if (actions.length) {
        expect(list(ddb[0].Action).sort()).toEqual(actions.map((a) => `dynamodb:${a}`).sort());
        const tableArn = arnOf(logicalIdOf(s, s.stack.table.table));
        const wantsIndexes = list(ddb[0].Action).some((a: string) => a === 'dynamodb:Query' || a === 'dynamodb:Scan');
        // Every index but the culling index, which is the sweep's alone.
        const routeIndexes = SESSIONS_TABLE.indexes.filter((i) => i.name !== 'culling');
        expect(list(ddb[0].Resource)).toHaveLength(1 + (wantsIndexes ? routeIndexes.length : 0));
        expect(list(ddb[0].Resource)[0]).toEqual(tableArn);
        if (wantsIndexes) {
          expect(list(ddb[0].Resource).slice(1)).toEqual(routeIndexes.map((i) => ({ 'Fn::Join': ['', [tableArn, `/index/${i.name}`]] })));
        }
      }
      const logs = statements.filter((st) => list(st.Action).some((a: string) => a.startsWith('logs:')));
      expect(logs).toEqual([{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arnOf(logicalIdOf(s, f.logGroup)) }]);
      expect(statements).toHaveLength(actions.length ? 3 : 2);
    }
  });
});

describe('the player-sessions index', () => {
  it('get-player-sessions-self may Query the player-sessions GSI (and BatchGetItem the sessions), nothing else', () => {
    for (const [, s] of stages()) {
      const f = s.stack.functions.get('get-player-sessions-self')!;
      const tableArn = arnOf(logicalIdOf(s, s.stack.table.table));
      const roleId = logicalIdOf(s, f.role);
      const [[, policy]] = resourcesOfType(s, 'AWS::IAM::Policy').filter(
        ([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(roleId)]),
      ) as [[string, any]];
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual({
        Action: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
        Effect: 'Allow',
        Resource: [tableArn, { 'Fn::Join': ['', [tableArn, '/index/player-sessions']] }],
      });
    }
  });
});

describe('HTTP API', () => {
  it("CORS: preflights answered by API Gateway for the stage's origins (any by default), the ETag readable", () => {
    const corsOf = (s: Synthesized) => resourcesOfType(s, 'AWS::ApiGatewayV2::Api')[0]![1].Properties.CorsConfiguration;
    const policy = {
      AllowHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match'],
      ExposeHeaders: ['etag', 'retry-after'],
      AllowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      MaxAge: 600,
    };
    expect(corsOf(dev)).toEqual({ ...policy, AllowOrigins: ['*'] });
    expect(corsOf(prod)).toEqual({ ...policy, AllowOrigins: ['https://play.example.com', 'https://admin.example.com'] });
  });

  it('every route: method, path, its function, payload format 2.0; every GET route also takes HEAD, to the same function', () => {
    const keyed = ROUTES.flatMap((r) => (r.method === 'GET' ? ['GET', 'HEAD'] : [r.method]).map((method) => ({ ...r, method })));
    for (const [, s] of stages()) {
      s.template.resourceCountIs('AWS::ApiGatewayV2::Route', keyed.length);
      const routes = resourcesOfType(s, 'AWS::ApiGatewayV2::Route');
      for (const r of keyed) {
        const found = routes.filter(([, x]) => x.Properties.RouteKey === `${r.method} ${r.path}`);
        expect(found).toHaveLength(1);
        const target = found[0]![1].Properties.Target['Fn::Join'][1][1].Ref as string;
        expect(s.json.Resources[target]!.Properties).toMatchObject({
          IntegrationType: 'AWS_PROXY',
          PayloadFormatVersion: '2.0',
          IntegrationUri: arnOf(logicalIdOf(s, s.stack.functions.get(r.handler)!.fn)),
        });
      }
    }
  });

  it('throttling is the $default stage default route settings', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      DefaultRouteSettings: { ThrottlingRateLimit: 1500, ThrottlingBurstLimit: 3000 },
    });
  });

  it('access logs: JSON to the access log group, no headers or bodies', () => {
    for (const [, s] of stages()) {
      const [[, stage]] = resourcesOfType(s, 'AWS::ApiGatewayV2::Stage') as [[string, any]];
      expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual(arnOf(logicalIdOf(s, s.stack.httpApi.accessLogs)));
      const format = JSON.parse(stage.Properties.AccessLogSettings.Format);
      expect(format).toEqual(ACCESS_LOG_FIELDS);
      expect(format.requestId).toBe('$context.requestId');
      expect(JSON.stringify(format)).not.toMatch(/header|body|authorization/i);
    }
  });

  it('dev: no API Gateway authorizer (the functions verify tokens), no custom domain', () => {
    dev.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    dev.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    for (const [, r] of resourcesOfType(dev, 'AWS::ApiGatewayV2::Route')) expect(r.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
  });

  it('prod: a JWT authorizer on every route checking the pool issuer and both clients; the custom domain', () => {
    const id = prod.stack.identity;
    prod.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::Join': ['', ['https://cognito-idp.', ref('AWS::Region'), '.amazonaws.com/', ref(logicalIdOf(prod, id.userPool!))]] },
        Audience: [ref(logicalIdOf(prod, id.gameClient!)), ref(logicalIdOf(prod, id.machineClient!))],
      },
    });
    for (const [, r] of resourcesOfType(prod, 'AWS::ApiGatewayV2::Route')) expect(r.Properties.AuthorizationType).toBe('JWT');
    prod.template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'sessions.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: CERT })],
    });
    prod.template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  });
});

describe('Cognito (created by the stack)', () => {
  it('resource servers `session` and `friend` with every permission as a scope', () => {
    for (const [, s] of stages()) {
      for (const [Identifier, scopes] of Object.entries(RESOURCE_SERVERS)) {
        s.template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
          Identifier,
          Scopes: Object.entries(scopes).map(([ScopeName, ScopeDescription]) => ({ ScopeName, ScopeDescription })),
        });
      }
      s.template.resourceCountIs('AWS::Cognito::UserPoolResourceServer', 2);
    }
    expect(Object.keys(RESOURCE_SERVERS.friend!).sort()).toEqual(['friend_list:read', 'friend_list:write']);
    expect(Object.keys(RESOURCE_SERVERS.session!).sort()).toEqual(
      [
        'shortcode:any',
        'shortcode:active',
        'update-player:self',
        'update-player:any',
        'update-player:as-leader',
        'read:self',
        'read:any',
        'create',
        'update:self',
        'update:any',
        'read:config',
        'read-player:self',
        'read-player:any',
        'delete:any',
        'delete:active',
        'read:permission:any',
        'read:permission:active',
        'give:permission:any',
        'give:permission:active',
        'remove:permission:any',
        'remove:permission:active',
        'promote:self',
        'promote:any',
        '*',
      ].sort(),
    );
  });

  it('a public game client (no secret, user flows) and a machine client (client credentials, secret)', () => {
    for (const [name, s] of stages()) {
      const serverIds: Record<string, string> = {
        session: logicalIdOf(s, s.stack.identity.userPool!.node.findChild('SessionResourceServer')),
        friend: logicalIdOf(s, s.stack.identity.userPool!.node.findChild('FriendResourceServer')),
      };
      const scope = ({ server, scope: x }: { server: string; scope: string }) => ({ 'Fn::Join': ['', [ref(serverIds[server]!), `/${x}`]] });
      s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: 'game-client',
        GenerateSecret: false,
        AllowedOAuthFlows: ['code'],
        ExplicitAuthFlows: Match.arrayWith(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
        AllowedOAuthScopes: ['openid', ...GAME_CLIENT_SCOPES.map(scope)],
        CallbackURLs: name === 'dev' ? ['http://localhost:8976/callback'] : ['examplegame://auth/callback'],
      });
      s.template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
        ClientName: 'machine-client',
        GenerateSecret: true,
        AllowedOAuthFlows: ['client_credentials'],
        ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
        AllowedOAuthScopes: Object.keys(RESOURCE_SERVERS.session!).map((x) => scope({ server: 'session', scope: x })),
      });
      s.template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'players' });
      s.template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    }
    prod.template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'example-game-sessions' });
  });

  it('prod keeps the pool (deletion protection, RETAIN); dev does not', () => {
    prod.template.hasResource('AWS::Cognito::UserPool', { Properties: Match.objectLike({ DeletionProtection: 'ACTIVE' }), DeletionPolicy: 'Retain' });
    dev.template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({ DeletionProtection: 'INACTIVE' }),
      DeletionPolicy: 'Delete',
    });
  });
});

/** EventBridge pattern matching, for the subset the filters use (literals, prefix, exists). */
const matches = (pattern: any, event: any): boolean =>
  Object.entries(pattern).every(([k, p]) => {
    const v = event?.[k];
    if (!Array.isArray(p)) return typeof v === 'object' && v !== null && matches(p, v);
    return p.some((m: any) =>
      typeof m !== 'object'
        ? v === m
        : 'prefix' in m
          ? typeof v === 'string' && v.startsWith(m.prefix)
          : 'exists' in m
            ? (v !== undefined) === m.exists
            : false,
    );
  });
const record = (eventName: string, keys: any, image?: any, extra: any = {}) => ({
  eventName,
  dynamodb: { Keys: keys, ...(image ? { NewImage: image } : {}) },
  ...extra,
});
const sessionKeys = { pk: { S: 'S#abc' }, sk: { S: '#SESSION' } };
const TTL_IDENTITY = { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } };

describe('session events', () => {
  /**
   * Pipes input templating: a placeholder that is a whole quoted value takes a JSON string; inside a longer string,
   * the text; bare, the raw value. What replaces a path the record lacks is not documented, so `missing` renders
   * it each way it plausibly could be (nothing, as an emulator does; or the text null): the detail must be valid
   * JSON either way.
   */
  const render = (template: string, record: any, missing: 'nothing' | 'null' = 'nothing') => {
    const at = (path: string) =>
      path
        .replace(/^\$\./, '')
        .split('.')
        .reduce((o, k) => o?.[k], record);
    const absent = missing === 'nothing' ? '' : 'null';
    const text = template.replace(/"<(\$[^>]+)>"|<(\$[^>]+)>/g, (_m, q, b) => {
      const v = at(q ?? b);
      if (v === undefined) return q ? `"${absent}"` : absent;
      return q ? JSON.stringify(String(v)) : JSON.stringify(String(v)).slice(1, -1);
    });
    return JSON.parse(text);
  };
  const sessionImage = {
    pk: { S: 'S#abc' },
    sk: { S: '#SESSION' },
    session_id: { S: 'abc' },
    version: { N: '7' },
    inc: { S: 'k2j3' },
    last_change: {
      M: {
        event: { S: 'Session Player Joined' },
        player_uuid: { S: '0d1f8f1e-7d1c-4c5a-9f53-0d4a3b1a2c3d' },
        team_id: { N: '1' },
        status: { S: 'member' },
      },
    },
  };
  const sessionUpdatedImage = { ...sessionImage, version: { N: '8' }, last_change: { M: { event: { S: 'Session Updated' } } } };
  const marshal = (v: unknown): any =>
    typeof v === 'string'
      ? { S: v }
      : typeof v === 'number'
        ? { N: String(v) }
        : typeof v === 'boolean'
          ? { BOOL: v }
          : Array.isArray(v)
            ? { L: v.map(marshal) }
            : {
                M: Object.fromEntries(
                  Object.entries(v as object)
                    .filter(([, x]) => x !== undefined)
                    .map(([k, x]) => [k, marshal(x)]),
                ),
              };
  const detailTypeOf = (r: any) =>
    PIPE_DETAIL_TYPE_PATH.replace(/^\$\./, '')
      .split('.')
      .reduce((o: any, k) => o?.[k], r);

  it('the pipe reads the table stream, filters, targets the sessions bus, dead-letters to SQS', () => {
    for (const [name, s] of stages()) {
      const ev = s.stack.events;
      s.template.hasResourceProperties('AWS::Events::EventBus', { Name: `sessions-${name}` });
      s.template.resourceCountIs('AWS::Pipes::Pipe', 1);
      s.template.hasResourceProperties('AWS::Pipes::Pipe', {
        Source: { 'Fn::GetAtt': [logicalIdOf(s, s.stack.table.table), 'StreamArn'] },
        Target: arnOf(logicalIdOf(s, ev.bus)),
        SourceParameters: {
          DynamoDBStreamParameters: Match.objectLike({ DeadLetterConfig: { Arn: arnOf(logicalIdOf(s, ev.deadLetterQueue)) }, BatchSize: 10 }),
          FilterCriteria: { Filters: [{ Pattern: JSON.stringify(PIPE_FILTER_PATTERN) }] },
        },
        TargetParameters: {
          EventBridgeEventBusParameters: { Source: EVENT_SOURCE, DetailType: PIPE_DETAIL_TYPE_PATH },
          InputTemplate: PIPE_INPUT_TEMPLATE,
        },
        DesiredState: 'RUNNING',
      });
      s.template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
      s.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
      const policy = resourcesOfType(s, 'AWS::IAM::Policy').find(([id]) => id.startsWith('EventsPipeRole'))![1];
      expect(policy.Properties.PolicyDocument.Statement).toEqual([
        {
          Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [logicalIdOf(s, s.stack.table.table), 'StreamArn'] },
        },
        { Action: 'dynamodb:ListStreams', Effect: 'Allow', Resource: '*' },
        { Action: 'events:PutEvents', Effect: 'Allow', Resource: arnOf(logicalIdOf(s, ev.bus)) },
        { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arnOf(logicalIdOf(s, ev.deadLetterQueue)) },
        { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arnOf(logicalIdOf(s, ev.pipeLogs)) },
      ]);
    }
  });

  it('the filter passes committed session changes of all five types only: no TTL deletions, no player items, no states without a change', () => {
    const p = PIPE_FILTER_PATTERN;
    expect(matches(p, record('MODIFY', sessionKeys, sessionImage))).toBe(true);
    expect(matches(p, record('INSERT', sessionKeys, sessionImage))).toBe(true);
    for (const type of SESSION_EVENT_TYPES) {
      const image = { ...sessionImage, last_change: { M: { ...sessionImage.last_change.M, event: { S: type } } } };
      expect(matches(p, record('MODIFY', sessionKeys, image))).toBe(true);
    }
    expect(matches(p, record('MODIFY', sessionKeys, sessionUpdatedImage))).toBe(true);
    // A TTL expiry is a REMOVE by the DynamoDB service, with no new image.
    expect(matches(p, record('REMOVE', sessionKeys, undefined, TTL_IDENTITY))).toBe(false);
    expect(matches(p, record('REMOVE', sessionKeys, sessionImage))).toBe(false);
    expect(matches(p, record('MODIFY', { pk: { S: 'S#abc' }, sk: { S: 'P#0d1f8f1e' } }, { ...sessionImage, sk: { S: 'P#0d1f8f1e' } }))).toBe(false);
    expect(matches(p, record('MODIFY', { pk: { S: 'OPEN#lobby' }, sk: { S: '#SESSION' } }, sessionImage))).toBe(false);
    const { last_change: _omit, ...noChange } = sessionImage;
    // An expiry extension removes last_change: nothing to publish.
    expect(matches(p, record('INSERT', sessionKeys, noChange))).toBe(false);
    expect(matches(p, record('MODIFY', sessionKeys, { ...sessionImage, last_change: { M: { event: { S: 'Session Exploded' } } } }))).toBe(false);
  });

  it('a session deleted by its last player leaving publishes Session Player Left (a MODIFY expiring it now); its TTL removal publishes nothing', () => {
    const session = { ...newSession({ sessionId: 'lobby-7', type: 'duel', teamSizes: [1, 1], joinable: true }), version: 3 };
    const left: SessionItem['last_change'] = {
      event: 'Session Player Left',
      player_uuid: '6a1b0e9e-1c1d-4d0e-8f1a-2b3c4d5e6f70',
      team_id: 1,
      status: 'left',
    };
    const now = Math.floor(Date.now() / 1000);
    const image = marshal({ ...sessionToItem(session), expires_at: now, last_change: left }).M;
    const r = record('MODIFY', { pk: image.pk, sk: image.sk }, image);
    expect(matches(PIPE_FILTER_PATTERN, r)).toBe(true);
    expect(detailTypeOf(r)).toBe('Session Player Left');
    expect(render(PIPE_INPUT_TEMPLATE, r)).toEqual({
      session_id: 'lobby-7',
      player_uuid: left!.player_uuid,
      team_id: '1',
      status: 'left',
      reason: '',
      version: 3,
      etag: etagOf(session),
    });
    const ttlRemoval = { eventName: 'REMOVE', dynamodb: { Keys: { pk: image.pk, sk: image.sk }, OldImage: image }, ...TTL_IDENTITY };
    expect(matches(PIPE_FILTER_PATTERN, ttlRemoval)).toBe(false);
  });

  it('a session ended by delete_session publishes Session Deleted with the reason, naming no player', () => {
    const session = { ...newSession({ sessionId: 'lobby-9', type: 'duel', teamSizes: [1, 1], joinable: true }), version: 5 };
    const deleted: SessionItem['last_change'] = { event: 'Session Deleted', reason: 'delete_session' };
    const image = marshal({ ...sessionToItem(session), expires_at: Math.floor(Date.now() / 1000) - 300, last_change: deleted }).M;
    const r = record('MODIFY', { pk: image.pk, sk: image.sk }, image);
    expect(matches(PIPE_FILTER_PATTERN, r)).toBe(true);
    expect(detailTypeOf(r)).toBe('Session Deleted');
    expect(render(PIPE_INPUT_TEMPLATE, r)).toEqual({
      session_id: 'lobby-9',
      player_uuid: '',
      team_id: '',
      status: '',
      reason: 'delete_session',
      version: 5,
      etag: etagOf(session),
    });
  });

  it("the pipe reads the attributes the store writes (src/dynamodb/items.ts) and publishes the API's ETag", () => {
    const session = { ...newSession({ sessionId: 'lobby-42', type: 'duel', teamSizes: [1, 1], joinable: true }), version: 12 };
    const lastChange: SessionItem['last_change'] = {
      event: 'Session Player Left',
      player_uuid: '6a1b0e9e-1c1d-4d0e-8f1a-2b3c4d5e6f70',
      team_id: 0,
      status: 'member',
    };
    const image = marshal({ ...sessionToItem(session), last_change: lastChange }).M;
    const r = record('MODIFY', { pk: image.pk, sk: image.sk }, image);
    expect(matches(PIPE_FILTER_PATTERN, r)).toBe(true);
    expect(render(PIPE_INPUT_TEMPLATE, r)).toEqual({
      session_id: 'lobby-42',
      player_uuid: lastChange!.player_uuid,
      team_id: '0',
      status: 'member',
      reason: '',
      version: 12,
      etag: etagOf(session),
    });
    expect(SESSION_EVENT_TYPES).toContain(lastChange!.event);
    // A leave's reason, with what JSON must escape, is published as the text the client sent.
    const said = marshal({ ...sessionToItem(session), last_change: { ...lastChange!, reason: 'said "gg" \\o/' } }).M;
    expect(render(PIPE_INPUT_TEMPLATE, record('MODIFY', { pk: said.pk, sk: said.sk }, said)).reason).toBe('said "gg" \\o/');
    // Every path the filter and the store guarantee is in the item the store writes.
    for (const path of PIPE_REQUIRED_PATHS)
      expect(
        path
          .replace(/^\$\./, '')
          .split('.')
          .reduce((o: any, k) => o?.[k], r),
      ).toBeDefined();
  });

  it.each(SESSION_EVENT_TYPES.map((t) => [t]))('%s: detail-type is the change, the detail is valid JSON with session, version and ETag', (type) => {
    const hasPlayer = type !== 'Session Updated' && type !== 'Session Deleted';
    const change = hasPlayer ? { ...sessionImage.last_change.M, event: { S: type } } : { event: { S: type } };
    const r = record('MODIFY', sessionKeys, { ...sessionImage, last_change: { M: change } });
    expect(matches(PIPE_FILTER_PATTERN, r)).toBe(true);
    expect(detailTypeOf(r)).toBe(type);
    for (const missing of ['nothing', 'null'] as const) {
      const detail = render(PIPE_INPUT_TEMPLATE, r, missing);
      expect(detail).toMatchObject({ session_id: 'abc', version: 7, etag: '"k2j3-7"' });
      expect(detail.etag).toBe(etagOf({ incarnation: 'k2j3', version: 7 }));
      if (hasPlayer) expect(detail).toMatchObject({ player_uuid: '0d1f8f1e-7d1c-4c5a-9f53-0d4a3b1a2c3d', team_id: '1', status: 'member' });
      // Session Updated and Session Deleted name no player: their player fields are empty (or whatever Pipes writes for an absent path).
      else for (const k of ['player_uuid', 'team_id', 'status']) expect(['', 'null']).toContain(detail[k]);
    }
  });

  it('only paths every published record has are unquoted placeholders (an absent one would break the JSON)', () => {
    const bare = [...PIPE_INPUT_TEMPLATE.matchAll(/(?<!")<(\$[^>]+)>/g)].map((m) => m[1]);
    expect(bare.length).toBeGreaterThan(0);
    for (const path of bare) expect(PIPE_REQUIRED_PATHS).toContain(path);
    // The player fields are quoted.
    for (const field of ['player_uuid.S', 'team_id.N', 'status.S', 'reason.S'])
      expect(PIPE_INPUT_TEMPLATE).toContain(`"<$.dynamodb.NewImage.last_change.M.${field}>"`);
  });
});

describe('expiry reaper', () => {
  const reaperId = (s: Synthesized) => logicalIdOf(s, s.stack.reaper.fn);
  const ttlRemove = (keys: any, oldImage: any = { inc: { S: 'k2j3' } }) => ({
    eventName: 'REMOVE',
    dynamodb: { Keys: keys, OldImage: oldImage },
    ...TTL_IDENTITY,
  });

  it('an event source mapping on the table stream: TTL removals of session items only, batches, bisect, retries, failure queue', () => {
    for (const [, s] of stages()) {
      s.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
      s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: ref(reaperId(s)),
        EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(s, s.stack.table.table), 'StreamArn'] },
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: REAPER_SETTINGS.batchSize,
        MaximumBatchingWindowInSeconds: REAPER_SETTINGS.maxBatchingWindowSeconds,
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: REAPER_SETTINGS.retryAttempts,
        MaximumRecordAgeInSeconds: REAPER_SETTINGS.maxRecordAgeHours * 3600,
        ParallelizationFactor: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        DestinationConfig: { OnFailure: { Destination: arnOf(logicalIdOf(s, s.stack.reaper.failureQueue)) } },
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(REAPER_FILTER_PATTERN) }] },
      });
      const queue = s.json.Resources[logicalIdOf(s, s.stack.reaper.failureQueue)]!;
      expect(queue.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    }
  });

  it('the filter passes a TTL deletion of a session item and nothing else', () => {
    const p = REAPER_FILTER_PATTERN;
    expect(matches(p, ttlRemove(sessionKeys))).toBe(true);
    // A REMOVE made by a caller (no TTL identity), a MODIFY, a player item's or an open-session entry's removal: no.
    expect(matches(p, { eventName: 'REMOVE', dynamodb: { Keys: sessionKeys } })).toBe(false);
    expect(matches(p, { ...ttlRemove(sessionKeys), userIdentity: { type: 'Service', principalId: 'someone-else.amazonaws.com' } })).toBe(false);
    expect(matches(p, { ...ttlRemove(sessionKeys), eventName: 'MODIFY' })).toBe(false);
    expect(matches(p, ttlRemove({ pk: { S: 'S#abc' }, sk: { S: 'P#0d1f8f1e' } }))).toBe(false);
    expect(matches(p, ttlRemove({ pk: { S: 'OPEN#lobby' }, sk: { S: '#TICKET' } }))).toBe(false);
  });

  it('Node.js 22 on ARM64, its memory and timeout, JSON logs to its own log group, the table name; no auth, no templates', () => {
    for (const [name, s] of stages()) {
      const r = s.stack.reaper;
      const props = s.json.Resources[reaperId(s)]!.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: REAPER_SETTINGS.memoryMb,
        Timeout: REAPER_SETTINGS.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logicalIdOf(s, r.logGroup)) },
      });
      expect(props.Environment.Variables).toEqual({
        SESSIONS_TABLE_NAME: ref(logicalIdOf(s, s.stack.table.table)),
        LOG_LEVEL: name === 'dev' ? 'INFO' : 'WARN',
        POWERTOOLS_SERVICE_NAME: 'rh-session-service',
        POWERTOOLS_METRICS_NAMESPACE: `RhSessionService/${name}`,
      });
      const dir = assetDirOf(s, reaperId(s));
      expect(existsSync(join(dir, 'index.mjs'))).toBe(true);
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8').startsWith(BUNDLE_SETTINGS.banner)).toBe(true);
      expect(existsSync(join(dir, BUNDLED_TEMPLATES_FILE))).toBe(false);
    }
  });

  it('least privilege: Query, BatchWriteItem and DeleteItem on the table (no index), the stream, its log group and queue, X-Ray', () => {
    for (const [, s] of stages()) {
      const r = s.stack.reaper;
      const roleId = logicalIdOf(s, r.role);
      expect(s.json.Resources[roleId]!.Properties.ManagedPolicyArns).toBeUndefined();
      const policies = resourcesOfType(s, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(roleId)]));
      expect(policies).toHaveLength(1);
      const statements: any[] = policies[0]![1].Properties.PolicyDocument.Statement;
      const tableId = logicalIdOf(s, s.stack.table.table);
      const actionsOf = (st: any) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
      expect(statements).toEqual(
        expect.arrayContaining([
          { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: arnOf(logicalIdOf(s, r.logGroup)) },
          { Action: ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:Query'], Effect: 'Allow', Resource: arnOf(tableId) },
          { Action: 'dynamodb:ListStreams', Effect: 'Allow', Resource: '*' },
          {
            Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
            Effect: 'Allow',
            Resource: { 'Fn::GetAtt': [tableId, 'StreamArn'] },
          },
          { Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Effect: 'Allow', Resource: '*' },
        ]),
      );
      const sqs = statements.filter((st) => actionsOf(st).some((a: string) => a.startsWith('sqs:')));
      expect(sqs).toHaveLength(1);
      expect(sqs[0].Resource).toEqual(arnOf(logicalIdOf(s, r.failureQueue)));
      expect(actionsOf(sqs[0])).toContain('sqs:SendMessage');
      // Nothing else: no other DynamoDB action, no wildcard action, and "*" only where nothing narrower exists.
      const all = statements.flatMap(actionsOf);
      expect(all.filter((a: string) => a.startsWith('dynamodb:')).sort()).toEqual(
        [
          'dynamodb:BatchWriteItem',
          'dynamodb:DeleteItem',
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
          'dynamodb:Query',
        ].sort(),
      );
      for (const a of all) expect(a).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      for (const st of statements.filter((x) => x.Resource === '*')) {
        expect(actionsOf(st).every((a: string) => ['dynamodb:ListStreams', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'].includes(a))).toBe(
          true,
        );
      }
    }
  });
});

describe('culling sweep', () => {
  const sweepId = (s: Synthesized) => logicalIdOf(s, s.stack.cullSweep.fn);

  it('runs every minute from an EventBridge schedule, one run at a time, Node.js 22 on ARM64, the table name; no auth, no templates', () => {
    for (const [name, s] of stages()) {
      s.template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: `rate(${CULL_SWEEP_SETTINGS.rateMinutes} minute)`,
        State: 'ENABLED',
        Targets: [Match.objectLike({ Arn: arnOf(sweepId(s)), RetryPolicy: { MaximumRetryAttempts: 0 } })],
      });
      const props = s.json.Resources[sweepId(s)]!.Properties;
      expect(props).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: CULL_SWEEP_SETTINGS.memoryMb,
        Timeout: CULL_SWEEP_SETTINGS.timeoutSeconds,
        ReservedConcurrentExecutions: 1,
        LoggingConfig: { LogFormat: 'JSON', LogGroup: ref(logicalIdOf(s, s.stack.cullSweep.logGroup)) },
      });
      expect(props.Environment.Variables).toMatchObject({
        SESSIONS_TABLE_NAME: ref(logicalIdOf(s, s.stack.table.table)),
        POWERTOOLS_METRICS_NAMESPACE: `RhSessionService/${name}`,
      });
      expect(existsSync(join(assetDirOf(s, sweepId(s)), BUNDLED_TEMPLATES_FILE))).toBe(false);
    }
  });

  it('least privilege: the culls on the table, Query on the culling index only, its log group, X-Ray', () => {
    for (const [, s] of stages()) {
      const roleId = logicalIdOf(s, s.stack.cullSweep.role);
      const policies = resourcesOfType(s, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([ref(roleId)]));
      expect(policies).toHaveLength(1);
      const statements: any[] = policies[0]![1].Properties.PolicyDocument.Statement;
      const tableId = logicalIdOf(s, s.stack.table.table);
      expect(statements).toEqual(
        expect.arrayContaining([
          { Action: CULL_SWEEP_DYNAMODB_ACTIONS.map((a) => `dynamodb:${a}`), Effect: 'Allow', Resource: arnOf(tableId) },
          { Action: 'dynamodb:Query', Effect: 'Allow', Resource: { 'Fn::Join': ['', [arnOf(tableId), '/index/culling']] } },
        ]),
      );
      const all = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
      for (const a of all) expect(a).not.toMatch(/^(\*|[a-z0-9-]+:\*)$/);
      expect(all.filter((a: string) => a.startsWith('dynamodb:')).sort()).toEqual(
        [...CULL_SWEEP_DYNAMODB_ACTIONS.map((a) => `dynamodb:${a}`), 'dynamodb:Query'].sort(),
      );
    }
  });

  it('the culling index projects keys only, so writes that leave a floor alone never write it', () => {
    for (const [, s] of stages()) {
      const gsis = s.json.Resources[logicalIdOf(s, s.stack.table.table)]!.Properties.GlobalSecondaryIndexes;
      expect(gsis).toEqual(
        expect.arrayContaining([
          {
            IndexName: 'culling',
            KeySchema: [
              { AttributeName: 'cull_pk', KeyType: 'HASH' },
              { AttributeName: 'cull_at', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ]),
      );
    }
  });
});

describe('observability', () => {
  const alarmNames = (s: Synthesized) =>
    resourcesOfType(s, 'AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties.AlarmName as string)
      .sort();

  it('alarms exist in every stage: API 5xx rate, per-function errors/throttles/p99, DynamoDB, dead letters, the reaper', () => {
    for (const [name, s] of stages()) {
      const p = `rh-session-${name}`;
      expect(alarmNames(s)).toEqual(
        [
          `${p}-Api5xxRate`,
          `${p}-DynamoDbSystemErrors`,
          `${p}-DynamoDbThrottledRequests`,
          `${p}-EventDeadLetters`,
          `${p}-ExpiryReaperErrors`,
          `${p}-ExpiryReaperFailures`,
          `${p}-ExpiryReaperIteratorAge`,
          ...HANDLERS.flatMap((h) => [`${p}-${h}-Errors`, `${p}-${h}-Throttles`, `${p}-${h}-LatencyP99`]),
        ].sort(),
      );
      for (const h of HANDLERS) {
        s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          AlarmName: `${p}-${h}-LatencyP99`,
          ExtendedStatistic: 'p99',
          MetricName: 'Duration',
          Threshold: name === 'dev' ? 1000 : 500,
        });
      }
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${p}-Api5xxRate`,
        Threshold: name === 'dev' ? 1 : 0.5,
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)' })]),
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${p}-ExpiryReaperIteratorAge`,
        MetricName: 'IteratorAge',
        Statistic: 'Maximum',
        Threshold: 3_600_000,
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${p}-ExpiryReaperFailures`,
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 1,
      });
      s.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: p });
    }
  });

  it('prod alarms notify the SNS topic (ALARM and OK); dev alarms have no action', () => {
    for (const [, a] of resourcesOfType(prod, 'AWS::CloudWatch::Alarm')) {
      expect(a.Properties.AlarmActions).toEqual([TOPIC]);
      expect(a.Properties.OKActions).toEqual([TOPIC]);
    }
    for (const [, a] of resourcesOfType(dev, 'AWS::CloudWatch::Alarm')) expect(a.Properties.AlarmActions).toBeUndefined();
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it.each(['dev', 'prod'])('%s: no unacknowledged error or warning', (name) => {
    const s = name === 'dev' ? dev : prod;
    expect(nagFindings(s.app).map((v) => `${v.severity} ${v.ruleName} ${v.violatingResources.map((r) => r.constructPath)}`)).toEqual([]);
  });

  it.each(['dev', 'prod'])('%s: every acknowledgement has a written reason and answers a real finding', (name) => {
    const s = name === 'dev' ? dev : prod;
    const acks = acknowledgements(s.app);
    expect(acks.length).toBeGreaterThan(0);
    const raw = rawNagFindings(s.app);
    for (const ack of acks) {
      expect(ack.reason.trim().length).toBeGreaterThanOrEqual(40);
      const answered = raw.some(
        (v) => v.ruleName === ack.id && v.violatingResources.some((r) => r.constructPath === ack.path || r.constructPath?.startsWith(`${ack.path}/`)),
      );
      expect({ ack: `${ack.id} at ${ack.path}`, answered }).toEqual({ ack: `${ack.id} at ${ack.path}`, answered: true });
    }
  });

  it('prod acknowledges no missing point-in-time recovery', () => {
    expect(acknowledgements(prod.app).filter((a) => a.id === 'AwsSolutions-DDB3')).toEqual([]);
    expect(acknowledgements(dev.app).filter((a) => a.id === 'AwsSolutions-DDB3')).toHaveLength(1);
  });
});
