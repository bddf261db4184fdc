// Session events: every committed change of a session is published to EventBridge.
//
//   DynamoDB stream (NEW_IMAGE) --> EventBridge Pipe (filter + input template) --> event bus `sessions-<stage>`
//                                         \--> SQS dead-letter queue (encrypted) for records that cannot be delivered
//
// The bus is a custom one rather than the account's default bus: consumers' rules, its resource policy (e.g. a
// cross-account grant to a game-server account) and any archive/replay then concern session events only, and a
// stage's events never mix with another stage's or with AWS service events.
//
// What the pipe reads from the session item (pk `S#<session_id>`, sk `#SESSION`), written by the store in the
// same transaction as the change:
//   session_id  (S)  the session id, verbatim
//   inc         (S)  the incarnation (random per creation of the session id)
//   version     (N)  the version the change produced
//   last_change (M)  { event (S), player_uuid (S), team_id (N), status (S) }
// The event's etag is built from inc and version exactly as src/sessions/etag.ts builds it ("<inc>-<version>",
// quoted): a join that commits with `ADD version :one` does not know the version it produced, so the item cannot
// carry its own ETag, but the stream's new image does (a test pins the two formulas together).
// Every write of the session item either sets a fresh last_change or removes it; a write that leaves an old
// last_change in place would publish it again (with the same version and etag, so consumers can drop it).
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SessionEvent } from '../src/sessions/change.js';
import { SESSIONS_TABLE } from '../src/store/table-definition.js';
import { acknowledge } from './nag.js';
import type { StageConfig } from './stage-config.js';

export const EVENT_SOURCE = 'rh.session-service';
export const SESSION_EVENT_TYPES = ['Session Player Joined', 'Session Player Updated', 'Session Player Left', 'Session Updated'] as const satisfies readonly SessionEvent[];
export const SESSION_ITEM_SORT_KEY = '#SESSION';
export const SESSION_PK_PREFIX = 'S#';

/**
 * Only session items, only inserts and modifications (a REMOVE, which is what a TTL expiry produces, never
 * passes; a TTL deletion also carries no NewImage), and only when the new image names a last change.
 */
export const PIPE_FILTER_PATTERN = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: {
      [SESSIONS_TABLE.partitionKey]: { S: [{ prefix: SESSION_PK_PREFIX }] },
      [SESSIONS_TABLE.sortKey]: { S: [SESSION_ITEM_SORT_KEY] },
    },
    NewImage: { last_change: { M: { event: { S: [{ exists: true }] } } } },
  },
};

const IMAGE = '$.dynamodb.NewImage';
/** The event's `detail`. Strings are quoted placeholders; DynamoDB numbers (N) are inserted unquoted, as JSON numbers. */
export const PIPE_INPUT_TEMPLATE =
  '{' +
  [
    `"session_id": "<${IMAGE}.session_id.S>"`,
    `"player_uuid": "<${IMAGE}.last_change.M.player_uuid.S>"`,
    `"team_id": <${IMAGE}.last_change.M.team_id.N>`,
    `"status": "<${IMAGE}.last_change.M.status.S>"`,
    `"version": <${IMAGE}.version.N>`,
    `"etag": "\\"<${IMAGE}.inc.S>-<${IMAGE}.version.N>\\""`,
  ].join(', ') +
  '}';
/** The event's `detail-type`: the change's event name, read from the record (a Pipes dynamic path parameter). */
export const PIPE_DETAIL_TYPE_PATH = `${IMAGE}.last_change.M.event.S`;

export interface SessionEventsProps {
  readonly config: StageConfig;
  readonly table: ITable;
}

export class SessionEvents extends Construct {
  readonly bus: EventBus;
  readonly deadLetterQueue: Queue;
  readonly pipe: CfnPipe;
  readonly pipeLogs: LogGroup;

  constructor(scope: Construct, id: string, props: SessionEventsProps) {
    super(scope, id);
    const { config, table } = props;
    if (!table.tableStreamArn) throw new Error('SessionEvents: the sessions table has no stream');
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `sessions-${config.stageName}`,
      description: `Session player events of the RallyHere-compatible session service (${config.stageName})`,
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue.node.defaultChild!,
      'AwsSolutions-SQS3',
      'This queue is itself the dead-letter queue: the event pipe sends stream records it could not deliver to EventBridge ' +
        'here (the pipe\'s DeadLetterConfig), which cdk-nag does not recognise as dead-letter use.',
    );

    this.pipeLogs = new LogGroup(this, 'PipeLogs', { retention: config.logRetentionDays, removalPolicy });

    const role = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: 'Session events pipe: read the sessions table stream, put events on the sessions bus, dead-letter to SQS',
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [table.tableStreamArn],
      }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:ListStreams'], resources: ['*'] }));
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['events:PutEvents'], resources: [this.bus.eventBusArn] }));
    role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.pipeLogs.logGroupArn] }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams, which EventBridge Pipes requires for a DynamoDB stream source, has no resource-level permissions; ' +
        'reading records is limited to this table\'s stream, PutEvents to the sessions bus, SendMessage to the dead-letter queue.',
    );

    this.pipe = new CfnPipe(this, 'Pipe', {
      name: `rh-session-${config.stageName}-events`,
      description: 'Committed session changes (DynamoDB stream) to session player events (EventBridge)',
      roleArn: role.roleArn,
      source: table.tableStreamArn,
      sourceParameters: {
        dynamoDbStreamParameters: {
          // The pipe is created with the table: start at the oldest record so that nothing written meanwhile is lost.
          startingPosition: 'TRIM_HORIZON',
          // PutEvents takes at most 10 entries per call.
          batchSize: 10,
          maximumBatchingWindowInSeconds: 0,
          // One batch per shard at a time: events of a session are delivered in commit order.
          parallelizationFactor: 1,
          maximumRetryAttempts: 10,
          maximumRecordAgeInSeconds: 3600,
          onPartialBatchItemFailure: 'AUTOMATIC_BISECT',
          deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
        },
        filterCriteria: { filters: [{ pattern: JSON.stringify(PIPE_FILTER_PATTERN) }] },
      },
      target: this.bus.eventBusArn,
      targetParameters: {
        eventBridgeEventBusParameters: { source: EVENT_SOURCE, detailType: PIPE_DETAIL_TYPE_PATH },
        inputTemplate: PIPE_INPUT_TEMPLATE,
      },
      logConfiguration: {
        level: 'ERROR',
        cloudwatchLogsLogDestination: { logGroupArn: this.pipeLogs.logGroupArn },
      },
      desiredState: 'RUNNING',
    });
    // The role's policy must exist before the pipe validates its access to the source.
    this.pipe.node.addDependency(role);
  }
}
