// Alarms (every stage) and a CloudWatch dashboard. Alarms notify the stage's SNS topic when one is configured.
//
//   API 5xx rate        5xx / requests (1 min), above alarms.serverErrorRatePercent in 3 of 5 minutes
//   Lambda errors       unhandled errors and timeouts (the handlers answer every known failure themselves), >= 1 in 2 of 5 minutes
//   Lambda throttles    >= 1 in 2 of 5 minutes (reserved or account concurrency exhausted)
//   Lambda p99 latency  p99 Duration over 5 minutes above alarms.p99LatencyMs, 2 of 3 periods
//   DynamoDB system errors and throttled requests, over the operations the service performs
//   Event dead letters  any message in the pipe's dead-letter queue
//   Expiry reaper       errors (>= 1 in 2 of 5 minutes), iterator age above 1 hour (falling behind the stream's 24 h
//                       retention), any batch in its on-failure queue
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Operation, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from './stage-config.js';

/** DynamoDB operations the handlers call (TransactWriteItems is how a join writes). */
const MONITORED_OPERATIONS = [
  Operation.GET_ITEM,
  Operation.BATCH_GET_ITEM,
  Operation.QUERY,
  Operation.PUT_ITEM,
  Operation.UPDATE_ITEM,
  Operation.DELETE_ITEM,
  Operation.BATCH_WRITE_ITEM,
  Operation.TRANSACT_WRITE_ITEMS,
];

export interface SessionObservabilityProps {
  readonly config: StageConfig;
  readonly api: HttpApi;
  readonly functions: ReadonlyMap<string, IFunction>;
  readonly table: ITable;
  readonly deadLetterQueue: IQueue;
  readonly pipeName: string;
  /** The expiry reaper (a stream consumer, not a route): its function and its on-failure queue. */
  readonly reaper?: { readonly fn: IFunction; readonly failureQueue: IQueue };
  readonly metricsNamespace: string;
}

