import { Annotations as ConstructAnnotations, App, CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { onlyOf, ruleNamed, ruleNamesOf } from './pipeline-template';
import { newStack, TEST_ENV } from './test-stacks';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { AlertTrail } from '../../src/alerting/alert-trail';
import { IamChangeAlerting, IamChangeAlertingProps } from '../../src/alerting/iam-change-alerting';
import { PipelineHealth } from '../../src/health/pipeline-health';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const EMAIL = 'security@example.com';
const PREFIX = 'TestStack-IamAlerts-E2F48D97';
const HEARTBEAT_ROLE = 'cdk-iam-change-alerts-heartbeat';
const HEARTBEAT_ROLE_GLOB = `arn:aws:iam::*:role/${HEARTBEAT_ROLE}`;
const API_CALL = 'AWS API Call via CloudTrail';
const PARTITION = { Ref: 'AWS::Partition' };
const ACCOUNT = { Ref: 'AWS::AccountId' };

function alertingIn(stack: Stack, props: IamChangeAlertingProps = { emails: [EMAIL] }): { alerting: IamChangeAlerting; template: Template } {
  const alerting = new IamChangeAlerting(stack, 'IamAlerts', props);
  return { alerting, template: Template.fromStack(stack) };
}

/** The template resource of a construct (its default child). */
function resourceOf(template: Template, construct: IConstruct): any {
  const logicalId = Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
  const resource = template.toJSON().Resources[logicalId];
  if (resource === undefined) throw new Error(`no resource ${logicalId} in the template`);
  return resource;
}

/** The properties of the rule with this name. */
function ruleProperties(template: Template, name: string): any {
  return ruleNamed(template, name).properties;
}

/** The heartbeat log's key: the key its log group is encrypted with. */
function heartbeatLogKeyArn(template: Template): any {
  return onlyOf(template, 'AWS::Logs::LogGroup').properties.KmsKeyId;
}

/** A CloudTrail API call as EventBridge delivers it. */
function apiCallPattern(source: string, eventSource: string, detail: Record<string, unknown>): Record<string, unknown> {
  return { 'source': [source], 'detail-type': [API_CALL], 'detail': { eventSource: [eventSource], ...detail } };
}

/**
 * The heartbeat as EventBridge delivers it: the heartbeat role, assumed by EventBridge Scheduler,
 * tagging itself (the shape of a CloudTrail record of an assumed-role call).
 */
function heartbeatEvent(account: string): Record<string, unknown> {
  return {
    'version': '0',
    'id': '11111111-2222-3333-4444-555555555555',
    'detail-type': API_CALL,
    'source': 'aws.iam',
    'account': account,
    'time': '2026-01-01T00:15:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAHEARTBEATEXAMPLE:scheduler-session',
        arn: `arn:aws:sts::${account}:assumed-role/${HEARTBEAT_ROLE}/scheduler-session`,
        accountId: account,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAHEARTBEATEXAMPLE',
            arn: `arn:aws:iam::${account}:role/${HEARTBEAT_ROLE}`,
            accountId: account,
            userName: HEARTBEAT_ROLE,
          },
        },
        invokedBy: 'scheduler.amazonaws.com',
      },
      eventTime: '2026-01-01T00:15:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagRole',
      awsRegion: 'us-east-1',
      sourceIPAddress: 'scheduler.amazonaws.com',
      userAgent: 'scheduler.amazonaws.com',
      requestParameters: { roleName: HEARTBEAT_ROLE, tags: [{ key: 'cdk-iam-change-alerts:heartbeat', value: 'alive' }] },
      responseElements: null,
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

