import { Names } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';

/**
 * The queue policy statement that lets one rule, and only that rule, send the events it could not
 * deliver to its dead-letter queue: `sqs:SendMessage` for `events.amazonaws.com` on the queue when
 * `aws:SourceArn` is the rule's ARN, Sid `AllowSendFromRule<rule's unique id>`.
 *
 * Internal: not exported from the package's index.
 */
export function deadLetterQueueStatement(rule: events.IRuleRef, queue: sqs.IQueue): iam.PolicyStatement {
  // EventBridge documents aws:SourceArn = the rule's ARN for its dead-letter queue's policy:
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html#eb-dlq-perms
  return new iam.PolicyStatement({
    sid: `AllowSendFromRule${Names.nodeUniqueId(rule.node)}`,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal('events.amazonaws.com')],
    actions: ['sqs:SendMessage'],
    resources: [queue.queueArn],
    conditions: { ArnEquals: { 'aws:SourceArn': events.CfnRule.arnForRule(rule) } },
  });
}
