import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import { newStack, statementsOf } from './test-stacks';
import { AlertDeadLetterQueue } from '../../src/alerting/alert-dead-letter-queue';
import { AlertDeliveryAlarms, AlertDeliveryAlarmsProps } from '../../src/alerting/alert-delivery-alarms';
import { EncryptedAlertTopic } from '../../src/alerting/encrypted-alert-topic';

interface Fixture {
  readonly stack: Stack;
  readonly alarms: AlertDeliveryAlarms;
  readonly rule: events.Rule;
  readonly encrypted: EncryptedAlertTopic;
  readonly template: Template;
}

function alarmsWith(overrides: Partial<AlertDeliveryAlarmsProps> = {}): Fixture {
  const stack = newStack();
  const encrypted = new EncryptedAlertTopic(stack, 'Alerts');
  const rule = new events.Rule(stack, 'Rule', { ruleName: 'iam-changes', eventPattern: { source: ['aws.iam'] } });
  const deadLetterQueue = new AlertDeadLetterQueue(stack, 'DeadLetters').queue;
  const alarms = new AlertDeliveryAlarms(stack, 'DeliveryAlarms', {
    rule, deadLetterQueue, alarmTopic: encrypted.topic, ...overrides,
  });
  return { stack, alarms, rule, encrypted, template: Template.fromStack(stack) };
}

function alarmProperties(fixture: Fixture, alarm: { node: { defaultChild?: any } }): any {
  const id = fixture.stack.getLogicalId(alarm.node.defaultChild);
  return fixture.template.toJSON().Resources[id].Properties;
}

