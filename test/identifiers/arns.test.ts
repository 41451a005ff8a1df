import { App, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { parseEventBusArn } from '../../src/identifiers/arns';

function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Thing');
}

describe('parseEventBusArn', () => {
  test('parses a commercial bus ARN', () => {
    expect(parseEventBusArn(scope(), 'centralBusArn', 'arn:aws:events:eu-west-1:111122223333:event-bus/org-alerts')).toEqual({
      partition: 'aws', region: 'eu-west-1', account: '111122223333', busName: 'org-alerts',
    });
  });
  test('parses GovCloud and China ARNs', () => {
    expect(parseEventBusArn(scope(), 'centralBusArn', 'arn:aws-us-gov:events:us-gov-west-1:111122223333:event-bus/b')?.partition).toBe('aws-us-gov');
    expect(parseEventBusArn(scope(), 'centralBusArn', 'arn:aws-cn:events:cn-north-1:111122223333:event-bus/b')?.partition).toBe('aws-cn');
  });
  test.each([
    'arn:aws:events:eu-west-1:111122223333:rule/org-alerts',
    'arn:aws:sqs:eu-west-1:111122223333:queue',
    'arn:aws:events:eu-west-1:1111:event-bus/b',
    'arn:aws:events::111122223333:event-bus/b',
    'org-alerts',
  ])('rejects malformed %p', (value) => {
    expect(() => parseEventBusArn(scope(), 'centralBusArn', value))
      .toThrow(`Stack/Thing: centralBusArn '${value}' is not an event bus ARN. Fix: write arn:<partition>:events:`);
  });
  test('rejects a partition that does not own the region', () => {
    expect(() => parseEventBusArn(scope(), 'centralBusArn', 'arn:aws:events:cn-north-1:111122223333:event-bus/b'))
      .toThrow("names partition 'aws', but region cn-north-1 is in partition 'aws-cn'. Fix: write arn:aws-cn:events:cn-north-1:");
    expect(() => parseEventBusArn(scope(), 'centralBusArn', 'arn:aws-cn:events:us-east-1:111122223333:event-bus/b'))
      .toThrow("region us-east-1 is in partition 'aws'");
  });
  test('returns undefined for an unresolved token', () => {
    expect(parseEventBusArn(scope(), 'centralBusArn', Token.asString({ Ref: 'BusArn' }))).toBeUndefined();
  });
});
