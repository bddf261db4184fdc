// Who may call the service: (a) a Cognito user pool this stack creates, with a resource server `session` whose
// scopes are the service's permissions, a public game client and a secret-holding machine client; or (b) an
// existing user pool or any OIDC issuer from the stage configuration. Either way the result is the handlers'
// AUTH_* environment and the issuer/audience an optional API Gateway JWT authorizer checks.
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  FeaturePlan,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { GAME_CLIENT_PERMISSIONS, PERMISSIONS } from '../schemas/generated/operations.js';
import { acknowledge } from './nag.js';
import type { IdentityConfig, StageConfig } from './stage-config.js';

/** A permission `<server>:<scope>` is the scope `<server>/<scope>` of the pool's resource server `<server>`. */
const scopeOf = (permission: string): { server: string; scope: string } => {
  const at = permission.indexOf(':');
  return { server: permission.slice(0, at), scope: permission.slice(at + 1) };
};

/**
 * The pool's resource servers and their scopes, one scope per permission of the spec: `session` for this service,
 * `friend` for the friends service the same tokens are shown to (friends-only joins ask it with the caller's token).
 */
export const RESOURCE_SERVERS: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.entries(PERMISSIONS).reduce<
  Record<string, Record<string, string>>
>((servers, [permission, description]) => {
  const { server, scope } = scopeOf(permission);
  (servers[server] ??= {})[scope] = description;
  return servers;
}, {});

const SERVER_NAMES: Readonly<Record<string, string>> = { session: 'Session service', friend: 'Friends service' };

/** Scopes a game client (a player acting for themselves) may request: the spec's game-client permissions. */
export const GAME_CLIENT_SCOPES: readonly { server: string; scope: string }[] = GAME_CLIENT_PERMISSIONS.map(scopeOf);

/** Group -> permissions when the stack creates the pool: members of `players` get what a game client needs. */
const DEFAULT_PLAYER_GROUP = 'players';
const defaultGroupPermissions = (): Record<string, string[]> => ({
  [DEFAULT_PLAYER_GROUP]: [...GAME_CLIENT_PERMISSIONS],
});

export interface SessionIdentityProps {
  readonly config: StageConfig;
}

