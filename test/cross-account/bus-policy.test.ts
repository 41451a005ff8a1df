import { App, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ACCOUNTS_STATEMENT_SID, BUS_POLICY_QUOTA, busPolicyDocument, checkAccountList, estimatedBusPolicySize, ORGANIZATION_STATEMENT_SID,
} from '../../src/cross-account/private/bus-policy';

const BUS = 'arn:aws:events:eu-west-1:999999999999:event-bus/org-alerts';
const SOURCES = ['aws.iam', 'aws.signin'];
const DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail'];

function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100000000000 + i));
}

/** `ForAllValues` holds for a request that has no value for the key: each statement requires events:source. */
const SOURCE_REQUIRED = { 'events:source': 'false' };

test('organization statement: PutEvents only, this bus only, org condition, both event conditions and events:source required', () => {
  expect(busPolicyDocument({ busArn: BUS, organizationId: 'o-a1b2c3d4e5', accounts: [], sources: SOURCES, detailTypes: DETAIL_TYPES })).toEqual({
    Version: '2012-10-17',
    Statement: [{
      Sid: ORGANIZATION_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': SOURCES, 'events:detail-type': DETAIL_TYPES },
        'Null': SOURCE_REQUIRED,
        'StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' },
      },
    }],
  });
});

test('accounts statement: the accounts as principals, with the event conditions and events:source required', () => {
  expect(busPolicyDocument({ busArn: BUS, accounts: ['111111111111', '222222222222'], sources: ['aws.iam'], detailTypes: ['AWS API Call via CloudTrail'] })).toEqual({
    Version: '2012-10-17',
    Statement: [{
      Sid: ACCOUNTS_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: ['111111111111', '222222222222'] },
      Action: 'events:PutEvents',
      Resource: BUS,
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': 'aws.iam', 'events:detail-type': 'AWS API Call via CloudTrail' },
        'Null': SOURCE_REQUIRED,
      },
    }],
  });
});

test('organization and accounts together give two statements, organization first', () => {
  const doc = busPolicyDocument({ busArn: BUS, organizationId: 'o-a1b2c3d4e5', accounts: ['111111111111'], sources: SOURCES, detailTypes: DETAIL_TYPES });
  expect((doc.Statement as any[]).map(s => s.Sid)).toEqual([ORGANIZATION_STATEMENT_SID, ACCOUNTS_STATEMENT_SID]);
});

test('every statement has a condition, events:source required among them: never a principal of * without one', () => {
  const doc = busPolicyDocument({ busArn: BUS, organizationId: 'o-a1b2c3d4e5', accounts: accounts(3), sources: SOURCES, detailTypes: DETAIL_TYPES });
  expect(doc.Statement).toHaveLength(2);
  for (const statement of doc.Statement as any[]) {
    expect(Object.keys(statement.Condition).length).toBeGreaterThan(0);
    expect(statement.Condition.Null).toEqual(SOURCE_REQUIRED);
    expect(statement.Action).toBe('events:PutEvents');
  }
});

test('the organization condition keeps the policy small whatever the organization size', () => {
  const size = estimatedBusPolicySize({ busArn: BUS, organizationId: 'o-a1b2c3d4e5', accounts: [], sources: SOURCES, detailTypes: DETAIL_TYPES }, 'aws');
  expect(size).toBeLessThan(1_000);
});

test('account principals are counted as root ARNs, so 1,000 accounts exceed the quota', () => {
  const input = { busArn: BUS, accounts: accounts(1_000), sources: SOURCES, detailTypes: DETAIL_TYPES };
  const size = estimatedBusPolicySize(input, 'aws');
  expect(size).toBeGreaterThan(JSON.stringify(busPolicyDocument(input)).length);
  expect(size).toBeGreaterThan(BUS_POLICY_QUOTA);
});

test('about 250 accounts fit under the quota', () => {
  expect(estimatedBusPolicySize({ busArn: BUS, accounts: accounts(250), sources: SOURCES, detailTypes: DETAIL_TYPES }, 'aws')).toBeLessThan(BUS_POLICY_QUOTA);
});

function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Thing');
}

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
