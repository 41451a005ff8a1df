import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { newStack } from './test-stacks';
import { AlertTrail } from '../../src/alerting/alert-trail';
import { HardenedTrail } from '../../src/alerting/hardened-trail';

describe('AlertTrail', () => {
  test('create() makes a hardened trail in the binding scope and reports its ARN', () => {
    const stack = newStack();
    const scope = new Construct(stack, 'Alerts');
    const binding = AlertTrail.create({ trailName: 'iam-alerts' })._bind(scope);
    expect(binding.createdTrail).toBeInstanceOf(HardenedTrail);
    expect(binding.createdTrail!.node.path).toBe('TestStack/Alerts/Trail');
    expect(binding.trailArn).toBe(binding.createdTrail!.trailArn);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudTrail::Trail', { TrailName: 'iam-alerts' });
  });

  test('existing() creates nothing and reports the given ARN', () => {
    const stack = newStack();
    const arn = 'arn:aws:cloudtrail:us-east-1:111111111111:trail/management-events';
    const binding = AlertTrail.existing(arn)._bind(new Construct(stack, 'Alerts'));
    expect(binding).toEqual({ trailArn: arn });
    Template.fromStack(stack).resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  test('existing() accepts an ARN in another partition', () => {
    const arn = 'arn:aws-us-gov:cloudtrail:us-gov-west-1:111111111111:trail/org.trail_1';
    expect(AlertTrail.existing(arn)._bind(new Construct(newStack(), 'Alerts')).trailArn).toBe(arn);
  });

  test.each([
    ['a trail name instead of an ARN', 'management-events'],
    ['an ARN of another service', 'arn:aws:s3:::my-trail-bucket'],
    ['an ARN without an account', 'arn:aws:cloudtrail:us-east-1::trail/management-events'],
  ])('existing() rejects %s, naming the path, the value and the fix', (_label, value) => {
    expect(() => AlertTrail.existing(value)._bind(new Construct(newStack(), 'Alerts')))
      .toThrow(`TestStack/Alerts: AlertTrail.existing() got '${value}', which is not a CloudTrail trail ARN. Fix: pass the trail's ARN`);
  });

  test('existing() accepts an unresolved ARN', () => {
    const arn = Token.asString({ 'Fn::ImportValue': 'TrailArn' });
    expect(AlertTrail.existing(arn)._bind(new Construct(newStack(), 'Alerts')).trailArn).toBe(arn);
  });

  test('organizationTrail() creates nothing and knows no ARN', () => {
    const stack = newStack();
    expect(AlertTrail.organizationTrail()._bind(new Construct(stack, 'Alerts'))).toEqual({});
    expect(Template.fromStack(stack).toJSON().Resources).toBeUndefined();
  });
});
