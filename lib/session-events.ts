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
//   last_change (M)  { event (S), player_uuid (S), team_id (N), status (S) }; the player fields are absent for
//                    'Session Updated' (a change of the session itself: joinable, custom data, teams) and
//                    'Session Deleted' (delete_session; reason 'delete_session')
// The event's etag is built from inc and version exactly as src/sessions/etag.ts builds it ("<inc>-<version>",
// quoted): a join that commits with `ADD version :one` does not know the version it produced, so the item cannot
// carry its own ETag, but the stream's new image does (a test pins the two formulas together).
// Every write of the session item either sets a fresh last_change or removes it (extending the expiry and moving
// the cull floor remove it);
// a write that left an old last_change in place would publish it again (same version and etag: consumers drop it).
//
// A session deleted by its last player leaving is an expiry-now update: a MODIFY whose last_change is that
// 'Session Player Left', published like any other; DynamoDB's TTL then removes the item (a REMOVE, never published;
// the expiry reaper, lib/expiry-reaper.ts, deletes the players that incarnation left behind). A session ended by
// delete_session is written the same way, its last_change a 'Session Deleted'.
//
// The detail, per detail-type (all strings except version):
//   Session Player Joined | Session Player Updated | Session Player Left
//     { session_id, player_uuid, team_id: "<n>", status, version: <n>, etag: "\"<inc>-<version>\"" }
//   Session Updated | Session Deleted
//     { session_id, player_uuid: "", team_id: "", status: "", version: <n>, etag }   (no player: ignore those three)
// One pipe has one input template, and what Pipes puts in place of a path that is absent from the record is not
// documented (an emulator puts nothing there). So every path a record may lack (the player fields) sits inside
// quotes: whatever replaces it, the detail stays valid JSON; an unquoted `"team_id": <path>` would render as
// `"team_id": ,` for a Session Updated and fail delivery. Hence team_id is a string. Unquoted placeholders are
// only paths the filter or the store guarantee (version). Two pipes with a template each would give Session
// Updated a detail without player keys, at the cost of a third reader on the stream's shards.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { SessionEvent } from '../src/sessions/model/change.js';
import { SESSION_PK_PREFIX, SESSION_SK } from '../src/dynamodb/items.js';
import { SESSIONS_TABLE } from '../src/dynamodb/table-definition.js';
import { acknowledge } from './nag.js';
import type { StageConfig } from './stage-config.js';

export const EVENT_SOURCE = 'rh.session-service';
export const SESSION_EVENT_TYPES = [
  'Session Player Joined',
  'Session Player Updated',
  'Session Player Left',
  'Session Updated',
  'Session Deleted',
] as const satisfies readonly SessionEvent[];

/**
 * Only session items, only inserts and modifications (a REMOVE, which is what a TTL expiry produces, never
 * passes), and only when the new image names one of the five changes (an item without last_change, e.g. after
 * an expiry extension, or with an unknown event name, publishes nothing).
 */
export const PIPE_FILTER_PATTERN = {
  eventName: ['INSERT', 'MODIFY'],
  dynamodb: {
    Keys: {
      [SESSIONS_TABLE.partitionKey]: { S: [{ prefix: SESSION_PK_PREFIX }] },
      [SESSIONS_TABLE.sortKey]: { S: [SESSION_SK] },
    },
    NewImage: { last_change: { M: { event: { S: [...SESSION_EVENT_TYPES] } } } },
  },
};

const IMAGE = '$.dynamodb.NewImage';
/** Paths every record passing the filter has (the store writes them on every session item). */
export const PIPE_REQUIRED_PATHS = [`${IMAGE}.session_id.S`, `${IMAGE}.inc.S`, `${IMAGE}.version.N`, `${IMAGE}.last_change.M.event.S`] as const;
/**
 * The event's `detail`. Every placeholder that may be absent (the player fields of a Session Updated) is quoted,
 * so the detail is valid JSON whatever Pipes substitutes for it; version, always present, is a JSON number.
 */
export const PIPE_INPUT_TEMPLATE =
  '{' +
  [
    `"session_id": "<${IMAGE}.session_id.S>"`,
    `"player_uuid": "<${IMAGE}.last_change.M.player_uuid.S>"`,
    `"team_id": "<${IMAGE}.last_change.M.team_id.N>"`,
    `"status": "<${IMAGE}.last_change.M.status.S>"`,
    // Pipes escapes the strings it places between quotes, so a reason with quotes still makes valid JSON.
    `"reason": "<${IMAGE}.last_change.M.reason.S>"`,
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
    for (const path of PIPE_INPUT_TEMPLATE.match(/(?<!")<(\$[^>]+)>/g) ?? []) {
      const bare = path.slice(1, -1);
      if (!(PIPE_REQUIRED_PATHS as readonly string[]).includes(bare))
        throw new Error(`SessionEvents: unquoted placeholder ${bare} may be absent from a record`);
    }
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
        "here (the pipe's DeadLetterConfig), which cdk-nag does not recognise as dead-letter use.",
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
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [this.deadLetterQueue.queueArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.pipeLogs.logGroupArn] }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams, which EventBridge Pipes requires for a DynamoDB stream source, has no resource-level permissions; ' +
        "reading records is limited to this table's stream, PutEvents to the sessions bus, SendMessage to the dead-letter queue.",
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
