import { Token } from 'aws-cdk-lib';

/**
 * The resource policy of the central bus, built as a plain JSON document.
 *
 * One statement per kind of principal: the organization (`Principal` `*` narrowed by
 * `aws:PrincipalOrgID`) and the listed accounts (their ids as principals). Both allow
 * `events:PutEvents` only, only on this bus, and only for the forwarded sources and detail-types:
 * `ForAllValues:StringEquals` on `events:source` and `StringEquals` on `events:detail-type`, the
 * forms of AWS's own example policy for a central bus ("Send events to a custom bus in a
 * different account").
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account-custom-bus-source.html
 */

/** EventBridge's quota on one event bus resource policy, in characters. */
export const BUS_POLICY_QUOTA = 10_240;

export interface BusPolicyInput {
  readonly busArn: string;
  readonly organizationId?: string;
  readonly accounts: string[];
  readonly sources: string[];
  readonly detailTypes: string[];
}

export const ORGANIZATION_STATEMENT_SID = 'AllowForwardedIamEventsFromOrganization';
export const ACCOUNTS_STATEMENT_SID = 'AllowForwardedIamEventsFromListedAccounts';

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

function eventConditions(input: BusPolicyInput): Record<string, Record<string, unknown>> {
  return {
    'ForAllValues:StringEquals': { 'events:source': oneOrMany(input.sources) },
    'StringEquals': { 'events:detail-type': oneOrMany(input.detailTypes) },
  };
}

/** The policy document (tokens left in place for CloudFormation to resolve). */
export function busPolicyDocument(input: BusPolicyInput): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  if (input.organizationId !== undefined) {
    const conditions = eventConditions(input);
    statements.push({
      Sid: ORGANIZATION_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: input.busArn,
      Condition: {
        ...conditions,
        StringEquals: { 'aws:PrincipalOrgID': input.organizationId, ...conditions.StringEquals },
      },
    });
  }
  if (input.accounts.length > 0) {
    statements.push({
      Sid: ACCOUNTS_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: oneOrMany(input.accounts) },
      Action: 'events:PutEvents',
      Resource: input.busArn,
      Condition: eventConditions(input),
    });
  }
  return { Version: '2012-10-17', Statement: statements };
}

/**
 * The size the policy will have once deployed, in characters, as an upper estimate.
 *
 * Account principals are counted as the `arn:<partition>:iam::<account>:root` ARNs IAM stores
 * them as, and every unresolved value as the longest it can resolve to (a bus ARN in the
 * longest partition and region with a 256-character name, a 34-character organization id, a
 * 12-digit account), so a policy that passes here fits once deployed.
 */
export function estimatedBusPolicySize(input: BusPolicyInput, partition: string): number {
  const longestPartition = Token.isUnresolved(partition) ? 'aws-iso-b' : partition;
  const estimate: BusPolicyInput = {
    busArn: Token.isUnresolved(input.busArn)
      ? `arn:${longestPartition}:events:ap-southeast-7:123456789012:event-bus/${'b'.repeat(256)}`
      : input.busArn,
    organizationId: input.organizationId === undefined ? undefined
      : Token.isUnresolved(input.organizationId) ? `o-${'x'.repeat(32)}` : input.organizationId,
    accounts: input.accounts.map(() => `arn:${longestPartition}:iam::123456789012:root`),
    sources: input.sources,
    detailTypes: input.detailTypes,
  };
  return JSON.stringify(busPolicyDocument(estimate)).length;
}
