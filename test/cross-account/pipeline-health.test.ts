/**
 * The cross-account pipeline proves it is alive and tells someone when it breaks: the destinations
 * of CrossAccountAlertBus (no destination is an error), the check that a forwarder in the same app
 * sends only what the central bus accepts, the state of the central alert rules, and the member
 * side of the health checks (heartbeat, health rules, alarms).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  CENTRAL_ACCOUNT, CENTRAL_BUS_ARN, CENTRAL_BUS_NAME, CENTRAL_REGION, MEMBER_ACCOUNT, ORGANIZATION_ID,
  memberForwarderConfiguration, memberStackSetTemplateConfiguration,
} from './configurations';
import { alarmStateChangeEvent, HEARTBEAT_ROLE_NAME, heartbeatEvent } from './health-events';
import { logicalIdOf, resourcesOf, ruleNamed, ruleNameSuffixes } from './template-queries';
import { AlertDestination } from '../../src/alerting/alert-destination';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventForwarder } from '../../src/cross-account/iam-event-forwarder';
import { PipelineHealth } from '../../src/health/pipeline-health';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const EMAILS = ['security@example.com'];
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

function centralStack(app = new App()): Stack {
  return new Stack(app, 'Central', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
}

function memberStack(app: App, region = 'us-east-1'): Stack {
  return new Stack(app, 'Member', { env: { account: MEMBER_ACCOUNT, region } });
}

const matches = (rule: { resource: any }, event: Record<string, unknown>) =>
  EventPatternMatcher.fromJson(JSON.stringify(rule.resource.Properties.EventPattern)).matchesEvent(event);

describe('CrossAccountAlertBus destinations: topic, subscriptions, allowNoDestination', () => {
  test('no destination is an error naming the construct path and the fix', () => {
    expect(() => new CrossAccountAlertBus(centralStack(), 'OrgAlerts', { organizationId: ORGANIZATION_ID }))
      .toThrow('Central/OrgAlerts: no alert destination: no emails, no destinations and no existing topic, so alerts would reach nobody. '
        + "Fix: pass emails: ['security@example.com'], destinations (AlertDestination.slackChannel(...), AlertDestination.subscription(...), ...), "
        + 'or topic: AlertTopic.existing(yourTopic); or set allowNoDestination: true if you subscribe to the topic yourself.');
  });

  test('allowNoDestination lets the bus have no subscriber', () => {
    const stack = centralStack();
    const bus = new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: ORGANIZATION_ID, allowNoDestination: true });
    const template = Template.fromStack(stack);
    expect(resourcesOf(template, 'AWS::SNS::Subscription')).toEqual([]);
    // Both topics are still created, so that you can subscribe to them yourself.
    expect(resourcesOf(template, 'AWS::SNS::Topic').map(({ id }) => id))
      .toEqual([logicalIdOf(stack.resolve(bus.topic.topicArn)), logicalIdOf(stack.resolve(bus.healthTopic.topicArn))]);
  });

  test('subscriptions are subscribed to the alert topic and the health topic', () => {
    const stack = centralStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Inbox', `arn:aws:sqs:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:alert-inbox`);
    const bus = new CrossAccountAlertBus(stack, 'OrgAlerts', {
      organizationId: ORGANIZATION_ID, destinations: [AlertDestination.subscription(new subscriptions.SqsSubscription(queue))],
    });
    const subscribed = resourcesOf(Template.fromStack(stack), 'AWS::SNS::Subscription')
      .map(({ resource }) => [resource.Properties.Protocol, resource.Properties.Endpoint, resource.Properties.TopicArn]);
    expect(subscribed).toEqual([
      ['sqs', `arn:aws:sqs:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:alert-inbox`, stack.resolve(bus.topic.topicArn)],
      ['sqs', `arn:aws:sqs:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:alert-inbox`, stack.resolve(bus.healthTopic.topicArn)],
    ]);
  });

  test('an existing topic is a destination: the alert rules publish to it, and `topic` is that topic', () => {
    const stack = centralStack();
    const key = new kms.Key(stack, 'OpsKey', { enableKeyRotation: true });
    const ops = new sns.Topic(stack, 'OpsTopic', { masterKey: key });
    const bus = new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: ORGANIZATION_ID, topic: AlertTopic.existing(ops), emails: ['security@example.com'] });
    expect(bus.topic).toBe(ops);
    const template = Template.fromStack(stack);
    expect(ruleNamed(template, 'alerts').resource.Properties.Targets.map((t: any) => t.Arn)).toEqual([stack.resolve(ops.topicArn)]);
    // Only the health topic is created besides yours.
    expect(resourcesOf(template, 'AWS::SNS::Topic').map(({ id }) => id))
      .toEqual([logicalIdOf(stack.resolve(ops.topicArn)), logicalIdOf(stack.resolve(bus.healthTopic.topicArn))]);
  });

  test('an existing topic without emails or subscriptions leaves the created health topic with nobody: an error', () => {
    const stack = centralStack();
    const ops = new sns.Topic(stack, 'OpsTopic', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
    expect(() => new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: ORGANIZATION_ID, topic: AlertTopic.existing(ops) }))
      .toThrow(/^Central\/OrgAlerts: no health destination: the alert topic is one of your own, but there are no emails or destinations .* Fix: pass emails or destinations/);
    const other = new sns.Topic(stack, 'OnCall', { masterKey: new kms.Key(stack, 'OnCallKey', { enableKeyRotation: true }) });
    expect(() => new CrossAccountAlertBus(stack, 'WithHealthTopic', {
      organizationId: ORGANIZATION_ID, topic: AlertTopic.existing(ops), healthTopic: AlertTopic.existing(other),
    })).not.toThrow();
  });

  test('the health topic is a separate topic, never the alert topic', () => {
    const stack = centralStack();
    const ops = new sns.Topic(stack, 'OpsTopic', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
    expect(() => new CrossAccountAlertBus(stack, 'OrgAlerts', {
      organizationId: ORGANIZATION_ID, topic: AlertTopic.existing(ops), healthTopic: AlertTopic.existing(ops),
    })).toThrow('Central/OrgAlerts: healthTopic is the alert topic itself, so a broken alert topic could not report that it is broken.');
  });
});

describe('a forwarder whose central bus is in the same app', () => {
  /** A central bus and a forwarder to it, in two stacks of one app. */
  function pipeline(
    bus: Partial<ConstructorParameters<typeof CrossAccountAlertBus>[2]>,
    forwarder: Partial<ConstructorParameters<typeof IamEventForwarder>[2]>,
  ) {
    const app = new App();
    const central = centralStack(app);
    const alertBus = new CrossAccountAlertBus(central, 'OrgAlerts', { organizationId: ORGANIZATION_ID, eventBusName: CENTRAL_BUS_NAME, emails: EMAILS, ...bus });
    const member = memberStack(app);
    new IamEventForwarder(member, 'Forward', { centralBusArn: alertBus.eventBusArn, ...forwarder });
    return { app, central, member };
  }

  test('fails synthesis when it sends a source the bus refuses, naming the source', () => {
    const { member } = pipeline(
      { patterns: [IamEventPattern.changes()] },
      { patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()] },
    );
    expect(() => Template.fromStack(member)).toThrow(
      'Member/Forward: the central bus Central/OrgAlerts refuses events this forwarder sends (sources aws.signin; detail-types '
      + 'AWS Console Sign In via CloudTrail, AWS Console Signin via CloudTrail): its policy accepts only its own patterns\' sources and detail-types. '
      + 'Fix: give the forwarder the same patterns and pipelineHealth as the CrossAccountAlertBus.');
  });

  test('fails app synthesis too', () => {
    const { app } = pipeline({ patterns: [IamEventPattern.changes()] }, { patterns: [IamEventPattern.consoleSignIns()] });
    expect(() => app.synth()).toThrow(/Member\/Forward: the central bus Central\/OrgAlerts refuses events this forwarder sends \(sources aws\.signin;/);
  });

  test('fails when the forwarder sends health events and the bus, its pipelineHealth off, refuses them', () => {
    const { member } = pipeline({ pipelineHealth: PipelineHealth.off() }, {});
    expect(() => Template.fromStack(member)).toThrow(
      'Member/Forward: the central bus Central/OrgAlerts refuses events this forwarder sends (sources aws.cloudwatch, aws.events; '
      + 'detail-types CloudWatch Alarm State Change): its policy accepts only its own patterns\' sources and detail-types, '
      + 'and no health events since its pipelineHealth is off.');
  });

  test('fails when its pipelineHealth is off and the bus monitors heartbeats', () => {
    const { member } = pipeline({}, { pipelineHealth: PipelineHealth.off() });
    expect(() => Template.fromStack(member)).toThrow(
      'Member/Forward: pipelineHealth is off, but the central bus Central/OrgAlerts monitors heartbeats: this account would never '
      + 'send one, so its silence would go unnoticed. Fix: give the forwarder the same patterns and pipelineHealth as the CrossAccountAlertBus.');
  });

  test('recognises the bus by a literal ARN too (its account, region and name)', () => {
    const { member } = pipeline({}, {
      centralBusArn: `arn:aws:events:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:event-bus/${CENTRAL_BUS_NAME}`,
      pipelineHealth: PipelineHealth.off(),
    });
    expect(() => Template.fromStack(member)).toThrow(/Member\/Forward: pipelineHealth is off, but the central bus Central\/OrgAlerts monitors heartbeats/);
    const { member: elsewhere } = pipeline({}, {
      centralBusArn: `arn:aws:events:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:event-bus/another-bus`,
      pipelineHealth: PipelineHealth.off(),
    });
    expect(() => Template.fromStack(elsewhere)).not.toThrow();
  });

  test('fails when its heartbeat interval differs from the one the bus expects', () => {
    const { member } = pipeline({}, { pipelineHealth: PipelineHealth.monitor({ heartbeatInterval: Duration.hours(1) }) });
    expect(() => Template.fromStack(member)).toThrow(
      'Member/Forward: the heartbeat interval is 1 hour, but the central bus Central/OrgAlerts expects one every 15 minutes: '
      + 'its per-account alarms would go off on a healthy account, or miss a silent one late.');
  });

  test.each([
    ['the defaults', {}, {}],
    ['the same patterns', { patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()] }, { patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()] }],
    ['pipelineHealth off on both', { pipelineHealth: PipelineHealth.off() }, { pipelineHealth: PipelineHealth.off() }],
    ['fewer patterns than the bus', { patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()] }, { patterns: [IamEventPattern.changes()] }],
  ])('passes with %s', (_name, bus, forwarder) => {
    const { app, member, central } = pipeline(bus, forwarder);
    expect(() => Template.fromStack(member)).not.toThrow();
    expect(() => Template.fromStack(central)).not.toThrow();
    expect(() => app.synth()).not.toThrow();
  });

  test('a forwarder to another bus is not checked against this one', () => {
    const app = new App();
    new CrossAccountAlertBus(centralStack(app), 'OrgAlerts', { organizationId: ORGANIZATION_ID, emails: EMAILS, pipelineHealth: PipelineHealth.off() });
    const member = memberStack(app);
    new IamEventForwarder(member, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.consoleSignIns()] });
    expect(() => Template.fromStack(member)).not.toThrow();
  });
});

