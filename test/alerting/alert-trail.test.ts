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
  ])('existing() rejects %s, naming the path, the value and the fix', (_label, value) => {
    expect(() => AlertTrail.existing(value)._bind(new Construct(newStack(), 'Alerts')))
      .toThrow(`TestStack/Alerts: AlertTrail.existing() trailArn '${value}' is not a CloudTrail trail ARN. `
        + 'Fix: write arn:<partition>:cloudtrail:<home region>:<12-digit account>:trail/<trail name>');
  });

  test('existing() rejects an ARN without an account', () => {
    const value = 'arn:aws:cloudtrail:us-east-1::trail/management-events';
    expect(() => AlertTrail.existing(value)._bind(new Construct(newStack(), 'Alerts')))
      .toThrow(`TestStack/Alerts: AlertTrail.existing() trailArn '${value}' has '' where the 12-digit account id belongs. Fix: write arn:<partition>:cloudtrail:`);
  });

  // ARNs the former pattern (arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:trail/[A-Za-z0-9._-]{3,128}) let through.
  test.each([
    ['a partition that is not an AWS partition', 'arn:awscloud:cloudtrail:us-east-1:111111111111:trail/management-events',
      "names partition 'awscloud', which is not an AWS partition"],
    ['the commercial partition with a GovCloud region', 'arn:aws:cloudtrail:us-gov-west-1:111111111111:trail/management-events',
      "names partition 'aws', but region us-gov-west-1 is in partition 'aws-us-gov'"],
    ['the China partition with a commercial region', 'arn:aws-cn:cloudtrail:us-east-1:111111111111:trail/management-events',
      "names partition 'aws-cn', but region us-east-1 is in partition 'aws'"],
    ['an availability zone as the region', 'arn:aws:cloudtrail:us-east-1a:111111111111:trail/management-events',
      "has 'us-east-1a' where the trail's home region belongs"],
    ['a region without hyphens', 'arn:aws:cloudtrail:useast1:111111111111:trail/management-events',
      "has 'useast1' where the trail's home region belongs"],
    ['a trail name starting with a hyphen', 'arn:aws:cloudtrail:us-east-1:111111111111:trail/-management-events',
      "has trail name '-management-events', which CloudTrail does not allow"],
    ['a trail name ending with an underscore', 'arn:aws:cloudtrail:us-east-1:111111111111:trail/management_',
      "has trail name 'management_', which CloudTrail does not allow"],
    ['a trail name with two separators in a row', 'arn:aws:cloudtrail:us-east-1:111111111111:trail/management..events',
      "has trail name 'management..events', which CloudTrail does not allow"],
  ])('existing() rejects %s, which the strict trail ARN parser refuses', (_label, value, problem) => {
    expect(() => AlertTrail.existing(value)._bind(new Construct(newStack(), 'Alerts')))
      .toThrow(`TestStack/Alerts: AlertTrail.existing() trailArn '${value}' ${problem}`);
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
