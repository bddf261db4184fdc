// One Lambda function per handler: Node.js 22 on ARM64, bundled locally by esbuild with the shared settings, its
// own log group, a role that can write to that log group and perform exactly the route's DynamoDB actions.
//
// Memory 1024 MB (default; stage setting lambda.memoryMb): Lambda gives CPU in proportion to memory, and a cold
// start here is CPU-bound (parsing a ~0.5 MB minified bundle with the AWS SDK, building the JWT verifier and the
// precompiled validators), as is RS256 verification per request. 1024 MB (~0.6 vCPU) roughly halves cold start
// against 512 MB while the per-request cost stays small for ~10-30 ms invocations; above ~1769 MB (one full vCPU)
// a single-threaded handler gains nothing.
// Timeout 10 s (default; lambda.timeoutSeconds): a join is one read and one TransactWriteItems; after a lost race it
// retries at most 8 attempts or 4 s, and each DynamoDB call gives up after 3 attempts of at most 0.5 s connect +
// 1.5 s request (src/dynamodb/client.ts), so even a last attempt started just before the 4 s budget ends
// usually finishes (or fails into a 503 with Retry-After, in our envelope) by ~6 s; create-or-join's placement stops
// 2 s before the timeout, from the context's time left. The timeout only catches the unexpected (middy answers it
// in our envelope), and stays well under the HTTP API's 30 s integration limit so API Gateway never answers for us.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HandlerName } from './bundling.js';
import { functionDefaults } from './function-defaults.js';
import { acknowledge } from './nag.js';
import { BUNDLED_TEMPLATES_FILE } from '../src/templates/load-templates.js';
import { copyIntoBundle, nodejsBundlingOptions } from './nodejs-bundling.js';
import type { DynamoDbAction } from '../schemas/generated/operations.js';
import type { StageConfig } from './stage-config.js';

export interface RouteFunctionProps {
  readonly handler: HandlerName;
  /** The handler's TypeScript entry (handlers/<name>.ts, or a test fixture). */
  readonly entry: string;
  /** Repository root: esbuild's working directory and where package-lock.json lives. */
  readonly projectRoot: string;
  readonly table: ITable;
  readonly indexNames: readonly string[];
  readonly dynamodbActions: readonly DynamoDbAction[];
  readonly environment: Record<string, string>;
  readonly config: StageConfig;
  /**
   * Absolute path of the (already validated) session templates file. It is copied next to the bundle as
   * session-templates.json, the file the handlers read at init (${LAMBDA_TASK_ROOT}/session-templates.json,
   * src/templates/load-templates.ts).
   */
  readonly templatesFile: string;
}

export class RouteFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly logGroup: LogGroup;
  readonly role: Role;

  constructor(scope: Construct, id: string, props: RouteFunctionProps) {
    super(scope, id);
    const { config } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: config.logRetentionDays,
      removalPolicy: config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    // An explicit role instead of AWSLambdaBasicExecutionRole: logs go to this function's log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler} (${config.stageName}): its log group and ${props.dynamodbActions.join(', ')} on the sessions table`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    if (props.dynamodbActions.length > 0) {
      const wantsIndexes = props.dynamodbActions.some((a) => a === 'Query' || a === 'Scan');
      const indexArns = wantsIndexes ? props.indexNames.map((n) => `${props.table.tableArn}/index/${n}`) : [];
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          actions: props.dynamodbActions.map((a) => `dynamodb:${a}`),
          resources: [props.table.tableArn, ...indexArns],
        }),
      );
    }

    const environment: Record<string, string> = { ...props.environment };
    if (config.enableSourceMaps) {
      // Off by default. Measured on the bundled SDK + middy + aws-jwt-verify + ajv (0.5 MB bundle, 2 MB map):
      // importing took ~61 ms without and ~75-165 ms with --enable-source-maps (Node reads and parses the whole map
      // at load), i.e. +40-100 ms of cold start for readable stack traces. The .map ships in the asset either way,
      // so a stage that wants it (a debugging stage) turns it on with enableSourceMaps.
      environment.NODE_OPTIONS = '--enable-source-maps';
    }

    this.fn = new NodejsFunction(this, 'Function', {
      description: `RallyHere-compatible session service: ${props.handler} (${config.stageName})`,
      ...functionDefaults(config, props.projectRoot),
      entry: props.entry,
      memorySize: config.lambda.memoryMb,
      timeout: Duration.seconds(config.lambda.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: config.reservedConcurrency,
      environment,
      bundling: {
        ...nodejsBundlingOptions(),
        commandHooks: copyIntoBundle(props.projectRoot, { [BUNDLED_TEMPLATES_FILE]: props.templatesFile }),
      },
    });

    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'Only X-Ray active tracing uses "*": xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
        'permissions. DynamoDB and CloudWatch Logs statements name the table (and its indexes) and the log group.',
    );
    acknowledge(
      this.fn.node.defaultChild!,
      'AwsSolutions-L1',
      'Node.js 22 is the runtime the service is built, bundled (esbuild target node22) and benchmarked for, as the ' +
        'deployment issue requires; moving to a newer runtime is a deliberate change of BUNDLE_SETTINGS.target and this line.',
    );
  }
}
