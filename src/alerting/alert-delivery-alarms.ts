import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { notifyTopicOnAlarm } from './private/alarm-notifications';
import { failureCountAlarm, ruleMetricOf } from './private/rule-metrics';

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
   * What the rule delivers, in the alarm descriptions.
   *
   * @default 'IAM change alerts'
   */
  readonly subject?: string;

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
    const subject = props.subject ?? 'IAM change alerts';
    const ruleMetric = (metricName: string) => ruleMetricOf(props.rule, props.eventBus, metricName, period);

    this.failedInvocationsAlarm = this.alarmOn('FailedInvocations', ruleMetric('FailedInvocations'),
      `EventBridge failed to deliver ${subject} to the rule's target after all retries.`);
    this.deadLetterFailuresAlarm = this.alarmOn('DeadLetterFailures', ruleMetric('InvocationsFailedToBeSentToDlq'),
      `EventBridge could deliver ${subject} neither to the rule's target nor to the dead-letter queue: those are lost.`);
    this.alarms = [this.failedInvocationsAlarm, this.deadLetterFailuresAlarm];
    if (props.deadLetterQueue) {
      this.deadLetterQueueDepthAlarm = this.alarmOn('DeadLetterQueueDepth',
        props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period }),
        `Undelivered ${subject} are waiting in the dead-letter queue: read them there, fix the delivery problem, then purge the queue.`);
      this.alarms.push(this.deadLetterQueueDepthAlarm);
    }

    notifyTopicOnAlarm(this, props.alarmTopic, this.alarms);
  }

  private alarmOn(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return failureCountAlarm(this, id, metric, description);
  }
}
