// The culling sweep: every minute an EventBridge schedule invokes a Lambda function (handlers/cull-sweep.ts) that
// writes the culls due in sessions whose cull floor has passed, so culled players are removed also from sessions
// nobody reads or joins (docs/culling.md).
//
//   EventBridge rule rate(1 minute) --> cull-sweep --> Query on the culling index, then per session:
//                                                      Query/GetItem of its partition, TransactWriteItems (the culls), UpdateItem (the floor)
//
// Not an HTTP route, so not an operation of the spec nor in HANDLERS; bundled with the same nodejsBundlingOptions().
// Memory 256 MB and timeout 60 s: I/O-bound, a few sessions side by side, and it stops taking sessions 10 s before
// the timeout; a run that leaves sessions due leaves them to the next minute's. One run at a time (reserved
// concurrency 1): two sweeps would only race each other for the same sessions.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DynamoDbAction } from '../schemas/generated/operations.js';
import { CULLING_INDEX } from '../src/dynamodb/items.js';
import { functionDefaults } from './function-defaults.js';
import { acknowledge } from './nag.js';
import { nodejsBundlingOptions } from './nodejs-bundling.js';
import type { StageConfig } from './stage-config.js';

export const CULL_SWEEP_NAME = 'cull-sweep';

/** The culls are transactions (Delete of memberships, Put of a successor, ConditionCheck of presence, Update of the session). */
export const CULL_SWEEP_DYNAMODB_ACTIONS: readonly DynamoDbAction[] = [
  'GetItem',
  'Query',
  'UpdateItem',
  'PutItem',
  'DeleteItem',
  'ConditionCheckItem',
];

export const CULL_SWEEP_SETTINGS = { memoryMb: 256, timeoutSeconds: 60, rateMinutes: 1, reservedConcurrency: 1 } as const;

export interface CullSweepProps {
  readonly config: StageConfig;
  readonly table: ITable;
  readonly entry: string;
  readonly projectRoot: string;
  readonly environment: Record<string, string>;
}

export class CullSweep extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: CullSweepProps) {
    super(scope, id);
    const { config, table } = props;
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    this.logGroup = new LogGroup(this, 'Logs', { retention: config.logRetentionDays, removalPolicy });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${CULL_SWEEP_NAME} (${config.stageName}): query the culling index, read and write the culls due on the table, its log group`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: CULL_SWEEP_DYNAMODB_ACTIONS.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${CULLING_INDEX.name}`] }),
    );

    this.fn = new NodejsFunction(this, 'Function', {
      description: `RallyHere-compatible session service: remove the players culled for silence (${config.stageName})`,
      ...functionDefaults(config, props.projectRoot),
      entry: props.entry,
      memorySize: CULL_SWEEP_SETTINGS.memoryMb,
      timeout: Duration.seconds(CULL_SWEEP_SETTINGS.timeoutSeconds),
      reservedConcurrentExecutions: CULL_SWEEP_SETTINGS.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      environment: { SESSIONS_TABLE_NAME: table.tableName, ...props.environment },
      bundling: nodejsBundlingOptions(),
    });

    this.rule = new Rule(this, 'Schedule', {
      description: `Culling sweep of the session service (${config.stageName})`,
      schedule: Schedule.rate(Duration.minutes(CULL_SWEEP_SETTINGS.rateMinutes)),
      targets: [new LambdaFunction(this.fn, { retryAttempts: 0 })],
    });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only X-Ray active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) uses "*": it supports no resource-level ' +
        'permissions. DynamoDB actions name the table and the culling index; logs its log group.',
    );
    acknowledge(
      this.fn.node.defaultChild!,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime every function of the service is bundled (esbuild target node22) and tested for; ' +
        'moving to a newer runtime is a deliberate change of BUNDLE_SETTINGS.target and this line.',
    );
  }
}
