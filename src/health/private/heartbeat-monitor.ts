import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { heartbeatEventPattern } from './heartbeat';
import { NotificationPath, notifyPathOnAlarm } from '../../alerting/private/alert-destinations';
import { denyGrantsExceptForAwsServices } from '../../alerting/private/key-policy-statements';
import { ruleMetricOf } from '../../alerting/private/rule-metrics';

/**
 * The account ids each per-account alarm covers, by leading digit: five groups, the most metric
 * filters with a regular expression CloudWatch Logs allows on one log group.
 */
const ACCOUNT_SHARDS = ['01', '23', '45', '67', '89'];

/** How many heartbeat intervals may pass without one before the alarm goes off. */
export const MISSED_HEARTBEATS = 3;

/** Options of a `HeartbeatMonitor`. */
export interface HeartbeatMonitorProps {
  /** The bus heartbeats arrive on: a central bus; undefined for the default bus. */
  readonly eventBus?: events.IEventBus;
  /** Only this account's heartbeats count (a single-account pipeline). */
  readonly account?: string;
  /** How often heartbeats are made. */
  readonly interval: Duration;
  /** The rule's name (literal, so that alarms and tamper alerts can name it). */
  readonly ruleName: string;
  /** Where the alarms go: the health topic and its chat twin. */
  readonly alarmPath: NotificationPath;
  /** Alarm per sending account and region as well (a central bus). */
  readonly perAccount: boolean;
}

/**
 * The end of the heartbeat path: a rule that writes each heartbeat to a log group, and alarms
 * that go off when heartbeats stop (missing data is breaching: silence is the failure).
 *
 * - `alarm`: no heartbeat at all for `MISSED_HEARTBEATS` intervals (the rule's `Invocations`).
 * - `accountAlarms` (central bus): Metrics Insights alarms over the heartbeats a metric filter
 *   counts by `Account` and `Region`, one alarm per contributor (time series), so each member
 *   account and region that goes silent is reported by name. A contributor with missing data is
 *   breaching while the query still returns its series (3 hours); after that it returns to OK
 *   ("No data was returned for this contributor"), so the alarm tells once, when it matters.
 *   The accounts are split into five groups by the first digit of their id, so that each query
 *   stays under the 500 time series an alarm evaluates and each metric filter under the 1,000
 *   dimension values an hour after which CloudWatch Logs disables it: about 2,500 member
 *   accounts in all.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Create_Metrics_Insights_Alarm.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutMetricFilter.html
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/regex-expressions.html
 */
export class HeartbeatMonitor extends Construct {
  public readonly rule: events.Rule;
  public readonly logGroup: logs.LogGroup;
  public readonly logKey: kms.Key;
  public readonly alarm: cloudwatch.Alarm;
  public readonly accountAlarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: HeartbeatMonitorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const logGroupName = `/cdk-iam-change-alerts/${props.ruleName}`;
    // Its own key, not a topic's: a disabled topic key must not also silence the heartbeat record.
    this.logKey = new kms.Key(this, 'LogKey', {
      enableKeyRotation: true,
      description: `Encrypts the heartbeat log ${logGroupName} of the IAM alert pipeline`,
    });
    this.logKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
    // CloudWatch Logs uses the key under the log group's encryption context:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
    this.logKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsForTheHeartbeatLog',
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnEquals: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: logGroupName }),
        },
      },
    }));
    this.logGroup = new logs.LogGroup(this, 'Log', {
      logGroupName,
      encryptionKey: this.logKey,
      // A year, as AWS Control Tower's CT.CLOUDWATCH.PR.2 requires: heartbeats are a few KB each.
      retention: logs.RetentionDays.ONE_YEAR,
    });
    // EventBridge writes to CloudWatch Logs under the log group's resource policy (a rule target
    // takes no role for it). No aws:SourceArn condition: EventBridge does not document sending it
    // to CloudWatch Logs.
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-resource-based.html#eb-cloudwatchlogs-permissions
    const policy = this.logGroup.addToResourcePolicy(new iam.PolicyStatement({
      effect: iam.Effect.ALLOW,
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));

    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName,
      eventBus: props.eventBus,
      description: 'cdk-iam-change-alerts: counts the heartbeats that reach the alert pipeline',
      eventPattern: { source: ['aws.iam'] },
    });
    // Written on the L1 as EventBridge JSON (aws-cdk-lib's EventPattern type spells detail-type differently).
    (this.rule.node.defaultChild as events.CfnRule).eventPattern = heartbeatEventPattern(props.account);
    const logGroup = this.logGroup;
    this.rule.addTarget({
      bind: () => ({
        // The target takes the log group's ARN without the ":*" of its Arn attribute.
        arn: stack.formatArn({ service: 'logs', resource: 'log-group', arnFormat: ArnFormat.COLON_RESOURCE_NAME, resourceName: logGroup.logGroupName }),
      }),
    });
    if (policy.policyDependable) this.rule.node.addDependency(policy.policyDependable);

    const period = props.interval;
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      metric: ruleMetricOf(this.rule, props.eventBus, 'Invocations', period),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: MISSED_HEARTBEATS,
      datapointsToAlarm: MISSED_HEARTBEATS,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: props.perAccount
        ? 'No heartbeat from any member account has reached the central alert bus: the bus, its policy or this rule may be broken, or every forwarder is.'
        : 'No heartbeat has reached the IAM alert pipeline: the trail may be stopped, deleted or exclude management events, or the heartbeat schedule or rule is gone.',
    });

    if (props.perAccount) {
      const namespace = `CdkIamChangeAlerts/${props.ruleName}`;
      for (const digits of ACCOUNT_SHARDS) {
        const metricName = `HeartbeatsOfAccounts${digits}`;
        new logs.MetricFilter(this, `Accounts${digits}`, {
          logGroup: this.logGroup,
          // A regular expression anchored at the start of the account id.
          filterPattern: logs.FilterPattern.literal(`{ $.account = %^[${digits}]% }`),
          metricNamespace: namespace,
          metricName,
          metricValue: '1',
          dimensions: { Account: '$.account', Region: '$.region' },
        });
        this.accountAlarms.push(new cloudwatch.Alarm(this, `AccountsAlarm${digits}`, {
          metric: new cloudwatch.MathExpression({
            expression: `SELECT SUM(${metricName}) FROM SCHEMA("${namespace}", Account, Region) GROUP BY Account, Region`,
            period,
            usingMetrics: {},
          }),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: MISSED_HEARTBEATS,
          datapointsToAlarm: MISSED_HEARTBEATS,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
          alarmDescription: `A member account whose id starts with ${digits.split('').join(' or ')} stopped sending heartbeats to the `
            + 'central alert bus; the alarm contributor names its Account and Region. Its trail, forwarder or forwarder role may be broken.',
        }));
      }
    }
    notifyPathOnAlarm(this, props.alarmPath, [this.alarm, ...this.accountAlarms]);
  }
}
