// The session service, one stack per stage: table, identity, one function per handler, HTTP API, session events,
// alarms and dashboard. Everything it needs comes in as typed props (StageConfig, from lib/stage-config.ts).
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { HANDLERS, handlerEntry, type HandlerName } from './bundling.js';
import { SessionHttpApi } from './http-api.js';
import { SessionIdentity } from './identity.js';
import { SessionObservability } from './observability.js';
import { RouteFunction } from './route-function.js';
import { actionsByHandler, ROUTES, type RouteSpec } from './routes.js';
import { SessionEvents } from './session-events.js';
import { SessionTable } from './session-table.js';
import type { StageConfig } from './stage-config.js';

/** The repository root (this file is lib/session-service-stack.ts). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

export const SERVICE_NAME = 'rh-session-service';

export interface SessionServiceStackProps extends StackProps {
  readonly config: StageConfig;
  /** The operations to deploy; default: every route of lib/routes.ts. */
  readonly routes?: readonly RouteSpec[];
  /** Entry file of a handler; default handlers/<name>.ts. Tests point this at fixtures. */
  readonly handlerEntry?: (name: HandlerName) => string;
  /** Repository root (esbuild's working directory, package-lock.json); default: this repository. */
  readonly projectRoot?: string;
}

export class SessionServiceStack extends Stack {
  readonly config: StageConfig;
  readonly table: SessionTable;
  readonly identity: SessionIdentity;
  readonly functions: ReadonlyMap<HandlerName, RouteFunction>;
  readonly httpApi: SessionHttpApi;
  readonly events: SessionEvents;
  readonly observability: SessionObservability;

  constructor(scope: Construct, id: string, props: SessionServiceStackProps) {
    super(scope, id, {
      description: `RallyHere-compatible session service (${props.config.stageName})`,
      ...props,
    });
    const config = (this.config = props.config);
    const routes = props.routes ?? ROUTES;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const entryOf = props.handlerEntry ?? ((name: HandlerName) => handlerEntry(projectRoot, name));

    Tags.of(this).add('service', SERVICE_NAME);
    Tags.of(this).add('stage', config.stageName);

    this.table = new SessionTable(this, 'Sessions', { config });
    this.identity = new SessionIdentity(this, 'Identity', { config });

    const metricsNamespace = `RhSessionService/${config.stageName}`;
    const environment: Record<string, string> = {
      SESSIONS_TABLE_NAME: this.table.table.tableName,
      ...this.identity.environment,
      LOG_LEVEL: config.logLevel,
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    };

    const functions = new Map<HandlerName, RouteFunction>();
    for (const [handler, actions] of actionsByHandler(routes)) {
      if (!(HANDLERS as readonly string[]).includes(handler)) throw new Error(`Route handler "${handler}" is not in HANDLERS (lib/bundling.ts)`);
      functions.set(
        handler,
        new RouteFunction(this, `Fn-${handler}`, {
          handler,
          entry: entryOf(handler),
          projectRoot,
          table: this.table.table,
          indexNames: this.table.indexNames,
          dynamodbActions: actions,
          environment,
          config,
        }),
      );
    }
    this.functions = functions;
    const fns = new Map<HandlerName, IFunction>([...functions].map(([h, f]) => [h, f.fn]));

    this.httpApi = new SessionHttpApi(this, 'Http', {
      config,
      routes,
      functions: fns,
      jwtIssuer: this.identity.jwtIssuer,
      jwtAudience: this.identity.jwtAudience,
    });

    this.events = new SessionEvents(this, 'Events', { config, table: this.table.table });

    this.observability = new SessionObservability(this, 'Observability', {
      config,
      api: this.httpApi.api,
      functions: fns,
      table: this.table.table,
      deadLetterQueue: this.events.deadLetterQueue,
      pipeName: this.events.pipe.name ?? this.events.pipe.ref,
      metricsNamespace,
    });

    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'EventDeadLetterQueueUrl', { value: this.events.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