export class SessionIdentity extends Construct {
  /** AUTH_* variables for the handlers. */
  readonly environment: Record<string, string>;
  /** Issuer and audiences for an API Gateway JWT authorizer. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly userPool?: UserPool;
  readonly gameClient?: UserPoolClient;
  readonly machineClient?: UserPoolClient;
  readonly domain?: UserPoolDomain;

  constructor(scope: Construct, id: string, props: SessionIdentityProps) {
    super(scope, id);
    const { config } = props;
    const identity: IdentityConfig = config.identity;
    const auth: Record<string, string> = {};
    if (config.auth.platformClaim) auth.AUTH_PLATFORM_CLAIM = config.auth.platformClaim;

    switch (identity.kind) {
      case 'cognito': {
        const created = this.createUserPool(config, identity);
        this.userPool = created.pool;
        this.gameClient = created.game;
        this.machineClient = created.machine;
        this.domain = created.domain;
        const clientIds = [created.game.userPoolClientId, created.machine.userPoolClientId];
        this.environment = {
          AUTH_COGNITO_USER_POOL_ID: created.pool.userPoolId,
          AUTH_COGNITO_CLIENT_IDS: clientIds.join(','),
          AUTH_TOKEN_USE: 'access',
          AUTH_GROUP_PERMISSIONS: JSON.stringify(config.auth.groupPermissions ?? defaultGroupPermissions()),
          ...auth,
        };
        // The issuer as Cognito writes it into tokens (the `iss` claim), built as the CDK's own user-pool authorizer does.
        this.jwtIssuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${created.pool.userPoolId}`;
        this.jwtAudience = clientIds;
        break;
      }
      case 'user-pool': {
        const region = identity.userPoolId.split('_')[0];
        this.environment = {
          AUTH_COGNITO_USER_POOL_ID: identity.userPoolId,
          AUTH_COGNITO_CLIENT_IDS: identity.clientIds.join(','),
          AUTH_TOKEN_USE: 'access',
          ...groupPermissions(config),
          ...auth,
        };
        this.jwtIssuer = `https://cognito-idp.${region}.amazonaws.com/${identity.userPoolId}`;
        this.jwtAudience = identity.clientIds;
        break;
      }
      case 'oidc': {
        this.environment = {
          AUTH_ISSUER: identity.issuer,
          AUTH_AUDIENCE: identity.audience.join(','),
          AUTH_JWKS_URI: identity.jwksUri,
          ...groupPermissions(config),
          ...auth,
        };
        this.jwtIssuer = identity.issuer;
        this.jwtAudience = identity.audience;
        break;
      }
    }
  }

  private createUserPool(config: StageConfig, identity: Extract<IdentityConfig, { kind: 'cognito' }>) {
    const pool = new UserPool(this, 'UserPool', {
      userPoolName: `rh-session-${config.stageName}`,
      // Accounts are created by the operator or a federation/sign-up flow the infra team adds; not open sign-up by default.
      selfSignUpEnabled: false,
      signInAliases: { email: true, username: true },
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    acknowledge(
      pool.node.defaultChild!,
      'AwsSolutions-COG2',
      'Players of a game sign in from consoles and game clients; MFA is offered (TOTP, optional) rather than required, ' +
        'as forcing it would lock out platforms without an authenticator flow. Trusted servers use the machine client, not passwords.',
    );
    acknowledge(
      pool.node.defaultChild!,
      'AwsSolutions-COG8',
      'The Plus feature plan (threat protection) is billed per monthly active user; the stage starts on Essentials and the ' +
        'infra team can switch featurePlan once the player count and the cost are known. Tokens are still verified per request.',
    );

    const servers = Object.fromEntries(
      Object.entries(RESOURCE_SERVERS).map(([identifier, scopes]) => [
        identifier,
        pool.addResourceServer(`${identifier[0]!.toUpperCase()}${identifier.slice(1)}ResourceServer`, {
          identifier,
          userPoolResourceServerName: SERVER_NAMES[identifier] ?? identifier,
          scopes: Object.entries(scopes).map(([scopeName, scopeDescription]) => new ResourceServerScope({ scopeName, scopeDescription })),
        }),
      ]),
    );
    const scope = ({ server, scope: scopeName }: { server: string; scope: string }) =>
      OAuthScope.resourceServer(servers[server]!, new ResourceServerScope({ scopeName, scopeDescription: RESOURCE_SERVERS[server]![scopeName]! }));

    const domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: identity.domainPrefix ?? `rh-session-${config.stageName}-${Stack.of(this).account}` },
    });

    // Game clients: public (no secret, it would not stay secret in a shipped client), user-facing flows only.
    const game = pool.addClient('GameClient', {
      userPoolClientName: 'game-client',
      generateSecret: false,
      authFlows: { userSrp: true, adminUserPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, ...GAME_CLIENT_SCOPES.map(scope)],
        callbackUrls: identity.callbackUrls,
        logoutUrls: identity.logoutUrls,
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    // Trusted servers: client credentials with a secret, every session scope (they act on sessions, never as a player).
    const machine = pool.addClient('MachineClient', {
      userPoolClientName: 'machine-client',
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: Object.keys(RESOURCE_SERVERS.session!).map((name) => scope({ server: 'session', scope: name })),
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
    });
    // No user sign-in flows on the machine client (Cognito's default would allow SRP and custom auth).
    (machine.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    for (const server of Object.values(servers)) {
      game.node.addDependency(server);
      machine.node.addDependency(server);
    }

    pool.addGroup('PlayersGroup', {
      groupName: DEFAULT_PLAYER_GROUP,
      description: 'Players: the AUTH_GROUP_PERMISSIONS mapping gives them the self-service session permissions',
    });

    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(this, 'GameClientId', { value: game.userPoolClientId });
    new CfnOutput(this, 'MachineClientId', { value: machine.userPoolClientId });
    new CfnOutput(this, 'TokenEndpoint', { value: `${domain.baseUrl()}/oauth2/token` });
    return { pool, game, machine, domain };
  }
}

function groupPermissions(config: StageConfig): Record<string, string> {
  return config.auth.groupPermissions ? { AUTH_GROUP_PERMISSIONS: JSON.stringify(config.auth.groupPermissions) } : {};
}