describe('PipelineHealth.monitor() (the default)', () => {
  describe('heartbeat', () => {
    test('the heartbeat role cdk-iam-change-alerts-heartbeat trusts only EventBridge Scheduler, for schedules of the default group of its own account', () => {
      const { template } = alertingIn(newStack());
      const role = onlyOf(template, 'AWS::IAM::Role').properties;
      expect(role.RoleName).toBe(HEARTBEAT_ROLE);
      expect(role.AssumeRolePolicyDocument).toEqual({
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Service: 'scheduler.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': ACCOUNT },
            ArnEquals: {
              'aws:SourceArn': { 'Fn::Join': ['', ['arn:', PARTITION, ':scheduler:', { Ref: 'AWS::Region' }, ':', ACCOUNT, ':schedule-group/default']] },
            },
          },
        }],
      });
    });

    test('the heartbeat role may do one thing only: iam:TagRole on itself, with no tag key but cdk-iam-change-alerts:heartbeat', () => {
      const { template } = alertingIn(newStack());
      const role = onlyOf(template, 'AWS::IAM::Role').properties;
      expect(role.Policies).toEqual([{
        PolicyName: 'TagItselfWithTheHeartbeatKey',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'iam:TagRole',
            Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':iam::', ACCOUNT, `:role/${HEARTBEAT_ROLE}`]] },
            Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cdk-iam-change-alerts:heartbeat'] } },
          }],
        },
      }]);
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.PermissionsBoundary).toBeUndefined();
      template.resourceCountIs('AWS::IAM::Policy', 0);
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });

    test('the schedule calls iam:TagRole every 15 minutes through the universal target, with the role tagging itself and no retries', () => {
      const { template } = alertingIn(newStack());
      const schedule = onlyOf(template, 'AWS::Scheduler::Schedule').properties;
      expect(schedule).toEqual({
        Name: HEARTBEAT_ROLE,
        Description: 'cdk-iam-change-alerts heartbeat: a harmless IAM call that must reach the alert pipeline',
        ScheduleExpression: 'rate(15 minutes)',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::Join': ['', ['arn:', PARTITION, ':scheduler:::aws-sdk:iam:tagRole']] },
          RoleArn: { 'Fn::GetAtt': [onlyOf(template, 'AWS::IAM::Role').id, 'Arn'] },
          Input: expect.any(String),
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      });
      // The universal target takes the API's request as JSON input (IAM TagRole: RoleName, Tags).
      expect(JSON.parse(schedule.Target.Input)).toEqual({
        RoleName: HEARTBEAT_ROLE,
        Tags: [{ Key: 'cdk-iam-change-alerts:heartbeat', Value: 'alive' }],
      });
    });

    test.each([
      ['4 minutes', Duration.minutes(4)],
      ['1 hour 1 minute', Duration.minutes(61)],
      ['1 minute 30 seconds', Duration.seconds(90)],
    ])('heartbeatInterval of %s is rejected, naming the path, the interval and the fix', (human, heartbeatInterval) => {
      expect(() => alertingIn(newStack(), { emails: [EMAIL], pipelineHealth: PipelineHealth.monitor({ heartbeatInterval }) }))
        .toThrow(`TestStack/IamAlerts: heartbeatInterval is ${human}, not a whole number of minutes from 5 minutes to 1 hour. `
          + 'Fix: give Duration.minutes(5) to Duration.hours(1): shorter intervals cost more calls, longer ones fall outside '
          + 'the 3 hours of data a multi-account heartbeat alarm can read.');
    });

    test.each([
      ['5 minutes', Duration.minutes(5), 'rate(5 minutes)', 300],
      ['1 hour', Duration.hours(1), 'rate(1 hour)', 3600],
    ])('heartbeatInterval of %s is accepted: the schedule runs at that rate and the alarm sums over it', (_human, heartbeatInterval, rate, period) => {
      const { alerting, template } = alertingIn(newStack(), { emails: [EMAIL], pipelineHealth: PipelineHealth.monitor({ heartbeatInterval }) });
      expect(onlyOf(template, 'AWS::Scheduler::Schedule').properties.ScheduleExpression).toBe(rate);
      expect(resourceOf(template, alerting.heartbeatAlarm!).Properties).toMatchObject({
        Period: period,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
      });
    });

    test('the heartbeat rule on the default bus matches only this account\'s heartbeat and writes it to the KMS-encrypted heartbeat log', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const rule = ruleProperties(template, `${PREFIX}-heartbeat`);
      expect(rule.EventBusName).toBeUndefined();
      expect(rule.State).toBe('ENABLED');
      expect(rule.EventPattern).toEqual({
        'account': ['111111111111'],
        'source': ['aws.iam'],
        'detail-type': [API_CALL],
        'detail': {
          eventSource: ['iam.amazonaws.com'],
          eventName: ['TagRole'],
          requestParameters: { roleName: [HEARTBEAT_ROLE] },
          userIdentity: { sessionContext: { sessionIssuer: { arn: [{ suffix: `:role/${HEARTBEAT_ROLE}` }] } } },
        },
      });
      expect(EventPatternMatcher.fromJson(JSON.stringify(rule.EventPattern)).matchesEvent(heartbeatEvent('111111111111'))).toBe(true);
      expect(EventPatternMatcher.fromJson(JSON.stringify(rule.EventPattern)).matchesEvent(heartbeatEvent('222222222222'))).toBe(false);
      const logGroup = onlyOf(template, 'AWS::Logs::LogGroup');
      expect(rule.Targets).toEqual([{
        Id: 'Target0',
        Arn: { 'Fn::Join': ['', ['arn:', PARTITION, ':logs:us-east-1:111111111111:log-group:', { Ref: logGroup.id }]] },
      }]);
      expect(logGroup.properties).toEqual({
        LogGroupName: `/cdk-iam-change-alerts/${PREFIX}-heartbeat`,
        KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^IamAlertsHealthHeartbeatMonitorLogKey[A-F0-9]{8}$/), 'Arn'] },
        RetentionInDays: 365,
      });
      // Its own key: not the key of either topic.
      const topicKeyArns = [stack.resolve(alerting.topicKey!.keyArn), stack.resolve(alerting.healthTopic.masterKey!.keyArn)];
      expect(topicKeyArns).not.toContainEqual(logGroup.properties.KmsKeyId);
    });

    test('the heartbeat alarm goes off to the health topic when the rule sees fewer than 1 heartbeat in each of 3 intervals, missing data breaching', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      expect(resourceOf(template, alerting.heartbeatAlarm!).Properties).toEqual({
        AlarmActions: [stack.resolve(alerting.healthTopic.topicArn)],
        AlarmDescription: 'No heartbeat has reached the IAM alert pipeline: the trail may be stopped, deleted or exclude management events, '
          + 'or the heartbeat schedule or rule is gone.',
        Namespace: 'AWS/Events',
        MetricName: 'Invocations',
        // A rule on the default bus: its Ref is its name.
        Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleNamed(template, `${PREFIX}-heartbeat`).id } }],
        Statistic: 'Sum',
        Period: 900,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 3,
        DatapointsToAlarm: 3,
        TreatMissingData: 'breaching',
      });
      // A single account: no per-account alarms (those are for a central bus).
      expect(alerting.healthAlarms.filter((alarm) => resourceOf(template, alarm).Properties.ComparisonOperator === 'LessThanThreshold'))
        .toEqual([alerting.heartbeatAlarm]);
    });

    // Stack.partition is the AWS::Partition token even in a stack with a known region: the sharing
    // keys on the partition the region names (a bug this test found).
    test('one heartbeat serves every pipeline of an account in the app; a different interval for the same account is rejected', () => {
      const app = new App();
      const first = new IamChangeAlerting(new Stack(app, 'First', { env: TEST_ENV }), 'IamAlerts', { emails: [EMAIL] });
      const second = new IamChangeAlerting(new Stack(app, 'Second', { env: TEST_ENV }), 'IamAlerts', { emails: [EMAIL] });
      Template.fromStack(Stack.of(first)).resourceCountIs('AWS::Scheduler::Schedule', 1);
      Template.fromStack(Stack.of(first)).resourceCountIs('AWS::IAM::Role', 1);
      Template.fromStack(Stack.of(second)).resourceCountIs('AWS::Scheduler::Schedule', 0);
      Template.fromStack(Stack.of(second)).resourceCountIs('AWS::IAM::Role', 0);
      // The second pipeline still counts the account's heartbeat and alarms when it stops.
      expect(ruleNamesOf(Template.fromStack(Stack.of(second))).filter(n => n.startsWith('Second-IamAlerts-') && n.endsWith('-heartbeat'))).toHaveLength(1);
      expect(second.heartbeatAlarm).toBeDefined();
      expect(() => new IamChangeAlerting(new Stack(app, 'Third', { env: TEST_ENV }), 'IamAlerts', {
        emails: [EMAIL],
        pipelineHealth: PipelineHealth.monitor({ heartbeatInterval: Duration.minutes(5) }),
      })).toThrow('Third/IamAlerts/Health: account 111111111111 already has a heartbeat every 15 minutes (First/IamAlerts/Health/Heartbeat), '
        + "and one account has one heartbeat, but this pipeline's heartbeatInterval is 5 minutes. "
        + 'Fix: give every pipeline of the account the same heartbeatInterval.');
    });
  });

  describe('alert pattern and heartbeat', () => {
    test.each([
      ['mutatingCalls()', IamEventPattern.mutatingCalls()],
      ['allApiCalls()', IamEventPattern.allApiCalls()],
      ["eventNames('TagRole')", IamEventPattern.eventNames('TagRole')],
    ])('%s, which would match the heartbeat, leaves out the heartbeat role', (_label, pattern) => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack, { emails: [EMAIL], pattern });
      const excluded = pattern.exceptPrincipals(HEARTBEAT_ROLE_GLOB);
      expect(alerting.pattern.description).toBe(`${pattern.description}, not by ${HEARTBEAT_ROLE_GLOB}`);
      const rule = resourceOf(template, alerting.rule).Properties;
      expect(rule.EventPattern).toEqual(JSON.parse(excluded.toJson()));
      // What it is for: the given pattern matches the heartbeat, the rule's does not.
      expect(EventPatternMatcher.fromJson(pattern.toJson()).matchesEvent(heartbeatEvent('111111111111'))).toBe(true);
      expect(EventPatternMatcher.fromJson(JSON.stringify(rule.EventPattern)).matchesEvent(heartbeatEvent('111111111111'))).toBe(false);
    });

    // Whether a pattern matches the heartbeat is tried with the heartbeat of the stack's account and
    // of each account the pattern is limited to (with a sample account alone, this pattern kept the
    // heartbeat role and every heartbeat raised an IAM alert: a bug this test found).
    test("mutatingCalls().onlyAccounts(<the stack's account>) leaves out the heartbeat role too", () => {
      const pattern = IamEventPattern.mutatingCalls().onlyAccounts('111111111111');
      const { alerting, template } = alertingIn(newStack(), { emails: [EMAIL], pattern });
      const rule = resourceOf(template, alerting.rule).Properties;
      expect(EventPatternMatcher.fromJson(JSON.stringify(rule.EventPattern)).matchesEvent(heartbeatEvent('111111111111'))).toBe(false);
    });

    test('changes(), which does not match the heartbeat, is left unchanged', () => {
      const { alerting, template } = alertingIn(newStack());
      expect(alerting.pattern.description).toBe(IamEventPattern.changes().description);
      expect(resourceOf(template, alerting.rule).Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.changes().toJson()));
      expect(EventPatternMatcher.fromJson(IamEventPattern.changes().toJson()).matchesEvent(heartbeatEvent('111111111111'))).toBe(false);
    });

    test('without a heartbeat (PipelineHealth.off()), mutatingCalls() is left unchanged', () => {
      const { alerting, template } = alertingIn(newStack(), {
        emails: [EMAIL], pattern: IamEventPattern.mutatingCalls(), pipelineHealth: PipelineHealth.off(),
      });
      expect(alerting.pattern.description).toBe(IamEventPattern.mutatingCalls().description);
      expect(resourceOf(template, alerting.rule).Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.mutatingCalls().toJson()));
    });

    test("onlyAccounts that leave out the stack's account is rejected, naming the path, the accounts and the fixes", () => {
      const pattern = IamEventPattern.changes().onlyAccounts('999999999999');
      expect(() => alertingIn(newStack({ account: '111122223333', region: 'us-east-1' }), { emails: [EMAIL], pattern }))
        .toThrow(`TestStack/IamAlerts: the pattern '${pattern.description}' matches only events of account 999999999999, `
          + 'but this stack watches account 111122223333, so the rule would never fire. '
          + 'Fix: add 111122223333 to onlyAccounts, or remove onlyAccounts (a single-account stack sees only its own events); '
          + 'to alert on other accounts, forward their events to a CrossAccountAlertBus.');
    });

    test("onlyAccounts that include the stack's account, or on a stack without an account, is accepted", () => {
      const pattern = IamEventPattern.changes().onlyAccounts('999999999999', '111122223333');
      expect(() => alertingIn(newStack({ account: '111122223333', region: 'us-east-1' }), { emails: [EMAIL], pattern })).not.toThrow();
      expect(() => alertingIn(newStack({ region: 'us-east-1' }), { emails: [EMAIL], pattern: IamEventPattern.changes().onlyAccounts('999999999999') }))
        .not.toThrow();
    });
  });

  describe('tamper alerts', () => {
    test('the rules on the pipeline watch the created trail (by name and ARN) and the rules by name prefix, and alert the health topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const trailArn = stack.resolve(alerting.trail!.trailArn);
      const trailName = alerting.trail!.trailName;
      const trails = [trailArn, trailName];
      expect(trailArn).toEqual({ 'Fn::Join': ['', ['arn:', PARTITION, `:cloudtrail:us-east-1:111111111111:trail/${trailName}`]] });
      const rule = ruleProperties(template, `${PREFIX}-tamper-trail-rules`);
      expect(rule.EventPattern).toEqual({
        $or: [
          apiCallPattern('aws.cloudtrail', 'cloudtrail.amazonaws.com', {
            $or: [
              { eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail'], requestParameters: { name: trails } },
              { eventName: ['PutEventSelectors'], requestParameters: { trailName: trails } },
            ],
          }),
          apiCallPattern('aws.events', 'events.amazonaws.com', {
            $or: [
              { eventName: ['DisableRule', 'DeleteRule', 'PutRule'], requestParameters: { name: [{ prefix: `${PREFIX}-` }] } },
              { eventName: ['RemoveTargets', 'PutTargets'], requestParameters: { rule: [{ prefix: `${PREFIX}-` }] } },
            ],
          }),
        ],
      });
      expect(rule.Targets.map((target: any) => target.Arn)).toEqual([stack.resolve(alerting.healthTopic.topicArn)]);
    });

    test('the rules on the pipeline watch both topics (Unsubscribe by the prefix "<topic ARN>:") and alert the health topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const topics = [stack.resolve(alerting.topic.topicArn), stack.resolve(alerting.healthTopic.topicArn)];
      const rule = ruleProperties(template, `${PREFIX}-tamper-topics`);
      expect(rule.EventPattern).toEqual(apiCallPattern('aws.sns', 'sns.amazonaws.com', {
        $or: [
          { eventName: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'], requestParameters: { topicArn: topics } },
          { eventName: ['Unsubscribe'], requestParameters: { subscriptionArn: topics.map((topic) => ({ prefix: { 'Fn::Join': ['', [topic, ':']] } })) } },
        ],
      }));
      expect(rule.Targets.map((target: any) => target.Arn)).toEqual([stack.resolve(alerting.healthTopic.topicArn)]);
    });

    test('the rules on the pipeline watch the keys of both topics and of the heartbeat log, by the key ARN CloudTrail lists among the resources', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const keyArns = [stack.resolve(alerting.topicKey!.keyArn), stack.resolve(alerting.healthTopic.masterKey!.keyArn), heartbeatLogKeyArn(template)];
      const rule = ruleProperties(template, `${PREFIX}-tamper-keys`);
      expect(rule.EventPattern).toEqual(apiCallPattern('aws.kms', 'kms.amazonaws.com', {
        eventName: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
        resources: { ARN: keyArns },
      }));
      expect(rule.Targets.map((target: any) => target.Arn)).toEqual([stack.resolve(alerting.healthTopic.topicArn)]);
    });

    test('the health-path rule watches the tamper and heartbeat rules, the health topic and the health keys, and alerts the alert topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const healthTopic = stack.resolve(alerting.healthTopic.topicArn);
      const rule = ruleProperties(template, `${PREFIX}-tamper-health`);
      const rules = [{ prefix: `${PREFIX}-tamper-` }, `${PREFIX}-heartbeat`];
      expect(rule.EventPattern).toEqual({
        $or: [
          apiCallPattern('aws.events', 'events.amazonaws.com', {
            $or: [
              { eventName: ['DisableRule', 'DeleteRule', 'PutRule'], requestParameters: { name: rules } },
              { eventName: ['RemoveTargets', 'PutTargets'], requestParameters: { rule: rules } },
            ],
          }),
          apiCallPattern('aws.sns', 'sns.amazonaws.com', {
            $or: [
              { eventName: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'], requestParameters: { topicArn: [healthTopic] } },
              { eventName: ['Unsubscribe'], requestParameters: { subscriptionArn: [{ prefix: { 'Fn::Join': ['', [healthTopic, ':']] } }] } },
            ],
          }),
          apiCallPattern('aws.kms', 'kms.amazonaws.com', {
            eventName: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'],
            resources: { ARN: [stack.resolve(alerting.healthTopic.masterKey!.keyArn), heartbeatLogKeyArn(template)] },
          }),
        ],
      });
      expect(rule.Targets).toHaveLength(1);
      expect(rule.Targets[0]).toMatchObject({
        Arn: stack.resolve(alerting.topic.topicArn),
        DeadLetterConfig: { Arn: stack.resolve(alerting.deadLetterQueue.queueArn) },
        RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      });
      expect(rule.Targets[0].InputTransformer.InputTemplate).toMatch(/^"IAM alert pipeline tampering: <detail-eventName> on <detail-eventSource>/);
    });

    test('a rule name given as ruleName, which does not start with the prefix, is watched by that name too', () => {
      const { template } = alertingIn(newStack(), { emails: [EMAIL], ruleName: 'cis-policy-changes' });
      const rule = ruleProperties(template, `${PREFIX}-tamper-trail-rules`);
      const rules = [{ prefix: `${PREFIX}-` }, 'cis-policy-changes'];
      expect(rule.EventPattern.$or[1]).toEqual(apiCallPattern('aws.events', 'events.amazonaws.com', {
        $or: [
          { eventName: ['DisableRule', 'DeleteRule', 'PutRule'], requestParameters: { name: rules } },
          { eventName: ['RemoveTargets', 'PutTargets'], requestParameters: { rule: rules } },
        ],
      }));
    });

    test('an existing trail in the stack region is watched by its ARN and its name', () => {
      const arn = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events';
      const { template } = alertingIn(newStack(), { emails: [EMAIL], trail: AlertTrail.existing(arn) });
      const rule = ruleProperties(template, `${PREFIX}-tamper-trail-rules`);
      expect(rule.EventPattern.$or[0]).toEqual(apiCallPattern('aws.cloudtrail', 'cloudtrail.amazonaws.com', {
        $or: [
          { eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail'], requestParameters: { name: [arn, 'management-events'] } },
          { eventName: ['PutEventSelectors'], requestParameters: { trailName: [arn, 'management-events'] } },
        ],
      }));
    });

    test('an existing trail whose home region is not the stack region is not watched, with a warning that its tamper alerts belong there', () => {
      const stack = newStack();
      const arn = 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/management-events';
      const { template } = alertingIn(stack, { emails: [EMAIL], trail: AlertTrail.existing(arn) });
      Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
        `The trail ${arn} has its home region eu-west-1, where CloudTrail records StopLogging, DeleteTrail, UpdateTrail and `
        + 'PutEventSelectors on it; this stack is in us-east-1, so its tamper alerts cannot see those calls\\..*'
        + 'cdk-iam-change-alerts:trailTamperAlertsElsewhere'));
      expect(ruleNamesOf(template)).toEqual([
        `${PREFIX}-alerts`, `${PREFIX}-heartbeat`, `${PREFIX}-tamper-health`, `${PREFIX}-tamper-keys`, `${PREFIX}-tamper-rules`, `${PREFIX}-tamper-topics`,
      ]);
      expect(JSON.stringify(ruleProperties(template, `${PREFIX}-tamper-rules`).EventPattern)).not.toContain('cloudtrail');
    });

    test('the organization trail is not watched: the pipeline watches only trails it can name', () => {
      const { template } = alertingIn(newStack(), { emails: [EMAIL], trail: AlertTrail.organizationTrail() });
      expect(ruleNamesOf(template)).toContain(`${PREFIX}-tamper-rules`);
      expect(JSON.stringify(Object.values(template.findResources('AWS::Events::Rule')).map((rule: any) => rule.Properties.EventPattern)))
        .not.toContain('aws.cloudtrail');
    });
  });

  describe('health topic', () => {
    test("is created with its own key, named 'IAM alert pipeline health', and allows CloudWatch and EventBridge on that key", () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const topic = resourceOf(template, alerting.healthTopic);
      expect(topic.Properties.DisplayName).toBe('IAM alert pipeline health');
      const key = alerting.healthTopic.masterKey!;
      expect(topic.Properties.KmsMasterKeyId).toEqual(stack.resolve(key.keyArn));
      expect(stack.resolve(key.keyArn)).not.toEqual(stack.resolve(alerting.topicKey!.keyArn));
      expect(resourceOf(template, key).Properties.KeyPolicy.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', PARTITION, ':iam::111111111111:root']] } },
          Action: 'kms:*',
          Resource: '*',
        },
        expect.objectContaining({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny' }),
        {
          Sid: 'AllowCloudWatchToPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111111111111' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', PARTITION, ':cloudwatch:us-east-1:111111111111:alarm:*']] } },
          },
        },
        {
          Sid: 'AllowEventBridgeToPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ]);
    });

    test('may not be the alert topic, naming the path and the fix', () => {
      const stack = newStack();
      const shared = new sns.Topic(stack, 'Shared', { masterKey: new kms.Key(stack, 'SharedKey', { enableKeyRotation: true }) });
      expect(() => alertingIn(stack, { emails: [EMAIL], topic: AlertTopic.existing(shared), healthTopic: AlertTopic.existing(shared) }))
        .toThrow('TestStack/IamAlerts: healthTopic is the alert topic itself, so a broken alert topic could not report that it is broken. '
          + 'Fix: give a separate topic as healthTopic, or leave it out to get one created with the same subscribers.');
    });
  });
});

