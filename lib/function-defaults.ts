// What every function of the service shares: Node.js 22 on ARM64, JSON logs at the stage's level, active tracing,
// and the project's lock file for bundling. Each construct adds its entry, memory, timeout, role and environment.
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import type { StageConfig } from './stage-config.js';

export const functionDefaults = (config: StageConfig, projectRoot: string) => ({
  handler: 'handler',
  runtime: Runtime.NODEJS_22_X,
  architecture: Architecture.ARM_64,
  loggingFormat: LoggingFormat.JSON,
  applicationLogLevelV2: ApplicationLogLevel[config.logLevel],
  systemLogLevelV2: SystemLogLevel.WARN,
  tracing: Tracing.ACTIVE,
  projectRoot,
  depsLockFilePath: `${projectRoot}/package-lock.json`,
  // AWS_NODEJS_CONNECTION_REUSE_ENABLED is for SDK v2; v3 reuses connections by default.
  awsSdkConnectionReuse: false,
});
