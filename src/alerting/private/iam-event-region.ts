import { Annotations, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { globalEventsRegion, partitionOfRegion } from '../../identifiers/regions';
import { invalidInput } from '../../private/invalid-input';

/**
 * The only region where IAM (a global service) delivers its CloudTrail events to EventBridge in
 * the commercial partition; other partitions have their own (see `globalEventsRegion`).
 */
export const IAM_EVENT_REGION = 'us-east-1';

/**
 * Fails when the stack's region is known and is not the region where IAM delivers its events in
 * that partition (us-east-1 in the commercial one): a rule for IAM events anywhere else deploys
 * fine and never fires. An environment-agnostic stack gets a warning instead.
 */
export function requireIamEventRegion(scope: Construct): void {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:regionUnresolved',
      `This stack has no region, so it cannot be checked: IAM events reach EventBridge only in ${IAM_EVENT_REGION}, `
      + `and a rule deployed anywhere else never fires. Set env: { region: '${IAM_EVENT_REGION}' } on the stack `
      + `(Python: env=Environment(region="${IAM_EVENT_REGION}")), or deploy it only to ${IAM_EVENT_REGION}.`);
    return;
  }
  const home = globalEventsRegion(partitionOfRegion(region)) ?? IAM_EVENT_REGION;
  if (region !== home) {
    throw invalidInput(scope,
      `the stack's region is '${region}', but IAM events reach EventBridge only in ${home}: a rule in ${region} would never fire.`,
      `deploy this stack in ${home} (env: { region: '${home}' }; Python: env=Environment(region="${home}")), or keep alerting in ${region} and `
      + `forward IAM events from ${home} to a central event bus there with IamEventForwarder.`);
  }
}
