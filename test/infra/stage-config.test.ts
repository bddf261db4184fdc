// Stage configuration from context (no synthesis): defaults, precedence, CLI string coercion, and errors that
// name the offending key. Also the invariants tying the operations table, lib/bundling.ts and the CDK bundling props.
import { describe, expect, it } from '@jest/globals';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { BUNDLE_SETTINGS, HANDLERS } from '../../lib/bundling.js';
import { nodejsBundlingOptions } from '../../lib/nodejs-bundling.js';
import { OPERATIONS, ROUTES } from '../../schemas/generated/operations.js';
import { defaultStageConfig, stageConfigFromContext, StageConfigError } from '../../lib/stage-config.js';
import { cdkJsonContext } from './helpers.js';

const fromContext = (ctx: Record<string, unknown>) => stageConfigFromContext((k) => ctx[k]);
const withCdkJson = (ctx: Record<string, unknown> = {}) => fromContext({ ...cdkJsonContext(), ...ctx });
const errorOf = (ctx: Record<string, unknown>) => {
  try {
    withCdkJson(ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(StageConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a StageConfigError');
};

describe('stage configuration', () => {
  it('no context at all gives the dev stage with dev defaults and a created Cognito pool', () => {
    const c = fromContext({});
    expect(c).toEqual(defaultStageConfig('dev', false));
    expect(c.identity.kind).toBe('cognito');
    expect(c).toMatchObject({ pointInTimeRecovery: false, deletionProtection: false, removalPolicy: 'destroy', jwtAuthorizer: false });
  });

  it('cdk.json alone (what `cdk synth` passes) is the same dev stage', () => {
    expect(withCdkJson()).toEqual(defaultStageConfig('dev', false));
  });

  it('-c stage=prod is production: PITR, deletion protection, RETAIN, cdk.json overrides', () => {
    const c = withCdkJson({ stage: 'prod' });
    expect(c).toMatchObject({
      stageName: 'prod',
      production: true,
      pointInTimeRecovery: true,
      deletionProtection: true,
      removalPolicy: 'retain',
      logRetentionDays: 90,
      throttling: { rateLimit: 1000, burstLimit: 2000 },
    });
  });

  it('a stage missing from cdk.json gets dev defaults unless it says production', () => {
    expect(withCdkJson({ stage: 'alice' })).toMatchObject({ stageName: 'alice', production: false, removalPolicy: 'destroy' });
    expect(withCdkJson({ stage: 'alice', production: 'true' })).toMatchObject({ production: true, removalPolicy: 'retain' });
  });

  it('top-level -c values (strings) override the stage and are coerced', () => {
    const c = withCdkJson({
      stage: 'prod',
      throttling: '{"rateLimit": "25.5", "burstLimit": 40}',
      pointInTimeRecovery: 'false',
      reservedConcurrency: '100',
      logLevel: 'debug',
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:oncall',
      lambda: '{"memoryMb": 1536}',
    });
    expect(c.throttling).toEqual({ rateLimit: 25.5, burstLimit: 40 });
    expect(c.pointInTimeRecovery).toBe(false);
    expect(c.deletionProtection).toBe(true);
    expect(c.reservedConcurrency).toBe(100);
    expect(c.logLevel).toBe('DEBUG');
    expect(c.alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:oncall');
    expect(c.lambda).toEqual({ memoryMb: 1536, timeoutSeconds: 10 });
  });

  it('identity: an existing user pool, an OIDC issuer, or settings of the created pool', () => {
    expect(withCdkJson({ identity: { userPoolId: 'eu-west-1_AbC123', userPoolClientIds: 'a1b2, c3d4' } }).identity).toEqual({
      kind: 'user-pool',
      userPoolId: 'eu-west-1_AbC123',
      clientIds: ['a1b2', 'c3d4'],
    });
    expect(
      withCdkJson({ identity: '{"issuer":"https://id.example.com/","audience":["game","server"],"jwksUri":"https://id.example.com/jwks.json"}' })
        .identity,
    ).toEqual({ kind: 'oidc', issuer: 'https://id.example.com/', audience: ['game', 'server'], jwksUri: 'https://id.example.com/jwks.json' });
    expect(withCdkJson({ identity: { domainPrefix: 'my-game-auth', callbackUrls: ['mygame://auth'] } }).identity).toMatchObject({
      kind: 'cognito',
      domainPrefix: 'my-game-auth',
      callbackUrls: ['mygame://auth'],
    });
  });

  it('templatesFile: config/session-templates.json unless the context or the stage names another', () => {
    expect(withCdkJson().templatesFile).toBe('config/session-templates.json');
    expect(withCdkJson({ stage: 'prod' }).templatesFile).toBe('config/session-templates.json');
    expect(withCdkJson({ templatesFile: ' config/prod-templates.json ' }).templatesFile).toBe('config/prod-templates.json');
    expect(withCdkJson({ stage: 'qa', stages: { qa: { templatesFile: '/etc/game/templates.json' } } }).templatesFile).toBe(
      '/etc/game/templates.json',
    );
  });

  it('friendsApiUrl: none by default; an https URL from the context or the stage; anything else names the key', () => {
    expect(withCdkJson().friendsApiUrl).toBeUndefined();
    expect(withCdkJson({ friendsApiUrl: 'https://friends.example.com' }).friendsApiUrl).toBe('https://friends.example.com');
    expect(withCdkJson({ stage: 'qa', stages: { qa: { friendsApiUrl: 'https://qa-friends.example.com' } } }).friendsApiUrl).toBe(
      'https://qa-friends.example.com',
    );
    expect(() => withCdkJson({ friendsApiUrl: 'http://friends.example.com' })).toThrow('"friendsApiUrl": must be an https URL');
  });

  it('corsAllowedOrigins: any origin by default; a list of origins; anything else names the key', () => {
    expect(withCdkJson().corsAllowedOrigins).toEqual(['*']);
    expect(withCdkJson({ corsAllowedOrigins: 'https://play.example.com, http://localhost:5173' }).corsAllowedOrigins).toEqual([
      'https://play.example.com',
      'http://localhost:5173',
    ]);
    expect(() => withCdkJson({ corsAllowedOrigins: 'play.example.com' })).toThrow(/corsAllowedOrigins/);
  });

  it('auth settings: platform claim and group permissions (JSON array or comma-separated)', () => {
    const c = withCdkJson({
      auth: '{"platformClaim":"custom:platform","groupPermissions":{"players":"session:read:self, session:create","admins":["session:*"]}}',
    });
    expect(c.auth).toEqual({
      platformClaim: 'custom:platform',
      groupPermissions: { players: ['session:read:self', 'session:create'], admins: ['session:*'] },
    });
  });

  it.each([
    [{ stage: 'Prod!' }, '"stage"'],
    [{ stages: { dev: { pitr: true } } }, '"stages.dev.pitr": unknown setting'],
    [{ stage: 'prod', stages: { prod: { throttling: { rateLimit: 'fast' } } } }, '"stages.prod.throttling.rateLimit": must be a number'],
    [{ throttling: { burstLimit: 1.5 } }, '"throttling.burstLimit": must be an integer'],
    [{ logRetentionDays: '13' }, '"logRetentionDays": must be one of CloudWatch Logs\' retention periods'],
    [{ logLevel: 'verbose' }, '"logLevel": must be one of DEBUG, INFO, WARN, ERROR'],
    [{ alarmTopicArn: 'my-topic' }, '"alarmTopicArn": must be an SNS topic ARN'],
    [{ removalPolicy: 'snapshot' }, '"removalPolicy": must be one of retain, destroy'],
    [{ deletionProtection: 'yes' }, '"deletionProtection": must be true or false'],
    [{ reservedConcurrency: '0' }, '"reservedConcurrency": must be an integer from 1'],
    [{ lambda: { timeoutSeconds: 60 } }, '"lambda.timeoutSeconds": must be an integer from 1 to 29'],
    [{ lambda: { memory: 512 } }, '"lambda.memory": unknown setting'],
    [{ customDomain: { domainName: 'sessions.example.com' } }, '"customDomain.certificateArn": is required'],
    [{ customDomain: { domainName: 'x', certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' } }, '"customDomain.domainName"'],
    [{ identity: { userPoolId: 'eu-west-1_AbC123', issuer: 'https://id.example.com' } }, '"identity": give either'],
    [{ identity: { userPoolId: 'not-a-pool', userPoolClientIds: 'a' } }, '"identity.userPoolId": must be a Cognito user pool id'],
    [{ identity: { userPoolId: 'eu-west-1_AbC123' } }, '"identity.userPoolClientIds": is required'],
    [
      { identity: { issuer: 'http://id.example.com', audience: 'a', jwksUri: 'https://id.example.com/jwks' } },
      '"identity.issuer": must be an https URL',
    ],
    [
      { identity: { issuer: 'https://id.example.com', audience: [], jwksUri: 'https://id.example.com/jwks' } },
      '"identity.audience": must be a non-empty list',
    ],
    [{ identity: '{"issuer": ' }, '"identity": looks like JSON but does not parse'],
    [{ auth: { groupPermissions: { players: [42] } } }, '"auth.groupPermissions.players": must be a non-empty list'],
    [{ jwtAuthorizer: 1 }, '"jwtAuthorizer": must be true or false'],
    [{ templatesFile: '  ' }, '"templatesFile": must be a file path'],
    [{ stages: { dev: { templatesFile: 42 } } }, '"stages.dev.templatesFile": must be a file path'],
  ])('rejects %j naming the key', (ctx, message) => {
    expect(errorOf(ctx)).toContain(message);
    expect(errorOf(ctx)).toMatch(/^Invalid CDK context "/);
  });
});

describe('routes and bundling', () => {
  it('every route serves a handler that is built, and every built handler is deployed', () => {
    const routed = new Set(OPERATIONS.map((r) => r.handler));
    expect([...routed].sort()).toEqual([...HANDLERS].sort());
  });

  it('routes are unique, each of one handler, and under /session/v1/ or /session/v2/', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of ROUTES) expect(r.path).toMatch(/^\/session\/v[12]\//);
    // Every operation is served by its route's function.
    for (const o of OPERATIONS) expect(ROUTES.find((r) => r.method === o.method && r.path === o.path)).toMatchObject({ handler: o.handler });
    expect(new Set(ROUTES.map((r) => r.handler)).size).toBe(ROUTES.length);
  });

  it('the join writes through a transaction: UpdateItem, PutItem, DeleteItem (the open-session entry) and ConditionCheckItem, never a wildcard', () => {
    const actions = new Map(OPERATIONS.map((o) => [o.handler, o.dynamodb]));
    // Query and GetItem: a change of a session whose cull floor passed reads its players and presence first.
    expect(actions.get('join-session-self')).toEqual([
      'BatchGetItem',
      'ConditionCheckItem',
      'DeleteItem',
      'GetItem',
      'PutItem',
      'Query',
      'UpdateItem',
    ]);
    // A read that finds a cull due writes it: the transaction's actions.
    expect(actions.get('get-session')).toEqual(['ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem']);
  });

  it('NodejsFunction bundling props are BUNDLE_SETTINGS, with nothing external and no Docker', () => {
    const b = nodejsBundlingOptions();
    expect(b).toMatchObject({
      format: OutputFormat.ESM,
      target: BUNDLE_SETTINGS.target,
      minify: BUNDLE_SETTINGS.minify,
      sourceMap: BUNDLE_SETTINGS.sourcemap,
      mainFields: [...BUNDLE_SETTINGS.mainFields],
      banner: BUNDLE_SETTINGS.banner,
      externalModules: [],
      forceDockerBundling: false,
    });
    expect(b.esbuildArgs).toEqual({ '--tree-shaking': 'true', '--legal-comments': 'none' });
    expect(() => nodejsBundlingOptions({ ...BUNDLE_SETTINGS, format: 'cjs' } as never)).toThrow(/ESM/);
  });
});
