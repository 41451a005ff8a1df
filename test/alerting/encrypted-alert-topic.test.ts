import { Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { newStack, onlyResource, statementsOf } from './test-stacks';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { EncryptedAlertTopic } from '../../src/alerting/encrypted-alert-topic';

describe('EncryptedAlertTopic', () => {
  test('encrypts the topic with its own customer-managed key, which has rotation on', () => {
    const stack = newStack();
    new EncryptedAlertTopic(stack, 'Alerts');
    const template = Template.fromStack(stack);
    const { id: keyId, resource: key } = onlyResource(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(onlyResource(template, 'AWS::SNS::Topic').resource.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('shows "IAM change alerts" as the sender unless told otherwise', () => {
    const stack = newStack();
    new EncryptedAlertTopic(stack, 'Default');
    new EncryptedAlertTopic(stack, 'Named', { displayName: 'Prod IAM alerts', topicName: 'prod-iam-alerts' });
    const topics = Object.values(Template.fromStack(stack).findResources('AWS::SNS::Topic')).map((topic: any) => topic.Properties);
    expect(topics).toEqual([
      expect.objectContaining({ DisplayName: 'IAM change alerts' }),
      expect.objectContaining({ DisplayName: 'Prod IAM alerts', TopicName: 'prod-iam-alerts' }),
    ]);
  });

  test('denies publishing without TLS', () => {
    const stack = newStack();
    new EncryptedAlertTopic(stack, 'Alerts');
    const template = Template.fromStack(stack);
    const { id: topicId } = onlyResource(template, 'AWS::SNS::Topic');
    expect(statementsOf(template, 'AWS::SNS::TopicPolicy')).toEqual([{
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }]);
  });

  test('grants no service anything on its own: its key holds only the account and the grant restriction', () => {
    const stack = newStack();
    new EncryptedAlertTopic(stack, 'Alerts');
    const statements = statementsOf(Template.fromStack(stack), 'AWS::KMS::Key');
    expect(statements.map((statement) => statement.Sid ?? statement.Principal.AWS)).toEqual([
      { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
      'DenyGrantsExceptForAwsServices',
    ]);
  });
});

describe('AlertTopic', () => {
  test('create() makes an encrypted topic in the binding scope', () => {
    const stack = newStack();
    const binding = AlertTopic.create()._bind(new Construct(stack, 'Alerts'));
    expect(binding.createdTopic).toBeInstanceOf(EncryptedAlertTopic);
    expect(binding.createdTopic!.node.path).toBe('TestStack/Alerts/Topic');
    expect(binding.topic).toBe(binding.createdTopic!.topic);
  });

  test('existing() creates nothing and hands back the given topic', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Existing', 'arn:aws:sns:us-east-1:111111111111:security-alerts');
    const binding = AlertTopic.existing(topic)._bind(new Construct(stack, 'Alerts'));
    expect(binding).toEqual({ topic });
    expect(Template.fromStack(stack).toJSON().Resources).toBeUndefined();
  });
});