export class SessionObservability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SessionObservabilityProps) {
    super(scope, id);
    const { config, api, table } = props;
    const prefix = `rh-session-${config.stageName}`;
    const minute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);
    const topic = config.alarmTopicArn ? Topic.fromTopicArn(this, 'AlarmTopic', config.alarmTopicArn) : undefined;

    const alarm = (
      alarmId: string,
      o: {
        metric: IMetric;
        threshold: number;
        evaluationPeriods: number;
        datapointsToAlarm: number;
        description: string;
        comparison?: ComparisonOperator;
      },
    ) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: o.description,
        metric: o.metric,
        threshold: o.threshold,
        evaluationPeriods: o.evaluationPeriods,
        datapointsToAlarm: o.datapointsToAlarm,
        comparisonOperator: o.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (topic) {
        a.addAlarmAction(new SnsAction(topic));
        a.addOkAction(new SnsAction(topic));
      }
      this.alarms.push(a);
      return a;
    };

    // --- API
    const apiRequests = api.metricCount({ period: minute, statistic: 'Sum' });
    const api5xx = api.metricServerError({ period: minute, statistic: 'Sum' });
    const api4xx = api.metricClientError({ period: minute, statistic: 'Sum' });
    const apiErrorRate = new MathExpression({
      expression: 'IF(requests > 0, 100 * errors / requests, 0)',
      usingMetrics: { requests: apiRequests, errors: api5xx },
      period: minute,
      label: '5xx rate (%)',
    });
    alarm('Api5xxRate', {
      metric: apiErrorRate,
      threshold: config.alarms.serverErrorRatePercent,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      description: `More than ${config.alarms.serverErrorRatePercent}% of API requests answered 5xx in 3 of the last 5 minutes`,
    });

    // --- Functions
    for (const [name, fn] of props.functions) {
      alarm(`${name}-Errors`, {
        metric: fn.metricErrors({ period: minute, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 5,
        datapointsToAlarm: 2,
        description: `${name}: unhandled errors or timeouts (the handler answers known failures itself) in 2 of the last 5 minutes`,
      });
      alarm(`${name}-Throttles`, {
        metric: fn.metricThrottles({ period: minute, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 5,
        datapointsToAlarm: 2,
        description: `${name}: invocations throttled (concurrency exhausted) in 2 of the last 5 minutes`,
      });
      alarm(`${name}-LatencyP99`, {
        metric: fn.metricDuration({ period: fiveMinutes, statistic: 'p99' }),
        threshold: config.alarms.p99LatencyMs,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        description: `${name}: p99 duration above ${config.alarms.p99LatencyMs} ms in 2 of the last 3 five-minute periods`,
      });
    }

    // --- DynamoDB
    const systemErrors = table.metricSystemErrorsForOperations({ operations: MONITORED_OPERATIONS, period: minute });
    const throttled = table.metricThrottledRequestsForOperations({ operations: MONITORED_OPERATIONS, period: minute });
    alarm('DynamoDbSystemErrors', {
      metric: systemErrors,
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 2,
      description: 'DynamoDB system errors (HTTP 500 from DynamoDB) on the sessions table in 2 of the last 5 minutes',
    });
    alarm('DynamoDbThrottledRequests', {
      metric: throttled,
      threshold: 1,
      evaluationPeriods: 5,
      datapointsToAlarm: 2,
      description: 'Throttled requests on the sessions table (on-demand capacity or partition limits) in 2 of the last 5 minutes',
    });

    // --- Events
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' });
    alarm('EventDeadLetters', {
      metric: deadLetters,
      threshold: 1,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      description: 'Session change records the event pipe could not deliver to EventBridge are waiting in its dead-letter queue',
    });
    let reaperWidgets: GraphWidget[] = [];
    if (props.reaper) {
      const { fn, failureQueue } = props.reaper;
      const reaperErrors = fn.metricErrors({ period: minute, statistic: 'Sum' });
      const iteratorAge = fn.metric('IteratorAge', { period: minute, statistic: 'Maximum' });
      const reaperFailures = failureQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' });
      alarm('ExpiryReaperErrors', {
        metric: reaperErrors,
        threshold: 1,
        evaluationPeriods: 5,
        datapointsToAlarm: 2,
        description: 'The expiry reaper failed (errors or timeouts) in 2 of the last 5 minutes; its batches are being retried',
      });
      alarm('ExpiryReaperIteratorAge', {
        metric: iteratorAge,
        threshold: 3_600_000,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 5,
        description: 'The expiry reaper is more than an hour behind the table stream (records are kept 24 hours)',
      });
      alarm('ExpiryReaperFailures', {
        metric: reaperFailures,
        threshold: 1,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        description: 'The expiry reaper gave up on a batch: its stream coordinates are in the failure queue (the players stay until reaped by hand)',
      });
      reaperWidgets = [
        new GraphWidget({
          title: 'Expiry reaper',
          left: [withLabel(fn.metricInvocations({ period: minute, statistic: 'Sum' }), 'invocations'), withLabel(reaperErrors, 'errors')],
          right: [withLabel(iteratorAge, 'iterator age (ms)'), withLabel(reaperFailures, 'failed batches')],
          width: 8,
        }),
      ];
    }

    const pipeMetric = (metricName: string) =>
      new Metric({ namespace: 'AWS/EventBridge/Pipes', metricName, dimensionsMap: { PipeName: props.pipeName }, period: minute, statistic: 'Sum' });

    // --- Dashboard
    const fns = [...props.functions];
    const perFunction = (label: string, f: (fn: IFunction) => IMetric) => fns.map(([name, fn]) => withLabel(f(fn), `${name} ${label}`));
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: prefix });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# Session service (${config.stageName})\nAPI, functions, DynamoDB, events. Alarms notify ${config.alarmTopicArn ?? 'no topic (alarmTopicArn unset)'}.`,
        width: 24,
        height: 2,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'API requests and errors', left: [apiRequests, api4xx, api5xx], right: [apiErrorRate], width: 8 }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          api.metricLatency({ period: minute, statistic: 'p50' }),
          api.metricLatency({ period: minute, statistic: 'p99' }),
          api.metricIntegrationLatency({ period: minute, statistic: 'p99' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration (ms)',
        left: [
          ...perFunction('p50', (fn) => fn.metricDuration({ period: minute, statistic: 'p50' })),
          ...perFunction('p99', (fn) => fn.metricDuration({ period: minute, statistic: 'p99' })),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Invocations',
        left: perFunction('invocations', (fn) => fn.metricInvocations({ period: minute, statistic: 'Sum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function errors and throttles',
        left: [
          ...perFunction('errors', (fn) => fn.metricErrors({ period: minute, statistic: 'Sum' })),
          ...perFunction('throttles', (fn) => fn.metricThrottles({ period: minute, statistic: 'Sum' })),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Concurrent executions',
        left: perFunction('concurrency', (fn) => fn.metric('ConcurrentExecutions', { period: minute, statistic: 'Maximum' })),
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB latency (ms)',
        left: [Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY, Operation.TRANSACT_WRITE_ITEMS].map((operation) =>
          table.metricSuccessfulRequestLatency({
            dimensionsMap: { TableName: table.tableName, Operation: operation },
            period: minute,
            statistic: 'p99',
            label: `${operation} p99`,
          }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'DynamoDB capacity and conflicts',
        left: [table.metricConsumedReadCapacityUnits({ period: minute }), table.metricConsumedWriteCapacityUnits({ period: minute })],
        right: [table.metricConditionalCheckFailedRequests({ period: minute, statistic: 'Sum' })],
        width: 8,
      }),
      // Two graphs: both expressions name their per-operation metrics by operation, which must not meet in one graph.
      new GraphWidget({ title: 'DynamoDB throttled requests', left: [withLabel(throttled, 'throttled')], width: 8 }),
      new GraphWidget({ title: 'DynamoDB system errors', left: [withLabel(systemErrors, 'system errors')], width: 8 }),
      new GraphWidget({
        title: 'Session events',
        left: [pipeMetric('Invocations'), pipeMetric('ExecutionFailed'), pipeMetric('EventCount')],
        right: [deadLetters],
        width: 8,
      }),
      ...reaperWidgets,
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: `Service metrics (EMF, namespace ${props.metricsNamespace})`,
        left: [
          new MathExpression({
            expression: `SEARCH('Namespace="${props.metricsNamespace}"', 'Sum', 60)`,
            period: minute,
            label: '',
          }),
        ],
        width: 24,
      }),
    );
  }
}

function withLabel(m: IMetric, label: string): IMetric {
  return m instanceof Metric || m instanceof MathExpression ? m.with({ label }) : m;
}