describe('the state of the central alert rules', () => {
  const stack = centralStack();
  new CrossAccountAlertBus(stack, 'OrgAlerts', {
    organizationId: ORGANIZATION_ID, emails: EMAILS, patterns: [IamEventPattern.rootUserActivity(), IamEventPattern.changes()],
  });
  const template = Template.fromStack(stack);

  test('a rule whose pattern includes read-only calls receives them: ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS', () => {
    expect(IamEventPattern.rootUserActivity().includesReadOnlyEvents).toBe(true);
    const rule = ruleNamed(template, 'alerts1');
    expect(rule.resource.Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.rootUserActivity().toJson()));
    expect(rule.resource.Properties.State).toBe(ALL_MANAGEMENT_EVENTS);
  });

  test('a rule whose pattern has no read-only calls is ENABLED', () => {
    expect(IamEventPattern.changes().includesReadOnlyEvents).toBe(false);
    const rule = ruleNamed(template, 'alerts2');
    expect(rule.resource.Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.changes().toJson()));
    expect(rule.resource.Properties.State).toBe('ENABLED');
  });

  test('the health rules on the bus are ENABLED: they match no read-only call', () => {
    for (const suffix of ['heartbeat', 'member-alarms', 'member-tamper']) {
      expect([suffix, ruleNamed(template, suffix).resource.Properties.State]).toEqual([suffix, 'ENABLED']);
    }
  });
});

