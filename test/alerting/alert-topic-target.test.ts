import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { newStack, onlyResource, statementsOf } from './test-stacks';
import { AlertDeadLetterQueue } from '../../src/alerting/alert-dead-letter-queue';
import { AlertMessage } from '../../src/alerting/alert-message';
import { AlertTopicTarget } from '../../src/alerting/alert-topic-target';
import { EncryptedAlertTopic } from '../../src/alerting/encrypted-alert-topic';

function ruleIn(stack: Stack): events.Rule {
  return new events.Rule(stack, 'Rule', { eventPattern: { source: ['aws.iam'] } });
}

function targetOf(template: Template): any {
  return onlyResource(template, 'AWS::Events::Rule').resource.Properties.Targets[0];
}

describe('AlertTopicTarget', () => {
  test('lets only its rule publish to the topic', () => {
    const stack = newStack();
    const topic = new EncryptedAlertTopic(stack, 'Alerts').topic;
    const rule = ruleIn(stack);
    rule.addTarget(new AlertTopicTarget(topic));
    const template = Template.fromStack(stack);
    expect(statementsOf(template, 'AWS::SNS::TopicPolicy')).toContainEqual({
      Sid: `AllowPublishFromRule${Names.nodeUniqueId(rule.node)}`,
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sns:Publish',
      Resource: stack.resolve(topic.topicArn),
      Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(rule.ruleArn) } },
    });
  });

  test('leaves no EventBridge grant on the topic without the rule condition (unlike targets.SnsTopic)', () => {
    const stack = newStack();
    const topic = new EncryptedAlertTopic(stack, 'Alerts').topic;
    ruleIn(stack).addTarget(new AlertTopicTarget(topic));
    const eventBridgeStatements = statementsOf(Template.fromStack(stack), 'AWS::SNS::TopicPolicy')
      .filter((statement) => statement.Principal?.Service === 'events.amazonaws.com');
    expect(eventBridgeStatements).toHaveLength(1);
    expect(eventBridgeStatements[0].Condition.ArnEquals['aws:SourceArn']).toBeDefined();
  });

  test("lets EventBridge use the topic's key, with no aws:SourceArn or aws:SourceAccount condition", () => {
    const stack = newStack();
    const encrypted = new EncryptedAlertTopic(stack, 'Alerts');
    ruleIn(stack).addTarget(new AlertTopicTarget(encrypted.topic));
    expect(statementsOf(Template.fromStack(stack), 'AWS::KMS::Key')).toContainEqual({
      Sid: 'AllowEventBridgeToPublishToEncryptedTopic',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Resource: '*',
    });
  });

  test('adds the key statement once when two rules publish to the same topic', () => {
    const stack = newStack();
    const encrypted = new EncryptedAlertTopic(stack, 'Alerts');
    new events.Rule(stack, 'First', { eventPattern: { source: ['aws.iam'] } }).addTarget(new AlertTopicTarget(encrypted.topic));
    new events.Rule(stack, 'Second', { eventPattern: { source: ['aws.signin'] } }).addTarget(new AlertTopicTarget(encrypted.topic));
    const template = Template.fromStack(stack);
    expect(statementsOf(template, 'AWS::KMS::Key').filter((s) => s.Principal?.Service === 'events.amazonaws.com')).toHaveLength(1);
    expect(statementsOf(template, 'AWS::SNS::TopicPolicy').filter((s) => s.Principal?.Service === 'events.amazonaws.com')).toHaveLength(2);
  });

  test('lets only its rule send to the dead-letter queue', () => {
    const stack = newStack();
    const topic = new EncryptedAlertTopic(stack, 'Alerts').topic;
    const queue = new AlertDeadLetterQueue(stack, 'DeadLetters').queue;
    const rule = ruleIn(stack);
    rule.addTarget(new AlertTopicTarget(topic, { deadLetterQueue: queue }));
    const template = Template.fromStack(stack);
    expect(statementsOf(template, 'AWS::SQS::QueuePolicy')).toContainEqual({
      Sid: `AllowSendFromRule${Names.nodeUniqueId(rule.node)}`,
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: stack.resolve(queue.queueArn),
      Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(rule.ruleArn) } },
    });
    expect(targetOf(template).DeadLetterConfig).toEqual({ Arn: stack.resolve(queue.queueArn) });
  });

  test('writes the maximum retry policy into the template by default', () => {
    const stack = newStack();
    ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic')));
    expect(targetOf(Template.fromStack(stack)).RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
  });

  test('uses the given retry policy', () => {
    const stack = newStack();
    ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { retryAttempts: 0, maxEventAge: Duration.minutes(1) }));
    expect(targetOf(Template.fromStack(stack)).RetryPolicy).toEqual({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('sends the readable message by default', () => {
    const stack = newStack();
    ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic')));
    const transformer = targetOf(Template.fromStack(stack)).InputTransformer;
    expect(transformer.InputTemplate).toMatch(/^"IAM change alert: <detail-eventName> in account <account>"\n/);
    expect(transformer.InputPathsMap['detail-userIdentity-arn']).toBe('$.detail.userIdentity.arn');
  });

  test('sends the given message', () => {
    const stack = newStack();
    ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { message: AlertMessage.rawEvent() }));
    const target = targetOf(Template.fromStack(stack));
    expect(target.InputPath).toBe('$');
    expect(target.InputTransformer).toBeUndefined();
  });

  test('uses no IAM role: SNS authorizes EventBridge through the topic policy', () => {
    const stack = newStack();
    ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic')));
    const template = Template.fromStack(stack);
    expect(targetOf(template).RoleArn).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Role', 0);
  });

  describe('with an imported topic', () => {
    test('warns that the topic policy must be added by hand, naming the rule ARN condition', () => {
      const stack = newStack();
      const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:111111111111:security-alerts');
      ruleIn(stack).addTarget(new AlertTopicTarget(topic));
      Annotations.fromStack(stack).hasWarning('/TestStack/Rule', Match.stringLikeRegexp(
        'arn:aws:sns:us-east-1:111111111111:security-alerts is not defined in this CDK app.*sns:Publish.*ArnEquals aws:SourceArn.*'
        + 'kms:GenerateDataKey\\* and kms:Decrypt, without aws:SourceArn or aws:SourceAccount conditions.*'
        + 'cdk-iam-change-alerts:addTopicPolicyManually'));
    });

    test('warns that the key policy must be added by hand when only the key is imported', () => {
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
      const topic = new sns.Topic(stack, 'Topic', { masterKey: key });
      ruleIn(stack).addTarget(new AlertTopicTarget(topic));
      Annotations.fromStack(stack).hasWarning('/TestStack/Rule', Match.stringLikeRegexp(
        "The alert topic's key arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab is not defined.*"
        + 'cdk-iam-change-alerts:addTopicKeyPolicyManually'));
    });

    test('warns that the dead-letter queue policy must be added by hand for an imported queue', () => {
      const stack = newStack();
      const queue = sqs.Queue.fromQueueArn(stack, 'Queue', 'arn:aws:sqs:us-east-1:111111111111:alert-dlq');
      ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { deadLetterQueue: queue }));
      Annotations.fromStack(stack).hasWarning('/TestStack/Rule', Match.stringLikeRegexp(
        'dead-letter queue arn:aws:sqs:us-east-1:111111111111:alert-dlq is not defined.*sqs:SendMessage.*ArnEquals aws:SourceArn.*'
        + 'cdk-iam-change-alerts:addQueuePolicyManually'));
    });

    test('does not warn for a topic and key defined in the app', () => {
      const stack = newStack();
      ruleIn(stack).addTarget(new AlertTopicTarget(new EncryptedAlertTopic(stack, 'Alerts').topic));
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    });
  });

  describe('rejects', () => {
    test('a topic in another region, naming the path, both regions and the fix', () => {
      const stack = newStack();
      const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:eu-west-1:111111111111:security-alerts');
      expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(topic))).toThrow(
        'TestStack/Rule: the topic is in region eu-west-1 but the rule is in us-east-1; this target delivers only to an SNS '
        + "topic or SQS queue in the rule's own region. Fix: use a topic in us-east-1.");
    });

    test('a topic in another account, naming the path, both accounts and the fix', () => {
      const stack = newStack();
      const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:222222222222:security-alerts');
      expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(topic))).toThrow(
        /^TestStack\/Rule: the topic is in account 222222222222 but the rule is in 111111111111;.*Fix: use a topic in account 111111111111/);
    });

    test('a dead-letter queue in another region', () => {
      const stack = newStack();
      const queue = sqs.Queue.fromQueueArn(stack, 'Queue', 'arn:aws:sqs:us-west-2:111111111111:alert-dlq');
      expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { deadLetterQueue: queue })))
        .toThrow(/^TestStack\/Rule: the dead-letter queue is in region us-west-2 but the rule is in us-east-1;.*Fix: use a dead-letter queue in us-east-1\.$/);
    });

    test.each([-1, 186, 2.5])('%d retry attempts, naming the value and the range', (retryAttempts) => {
      const stack = newStack();
      expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { retryAttempts })))
        .toThrow(`TestStack/Rule: retryAttempts is ${retryAttempts}; EventBridge accepts a whole number from 0 to 185. Fix:`);
    });

    test.each([Duration.seconds(59), Duration.hours(25), Duration.millis(60500)])('a maximum event age of %s', (maxEventAge) => {
      const stack = newStack();
      expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(new sns.Topic(stack, 'Topic'), { maxEventAge })))
        .toThrow(/^TestStack\/Rule: maxEventAge is .*; EventBridge accepts whole seconds from 1 minute to 24 hours\. Fix:/);
    });
  });

  test('accepts unresolved retry attempts and a topic whose region is unknown', () => {
    const stack = newStack({});
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', Token.asString({ 'Fn::ImportValue': 'AlertTopicArn' }));
    const retryAttempts = Token.asNumber({ Ref: 'RetryAttempts' });
    expect(() => ruleIn(stack).addTarget(new AlertTopicTarget(topic, { retryAttempts }))).not.toThrow();
  });
});
