import { App, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  checkAccountId, checkAccountList, checkOrganizationId, parseEventBusArn, partitionOfRegion, supportsCrossRegionBusTargets,
} from '../../src/cross-account/identifiers';

function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Thing');
}

describe('checkOrganizationId', () => {
  test('accepts an organization id', () => {
    expect(() => checkOrganizationId(scope(), 'o-a1b2c3d4e5')).not.toThrow();
  });
  test.each(['o-short', 'O-ABCDEFGHIJ', 'a1b2c3d4e5', 'o-abcdefghij ', `o-${'a'.repeat(33)}`])('rejects %p naming path, value and fix', (value) => {
    expect(() => checkOrganizationId(scope(), value)).toThrow(new RegExp(`^Stack/Thing: organizationId '${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' .* Fix: .*describe-organization`));
  });
  test('lets an unresolved token through', () => {
    expect(() => checkOrganizationId(scope(), Token.asString({ Ref: 'OrgId' }))).not.toThrow();
  });
});

describe('checkAccountId', () => {
  test('accepts 12 digits', () => {
    expect(() => checkAccountId(scope(), 'accounts entry', '012345678901')).not.toThrow();
  });
  test.each(['12345678901', '1234-5678-9012', 'abcdefghijkl', '1234567890123'])('rejects %p', (value) => {
    expect(() => checkAccountId(scope(), 'accounts entry', value)).toThrow(`Stack/Thing: accounts entry '${value}' is not an AWS account id.`);
  });
});

describe('checkAccountList', () => {
  test('rejects an account listed twice', () => {
    expect(() => checkAccountList(scope(), 'accounts', ['111111111111', '222222222222', '111111111111'], '999999999999'))
      .toThrow("Stack/Thing: accounts lists account '111111111111' twice. Fix: list each account once.");
  });
  test('rejects the central account', () => {
    expect(() => checkAccountList(scope(), 'accounts', ['111111111111', '999999999999'], '999999999999'))
      .toThrow(/accounts lists '999999999999', the account this bus is deployed in\. Fix: remove it/);
  });
  test('skips the central-account check when the central account is a token', () => {
    expect(() => checkAccountList(scope(), 'accounts', ['999999999999'], Token.asString({ Ref: 'AWS::AccountId' }))).not.toThrow();
  });
  test('lets unresolved entries through, even twice', () => {
    const token = Token.asString({ Ref: 'Member' });
    expect(() => checkAccountList(scope(), 'accounts', [token, token], '999999999999')).not.toThrow();
  });
});

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

describe('partitions', () => {
  test('maps regions to partitions', () => {
    expect(['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'us-iso-east-1', 'us-isob-east-1'].map(partitionOfRegion))
      .toEqual(['aws', 'aws-us-gov', 'aws-cn', 'aws-iso', 'aws-iso-b']);
  });
  test('cross-region bus targets are unsupported in GovCloud and China only', () => {
    expect(['aws', 'aws-us-gov', 'aws-cn'].map(supportsCrossRegionBusTargets)).toEqual([true, false, false]);
  });
});
