// The expiry reaper: when DynamoDB's TTL deletes a session item, a Lambda function (handlers/reap-expired-session.ts)
// deletes the player items that incarnation of the session left behind (player items carry no TTL of their own).
//
//   sessions table stream (NEW_AND_OLD_IMAGES) --> event source mapping (filter: TTL REMOVE of session items)
//                                                     --> reap-expired-session --> Query + BatchWriteItem + DeleteItem on the table
//                                                     \--> on failure: SQS queue (the batch's stream coordinates)
//
// Not an HTTP route, so not an operation of the spec nor in HANDLERS; bundled with the same nodejsBundlingOptions().
//
// Memory 256 MB: the work is two DynamoDB round trips per expired session, I/O-bound; nobody waits on a cold start.
// Timeout 60 s: a batch of BATCH_SIZE records is processed in order (~10-20 ms each); the margin covers DynamoDB's
// retries (3 attempts of <= 2 s per call, src/dynamodb/client.ts) for several records of one batch. A batch
// that still times out is retried (bisected), which an idempotent reaper can afford.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SESSIONS_TABLE } from '../src/dynamodb/table-definition.js';
import { functionDefaults } from './function-defaults.js';
import { acknowledge } from './nag.js';
import { nodejsBundlingOptions } from './nodejs-bundling.js';
import type { DynamoDbAction } from '../schemas/generated/operations.js';
import { TTL_PRINCIPAL } from '../src/dynamodb/expired-sessions.js';
import { SESSION_PK_PREFIX, SESSION_SK } from '../src/dynamodb/items.js';
import type { StageConfig } from './stage-config.js';

export const REAPER_NAME = 'reap-expired-session';

/** Only REMOVE records of session items made by DynamoDB's TTL reach the function (no invocation otherwise). */
export const REAPER_FILTER_PATTERN = {
  eventName: ['REMOVE'],
  userIdentity: { type: [TTL_PRINCIPAL.type], principalId: [TTL_PRINCIPAL.principalId] },
  dynamodb: {
    Keys: {
      [SESSIONS_TABLE.partitionKey]: { S: [{ prefix: SESSION_PK_PREFIX }] },
      [SESSIONS_TABLE.sortKey]: { S: [SESSION_SK] },
    },
  },
};

/** deleteOrphanPlayers: a Query of the session's partition (pk, sk, inc), BatchWriteItem deletes; releaseShortCode: a conditional DeleteItem. No index. */
const REAPER_DYNAMODB_ACTIONS: readonly DynamoDbAction[] = ['BatchWriteItem', 'DeleteItem', 'Query'];

export const REAPER_SETTINGS = {
  memoryMb: 256,
  timeoutSeconds: 60,
  /** Records per invocation (after filtering). */
  batchSize: 25,
  /** Wait up to this long to fill a batch: TTL deletes in bursts; one invocation per burst rather than per item. */
  maxBatchingWindowSeconds: 10,
  /** Retries of a failing batch (bisected on error), then its coordinates go to the on-failure queue. */
  retryAttempts: 5,
  /** A record older than this is not retried any more (the stream keeps records 24 h). */
  maxRecordAgeHours: 6,
} as const;

export interface ExpiryReaperProps {
  readonly config: StageConfig;
  readonly table: ITable;
  /** The handler's entry (handlers/reap-expired-session.ts, or a test fixture). */
  readonly entry: string;
  readonly projectRoot: string;
  /** LOG_LEVEL and the Powertools names, shared with the route functions. */
  readonly environment: Record<string, string>;
}

export class ExpiryReaper extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;
  /** Where Lambda sends a batch it gave up on: shard, sequence numbers and the error (not the records). */
  readonly failureQueue: Queue;
  readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: ExpiryReaperProps) {
    super(scope, id);
    const { config, table } = props;
    if (!table.tableStreamArn) throw new Error('ExpiryReaper: the sessions table has no stream');
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.logGroup = new LogGroup(this, 'Logs', { retention: config.logRetentionDays, removalPolicy });

    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${REAPER_NAME} (${config.stageName}): read the sessions table stream, Query, BatchWriteItem and DeleteItem on the table, its log group, its failure queue`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }),
    );
    // The table only: the reaper queries the session's own partition, never an index.
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: REAPER_DYNAMODB_ACTIONS.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
    );

    this.failureQueue = new Queue(this, 'FailureQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.failureQueue.node.defaultChild!,
      'AwsSolutions-SQS3',
      "This queue is itself the on-failure destination of the reaper's event source mapping (a dead-letter queue for " +
        'stream batches Lambda gave up on), which cdk-nag does not recognise as dead-letter use.',
    );

    this.fn = new NodejsFunction(this, 'Function', {
      description: `RallyHere-compatible session service: delete the players of sessions DynamoDB's TTL removed (${config.stageName})`,
      ...functionDefaults(config, props.projectRoot),
      entry: props.entry,
      memorySize: REAPER_SETTINGS.memoryMb,
      timeout: Duration.seconds(REAPER_SETTINGS.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      environment: { SESSIONS_TABLE_NAME: table.tableName, ...props.environment },
      bundling: nodejsBundlingOptions(),
    });

    // Grants the stream read (DescribeStream, GetRecords, GetShardIterator on the stream; ListStreams) and
    // SendMessage on the failure queue to the role.
    this.eventSource = new DynamoEventSource(table, {
      // Created with the table: from the oldest record, so a TTL deletion during deployment is not skipped.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: REAPER_SETTINGS.batchSize,
      maxBatchingWindow: Duration.seconds(REAPER_SETTINGS.maxBatchingWindowSeconds),
      bisectBatchOnError: true,
      retryAttempts: REAPER_SETTINGS.retryAttempts,
      maxRecordAge: Duration.hours(REAPER_SETTINGS.maxRecordAgeHours),
      // The handler reports the first record it could not process; Lambda retries from there.
      reportBatchItemFailures: true,
      parallelizationFactor: 1,
      onFailure: new SqsDlq(this.failureQueue),
      filters: [FilterCriteria.filter(REAPER_FILTER_PATTERN)],
    });
    this.fn.addEventSource(this.eventSource);

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only dynamodb:ListStreams (required by a DynamoDB stream event source mapping) and X-Ray active tracing ' +
        '(xray:PutTraceSegments, xray:PutTelemetryRecords) use "*": neither supports resource-level permissions. Stream ' +
        "reads name this table's stream; Query, BatchWriteItem and DeleteItem the table; logs its log group; SendMessage its queue.",
    );
    acknowledge(
      this.fn.node.defaultChild!,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime every function of the service is bundled (esbuild target node22) and tested for; ' +
        'moving to a newer runtime is a deliberate change of BUNDLE_SETTINGS.target and this line.',
    );
  }
}