describe('the member health rule forwards the heartbeat only in the region group IAM events arrive in', () => {
  const template = Template.fromStack(memberStackSetTemplateConfiguration());
  const conditions = template.toJSON().Conditions;
  const heartbeat = heartbeatEvent(MEMBER_ACCOUNT);
  const HEARTBEAT_BRANCH = {
    'source': ['aws.iam'],
    'detail-type': ['AWS API Call via CloudTrail'],
    'detail': {
      eventSource: ['iam.amazonaws.com'],
      eventName: ['TagRole'],
      requestParameters: { roleName: [HEARTBEAT_ROLE_NAME] },
      userIdentity: { sessionContext: { sessionIssuer: { arn: [{ suffix: `:role/${HEARTBEAT_ROLE_NAME}` }] } } },
    },
  };

  test('the health rule of the IAM-events region has the heartbeat branch and matches a heartbeat', () => {
    const health = ruleNamed(template, 'health');
    expect(JSON.stringify(conditions[health.resource.Condition]).match(/[a-z]{2}-[a-z]+-\d/g)).toContain('us-east-1');
    expect(health.resource.Condition).toBe(ruleNamed(template, 'forward').resource.Condition);
    expect(health.resource.Properties.EventPattern.$or).toContainEqual(HEARTBEAT_BRANCH);
    expect(matches(health, heartbeat)).toBe(true);
  });

  test('the health rule of the other sign-in regions has no heartbeat branch and does not match a heartbeat', () => {
    const healthSignIn = ruleNamed(template, 'health-signin');
    expect(JSON.stringify(conditions[healthSignIn.resource.Condition]).match(/[a-z]{2}-[a-z]+-\d/g)).toEqual(['us-east-2', 'eu-north-1', 'ap-southeast-2']);
    expect(healthSignIn.resource.Properties.EventPattern.$or).not.toContainEqual(HEARTBEAT_BRANCH);
    expect(JSON.stringify(healthSignIn.resource.Properties.EventPattern)).not.toContain(HEARTBEAT_ROLE_NAME);
    expect(matches(healthSignIn, heartbeat)).toBe(false);
  });

  test('both forward the forwarder\'s own alarms going into ALARM, and no one else\'s', () => {
    const alarmNames = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(({ resource }) => resource.Properties.AlarmName as string);
    expect(alarmNames.length).toBeGreaterThan(0);
    for (const suffix of ['health', 'health-signin']) {
      const rule = ruleNamed(template, suffix);
      for (const name of alarmNames) expect([name, matches(rule, alarmStateChangeEvent(MEMBER_ACCOUNT, 'us-east-2', name))]).toEqual([name, true]);
      expect(matches(rule, alarmStateChangeEvent(MEMBER_ACCOUNT, 'us-east-2', 'cdk-iam-change-alerts-member-Other-Forward-12345678-RuleFailedInvocations'))).toBe(false);
      expect(matches(rule, alarmStateChangeEvent(MEMBER_ACCOUNT, 'us-east-2', 'my-own-alarm'))).toBe(false);
    }
  });

  test('with a known region: the heartbeat branch in us-east-1, none in another sign-in region', () => {
    const patterns = [IamEventPattern.changes(), IamEventPattern.consoleSignIns()];
    const inRegion = (region: string) => {
      const stack = memberStack(new App(), region);
      new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns });
      return Template.fromStack(stack);
    };
    const home = inRegion('us-east-1');
    expect(ruleNameSuffixes(home)).toEqual(['forward', 'health']);
    expect(matches(ruleNamed(home, 'health'), heartbeat)).toBe(true);
    expect(resourcesOf(home, 'AWS::Scheduler::Schedule')).toHaveLength(1);
    const signIn = inRegion('eu-north-1');
    expect(ruleNameSuffixes(signIn)).toEqual(['forward-signin', 'health-signin']);
    expect(matches(ruleNamed(signIn, 'health-signin'), heartbeat)).toBe(false);
    // No heartbeat there: the heartbeat is made where IAM events arrive.
    expect(resourcesOf(signIn, 'AWS::Scheduler::Schedule')).toEqual([]);
    expect(resourcesOf(signIn, 'AWS::IAM::Role').filter(({ resource }) => resource.Properties.RoleName === HEARTBEAT_ROLE_NAME)).toEqual([]);
  });

  test('a forwarding rule whose pattern would match the heartbeat leaves the heartbeat role out, and only that role', () => {
    const stack = memberStack(new App());
    new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.mutatingCalls()] });
    const own = Template.fromStack(stack);
    expect(EventPatternMatcher.fromJson(IamEventPattern.mutatingCalls().toJson()).matchesEvent(heartbeat)).toBe(true);
    const forward = ruleNamed(own, 'forward');
    expect(matches(forward, heartbeat)).toBe(false);
    expect(matches(ruleNamed(own, 'health'), heartbeat)).toBe(true);
    // The same call by another role is still forwarded.
    const byAnotherRole = JSON.parse(JSON.stringify(heartbeat).split(HEARTBEAT_ROLE_NAME).join('deploy-role'));
    expect(matches(forward, byAnotherRole)).toBe(true);
    expect(matches(ruleNamed(own, 'health'), byAnotherRole)).toBe(false);
  });
});

