import { CfnCondition, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { failureCountAlarm, ruleMetricOf } from '../../alerting/private/rule-metrics';
import { heartbeatEventPattern } from '../../health/private/heartbeat';
import { tamperPatterns } from '../../health/private/tamper-alerts';

/**
 * The member side of pipeline health: alarms on the forwarder's own failures, and a health rule
 * per region that forwards to the central bus the heartbeat (in the IAM events region), calls that
 * tamper with the forwarder's rules, and its alarms going into ALARM. Member alarms open an
 * OpsItem in the member account; their state changes reach the central account through the health
 * rule, and when the path to the central bus is what broke, the central bus misses the member's
 * heartbeat instead.
 */

/** Every member alarm's name starts with this, so that the central bus recognises them. */
export const MEMBER_ALARM_PREFIX = 'cdk-iam-change-alerts-member-';

/** The event types the health rules forward, which the central bus policy must allow. */
export const HEALTH_SOURCES = ['aws.cloudwatch', 'aws.events', 'aws.iam'];
export const HEALTH_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'CloudWatch Alarm State Change'];

/** The pattern of a member's alarms going into ALARM, those of one forwarder or (no prefix) of any. */
export function memberAlarmPattern(alarmNamePrefix = MEMBER_ALARM_PREFIX): Record<string, unknown> {
  return {
    'source': ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    'detail': { alarmName: [{ prefix: alarmNamePrefix }], state: { value: ['ALARM'] } },
  };
}

/** One region group of the forwarder: its forwarding rule and the condition it exists under. */
export interface ForwarderRegionGroup {
  readonly id: string;
  readonly forwardingRule: events.Rule;
  readonly condition?: CfnCondition;
  /** Whether IAM events (and so the heartbeat) arrive in this group's regions. */
  readonly receivesIamEvents: boolean;
}

/** Options of `ForwarderHealth`. */
export interface ForwarderHealthProps {
  readonly namePrefix: string;
  readonly groups: ForwarderRegionGroup[];
  readonly deadLetterQueue: sqs.IQueue;
  /** The target that puts an event on the central bus, for a rule existing under `condition`. */
  readonly centralBusTarget: (condition?: CfnCondition) => events.IRuleTarget;
}

export class ForwarderHealth extends Construct {
  /** The health rules, one per region group. */
  public readonly rules: events.Rule[] = [];
  /** The member alarms. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ForwarderHealthProps) {
    super(scope, id);
    const alarmPrefix = `${MEMBER_ALARM_PREFIX}${props.namePrefix}-`;
    const period = Duration.minutes(5);
    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string, condition?: CfnCondition) => {
      const created = failureCountAlarm(this, alarmId, metric, description, `${alarmPrefix}${alarmId}`);
      // The state change reaches the central account through the health rule; the OpsItem tells the
      // member account's own operators (and gives the alarm the action AWS Control Tower's
      // CT.CLOUDWATCH.PR.1 requires).
      created.addAlarmAction(new cloudwatchActions.SsmAction(cloudwatchActions.OpsItemSeverity.HIGH, cloudwatchActions.OpsItemCategory.AVAILABILITY));
      (created.node.defaultChild as cloudwatch.CfnAlarm).cfnOptions.condition = condition;
      this.alarms.push(created);
    };

    for (const group of props.groups) {
      const branches = [
        ...(group.receivesIamEvents ? [heartbeatEventPattern()] : []),
        ...tamperPatterns(this, { ruleNamePrefixes: [`${props.namePrefix}-`] }, false).map(t => t.pattern),
        memberAlarmPattern(alarmPrefix),
      ];
      const rule = new events.Rule(this, `${group.id}Health`, {
        ruleName: `${props.namePrefix}-${group.id === 'Rule' ? 'health' : 'health-signin'}`,
        description: 'cdk-iam-change-alerts: forwards the heartbeat, tampering with the forwarder and its alarms to the central bus',
        eventPattern: { source: ['aws.events'] },
        targets: [props.centralBusTarget(group.condition)],
      });
      const cfnRule = rule.node.defaultChild as events.CfnRule;
      // Written on the L1: aws-cdk-lib's EventPattern type has no top-level $or.
      cfnRule.eventPattern = { $or: branches };
      cfnRule.cfnOptions.condition = group.condition;
      this.rules.push(rule);

      // A delivery that failed for good is counted by FailedInvocations or waits in the dead-letter
      // queue (its depth alarm below), so one alarm per rule is enough here: an alarm costs per
      // member account and region. https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
      for (const [ruleId, watched] of [[group.id, group.forwardingRule], [`${group.id}Health`, rule]] as const) {
        alarm(`${ruleId}FailedInvocations`, ruleMetricOf(watched, undefined, 'FailedInvocations', period),
          'The member forwarder could not put events on the central alert bus after all retries: they went to its dead-letter '
          + 'queue, or were lost if that failed too. Check the central bus policy and the forwarder role.',
          group.condition);
      }
    }
    alarm('DeadLetterQueueDepth',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period }),
      'Events the member forwarder could not put on the central alert bus are waiting in its dead-letter queue: check the '
      + 'central bus policy and the forwarder role, then redrive or purge the queue.');
  }
}
