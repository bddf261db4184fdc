// The HTTP API: one route per operation of the spec (schemas/generated/operations.ts) (payload format 2.0), the `$default` stage with default-route
// throttling and JSON access logs, an optional custom domain, and an optional JWT authorizer in front (the
// functions verify every token themselves either way).
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  DomainName,
  HttpApi,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from './bundling.js';
import { CORS_POLICY } from './cors.js';
import { acknowledge } from './nag.js';
import type { Route } from '../schemas/generated/operations.js';
import type { StageConfig } from './stage-config.js';

/** One JSON object per request. No request headers or bodies: tokens never reach the access log. */
export const ACCESS_LOG_FIELDS: Readonly<Record<string, string>> = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  requestTimeEpoch: '$context.requestTimeEpoch',
  sourceIp: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  domainName: '$context.domainName',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  errorMessage: '$context.error.message',
  errorResponseType: '$context.error.responseType',
  authorizerError: '$context.authorizer.error',
  principal: '$context.authorizer.claims.sub',
};

export interface SessionHttpApiProps {
  readonly config: StageConfig;
  readonly routes: readonly Route[];
  readonly functions: ReadonlyMap<HandlerName, IFunction>;
  /** Issuer and audience for the optional JWT authorizer. */
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
}

export class SessionHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly domainName?: DomainName;

  constructor(scope: Construct, id: string, props: SessionHttpApiProps) {
    super(scope, id);
    const { config } = props;

    this.api = new HttpApi(this, 'Api', {
      apiName: `rh-session-${config.stageName}`,
      description: `RallyHere-compatible session service (${config.stageName})`,
      createDefaultStage: false,
      // API Gateway answers preflights itself and adds the CORS headers to every answer of an allowed origin.
      corsPreflight: {
        allowOrigins: config.corsAllowedOrigins,
        allowHeaders: [...CORS_POLICY.allowHeaders],
        exposeHeaders: [...CORS_POLICY.exposeHeaders],
        allowMethods: CORS_POLICY.allowMethods.map((m) => CorsHttpMethod[m]),
        maxAge: Duration.seconds(CORS_POLICY.maxAgeSeconds),
      },
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    if (config.customDomain) {
      this.domainName = new DomainName(this, 'DomainName', {
        domainName: config.customDomain.domainName,
        certificate: Certificate.fromCertificateArn(this, 'Certificate', config.customDomain.certificateArn),
      });
    }

    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      // Default route settings: every route is throttled at these rates unless a route overrides them.
      throttle: { rateLimit: config.throttling.rateLimit, burstLimit: config.throttling.burstLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
      domainMapping: this.domainName ? { domainName: this.domainName } : undefined,
    });

    const authorizer: IHttpRouteAuthorizer | undefined = config.jwtAuthorizer
      ? new HttpJwtAuthorizer('JwtAuthorizer', props.jwtIssuer, {
          authorizerName: `rh-session-${config.stageName}-jwt`,
          jwtAudience: props.jwtAudience,
          identitySource: ['$request.header.Authorization'],
        })
      : undefined;

    const integrations = new Map<HandlerName, HttpLambdaIntegration>();
    for (const route of props.routes) {
      const fn = props.functions.get(route.handler);
      if (!fn) throw new Error(`Route ${route.method} ${route.path}: no function for handler "${route.handler}"`);
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.handler}-integration`, fn, { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 });
        integrations.set(route.handler, integration);
      }
      // HEAD is served by the GET route's function, which answers it without a body.
      const methods = route.method === 'GET' ? [HttpMethod.GET, HttpMethod.HEAD] : [HttpMethod[route.method]];
      for (const created of this.api.addRoutes({ path: route.path, methods, integration, authorizer })) {
        if (authorizer) continue;
        acknowledge(
          created.node.defaultChild!,
          'AwsSolutions-APIG4',
          'Every handler verifies the bearer JWT itself (aws-jwt-verify: signature, issuer, audience/client, expiry, token use) ' +
            "and answers RallyHere's 403 auth codes; an API Gateway JWT authorizer in front is optional (jwtAuthorizer).",
        );
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url, description: 'Base URL; routes are under /session/v1/' });
    if (this.domainName) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: this.domainName.regionalDomainName,
        description: `Point a CNAME/alias for ${config.customDomain!.domainName} here`,
      });
    }
  }
}
