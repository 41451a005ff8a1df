import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalidInput } from '../identifiers/invalid-input';

/** The only region where IAM (a global service) delivers its CloudTrail events to EventBridge. */
export const IAM_EVENT_REGION = 'us-east-1';

/**
 * Fails when the stack's region is known and is not us-east-1: a rule for IAM events anywhere
 * else deploys fine and never fires. An environment-agnostic stack gets a warning instead.
 */
export function requireIamEventRegion(scope: Construct): void {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:regionUnresolved',
      `This stack has no region, so it cannot be checked: IAM events reach EventBridge only in ${IAM_EVENT_REGION}, `
      + `and a rule deployed anywhere else never fires. Set env: { region: '${IAM_EVENT_REGION}' } on the stack, or deploy it `
      + `only to ${IAM_EVENT_REGION}.`);
    return;
  }
  if (region !== IAM_EVENT_REGION) {
    throw invalidInput(scope,
      `the stack's region is '${region}', but IAM events reach EventBridge only in ${IAM_EVENT_REGION}: a rule in ${region} would never fire.`,
      `deploy this stack in ${IAM_EVENT_REGION} (env: { region: '${IAM_EVENT_REGION}' }), or keep alerting in ${region} and `
      + `forward IAM events from ${IAM_EVENT_REGION} to a central event bus there with IamEventForwarder.`);
  }
}
