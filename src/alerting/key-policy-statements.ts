import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Key policy statement letting an AWS service publish to (and read from) a topic or queue
 * encrypted with the key.
 *
 * Deliberately without `aws:SourceArn` / `aws:SourceAccount` conditions: EventBridge and
 * CloudWatch call KMS for an encrypted SNS topic without those keys in the request context, so
 * such conditions make every delivery fail with a KMS access-denied error that nobody sees
 * (landing-zone-accelerator-on-aws issue #407; aws-cdk issue #11121 for CloudWatch). The
 * confused-deputy protection lives on the topic or queue policy instead, which is scoped to the
 * rule or alarm by `aws:SourceArn`.
 */
function servicePublishesWithKey(sid: string, servicePrincipal: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal(servicePrincipal)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
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

/** Key policy statement letting EventBridge rules deliver to a topic encrypted with the key. */
export function eventBridgePublishesWithKey(): iam.PolicyStatement {
  return servicePublishesWithKey('AllowEventBridgeToPublishToEncryptedTopic', 'events.amazonaws.com');
}

/** Key policy statement letting CloudWatch alarms notify a topic encrypted with the key. */
export function cloudWatchPublishesWithKey(): iam.PolicyStatement {
  return servicePublishesWithKey('AllowCloudWatchToPublishToEncryptedTopic', 'cloudwatch.amazonaws.com');
}
