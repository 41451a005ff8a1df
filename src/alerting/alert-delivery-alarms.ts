import { Annotations, Duration, Names, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { cloudWatchPublishesWithKey } from './key-policy-statements';

/**
 * Options for `AlertDeliveryAlarms`.
 */
export interface AlertDeliveryAlarmsProps {
  /**
   * The rule whose deliveries are watched.
   */
  readonly rule: events.IRule;

  /**
   * The custom event bus the rule is on.
   *
   * EventBridge reports the metrics of a rule on a custom bus with both the `EventBusName` and
   * `RuleName` dimensions, and those of a rule on the default bus with `RuleName` only; an alarm
   * with the wrong dimensions watches a metric that never arrives.
   *
   * @default - the rule is on the default event bus
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
   */
  readonly eventBus?: events.IEventBus;

  /**
   * The rule target's dead-letter queue, whose depth is watched.
   *
   * @default - no dead-letter queue alarm
   */
  readonly deadLetterQueue?: sqs.IQueue;

  /**
   * Topic the alarms notify when they go off.
   *
   * A topic defined in this CDK app gets a statement allowing CloudWatch to publish for these
   * alarms only (`aws:SourceArn`), and if its `masterKey` is defined in this app, the key
   * statement CloudWatch needs for an encrypted topic.
   */
  readonly alarmTopic: sns.ITopic;

  /**
   * Period over which each metric is summed before it is compared with the threshold of 1.
   *
   * @default Duration.minutes(5)
   */
  readonly period?: Duration;
}

/**
 * CloudWatch alarms that go off when alerts are not being delivered.
 *
 * - `failedInvocationsAlarm`: the rule's `FailedInvocations` (deliveries that failed for good).
 * - `deadLetterFailuresAlarm`: the rule's `InvocationsFailedToBeSentToDlq` (failed deliveries
 *   the dead-letter queue did not take either: those alerts are lost).
 * - `deadLetterQueueDepthAlarm`: the dead-letter queue's `ApproximateNumberOfMessagesVisible`.
 *
 * EventBridge emits its metrics only when they are non-zero, so missing data is treated as not
 * breaching. Each alarm goes off at 1 or more in a period.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export class AlertDeliveryAlarms extends Construct {
  /** Alarm on the rule's `FailedInvocations`. */
  public readonly failedInvocationsAlarm: cloudwatch.Alarm;

  /** Alarm on the rule's `InvocationsFailedToBeSentToDlq`. */
  public readonly deadLetterFailuresAlarm: cloudwatch.Alarm;

  /** Alarm on the dead-letter queue's `ApproximateNumberOfMessagesVisible`, if there is a queue. */
  public readonly deadLetterQueueDepthAlarm?: cloudwatch.Alarm;

  /** All alarms of this construct. */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: AlertDeliveryAlarmsProps) {
    super(scope, id);
    const period = props.period ?? Duration.minutes(5);
    const ruleMetric = (metricName: string) => new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName,
      dimensionsMap: props.eventBus
        ? { EventBusName: props.eventBus.eventBusName, RuleName: props.rule.ruleName }
        : { RuleName: props.rule.ruleName },
      statistic: cloudwatch.Stats.SUM,
      period,
    });

    this.failedInvocationsAlarm = this.alarmOn('FailedInvocations', ruleMetric('FailedInvocations'),
      'EventBridge failed to deliver IAM change alerts to the alert topic after all retries.');
    this.deadLetterFailuresAlarm = this.alarmOn('DeadLetterFailures', ruleMetric('InvocationsFailedToBeSentToDlq'),
      'EventBridge could deliver IAM change alerts neither to the alert topic nor to the dead-letter queue: those alerts are lost.');
    this.alarms = [this.failedInvocationsAlarm, this.deadLetterFailuresAlarm];
    if (props.deadLetterQueue) {
      this.deadLetterQueueDepthAlarm = this.alarmOn('DeadLetterQueueDepth',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period }),
        'IAM change alerts are waiting in the dead-letter queue: read them there, fix the delivery problem, then purge the queue.');
      this.alarms.push(this.deadLetterQueueDepthAlarm);
    }

    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
    }
    allowAlarmsToPublish(this, props.alarmTopic, this.alarms);
  }

  private alarmOn(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description,
    });
  }
}

/**
 * CloudWatch needs the topic policy to allow it (once a topic has its own policy, the default
 * one that let the account's services publish is gone) and, for an encrypted topic, the key.
 */
function allowAlarmsToPublish(scope: Construct, topic: sns.ITopic, alarms: cloudwatch.Alarm[]): void {
  const published = topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: `AllowPublishFromAlarmsOf${Names.nodeUniqueId(scope.node)}`,
    effect: iam.Effect.ALLOW,
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { ArnEquals: { 'aws:SourceArn': alarms.map((alarm) => alarm.alarmArn) } },
  }));
  const keyGranted = topic.masterKey?.addToResourcePolicy(cloudWatchPublishesWithKey(Stack.of(scope))).statementAdded ?? false;
  if (!published.statementAdded || (topic.masterKey && !keyGranted)) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:addAlarmTopicPolicyManually',
      `The alarm topic ${topic.topicArn} (or its key) is not defined in this CDK app, so its policies cannot be changed here. `
      + 'Allow the service principal cloudwatch.amazonaws.com sns:Publish on the topic for the alarms of '
      + `${scope.node.path}, and if the topic is encrypted, kms:GenerateDataKey* and kms:Decrypt `
      + 'in its key policy; otherwise the alarms go off without telling anyone.');
  }
}
