import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Key policy statement letting an AWS service publish to (and read from) a topic or queue
 * encrypted with the key, with the conditions that service's KMS requests can carry.
 */
function servicePublishesWithKey(sid: string, servicePrincipal: string, conditions?: Record<string, unknown>): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(servicePrincipal)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions,
  });
}

/**
 * Key policy statement that allows grants on the key only for AWS resources or AWS services.
 *
 * Nothing in this library uses grants (SNS, SQS and CloudTrail use the key policy), so the
 * statement closes a path by which a principal with `kms:CreateGrant` could hand the key to
 * anyone. Control Tower control CT.KMS.PR.3 checks for exactly this statement.
 */
export function denyGrantsExceptForAwsServices(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsServices',
    effect: iam.Effect.DENY,
    principals: [new iam.StarPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: {
      BoolIfExists: {
        'kms:GrantIsForAWSResource': 'false',
        'aws:PrincipalIsAWSService': 'false',
      },
    },
  });
}

/**
 * Key policy statement letting EventBridge rules deliver to a topic encrypted with the key.
 *
 * Deliberately without `aws:SourceArn` / `aws:SourceAccount` conditions: EventBridge calls KMS
 * for an encrypted SNS topic without those keys in the request context, so such conditions make
 * every delivery fail with a KMS access-denied error that nobody sees (AWS documents that these
 * keys are not supported in a KMS key policy for EventBridge targets;
 * landing-zone-accelerator-on-aws issue #407; the SNS guide: "Adding the aws:SourceAccount,
 * aws:SourceArn, and aws:SourceOrgID to a AWS KMS policy is not supported for EventBridge-to-encrypted
 * topics", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 * The confused-deputy protection lives on the topic
 * policy instead, which is scoped to the rule by `aws:SourceArn`.
 */
export function eventBridgePublishesWithKey(): iam.PolicyStatement {
  return servicePublishesWithKey('AllowEventBridgeToPublishToEncryptedTopic', 'events.amazonaws.com');
}

/**
 * Key policy statement letting CloudWatch alarms of one account and region notify a topic
 * encrypted with the key.
 *
 * CloudWatch's KMS requests carry `aws:SourceAccount` and `aws:SourceArn` (the alarm), so the
 * statement is scoped to alarms of the stack's account and region (confused-deputy protection).
 * The SNS guide documents these keys for CloudWatch in the key policy:
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * It names them by pattern, not by ARN: the key cannot name the alarms that notify the topic it
 * encrypts without a dependency cycle (key → alarm → topic → key). The topic policy names them
 * exactly.
 */
export function cloudWatchPublishesWithKey(alarmsIn: Stack): iam.PolicyStatement {
  return servicePublishesWithKey('AllowCloudWatchToPublishToEncryptedTopic', 'cloudwatch.amazonaws.com', {
    StringEquals: { 'aws:SourceAccount': alarmsIn.account },
    ArnLike: { 'aws:SourceArn': `arn:${alarmsIn.partition}:cloudwatch:${alarmsIn.region}:${alarmsIn.account}:alarm:*` },
  });
}