describe('PipelineHealth.off()', () => {
  test('warns, and makes no heartbeat (no schedule, role, log or heartbeat rule) and no tamper rules; the 3 delivery alarms remain, sent to the health topic', () => {
    const stack = newStack();
    const { alerting, template } = alertingIn(stack, { emails: [EMAIL], pipelineHealth: PipelineHealth.off() });
    Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
      'pipelineHealth is PipelineHealth.off\\(\\): no heartbeat and no tamper alerts.*cdk-iam-change-alerts:pipelineHealthOff'));
    expect(alerting.healthRules).toEqual([]);
    expect(alerting.heartbeatAlarm).toBeUndefined();
    expect(alerting.healthAlarms).toEqual([]);
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::IAM::Role', 0);
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(ruleNamesOf(template)).toEqual([`${PREFIX}-alerts`]);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    expect(alerting.alarms).toEqual(alerting.deliveryAlarms.alarms);
    for (const alarm of alerting.alarms) {
      expect(resourceOf(template, alarm).Properties.AlarmActions).toEqual([stack.resolve(alerting.healthTopic.topicArn)]);
    }
  });

  test('the pipelineHealthOff warning can be acknowledged', () => {
    const stack = newStack();
    const { alerting } = alertingIn(stack, { emails: [EMAIL], pipelineHealth: PipelineHealth.off() });
    ConstructAnnotations.of(alerting).acknowledgeWarning('cdk-iam-change-alerts:pipelineHealthOff', 'a sandbox account');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

test('every rule of the construct is on the default bus', () => {
  const { template } = alertingIn(newStack());
  for (const rule of Object.values(template.findResources('AWS::Events::Rule')) as any[]) {
    expect(rule.Properties.EventBusName).toBeUndefined();
  }
});
