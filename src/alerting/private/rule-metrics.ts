import { Duration, Fn, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

/**
 * The `AWS/Events` metric of a rule, with the dimensions EventBridge publishes: `RuleName` for a
 * rule on the default bus, `EventBusName` and `RuleName` for one on a custom bus.
 *
 * `RuleName` is the rule's plain name. `Ref` of a rule on a custom bus returns `<bus name>|<rule
 * name>` (aws-cloudformation/cloudformation-coverage-roadmap#1131), which no metric carries, so
 * the name is taken after the `|` there.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-monitoring.html
 */
export function ruleMetricOf(rule: events.IRule, eventBus: events.IEventBus | undefined, metricName: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap: eventBus
      ? { EventBusName: eventBus.eventBusName, RuleName: plainRuleName(rule.ruleName) }
      : { RuleName: rule.ruleName },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
}

/**
 * The rule name in a custom-bus rule's `Ref` (`<bus>|<rule>`), or in the name of a rule imported
 * from its ARN (`<bus>/<rule>`), or the name itself. Rule names have neither character.
 */
function plainRuleName(ruleName: string): string {
  if (!Token.isUnresolved(ruleName)) return ruleName.slice(Math.max(ruleName.lastIndexOf('|'), ruleName.lastIndexOf('/')) + 1);
  return Fn.select(1, Fn.split('|', ruleName));
}

/**
 * An alarm that goes off when a failure count is 1 or more in a period. EventBridge (and SQS for
 * a queue's depth) publish such metrics only when they are not zero, so missing data is not
 * breaching.
 */
export function failureCountAlarm(
  scope: Construct, id: string, metric: cloudwatch.IMetric, description: string, alarmName?: string,
): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    alarmName,
    metric,
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    alarmDescription: description,
  });
}
