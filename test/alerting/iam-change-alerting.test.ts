import { Annotations as ConstructAnnotations, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { newStack, onlyResource, statementsOf } from './test-stacks';
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

function ruleOf(template: Template): any {
  return onlyResource(template, 'AWS::Events::Rule').resource.Properties;
}

describe('IamChangeAlerting', () => {
  describe('by default', () => {
    test('matches the IAM changes preset on the default bus', () => {
      const { template } = alertingIn(newStack());
      const rule = ruleOf(template);
      expect(rule.EventPattern).toEqual(JSON.parse(IamEventPattern.changes().toJson()));
      expect(rule.EventBusName).toBeUndefined();
      expect(rule.State).toBe('ENABLED');
      expect(rule.Description).toBe(`IAM change alerts: ${IamEventPattern.changes().description}`);
    });

    test('creates one hardened trail, an encrypted topic, a dead-letter queue and three alarms', () => {
      const { template } = alertingIn(newStack());
      template.resourceCountIs('AWS::CloudTrail::Trail', 1);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.resourceCountIs('AWS::KMS::Key', 2);
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
      template.resourceCountIs('AWS::IAM::Role', 0);
    });

    test('exposes the rule, topic, key, queue, trail and alarms', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      expect(stack.resolve(alerting.rule.ruleArn)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'AWS::Events::Rule').id, 'Arn'] });
      expect(stack.resolve(alerting.topic.topicArn)).toEqual({ Ref: onlyResource(template, 'AWS::SNS::Topic').id });
      expect(stack.resolve(onlyResource(template, 'AWS::SNS::Topic').resource.Properties.KmsMasterKeyId))
        .toEqual(stack.resolve(alerting.topicKey!.keyArn));
      expect(stack.resolve(alerting.deadLetterQueue.queueArn)).toEqual({ 'Fn::GetAtt': [onlyResource(template, 'AWS::SQS::Queue').id, 'Arn'] });
      expect(alerting.trail!.trailName).toBe(onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.TrailName);
      expect(alerting.trailArn).toBe(alerting.trail!.trailArn);
      expect(alerting.alarms).toEqual(alerting.deliveryAlarms.alarms);
      expect(alerting.alarms).toHaveLength(3);
      expect(alerting.pattern.description).toBe(IamEventPattern.changes().description);
    });

    test('subscribes the email address to the alert topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      expect(onlyResource(template, 'AWS::SNS::Subscription').resource.Properties).toEqual({
        Protocol: 'email',
        Endpoint: EMAIL,
        TopicArn: stack.resolve(alerting.topic.topicArn),
      });
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

    test('allows exactly TLS-only publishing, the rule and the alarms on the topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const topicArn = stack.resolve(alerting.topic.topicArn);
      expect(statementsOf(template, 'AWS::SNS::TopicPolicy')).toEqual([
        {
          Sid: 'AllowPublishThroughSSLOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        {
          Sid: expect.stringMatching(/^AllowPublishFromRule/),
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
        },
        {
          Sid: expect.stringMatching(/^AllowPublishFromAlarmsOf/),
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: topicArn,
          Condition: { ArnEquals: { 'aws:SourceArn': alerting.alarms.map((alarm) => stack.resolve(alarm.alarmArn)) } },
        },
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

    test('lets only the rule send to the dead-letter queue', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      const allows = statementsOf(template, 'AWS::SQS::QueuePolicy').filter((statement) => statement.Effect === 'Allow');
      expect(allows).toEqual([{
        Sid: expect.stringMatching(/^AllowSendFromRule/),
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: stack.resolve(alerting.deadLetterQueue.queueArn),
        Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
      }]);
    });

    test('sends the alarms to the alert topic', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack);
      for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
        expect(alarm.Properties.AlarmActions).toEqual([stack.resolve(alerting.topic.topicArn)]);
      }
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
          + 'a rule in eu-west-1 would never fire. Fix: deploy this stack in us-east-1 (env: { region: \'us-east-1\' }), '
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
    test('are subscribed once each, duplicates removed ignoring case, first spelling kept', () => {
      const stack = newStack();
      const { alerting, template } = alertingIn(stack, {
        emails: ['Security@Example.com', 'ops@example.com', 'security@example.COM', 'ops@example.com'],
      });
      expect(alerting.emails).toEqual(['Security@Example.com', 'ops@example.com']);
      const endpoints = Object.values(template.findResources('AWS::SNS::Subscription')).map((s: any) => s.Properties.Endpoint);
      expect(endpoints).toEqual(['Security@Example.com', 'ops@example.com']);
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
        .toThrow('TestStack/IamAlerts: no alert destination: no emails, no subscriptions and no existing topic, so alerts would reach nobody. '
          + "Fix: pass emails: ['security@example.com'], subscriptions, or topic: AlertTopic.existing(yourTopic); "
          + 'or set allowNoDestination: true if you subscribe to the topic yourself.');
    });

    test('may be left out when the caller opts out', () => {
      const { template } = alertingIn(newStack(), { allowNoDestination: true });
      template.resourceCountIs('AWS::SNS::Subscription', 0);
      template.resourceCountIs('AWS::Events::Rule', 1);
    });

    test('may be other subscriptions', () => {
      const stack = newStack();
      const queue = sqs.Queue.fromQueueArn(stack, 'Inbox', 'arn:aws:sqs:us-east-1:111111111111:alert-inbox');
      const { template } = alertingIn(stack, { subscriptions: [new subscriptions.SqsSubscription(queue)] });
      expect(onlyResource(template, 'AWS::SNS::Subscription').resource.Properties).toMatchObject({
        Protocol: 'sqs',
        Endpoint: 'arn:aws:sqs:us-east-1:111111111111:alert-inbox',
      });
    });

    test('may be an existing topic, which gets the scoped grants and no new topic or key', () => {
      const stack = newStack();
      const key = new kms.Key(stack, 'OpsKey', { enableKeyRotation: true });
      const topic = new sns.Topic(stack, 'OpsTopic', { masterKey: key });
      const { alerting, template } = alertingIn(stack, { topic: AlertTopic.existing(topic) });
      expect(alerting.topic).toBe(topic);
      expect(alerting.topicKey).toBeUndefined();
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.resourceCountIs('AWS::KMS::Key', 2);
      expect(statementsOf(template, 'AWS::SNS::TopicPolicy')).toContainEqual(expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
      }));
      const opsKeyStatements = template.toJSON().Resources[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
      expect(opsKeyStatements.map((statement: any) => statement.Sid).filter(Boolean))
        .toEqual(['AllowEventBridgeToPublishToEncryptedTopic', 'AllowCloudWatchToPublishToEncryptedTopic']);
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

    test('may be the organization trail: nothing is created', () => {
      const { alerting, template } = alertingIn(newStack(), { emails: [EMAIL], trail: AlertTrail.organizationTrail() });
      template.resourceCountIs('AWS::CloudTrail::Trail', 0);
      template.resourceCountIs('AWS::KMS::Key', 1);
      expect(alerting.trailArn).toBeUndefined();
    });
  });

  test('passes the pattern, rule name, message and retry policy through', () => {
    const pattern = IamEventPattern.cisPolicyChanges();
    const { template } = alertingIn(newStack(), {
      emails: [EMAIL],
      pattern,
      ruleName: 'cis-policy-changes',
      message: AlertMessage.rawEvent(),
      retryAttempts: 10,
      maxEventAge: Duration.hours(2),
    });
    const rule = ruleOf(template);
    expect(rule.Name).toBe('cis-policy-changes');
    expect(rule.EventPattern).toEqual(JSON.parse(pattern.toJson()));
    expect(rule.Targets[0].InputPath).toBe('$');
    expect(rule.Targets[0].RetryPolicy).toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
  });

  test('sends the alarms to the given alarm topic instead', () => {
    const stack = newStack();
    const opsTopic = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
    const { template } = alertingIn(stack, { emails: [EMAIL], alarmTopic: opsTopic });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')) as any[]) {
      expect(alarm.Properties.AlarmActions).toEqual([stack.resolve(opsTopic.topicArn)]);
    }
  });
});
