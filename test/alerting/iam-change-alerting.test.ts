import { Annotations as ConstructAnnotations, CfnElement, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { IConstruct } from 'constructs';
import { alarmsOnRule, arnOf, rulesOf, subscriptionsTo, TemplateResource, TemplateRule, topicPolicyStatementsOf } from './pipeline-template';
import { newStack, onlyResource, statementsOf } from './test-stacks';
import { AlertDestination } from '../../src/alerting/alert-destination';
import { AlertMessage } from '../../src/alerting/alert-message';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { AlertTrail } from '../../src/alerting/alert-trail';
import { IamChangeAlerting, IamChangeAlertingProps } from '../../src/alerting/iam-change-alerting';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const EMAIL = 'security@example.com';

function alertingIn(stack: Stack, props: IamChangeAlertingProps = { emails: [EMAIL] }): { alerting: IamChangeAlerting; template: Template } {
  const alerting = new IamChangeAlerting(stack, 'IamAlerts', props);
  return { alerting, template: Template.fromStack(stack) };
}

/**
 * The alert rule (named `<unique prefix>-alerts` by default): the construct also makes a heartbeat
 * rule (`-heartbeat`) and tamper rules (`-tamper-...`).
 */
function alertRuleEntry(template: Template): TemplateRule {
  const found = rulesOf(template).filter((rule) => typeof rule.name === 'string' && rule.name.endsWith('-alerts'));
  if (found.length !== 1) {
    throw new Error(`expected exactly one rule named *-alerts, found ${found.length}`);
  }
  return found[0];
}

function ruleOf(template: Template): any {
  return alertRuleEntry(template).properties;
}

/** The template resource of a construct (its default child). */
function resourceOf(template: Template, construct: IConstruct): any {
  const logicalId = Stack.of(construct).getLogicalId(construct.node.defaultChild as CfnElement);
  return template.toJSON().Resources[logicalId];
}

interface TamperRoute {
  readonly rule: TemplateRule;
  /** The delivery alarms on the rule. */
  readonly alarms: TemplateResource[];
}

/**
 * The tamper rules with their delivery alarms: the rules on the pipeline, which deliver to the
 * health topic (`-tamper-<kind>`), and the rule on the health path (`-tamper-health`), which
 * delivers to the alert topic.
 */
function tamperRoutesOf(template: Template): { watching: TamperRoute[]; healthPath: TamperRoute } {
  const routes = rulesOf(template)
    .filter((rule) => rule.name.includes('-tamper-'))
    .map((rule) => ({ rule, alarms: alarmsOnRule(template, rule) }));
  const healthPath = routes.filter((route) => route.rule.name.endsWith('-tamper-health'));
  expect(healthPath).toHaveLength(1);
  return { watching: routes.filter((route) => !route.rule.name.endsWith('-tamper-health')), healthPath: healthPath[0] };
}

/** The statements of the one topic policy of `topic`. */
function topicPolicyStatementsOfTopic(template: Template, topic: sns.ITopic): any[] {
  return topicPolicyStatementsOf(template, Stack.of(topic).resolve(topic.topicArn));
}

/** The properties of the subscriptions to `topic`. */
function subscriptionsOf(template: Template, topic: sns.ITopic): any[] {
  return subscriptionsTo(template, Stack.of(topic).resolve(topic.topicArn));
}

describe('IamChangeAlerting', () => {
  describe('by default', () => {
    test('matches the IAM changes preset on the default bus, with the rule named <unique prefix>-alerts', () => {
      const { template } = alertingIn(newStack());
      const rule = ruleOf(template);
      expect(rule.Name).toBe('TestStack-IamAlerts-E2F48D97-alerts');
      expect(rule.EventPattern).toEqual(JSON.parse(IamEventPattern.changes().toJson()));
      expect(rule.EventBusName).toBeUndefined();
      expect(rule.State).toBe('ENABLED');
      expect(rule.Description).toBe(`IAM change alerts: ${IamEventPattern.changes().description}`);
    });

    test('names its six rules with one prefix: -alerts, -heartbeat, three tamper rules (-tamper-trail-rules, -tamper-topics, -tamper-keys) and -tamper-health', () => {
      const { template } = alertingIn(newStack());
      const names = Object.values(template.findResources('AWS::Events::Rule')).map((rule: any) => rule.Properties.Name);
      expect(names.sort()).toEqual([
        'TestStack-IamAlerts-E2F48D97-alerts',
        'TestStack-IamAlerts-E2F48D97-heartbeat',
        'TestStack-IamAlerts-E2F48D97-tamper-health',
        'TestStack-IamAlerts-E2F48D97-tamper-keys',
        'TestStack-IamAlerts-E2F48D97-tamper-topics',
        'TestStack-IamAlerts-E2F48D97-tamper-trail-rules',
      ]);
    });

    test('creates one hardened trail, two encrypted topics (alert and health), four KMS keys (trail, alert topic, health topic, '
      + 'heartbeat log), a dead-letter queue, six rules (alerts, heartbeat, four tamper), twelve alarms (3 delivery, 1 heartbeat, '
      + '2 for each tamper rule), the heartbeat role and its schedule', () => {
      const { template } = alertingIn(newStack());
      template.resourceCountIs('AWS::CloudTrail::Trail', 1);
      template.resourceCountIs('AWS::SNS::Topic', 2);
      template.resourceCountIs('AWS::KMS::Key', 4);
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.resourceCountIs('AWS::Events::Rule', 6);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 12);
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.resourceCountIs('AWS::Scheduler::Schedule', 1);
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
    });

    test('exposes the rule, topics, key, queue, trail, the five health rules and all twelve alarms', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      expect(stack.resolve(alerting.rule.ruleArn)).toEqual(arnOf(alertRuleEntry(template)));
      const topicId = stack.getLogicalId(alerting.topic.node.defaultChild as CfnElement);
      expect(stack.resolve(alerting.topic.topicArn)).toEqual({ Ref: topicId });
      expect(stack.resolve(template.toJSON().Resources[topicId].Properties.KmsMasterKeyId))
        .toEqual(stack.resolve(alerting.topicKey!.keyArn));
      const healthTopic = resourceOf(template, alerting.healthTopic);
      expect(healthTopic.Type).toBe('AWS::SNS::Topic');
      expect(healthTopic.Properties.DisplayName).toBe('IAM alert pipeline health');
      expect(healthTopic.Properties.KmsMasterKeyId).toEqual(stack.resolve(alerting.healthTopic.masterKey!.keyArn));
      expect(stack.resolve(alerting.healthTopic.masterKey!.keyArn)).not.toEqual(stack.resolve(alerting.topicKey!.keyArn));
      expect(stack.resolve(alerting.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'AWS::SQS::Queue').id, 'Arn'] });
      expect(alerting.trail!.trailName).toBe(onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.TrailName);
      expect(alerting.trailArn).toBe(alerting.trail!.trailArn);
      expect(alerting.healthRules.map((rule) => resourceOf(template, rule).Properties.Name)).toEqual([
        'TestStack-IamAlerts-E2F48D97-heartbeat',
        'TestStack-IamAlerts-E2F48D97-tamper-trail-rules',
        'TestStack-IamAlerts-E2F48D97-tamper-topics',
        'TestStack-IamAlerts-E2F48D97-tamper-keys',
        'TestStack-IamAlerts-E2F48D97-tamper-health',
      ]);
      expect(resourceOf(template, alerting.heartbeatAlarm!).Properties.MetricName).toBe('Invocations');
      // The heartbeat alarm, then the two delivery alarms of each of the four tamper rules.
      expect(alerting.healthAlarms[0]).toBe(alerting.heartbeatAlarm);
      expect(alerting.healthAlarms.slice(1).map((alarm) => resourceOf(template, alarm).Properties.MetricName))
        .toEqual(Array(4).fill(['FailedInvocations', 'InvocationsFailedToBeSentToDlq']).flat());
      expect(alerting.alarms).toEqual([...alerting.deliveryAlarms.alarms, ...alerting.healthAlarms]);
      expect(alerting.alarms).toHaveLength(12);
      expect(alerting.deliveryAlarms.alarms).toHaveLength(3);
      expect(alerting.pattern.description).toBe(IamEventPattern.changes().description);
    });

    test('subscribes the email address to the alert topic and to the health topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      template.resourceCountIs('AWS::SNS::Subscription', 2);
      expect(subscriptionsOf(template, alerting.topic)).toEqual([{
        Protocol: 'email',
        Endpoint: EMAIL,
        TopicArn: stack.resolve(alerting.topic.topicArn),
      }]);
      expect(subscriptionsOf(template, alerting.healthTopic)).toEqual([{
        Protocol: 'email',
        Endpoint: EMAIL,
        TopicArn: stack.resolve(alerting.healthTopic.topicArn),
      }]);
    });

    test('publishes the readable message with the maximum retries and the dead-letter queue', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const target = ruleOf(template).Targets[0];
      expect(target.Arn).toEqual(stack.resolve(alerting.topic.topicArn));
      expect(target.InputTransformer.InputTemplate).toMatch(/^"IAM change alert: <detail-eventName> in account <account>"/);
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      expect(target.DeadLetterConfig).toEqual({ Arn: stack.resolve(alerting.deadLetterQueue.queueArn) });
      expect(target.RoleArn).toBeUndefined();
    });

    test('allows exactly TLS-only publishing, the alert rule, the alarms of the three tamper rules that deliver to the health topic, '
      + 'and the health-path tamper rule on the alert topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const topicArn = stack.resolve(alerting.topic.topicArn);
      const { watching, healthPath } = tamperRoutesOf(template);
      const alarmsPublish = (sid: string, alarms: TemplateResource[]) => ({
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnEquals: { 'aws:SourceArn': alarms.map(arnOf) } },
      });
      expect(watching.map((route) => route.alarms.length)).toEqual([2, 2, 2]);
      expect(watching.map((route) => route.rule.name)).toEqual([
        'TestStack-IamAlerts-E2F48D97-tamper-trail-rules',
        'TestStack-IamAlerts-E2F48D97-tamper-topics',
        'TestStack-IamAlerts-E2F48D97-tamper-keys',
      ]);
      expect(topicPolicyStatementsOfTopic(template, alerting.topic)).toEqual([
        {
          Sid: 'AllowPublishThroughSSLOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: 'AllowPublishFromRuleTestStackIamAlertsRuleF5B767A8',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
        },
        // The tamper rules deliver to the health topic, so their delivery alarms go to the alert topic.
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsHealthTamperAlertsDeliveryAlarmstrailrulesC6527CD8', watching[0].alarms),
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsHealthTamperAlertsDeliveryAlarmstopics733D985D', watching[1].alarms),
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsHealthTamperAlertsDeliveryAlarmskeys621B4A9D', watching[2].alarms),
        {
          Sid: 'AllowPublishFromRuleTestStackIamAlertsHealthTamperAlertsRulehealth331EACB4',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': arnOf(healthPath.rule) } },
        },
      ]);
    });

    test('allows exactly TLS-only publishing, the delivery and heartbeat alarms, the three tamper rules and the alarms of the '
      + 'health-path tamper rule on the health topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const topicArn = stack.resolve(alerting.healthTopic.topicArn);
      const { watching, healthPath } = tamperRoutesOf(template);
      const alarmArns = (alarms: Array<{ alarmArn: string }>) => alarms.map((alarm) => stack.resolve(alarm.alarmArn));
      const alarmsPublish = (sid: string, sourceArns: any[]) => ({
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnEquals: { 'aws:SourceArn': sourceArns } },
      });
      const rulePublish = (sid: string, rule: TemplateRule) => ({
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnEquals: { 'aws:SourceArn': arnOf(rule) } },
      });
      expect(topicPolicyStatementsOfTopic(template, alerting.healthTopic)).toEqual([
        {
          Sid: 'AllowPublishThroughSSLOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsDeliveryAlarms10E9D6D1', alarmArns(alerting.deliveryAlarms.alarms)),
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsHealthHeartbeatMonitorE8ADEA29', alarmArns([alerting.heartbeatAlarm!])),
        rulePublish('AllowPublishFromRuleTestStackIamAlertsHealthTamperAlertsRuletrailrules0DCE5A00', watching[0].rule),
        rulePublish('AllowPublishFromRuleTestStackIamAlertsHealthTamperAlertsRuletopicsFBF5DAF0', watching[1].rule),
        rulePublish('AllowPublishFromRuleTestStackIamAlertsHealthTamperAlertsRulekeysDFC0496B', watching[2].rule),
        alarmsPublish('AllowPublishFromAlarmsOfTestStackIamAlertsHealthTamperAlertsDeliveryAlarmshealth43177D25', healthPath.alarms.map(arnOf)),
      ]);
    });

    test("lets EventBridge use the topic's key without source conditions, CloudWatch only for this account's alarms, and nothing else", () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const keyId = stack.getLogicalId(alerting.topicKey!.node.defaultChild as kms.CfnKey);
      const statements = template.toJSON().Resources[keyId].Properties.KeyPolicy.Statement;
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
          Action: 'kms:*',
          Resource: '*',
        },
        expect.objectContaining({ Sid: 'DenyGrantsExceptForAwsServices', Effect: 'Deny' }),
        {
          Sid: 'AllowEventBridgeToPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
        {
          Sid: 'AllowCloudWatchToPublishToEncryptedTopic',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111111111111' },
            ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:us-east-1:111111111111:alarm:*']] } },
          },
        },
      ]);
    });

    test('lets only the alert rule and the four tamper rules send to the dead-letter queue, each scoped to its rule', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const allows = statementsOf(template, 'AWS::SQS::QueuePolicy').filter((statement) => statement.Effect === 'Allow');
      const { watching, healthPath } = tamperRoutesOf(template);
      const sendFrom = (sid: string, ruleArn: any) => ({
        Sid: sid,
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: stack.resolve(alerting.deadLetterQueue.queueArn),
        Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
      });
      expect(allows).toEqual([
        sendFrom('AllowSendFromRuleTestStackIamAlertsRuleF5B767A8', stack.resolve(alerting.rule.ruleArn)),
        sendFrom('AllowSendFromRuleTestStackIamAlertsHealthTamperAlertsRuletrailrules0DCE5A00', arnOf(watching[0].rule)),
        sendFrom('AllowSendFromRuleTestStackIamAlertsHealthTamperAlertsRuletopicsFBF5DAF0', arnOf(watching[1].rule)),
        sendFrom('AllowSendFromRuleTestStackIamAlertsHealthTamperAlertsRulekeysDFC0496B', arnOf(watching[2].rule)),
        sendFrom('AllowSendFromRuleTestStackIamAlertsHealthTamperAlertsRulehealth331EACB4', arnOf(healthPath.rule)),
      ]);
    });

    test('sends the delivery, heartbeat and health-path rule alarms (6) to the health topic, and the alarms of the tamper rules '
      + 'that deliver to the health topic (6) to the alert topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const { watching, healthPath } = tamperRoutesOf(template);
      const toHealthTopic = [
        ...[...alerting.deliveryAlarms.alarms, alerting.heartbeatAlarm!].map((alarm) => resourceOf(template, alarm).Properties),
        ...healthPath.alarms.map((alarm) => alarm.properties),
      ];
      const toAlertTopic = watching.flatMap((route) => route.alarms).map((alarm) => alarm.properties);
      expect(toHealthTopic).toHaveLength(6);
      expect(toAlertTopic).toHaveLength(6);
      for (const alarm of toHealthTopic) {
        expect(alarm.AlarmActions).toEqual([stack.resolve(alerting.healthTopic.topicArn)]);
      }
      for (const alarm of toAlertTopic) {
        expect(alarm.AlarmActions).toEqual([stack.resolve(alerting.topic.topicArn)]);
      }
      template.resourceCountIs('AWS::CloudWatch::Alarm', toHealthTopic.length + toAlertTopic.length);
    });

    test('raises no warning in us-east-1', () => {
      const stack = newStack();
      alertingIn(stack);
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('region', () => {
    test('fails in another region, naming the path, the region, us-east-1 and both fixes', () => {
      expect(() => new IamChangeAlerting(newStack({ account: '111111111111', region: 'eu-west-1' }), 'IamAlerts', { emails: [EMAIL] }))
        .toThrow("TestStack/IamAlerts: the stack's region is 'eu-west-1', but IAM events reach EventBridge only in us-east-1: "
          + 'a rule in eu-west-1 would never fire. Fix: deploy this stack in us-east-1 (env: { region: \'us-east-1\' }; Python: env=Environment(region="us-east-1")), '
          + 'or keep alerting in eu-west-1 and forward IAM events from us-east-1 to a central event bus there with IamEventForwarder.');
    });

    test('in AWS GovCloud (US), requires the region where IAM delivers its events there', () => {
      expect(() => new IamChangeAlerting(newStack({ account: '111111111111', region: 'us-gov-east-1' }), 'IamAlerts', { emails: [EMAIL] }))
        .toThrow("TestStack/IamAlerts: the stack's region is 'us-gov-east-1', but IAM events reach EventBridge only in us-gov-west-1");
      expect(() => new IamChangeAlerting(newStack({ account: '111111111111', region: 'us-gov-west-1' }), 'IamAlerts', { emails: [EMAIL] }))
        .not.toThrow();
    });

    test('warns, acknowledgeably, in a stack without a region', () => {
      const stack = newStack({});
      alertingIn(stack);
      Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
        'This stack has no region.*only in us-east-1.*cdk-iam-change-alerts:regionUnresolved'));
    });

    test('drops the region warning once acknowledged', () => {
      const stack = newStack({});
      const { alerting } = alertingIn(stack);
      ConstructAnnotations.of(alerting).acknowledgeWarning('cdk-iam-change-alerts:regionUnresolved', 'deployed to us-east-1 by the pipeline');
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('read-only events', () => {
    test('are delivered, with a volume warning, when the pattern selects them', () => {
      const stack = newStack();
      const { template } = alertingIn(stack, { emails: [EMAIL], pattern: IamEventPattern.allApiCalls() });
      expect(ruleOf(template).State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
      Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
        'Read-only IAM calls.*ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.*cdk-iam-change-alerts:readOnlyEventVolume'));
    });

    test('are dropped when includeReadOnlyEvents is false, without a warning', () => {
      const stack = newStack();
      const { template } = alertingIn(stack, { emails: [EMAIL], pattern: IamEventPattern.allApiCalls(), includeReadOnlyEvents: false });
      expect(ruleOf(template).State).toBe('ENABLED');
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });

    test('cannot be asked for with a pattern that matches none, naming the path, the pattern and the fix', () => {
      expect(() => alertingIn(newStack(), { emails: [EMAIL], includeReadOnlyEvents: true }))
        .toThrow(`TestStack/IamAlerts: includeReadOnlyEvents is true, but the pattern (${IamEventPattern.changes().description}) `
          + 'matches no read-only call, so it would deliver nothing more. Fix: choose a pattern that selects read-only calls');
    });
  });

  test('warns that console sign-ins are also recorded outside us-east-1', () => {
    const stack = newStack();
    alertingIn(stack, { emails: [EMAIL], pattern: IamEventPattern.changes().withConsoleSignIn() });
    Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
      'console sign-ins.*us-east-2, eu-north-1 or ap-southeast-2.*IamEventForwarder.*cdk-iam-change-alerts:consoleSignInRegions'));
  });

  test('warns that regional services record their calls in their own regions', () => {
    const stack = newStack();
    alertingIn(stack, { emails: [EMAIL], pattern: IamEventPattern.rootUserActivityInAllServices() });
    Annotations.fromStack(stack).hasWarning('/TestStack/IamAlerts', Match.stringLikeRegexp(
      'regional services.*IamEventForwarder.*cdk-iam-change-alerts:regionalEvents'));
  });

  describe('emails', () => {
    test('are subscribed once each to the alert topic and once each to the health topic, duplicates removed ignoring case, first spelling kept', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack, {
        emails: ['Security@Example.com', 'ops@example.com', 'security@example.COM', 'ops@example.com'],
      });
      expect(alerting.emails).toEqual(['Security@Example.com', 'ops@example.com']);
      template.resourceCountIs('AWS::SNS::Subscription', 4);
      expect(subscriptionsOf(template, alerting.topic).map((s) => s.Endpoint)).toEqual(['Security@Example.com', 'ops@example.com']);
      expect(subscriptionsOf(template, alerting.healthTopic).map((s) => s.Endpoint)).toEqual(['Security@Example.com', 'ops@example.com']);
    });

    test.each([
      ['without an @', 'security.example.com'],
      ['with two @', 'security@@example.com'],
      ['with a space', 'security team@example.com'],
      ['with a display name', 'Security <security@example.com>'],
      ['without a top-level domain', 'security@example'],
      ['with two dots in a row', 'security..team@example.com'],
      ['with a trailing dot', 'security@example.com.'],
      ['that is empty', ''],
    ])('reject an address %s, naming the path, the address and the fix', (_label, email) => {
      expect(() => alertingIn(newStack(), { emails: [EMAIL, email] }))
        .toThrow(`TestStack/IamAlerts: '${email}' in emails is not a valid email address. Fix: write each address as name@domain.tld`);
    });

    test.each(['first.last+iam@sub.example.co.uk', "o'brien@example.org", 'x@example.museum'])('accept %s', (email) => {
      expect(alertingIn(newStack(), { emails: [email] }).alerting.emails).toEqual([email]);
    });

    test('accept an unresolved address', () => {
      const email = Token.asString({ Ref: 'AlertEmail' });
      expect(alertingIn(newStack(), { emails: [email] }).alerting.emails).toEqual([email]);
    });

    test('cannot go to a FIFO topic, which SNS does not email from', () => {
      const stack = newStack();
      const topic = sns.Topic.fromTopicArn(stack, 'Fifo', 'arn:aws:sns:us-east-1:111111111111:alerts.fifo');
      expect(() => alertingIn(stack, { emails: [EMAIL], topic: AlertTopic.existing(topic) }))
        .toThrow('TestStack/IamAlerts: the alert topic arn:aws:sns:us-east-1:111111111111:alerts.fifo is a FIFO topic, '
          + 'and SNS delivers email only from standard topics. Fix: use a standard topic, or AlertTopic.create().');
    });
  });

  describe('destinations', () => {
    test('are required, naming the path and the fixes', () => {
      expect(() => alertingIn(newStack(), {}))
        .toThrow('TestStack/IamAlerts: no alert destination: no emails, no destinations and no existing topic, so alerts would reach nobody. '
          + "Fix: pass emails: ['security@example.com'], destinations (AlertDestination.slackChannel(...), AlertDestination.subscription(...), ...), "
          + 'or topic: AlertTopic.existing(yourTopic); or set allowNoDestination: true if you subscribe to the topic yourself.');
    });

    test('may be left out when the caller opts out: no subscription on either topic, and the six rules (alerts, heartbeat, four tamper) are still made', () => {
      const { template } = alertingIn(newStack(), { allowNoDestination: true });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.resourceCountIs('AWS::Events::Rule', 6);
      expect(ruleOf(template).Name).toBe('TestStack-IamAlerts-E2F48D97-alerts');
    });

    test('may be other subscriptions, given to the alert topic and to the health topic', () => {
      const stack = newStack();
      const queue = sqs.Queue.fromQueueArn(stack, 'Inbox', 'arn:aws:sqs:us-east-1:111111111111:alert-inbox');
      const { alerting, template } = alertingIn(stack, { destinations: [AlertDestination.subscription(new subscriptions.SqsSubscription(queue))] });
      template.resourceCountIs('AWS::SNS::Subscription', 2);
      for (const topic of [alerting.topic, alerting.healthTopic]) {
        const found = subscriptionsOf(template, topic);
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({
          Protocol: 'sqs',
          Endpoint: 'arn:aws:sqs:us-east-1:111111111111:alert-inbox',
        });
      }
    });

    test('may be an existing topic, which gets the scoped grants; no alert topic or topic key is created, '
      + 'only the health topic (2 topics) and its key (4 keys: ops, trail, health topic, heartbeat log)', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'OpsKey', { enableKeyRotation: true });
      const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: key });
      // allowNoDestination: the created health topic has no subscriber here (see the test below).
      const { alerting, template } = alertingIn(stack, { topic: AlertTopic.existing(topic), allowNoDestination: true });
      expect(alerting.topic).toBe(topic);
      expect(alerting.topicKey).toBeUndefined();
      expect(alerting.healthTopic).not.toBe(topic);
      template.resourceCountIs('AWS::SNS::Topic', 2);
      template.resourceCountIs('AWS::KMS::Key', 4);
      expect(resourceOf(template, alerting.healthTopic).Properties.KmsMasterKeyId).toEqual(stack.resolve(alerting.healthTopic.masterKey!.keyArn));
      expect(statementsOf(template, 'AWS::SNS::TopicPolicy')).toContainEqual(expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
      }));
      const opsKeyStatements = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
      expect(opsKeyStatements.map((statement: any) => statement.Sid).filter(Boolean))
        .toEqual(['AllowEventBridgeToPublishToEncryptedTopic', 'AllowCloudWatchToPublishToEncryptedTopic']);
    });
    test('as an existing topic alone, leaving the created health topic without subscribers, are refused, naming the path and the fixes', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
      expect(() => alertingIn(stack, { topic: AlertTopic.existing(topic) }))
        .toThrow('TestStack/IamAlerts: no health destination: the alert topic is one of your own, but there are no emails or '
          + 'destinations for the health topic, so alarms and tamper alerts about the pipeline would reach nobody. '
          + 'Fix: pass emails or destinations (they receive the health notifications too), or healthTopic: '
          + 'AlertTopic.existing(yourOtherTopic); or set allowNoDestination: true if you subscribe to the healthTopic attribute yourself.');
    });

    test('as an existing topic with an existing health topic: nothing is subscribed, and no topic is created (the 2 topics are the given ones)', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
      const health = new sns.Topic(stack, 'HealthTopic', { masterKey: new kms.Key(stack, 'HealthKey', { enableKeyRotation: true }) });
      const { alerting, template } = alertingIn(stack, { topic: AlertTopic.existing(topic), healthTopic: AlertTopic.existing(health) });
      expect(alerting.topic).toBe(topic);
      expect(alerting.healthTopic).toBe(health);
      template.resourceCountIs('AWS::SNS::Topic', 2);
      template.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });

  describe('trail', () => {
    test('may be an existing one: nothing is created and its ARN is exposed', () => {
      const arn = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events';
      const { alerting, template } = alertingIn(newStack(), { emails: [EMAIL], trail: AlertTrail.existing(arn) });
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      template.resourceCountIs('AWS::S3::Bucket', 0);
      expect(alerting.trail).toBeUndefined();
      expect(alerting.trailArn).toBe(arn);
    });

    test('may be the organization trail: no trail or trail key is created (3 keys: alert topic, health topic, heartbeat log)', () => {
      const { alerting, template } = alertingIn(newStack(), { emails: [EMAIL], trail: AlertTrail.organizationTrail() });
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      template.resourceCountIs('AWS::S3::Bucket', 0);
      template.resourceCountIs('AWS::KMS::Key', 3);
      expect(alerting.trailArn).toBeUndefined();
    });
  });

  test('passes the pattern, rule name, message and retry policy through', () => {
    const pattern = IamEventPattern.cisPolicyChanges();
    const { alerting, template } = alertingIn(newStack(), {
      emails: [EMAIL],
      pattern,
      ruleName: 'cis-policy-changes',
      message: AlertMessage.rawEvent(),
      retryAttempts: 10,
      maxEventAge: Duration.hours(2),
    });
    // A given name does not end with -alerts: the rule is found through the construct.
    const rule = resourceOf(template, alerting.rule).Properties;
    expect(rule.Name).toBe('cis-policy-changes');
    expect(rule.EventPattern).toEqual(JSON.parse(pattern.toJson()));
    expect(rule.Targets[0].InputPath).toBe('$');
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
  });

  test('sends the pipeline alarms to the given health topic, and the alarms of the tamper rules that deliver to it to the alert topic', () => {
    const stack = newStack();
    const opsTopic = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
    const { template, alerting } = alertingIn(stack, { emails: [EMAIL], healthTopic: AlertTopic.existing(opsTopic) });
    expect(alerting.healthTopic).toBe(opsTopic);
    const { watching } = tamperRoutesOf(template);
    const toAlertTopic = new Set(watching.flatMap((route) => route.alarms).map((alarm) => alarm.id));
    expect(toAlertTopic.size).toBe(6);
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')) as Array<[string, any]>;
    expect(alarms).toHaveLength(12);
    for (const [logicalId, alarm] of alarms) {
      const expected = toAlertTopic.has(logicalId) ? alerting.topic.topicArn : opsTopic.topicArn;
      expect(alarm.Properties.AlarmActions).toEqual([stack.resolve(expected)]);
    }
  });
});
