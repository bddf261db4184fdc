// Identity option (b): an existing Cognito user pool, or any OIDC issuer, from context. Handlers are the fixture
// (these tests are about identity and configuration, not bundles), so each synthesis takes well under a second.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { App } from 'aws-cdk-lib';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSessionServiceApp } from '../../lib/app.js';
import { HANDLERS } from '../../lib/bundling.js';
import { FIXTURE_HANDLER, logicalIdOf, nagFindings, resourcesOfType, synth, type Synthesized } from './helpers.js';

let pool: Synthesized;
let oidc: Synthesized;

beforeAll(() => {
  pool = synth(
    {
      identity: JSON.stringify({ userPoolId: 'eu-west-1_AbC123xyz', userPoolClientIds: 'clientone123,clienttwo456' }),
      jwtAuthorizer: 'true',
      auth: JSON.stringify({ groupPermissions: { admins: ['session:*'] } }),
    },
    'fixture',
  );
  oidc = synth(
    {
      stage: 'staging',
      identity: JSON.stringify({
        issuer: 'https://id.example.com/realms/game',
        audience: ['game-client', 'game-server'],
        jwksUri: 'https://id.example.com/realms/game/certs',
      }),
      jwtAuthorizer: 'true',
    },
    'fixture',
  );
}, 120_000);
afterAll(() => {
  pool?.dispose();
  oidc?.dispose();
});

/** The route functions' environments (the expiry reaper and the culling sweep authenticate nobody: no AUTH_* settings). */
const envs = (s: Synthesized) =>
  resourcesOfType(s, 'AWS::Lambda::Function')
    // The reaper and the culling sweep take no requests: no auth settings.
    .filter(([id]) => id !== logicalIdOf(s, s.stack.reaper.fn) && id !== logicalIdOf(s, s.stack.cullSweep.fn))
    .map(([, f]) => f.Properties.Environment.Variables);

describe('existing Cognito user pool', () => {
  it('creates no Cognito resources', () => {
    for (const type of [
      'AWS::Cognito::UserPool',
      'AWS::Cognito::UserPoolClient',
      'AWS::Cognito::UserPoolResourceServer',
      'AWS::Cognito::UserPoolDomain',
    ]) {
      pool.template.resourceCountIs(type, 0);
    }
  });

  it('gives every function the pool id, the client ids and the group mapping', () => {
    expect(envs(pool)).toHaveLength(HANDLERS.length);
    for (const env of envs(pool)) {
      expect(env).toMatchObject({
        AUTH_COGNITO_USER_POOL_ID: 'eu-west-1_AbC123xyz',
        AUTH_COGNITO_CLIENT_IDS: 'clientone123,clienttwo456',
        AUTH_TOKEN_USE: 'access',
        AUTH_GROUP_PERMISSIONS: '{"admins":["session:*"]}',
      });
      expect(env.AUTH_ISSUER).toBeUndefined();
    }
  });

  it("the JWT authorizer checks the pool's issuer (in the pool's region) and the client ids", () => {
    pool.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123xyz', Audience: ['clientone123', 'clienttwo456'] },
    });
  });

  it('cdk-nag: clean', () => {
    expect(nagFindings(pool.app)).toEqual([]);
  });
});

describe('OIDC issuer', () => {
  it('gives every function issuer, audience and JWKS URI, and no Cognito settings', () => {
    oidc.template.resourceCountIs('AWS::Cognito::UserPool', 0);
    for (const env of envs(oidc)) {
      expect(env).toMatchObject({
        AUTH_ISSUER: 'https://id.example.com/realms/game',
        AUTH_AUDIENCE: 'game-client,game-server',
        AUTH_JWKS_URI: 'https://id.example.com/realms/game/certs',
      });
      expect(env.AUTH_COGNITO_USER_POOL_ID).toBeUndefined();
      expect(env.AUTH_GROUP_PERMISSIONS).toBeUndefined();
    }
  });

  it('the JWT authorizer checks the issuer and audience', () => {
    oidc.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      JwtConfiguration: { Issuer: 'https://id.example.com/realms/game', Audience: ['game-client', 'game-server'] },
    });
  });

  it('a stage that is not in cdk.json gets its own names and dev-like defaults', () => {
    expect(oidc.stack.stackName).toBe('RhSessionService-staging');
    oidc.template.hasResourceProperties('AWS::Events::EventBus', { Name: 'sessions-staging' });
    oidc.template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
  });

  it('cdk-nag: clean', () => {
    expect(nagFindings(oidc.app)).toEqual([]);
  });
});

describe('the app without cdk.json', () => {
  it('an App with no context at all synthesizes the dev stage (cdk-nag runs and passes)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'rh-session-infra-'));
    try {
      const app = new App({ outdir });
      const stack = buildSessionServiceApp(app, {
        handlerEntry: () => FIXTURE_HANDLER,
        reaperEntry: FIXTURE_HANDLER,
        cullSweepEntry: FIXTURE_HANDLER,
      });
      const assembly = app.synth();
      expect(stack.stackName).toBe('RhSessionService-dev');
      expect(assembly.getStackByName('RhSessionService-dev').template.Resources).toBeDefined();
      expect(nagFindings(app)).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('a bad context value is a synth error naming the key', () => {
    const app = new App({ context: { stage: 'prod', throttling: '{"rateLimit": -5}' } });
    expect(() => buildSessionServiceApp(app, { handlerEntry: () => FIXTURE_HANDLER })).toThrow(
      'Invalid CDK context "throttling.rateLimit": must be a number from 1 to 1000000, got -5',
    );
  });
});
