// cdk-nag (AwsSolutions pack) for the app, and the one way this code base acknowledges a finding: with a rule id
// and a written reason. cdk-nag v3 runs as a CDK policy-validation plugin: `cdk synth` fails on an unacknowledged
// error and lists warnings; the infra tests additionally require zero unacknowledged warnings.
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const MIN_REASON_LENGTH = 40;

/** Acknowledges one cdk-nag finding (`AwsSolutions-XYZ` or `AwsSolutions-XYZ[Finding]`) on a construct and its children. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (!/^AwsSolutions-[A-Z]+\d+(\[.+\])?$/.test(id)) throw new Error(`cdk-nag acknowledgement: "${id}" is not an AwsSolutions rule id`);
  if (reason.trim().length < MIN_REASON_LENGTH) {
    throw new Error(`cdk-nag acknowledgement of ${id} at ${scope.node.path}: write down why (at least ${MIN_REASON_LENGTH} characters)`);
  }
  Validations.of(scope).acknowledge({ id, reason });
}

export function addNagChecks(app: App): void {
  // writeSuppressionsToCloudFormation: every acknowledgement and its reason also lands in the template's
  // Metadata (cdk_nag.rules_to_suppress), an audit trail next to the resource it concerns.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
}