describe('AlertDeliveryAlarms', () => {
  test("goes off on any of the rule's FailedInvocations in five minutes, treating missing data as not breaching", () => {
    const fixture = alarmsWith();
    expect(alarmProperties(fixture, fixture.alarms.failedInvocationsAlarm)).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'FailedInvocations',
      Dimensions: [{ Name: 'RuleName', Value: fixture.stack.resolve(fixture.rule.ruleName) }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  test("goes off on any of the rule's InvocationsFailedToBeSentToDlq, treating missing data as not breaching", () => {
    const fixture = alarmsWith();
    expect(alarmProperties(fixture, fixture.alarms.deadLetterFailuresAlarm)).toMatchObject({
      Namespace: 'AWS/Events',
      MetricName: 'InvocationsFailedToBeSentToDlq',
      Dimensions: [{ Name: 'RuleName', Value: fixture.stack.resolve(fixture.rule.ruleName) }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  test('goes off when a message waits in the dead-letter queue, treating missing data as not breaching', () => {
    const fixture = alarmsWith();
    expect(alarmProperties(fixture, fixture.alarms.deadLetterQueueDepthAlarm!)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^DeadLettersQueue/), 'QueueName'] } }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  // The former assertion expected RuleName = { Ref: rule }, the same mistaken belief as the code: Ref of
  // a rule on a custom bus returns "<bus name>|<rule name>"
  // (aws-cloudformation/cloudformation-coverage-roadmap#1131), while the AWS/Events metrics of such a
  // rule carry EventBusName and the plain RuleName (EventBridge user guide, eb-monitoring), so an
  // alarm on the Ref watched a metric that never arrives.
  test('watches the metrics of a rule on a custom bus by EventBusName and the plain rule name, '
    + 'taken after the "|" of the rule\'s Ref ("<bus>|<rule>"), since no metric carries the Ref itself', () => {
    const stack = newStack();
    const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'iam-events' });
    const rule = new events.Rule(stack, 'Rule', { eventBus: bus, eventPattern: { source: ['aws.iam'] } });
    const alarmTopic = new EncryptedAlertTopic(stack, 'Alerts').topic;
    new AlertDeliveryAlarms(stack, 'DeliveryAlarms', { rule, eventBus: bus, alarmTopic });
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as any[];
    const ruleRef = stack.resolve(rule.ruleName);
    expect(ruleRef).toEqual({ Ref: stack.getLogicalId(rule.node.defaultChild as events.CfnRule) });
    const plainRuleName = { 'Fn::Select': [1, { 'Fn::Split': ['|', ruleRef] }] };
    expect(alarms.map((alarm) => alarm.Properties.Dimensions)).toEqual([
      [{ Name: 'EventBusName', Value: stack.resolve(bus.eventBusName) }, { Name: 'RuleName', Value: plainRuleName }],
      [{ Name: 'EventBusName', Value: stack.resolve(bus.eventBusName) }, { Name: 'RuleName', Value: plainRuleName }],
    ]);
  });

  test('describes what the rule delivers with subject, and says "IAM change alerts" by default', () => {
    const custom = alarmsWith({ subject: 'alerts on tampering with the IAM alert pipeline' });
    expect(custom.alarms.alarms.map((alarm) => alarmProperties(custom, alarm).AlarmDescription)).toEqual([
      "EventBridge failed to deliver alerts on tampering with the IAM alert pipeline to the rule's target after all retries.",
      "EventBridge could deliver alerts on tampering with the IAM alert pipeline neither to the rule's target nor to the dead-letter queue: those are lost.",
      'Undelivered alerts on tampering with the IAM alert pipeline are waiting in the dead-letter queue: read them there, fix the delivery problem, then purge the queue.',
    ]);
    const defaults = alarmsWith();
    expect(alarmProperties(defaults, defaults.alarms.failedInvocationsAlarm).AlarmDescription)
      .toBe("EventBridge failed to deliver IAM change alerts to the rule's target after all retries.");
  });

  test('has no queue alarm without a dead-letter queue', () => {
    const fixture = alarmsWith({ deadLetterQueue: undefined });
    expect(fixture.alarms.deadLetterQueueDepthAlarm).toBeUndefined();
    expect(fixture.alarms.alarms).toHaveLength(2);
    fixture.template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
  });

  test('sums over the given period', () => {
    const fixture = alarmsWith({ period: Duration.minutes(1) });
    for (const alarm of fixture.alarms.alarms) {
      expect(alarmProperties(fixture, alarm).Period).toBe(60);
    }
  });

  test('notifies the alarm topic from every alarm', () => {
    const fixture = alarmsWith();
    expect(fixture.alarms.alarms).toHaveLength(3);
    for (const alarm of fixture.alarms.alarms) {
      expect(alarmProperties(fixture, alarm).AlarmActions).toEqual([fixture.stack.resolve(fixture.encrypted.topic.topicArn)]);
    }
  });

  test('lets CloudWatch publish to the topic only for these alarms', () => {
    const fixture = alarmsWith();
    expect(statementsOf(fixture.template, 'AWS::SNS::TopicPolicy')).toContainEqual({
      Sid: expect.stringMatching(/^AllowPublishFromAlarmsOfTestStackDeliveryAlarms[A-F0-9]{8}$/),
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: fixture.stack.resolve(fixture.encrypted.topic.topicArn),
      Condition: { ArnEquals: { 'aws:SourceArn': fixture.alarms.alarms.map((alarm) => fixture.stack.resolve(alarm.alarmArn)) } },
    });
  });

  test("lets CloudWatch use the topic's key only for alarms of this account and region", () => {
    const fixture = alarmsWith();
    expect(statementsOf(fixture.template, 'AWS::KMS::Key')).toContainEqual({
      Sid: 'AllowCloudWatchToPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:111111111111:alarm:*']] } },
      },
    });
  });

  test('warns that an imported alarm topic needs its policies added by hand', () => {
    const stack = newStack();
    const rule = new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.iam'] } });
    const alarmTopic = sns.Topic.fromTopicArn(stack, 'OpsTopic', 'arn:aws:sns:us-east-1:111111111111:ops');
    new AlertDeliveryAlarms(stack, 'DeliveryAlarms', { rule, alarmTopic });
    Annotations.fromStack(stack).hasWarning('/TestStack/DeliveryAlarms', Match.stringLikeRegexp(
      'The alarm topic arn:aws:sns:us-east-1:111111111111:ops .*cloudwatch.amazonaws.com sns:Publish.*'
      + 'cdk-iam-change-alerts:addAlarmTopicPolicyManually'));
  });
});
