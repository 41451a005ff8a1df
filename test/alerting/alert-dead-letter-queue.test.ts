import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { newStack, onlyResource, statementsOf } from './test-stacks';
import { AlertDeadLetterQueue } from '../../src/alerting/alert-dead-letter-queue';

describe('AlertDeadLetterQueue', () => {
  test('is a standard queue with SQS-managed encryption, 14-day retention, marked as a dead-letter queue', () => {
    const stack = newStack();
    new AlertDeadLetterQueue(stack, 'DeadLetters', { queueName: 'iam-alerts-dlq' });
    const { resource } = onlyResource(Template.fromStack(stack), 'AWS::SQS::Queue');
    expect(resource.Properties).toEqual({
      QueueName: 'iam-alerts-dlq',
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
  });

  test('denies every request that does not use TLS, and grants nothing else until a rule is allowed', () => {
    const stack = newStack();
    new AlertDeadLetterQueue(stack, 'DeadLetters');
    const template = Template.fromStack(stack);
    const { id: queueId } = onlyResource(template, 'AWS::SQS::Queue');
    expect(statementsOf(template, 'AWS::SQS::QueuePolicy')).toEqual([{
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'sqs:*',
      Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }]);
  });

  test('carries its own acknowledgement of cdk-nag AwsSolutions-SQS3 (a queue without a dead-letter queue)', () => {
    const stack = newStack();
    new AlertDeadLetterQueue(stack, 'DeadLetters');
    const findings = new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);
    expect(findings).toEqual([]);
  });
});
