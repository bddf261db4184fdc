// Builds the CDK app: the stage's configuration from context, the stack, and cdk-nag. bin/app.ts runs this for
// `cdk synth`/`cdk deploy`; the infra tests call it with the contexts they want.
import type { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag.js';
import { SessionServiceStack, type SessionServiceStackProps } from './session-service-stack.js';
import { stageConfigFromContext } from './stage-config.js';

const stackName = (stageName: string) => `RhSessionService-${stageName}`;

export function buildSessionServiceApp(
  app: App,
  overrides: Pick<SessionServiceStackProps, 'handlerEntry' | 'routes' | 'projectRoot' | 'reaperEntry' | 'cullSweepEntry'> = {},
): SessionServiceStack {
  const config = stageConfigFromContext((key) => app.node.tryGetContext(key));
  const stack = new SessionServiceStack(app, stackName(config.stageName), {
    config,
    ...overrides,
    // Environment-agnostic unless the CLI knows the target account/region (no lookups are needed either way).
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
  addNagChecks(app);
  return stack;
}
