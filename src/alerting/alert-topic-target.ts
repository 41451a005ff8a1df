import { Annotations, Duration, Names, ResourceEnvironment, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AlertMessage } from './alert-message';
import { deadLetterQueueStatement } from './private/dead-letter-queue-statement';
import { eventBridgePublishesWithKey } from './private/key-policy-statements';
import { checkTargetRetryPolicy } from './private/target-retry-policy';
import { invalidInput } from '../private/invalid-input';

/**
 * Options for an `AlertTopicTarget`.
 */
export interface AlertTopicTargetProps {
  /**
   * What the alert says.
   *
   * @default AlertMessage.readable()
   */
  readonly message?: AlertMessage;

  /**
   * Standard SQS queue, in the rule's region, that receives events EventBridge could not deliver.
   *
   * EventBridge sends an event here once its retries are used up, and at once for errors it does
   * not retry (a missing topic, a denied publish). A queue defined in this CDK app gets a policy
   * statement letting only this rule send to it (`aws:SourceArn`).
   *
   * @default - no dead-letter queue: undeliverable events are dropped
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * How many times EventBridge retries a failed delivery (0 to 185).
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying an event (1 minute to 24 hours).
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;
}

/**
 * An EventBridge rule target that publishes alerts to an SNS topic without the unscoped grant.
 *
 * aws-cdk-lib's `targets.SnsTopic` grants `events.amazonaws.com` `sns:Publish` on the topic with
 * no condition, so any rule in any account could publish to it. This target instead adds a
 * statement allowing `sns:Publish` only when `aws:SourceArn` is the rule's ARN, and, when the
 * topic's `masterKey` is defined in this CDK app, the key statement EventBridge needs to publish
 * to an encrypted topic. The retry policy is always written to the template so it can be read
 * there.
 *
 * @example
 * declare const rule: events.Rule;
 * declare const topic: sns.Topic;
 * rule.addTarget(new AlertTopicTarget(topic, { message: AlertMessage.readable() }));
 */
export class AlertTopicTarget implements events.IRuleTarget {
  /** The topic alerts are published to. */
  public readonly topic: sns.ITopic;

  private readonly props: AlertTopicTargetProps;

  /**
   * @param topic standard SNS topic in the rule's account and region
   * @param props options
   */
  constructor(topic: sns.ITopic, props: AlertTopicTargetProps = {}) {
    this.topic = topic;
    this.props = props;
  }

  /**
   * Grants the rule, and only the rule, what delivery needs, and returns the target.
   *
   * @param rule the rule this target is added to
   * @param _id the id EventBridge gives the target
   */
  public bind(rule: events.IRuleRef, _id?: string): events.RuleTargetConfig {
    const retryAttempts = this.props.retryAttempts ?? 185;
    const maxEventAge = this.props.maxEventAge ?? Duration.hours(24);
    checkTargetRetryPolicy(rule, retryAttempts, maxEventAge);
    requireSameEnvironment(rule, 'topic', this.topic.env);

    const ruleArn = events.CfnRule.arnForRule(rule);
    const ruleId = Names.nodeUniqueId(rule.node);
    // EventBridge sends aws:SourceArn, the ARN of the rule sending the event, with its requests to
    // a target's resource policy ("aws:SourceArn | The ARN of the rule that is sending the event"):
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html#conditions-table
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
    // (An older note on eb-use-resource-based.html says condition blocks cannot be used in SNS topic
    // policies for EventBridge; the delivery alarms and the heartbeat would report a refused publish.)
    const publish = this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowPublishFromRule${ruleId}`,
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    }));
    const keyGranted = this.topic.masterKey?.addToResourcePolicy(eventBridgePublishesWithKey()).statementAdded ?? false;
    if (!publish.statementAdded) {
      Annotations.of(rule).addWarningV2('cdk-iam-change-alerts:addTopicPolicyManually',
        `The alert topic ${this.topic.topicArn} is not defined in this CDK app, so its policy cannot be changed here. `
        + 'Add a statement allowing the service principal events.amazonaws.com sns:Publish on the topic under the condition '
        + `ArnEquals aws:SourceArn = ${ruleArn}, or alerts are rejected. If the topic is encrypted, its customer-managed key `
        + 'policy must also allow events.amazonaws.com kms:GenerateDataKey* and kms:Decrypt, without aws:SourceArn or '
        + 'aws:SourceAccount conditions.');
    } else if (this.topic.masterKey && !keyGranted) {
      Annotations.of(rule).addWarningV2('cdk-iam-change-alerts:addTopicKeyPolicyManually',
        `The alert topic's key ${this.topic.masterKey.keyArn} is not defined in this CDK app, so its policy cannot be changed here. `
        + 'Allow the service principal events.amazonaws.com kms:GenerateDataKey* and kms:Decrypt in the key policy, without '
        + 'aws:SourceArn or aws:SourceAccount conditions, or alerts are rejected.');
    }

    const queue = this.props.deadLetterQueue;
    if (queue) {
      requireSameEnvironment(rule, 'dead-letter queue', queue.env);
      const send = queue.addToResourcePolicy(deadLetterQueueStatement(rule, queue));
      if (!send.statementAdded) {
        Annotations.of(rule).addWarningV2('cdk-iam-change-alerts:addQueuePolicyManually',
          `The dead-letter queue ${queue.queueArn} is not defined in this CDK app, so its policy cannot be changed here. `
          + 'Add a statement allowing the service principal events.amazonaws.com sqs:SendMessage on the queue under the '
          + `condition ArnEquals aws:SourceArn = ${ruleArn}, or undeliverable alerts are lost.`);
      }
    }

    return {
      arn: this.topic.topicArn,
      input: (this.props.message ?? AlertMessage.readable()).toRuleTargetInput(),
      deadLetterConfig: queue ? { arn: queue.queueArn } : undefined,
      retryPolicy: {
        maximumRetryAttempts: retryAttempts,
        maximumEventAgeInSeconds: maxEventAge.toSeconds({ integral: true }),
      },
    };
  }
}

function requireSameEnvironment(rule: events.IRuleRef, what: string, env: ResourceEnvironment): void {
  const stack = Stack.of(rule);
  if (Token.compareStrings(env.region, stack.region) === TokenComparison.DIFFERENT) {
    throw invalidInput(rule,
      `the ${what} is in region ${env.region} but the rule is in ${stack.region}; this target delivers only to an SNS topic or SQS queue in the rule's own region.`,
      `use a ${what} in ${stack.region}.`);
  }
  if (Token.compareStrings(env.account, stack.account) === TokenComparison.DIFFERENT) {
    throw invalidInput(rule,
      `the ${what} is in account ${env.account} but the rule is in ${stack.account}; this target delivers only within the rule's own account.`,
      `use a ${what} in account ${stack.account}, or forward the events to an event bus in that account and alert from a rule there.`);
  }
}
