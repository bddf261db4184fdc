// The session service, one stack per stage: table, identity, one function per handler, HTTP API, session events,
// the expiry reaper, alarms and dashboard. Everything it needs comes in as typed props (StageConfig, from
// lib/stage-config.ts). The session templates file is validated here, before anything is bundled.
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CULLING_INDEX } from '../src/dynamodb/items.js';
import { loadTemplates } from '../src/templates/load-templates.js';
import { ROUTES, type Route } from '../schemas/generated/operations.js';
import { handlerEntry, type HandlerName } from './bundling.js';
import { CULL_SWEEP_NAME, CullSweep } from './cull-sweep.js';
import { ExpiryReaper, REAPER_NAME } from './expiry-reaper.js';
import { SessionHttpApi } from './http-api.js';
import { SessionIdentity } from './identity.js';
import { SessionObservability } from './observability.js';
import { RouteFunction } from './route-function.js';
import { SessionEvents } from './session-events.js';
import { SessionTable } from './session-table.js';
import { StageConfigError, type StageConfig } from './stage-config.js';

/** The repository root (this file is lib/session-service-stack.ts). */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');

const SERVICE_NAME = 'rh-session-service';

export interface SessionServiceStackProps extends StackProps {
  readonly config: StageConfig;
  /** The routes to deploy; default: every route of the spec. */
  readonly routes?: readonly Route[];
  /** Entry file of a handler; default handlers/<name>.ts. Tests point this at fixtures. */
  readonly handlerEntry?: (name: HandlerName) => string;
  /** Repository root (esbuild's working directory, package-lock.json); default: this repository. */
  readonly projectRoot?: string;
  /** Entry file of the expiry reaper; default handlers/reap-expired-session.ts. Tests point this at a fixture. */
  readonly reaperEntry?: string;
  /** Entry file of the culling sweep; default handlers/cull-sweep.ts. Tests point this at a fixture. */
  readonly cullSweepEntry?: string;
}

/**
 * The stage's templates file, absolute, after checking it as the handlers will (src/templates/load-templates.ts):
 * a file that would make every function answer 500 configuration_invalid fails the synth instead, naming the problem.
 */
function validatedTemplatesFile(config: StageConfig, projectRoot: string): string {
  const file = resolve(projectRoot, config.templatesFile);
  const loaded = loadTemplates(file);
  if ('problems' in loaded) {
    const problems = loaded.problems.map((p) => p.replace(/^SESSION_TEMPLATES_FILE \([^)]*\): /, ''));
    throw new StageConfigError('templatesFile', `the session templates file ${config.templatesFile} (${file}) is invalid: ${problems.join('; ')}`);
  }
  return file;
}

export class SessionServiceStack extends Stack {
  readonly config: StageConfig;
  readonly table: SessionTable;
  readonly identity: SessionIdentity;
  readonly functions: ReadonlyMap<HandlerName, RouteFunction>;
  readonly httpApi: SessionHttpApi;
  readonly events: SessionEvents;
  readonly reaper: ExpiryReaper;
  readonly cullSweep: CullSweep;
  readonly observability: SessionObservability;
  /** The validated templates file every route function bundles (absolute). */
  readonly templatesFile: string;

  constructor(scope: Construct, id: string, props: SessionServiceStackProps) {
    super(scope, id, {
      description: `RallyHere-compatible session service (${props.config.stageName})`,
      ...props,
    });
    const config = (this.config = props.config);
    const routes = props.routes ?? ROUTES;
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const entryOf = props.handlerEntry ?? ((name: HandlerName) => handlerEntry(projectRoot, name));
    const templatesFile = (this.templatesFile = validatedTemplatesFile(config, projectRoot));

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
      ...(config.friendsApiUrl ? { FRIENDS_API_URL: config.friendsApiUrl } : {}),
    };

    const functions = new Map<HandlerName, RouteFunction>();
    for (const route of routes) {
      functions.set(
        route.handler,
        new RouteFunction(this, `Fn-${route.handler}`, {
          handler: route.handler,
          entry: entryOf(route.handler),
          projectRoot,
          table: this.table.table,
          // The culling index is the sweep's alone: no route queries it.
          indexNames: this.table.indexNames.filter((n) => n !== CULLING_INDEX.name),
          dynamodbActions: route.dynamodb,
          environment,
          config,
          templatesFile,
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

    this.reaper = new ExpiryReaper(this, 'ExpiryReaper', {
      config,
      table: this.table.table,
      entry: props.reaperEntry ?? join(projectRoot, 'handlers', `${REAPER_NAME}.ts`),
      projectRoot,
      environment: { LOG_LEVEL: config.logLevel, POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: metricsNamespace },
    });

    this.cullSweep = new CullSweep(this, 'CullSweep', {
      config,
      table: this.table.table,
      entry: props.cullSweepEntry ?? join(projectRoot, 'handlers', `${CULL_SWEEP_NAME}.ts`),
      projectRoot,
      environment: { LOG_LEVEL: config.logLevel, POWERTOOLS_SERVICE_NAME: SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE: metricsNamespace },
    });

    this.observability = new SessionObservability(this, 'Observability', {
      config,
      api: this.httpApi.api,
      functions: fns,
      table: this.table.table,
      deadLetterQueue: this.events.deadLetterQueue,
      pipeName: this.events.pipe.name ?? this.events.pipe.ref,
      reaper: { fn: this.reaper.fn, failureQueue: this.reaper.failureQueue },
      metricsNamespace,
    });

    new CfnOutput(this, 'TableName', { value: this.table.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'EventDeadLetterQueueUrl', { value: this.events.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'ExpiryReaperFailureQueueUrl', { value: this.reaper.failureQueue.queueUrl });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
