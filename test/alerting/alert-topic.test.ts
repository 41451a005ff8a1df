import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { newStack } from './test-stacks';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { EncryptedAlertTopic } from '../../src/alerting/encrypted-alert-topic';

const MANAGED_KEY_ARN = 'arn:aws:kms:us-east-1:111111111111:alias/aws/sns';

function refusal(value: string, setting: string): string {
  return `TestStack/Alerts: the alert topic TestStack/Ops is encrypted with the AWS-managed key '${value}' (${setting}), `
    + 'whose key policy cannot let EventBridge or CloudWatch use it: every alert and alarm notification would fail to be delivered, silently. '
    + 'Fix: encrypt the topic with a customer-managed KMS key (masterKey: new kms.Key(...)), or use AlertTopic.create().';
}

function bind(topic: sns.ITopic, id = 'Alerts') {
  return AlertTopic.existing(topic)._bind(new Construct(topic.stack, id));
}

describe('AlertTopic', () => {
  test('create() makes an encrypted topic in the binding scope', () => {
    const stack = newStack();
    const binding = AlertTopic.create()._bind(new Construct(stack, 'Alerts'));
    expect(binding.createdTopic).toBeInstanceOf(EncryptedAlertTopic);
    expect(binding.topic).toBe(binding.createdTopic!.topic);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  describe('existing()', () => {
    test('publishes to the topic and creates nothing', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Ops', { masterKey: new kms.Key(stack, 'OpsKey', { enableKeyRotation: true }) });
      expect(bind(topic)).toEqual({ topic });
      Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
    });

    test('refuses a topic whose masterKey is the alias/aws/sns alias', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Ops', { masterKey: kms.Alias.fromAliasName(stack, 'SnsKey', 'alias/aws/sns') });
      expect(() => bind(topic)).toThrow(refusal('alias/aws/sns', 'masterKey.aliasName'));
    });

    test('refuses an imported topic whose key ARN is the alias/aws/sns alias ARN', () => {
      const stack = newStack();
      const topic = sns.Topic.fromTopicAttributes(stack, 'Ops', { topicArn: 'arn:aws:sns:us-east-1:111111111111:ops', keyArn: MANAGED_KEY_ARN });
      expect(() => bind(topic)).toThrow(refusal(MANAGED_KEY_ARN, 'masterKey.keyArn'));
    });

    test('refuses a masterKey whose key id is the alias/aws/sns alias', () => {
      const stack = newStack();
      const key = kms.Key.fromKeyArn(stack, 'SnsKey', Token.asString({ 'Fn::ImportValue': 'SnsKeyArn' }));
      Object.defineProperty(key, 'keyId', { value: 'alias/aws/sns' });
      const topic = new sns.Topic(stack, 'Ops', { masterKey: key });
      expect(() => bind(topic)).toThrow(refusal('alias/aws/sns', 'masterKey.keyId'));
    });

    test.each([
      ['the alias', 'alias/aws/sns'],
      ['the alias ARN', MANAGED_KEY_ARN],
    ])('refuses a topic of this app whose L1 KmsMasterKeyId is %s', (_what, value) => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Ops');
      (topic.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = value;
      expect(() => bind(topic)).toThrow(refusal(value, 'KmsMasterKeyId'));
    });

    test('accepts an unencrypted topic and a customer-managed alias', () => {
      const stack = newStack();
      const plain = new sns.Topic(stack, 'Plain');
      const aliased = new sns.Topic(stack, 'Aliased', { masterKey: kms.Alias.fromAliasName(stack, 'OpsAlias', 'alias/ops/sns') });
      expect([bind(plain).topic, bind(aliased, 'OtherAlerts').topic]).toEqual([plain, aliased]);
    });

    test('accepts unresolved key references, which only a deployment knows', () => {
      const stack = newStack();
      const imported = sns.Topic.fromTopicAttributes(stack, 'Imported', {
        topicArn: 'arn:aws:sns:us-east-1:111111111111:ops',
        keyArn: Token.asString({ 'Fn::ImportValue': 'OpsKeyArn' }),
      });
      const defined = new sns.Topic(stack, 'Defined');
      (defined.node.defaultChild as sns.CfnTopic).kmsMasterKeyId = Token.asString({ Ref: 'TopicKey' });
      expect([bind(imported).topic, bind(defined, 'OtherAlerts').topic]).toEqual([imported, defined]);
    });
  });
});