describe('the heartbeat of a member account', () => {
  const template = Template.fromStack(memberStackSetTemplateConfiguration());
  const [role] = resourcesOf(template, 'AWS::IAM::Role').filter(({ resource }) => resource.Properties.RoleName === HEARTBEAT_ROLE_NAME);
  const [schedule] = resourcesOf(template, 'AWS::Scheduler::Schedule');
  const forward = ruleNamed(template, 'forward');

  test('role and schedule exist under the condition of the region IAM events arrive in', () => {
    expect(role.resource.Condition).toBe(forward.resource.Condition);
    expect(schedule.resource.Condition).toBe(forward.resource.Condition);
  });

  test('only EventBridge Scheduler of this account may assume the role, and it may only tag itself with the heartbeat key', () => {
    expect(role.resource.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnEquals: {
          'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':schedule-group/default']] },
        },
      },
    }]);
    expect(role.resource.Properties.Policies).toEqual([{
      PolicyName: 'TagItselfWithTheHeartbeatKey',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Action: 'iam:TagRole',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/${HEARTBEAT_ROLE_NAME}`]] },
          Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['cdk-iam-change-alerts:heartbeat'] } },
        }],
      },
    }]);
  });

  test('the schedule makes the call every 15 minutes as that role, without retries', () => {
    expect(schedule.resource.Properties).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: {
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:::aws-sdk:iam:tagRole']] },
        RoleArn: { 'Fn::GetAtt': [role.id, 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 0 },
      },
    });
    expect(JSON.parse(schedule.resource.Properties.Target.Input)).toEqual({
      RoleName: HEARTBEAT_ROLE_NAME, Tags: [{ Key: 'cdk-iam-change-alerts:heartbeat', Value: 'alive' }],
    });
  });

  test('the interval is the pipelineHealth heartbeatInterval', () => {
    const stack = memberStack(new App());
    new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, pipelineHealth: PipelineHealth.monitor({ heartbeatInterval: Duration.hours(1) }) });
    expect(resourcesOf(Template.fromStack(stack), 'AWS::Scheduler::Schedule')[0].resource.Properties.ScheduleExpression).toBe('rate(1 hour)');
  });
});

describe('the alarms of a member forwarder', () => {
  const template = Template.fromStack(memberStackSetTemplateConfiguration());
  const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm');
  const ALARM_PREFIX = /^cdk-iam-change-alerts-member-MemberStackSetTemplate-Forward-[0-9A-F]{8}-/;

  test('are named with the member prefix, and each opens an OpsItem in the member account', () => {
    expect(alarms.length).toBeGreaterThan(0);
    for (const { resource } of alarms) {
      expect(resource.Properties.AlarmName).toMatch(ALARM_PREFIX);
      expect(resource.Properties.AlarmActions).toEqual([{
        'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':opsitem:2#CATEGORY=Availability']],
      }]);
    }
  });

  test('watch the failed deliveries of each forwarding and health rule, under that rule\'s condition, and the queue everywhere', () => {
    const byRule = (suffix: string) => {
      const rule = ruleNamed(template, suffix);
      return alarms.filter(({ resource }) => JSON.stringify(resource.Properties.Dimensions) === JSON.stringify([{ Name: 'RuleName', Value: { Ref: rule.id } }]))
        .map(({ resource }) => [resource.Properties.MetricName, resource.Condition === rule.resource.Condition]);
    };
    for (const suffix of ['forward', 'forward-signin', 'health', 'health-signin']) {
      expect([suffix, byRule(suffix)]).toEqual([suffix, [['FailedInvocations', true]]]);
    }
    const depth = alarms.filter(({ resource }) => resource.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depth.map(({ resource }) => [resource.Properties.Namespace, resource.Condition])).toEqual([['AWS/SQS', undefined]]);
  });
});

describe('a forwarder with pipelineHealth off', () => {
  const stack = memberStack(new App());
  const forwarder = new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, pipelineHealth: PipelineHealth.off() });
  const template = Template.fromStack(stack);

  test('has its forwarding rule only: no heartbeat, health rule or alarms', () => {
    expect(ruleNameSuffixes(template)).toEqual(['forward']);
    expect(forwarder.healthRules).toEqual([]);
    expect(forwarder.alarms).toEqual([]);
    expect(resourcesOf(template, 'AWS::Scheduler::Schedule')).toEqual([]);
    expect(resourcesOf(template, 'AWS::CloudWatch::Alarm')).toEqual([]);
    expect(resourcesOf(template, 'AWS::IAM::Role').map(({ id }) => id)).toEqual([logicalIdOf(stack.resolve(forwarder.role!.roleArn))]);
  });

  test('keeps a pattern that would match the heartbeat unchanged (no heartbeat to leave out)', () => {
    const s = memberStack(new App());
    new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.allApiCalls()], pipelineHealth: PipelineHealth.off() });
    expect(ruleNamed(Template.fromStack(s), 'forward').resource.Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.allApiCalls().toJson()));
  });

  test('warns that the pipeline does not watch itself', () => {
    expect(Annotations.fromStack(stack).findWarning('/Member/Forward', Match.stringLikeRegexp(
      'pipelineHealth is PipelineHealth.off\\(\\).*\\[ack: cdk-iam-change-alerts:pipelineHealthOff\\]'))).toHaveLength(1);
  });
});

test('the rollout gives the member forwarders the bus\'s pipelineHealth', () => {
  const memberTemplateOf = (pipelineHealth?: PipelineHealth) => {
    const stack = centralStack();
    new CrossAccountAlertBus(stack, 'OrgAlerts', {
      organizationId: ORGANIZATION_ID, emails: EMAILS, pipelineHealth, memberRollout: { organizationalUnitIds: ['r-ab12'] },
    });
    const [stackSet] = resourcesOf(Template.fromStack(stack), 'AWS::CloudFormation::StackSet');
    return JSON.parse(stackSet.resource.Properties.TemplateBody);
  };
  const monitored = memberTemplateOf(PipelineHealth.monitor({ heartbeatInterval: Duration.minutes(5) }));
  expect(ruleNameSuffixes(monitored)).toEqual(['forward', 'health']);
  expect(resourcesOf(monitored, 'AWS::Scheduler::Schedule').map(({ resource }) => resource.Properties.ScheduleExpression)).toEqual(['rate(5 minutes)']);
  const off = memberTemplateOf(PipelineHealth.off());
  expect(ruleNameSuffixes(off)).toEqual(['forward']);
  expect(resourcesOf(off, 'AWS::Scheduler::Schedule')).toEqual([]);
  expect(resourcesOf(off, 'AWS::CloudWatch::Alarm')).toEqual([]);
});

test('the member forwarder configuration has a heartbeat, a health rule and alarms, and no warning', () => {
  const stack = memberForwarderConfiguration();
  const forwarder = stack.node.findChild('Forward') as IamEventForwarder;
  expect(forwarder.healthRules).toHaveLength(1);
  expect(forwarder.alarms.length).toBeGreaterThan(0);
  expect(resourcesOf(Template.fromStack(stack), 'AWS::Scheduler::Schedule')).toHaveLength(1);
  expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
});
