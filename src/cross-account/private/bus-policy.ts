import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkAccountId } from '../../identifiers/organizations';
import { invalidInput } from '../../private/invalid-input';

/**
 * The resource policy of the central bus, built as a plain JSON document.
 *
 * One statement per kind of principal: the organization (`Principal` `*` narrowed by
 * `aws:PrincipalOrgID`) and the listed accounts (their ids as principals). Both allow
 * `events:PutEvents` only, only on this bus, and only for the forwarded sources and detail-types.
 *
 * `events:source` and `events:detail-type` are multivalued keys (`ArrayOfString` in the Service
 * Authorization Reference: one PutEvents request carries up to 10 entries), and IAM requires a set
 * operator on a multivalued key, so both are matched with `ForAllValues:StringEquals`: every event of
 * the request must have one of the forwarded values. AWS's example policy for a central bus
 * writes `events:source` this way, and `events:detail-type` too in one published version of it;
 * the other version's plain `StringEquals` on `events:detail-type` breaks IAM's rule for
 * multivalued keys (an IAM simulator that types keys as the Service Authorization Reference does
 * finds it never matches: test/cross-account/bus-policy-simulation.test.ts).
 *
 * `ForAllValues` also holds when the request has no value for the key, so each statement also
 * requires `events:source` to be present (`Null` false), as AWS's own example for a central bus
 * does. Only `events:source`: the example guards that key alone, and no AWS page says that a
 * rule's delivery to another account's bus carries `events:detail-type` in the request context,
 * so requiring it could refuse every forwarded event. (Were forwarded events refused anyway, the
 * member forwarders' failure alarms and the central heartbeat alarms report it.)
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-example-policy-cross-account-custom-bus-source.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoneventbridge.html#amazoneventbridge-policy-keys
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
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

/**
 * Throws if an entry of the bus policy's account list is not an account id, if the list holds an
 * account twice, or if it holds `central` (the account the bus lives in, which needs no permission
 * on its own bus). Unresolved entries are skipped.
 */
export function checkAccountList(scope: IConstruct, what: string, accounts: string[], central: string): void {
  const seen = new Set<string>();
  for (const account of accounts) {
    checkAccountId(scope, `${what} entry`, account);
    if (Token.isUnresolved(account)) continue;
    if (seen.has(account)) {
      throw invalidInput(scope, `${what} lists account '${account}' twice.`, 'list each account once.');
    }
    seen.add(account);
    if (!Token.isUnresolved(central) && account === central) {
      throw invalidInput(scope,
        `${what} lists '${account}', the account this bus is deployed in.`,
        'remove it: rules in the bus\'s own account need no permission on the bus (an IamEventForwarder there forwards its events).');
    }
  }
}

export const ORGANIZATION_STATEMENT_SID = 'AllowForwardedIamEventsFromOrganization';
export const ACCOUNTS_STATEMENT_SID = 'AllowForwardedIamEventsFromListedAccounts';

/** The guard that makes `ForAllValues` on `events:source` refuse a request without the key. */
const SOURCE_PRESENT = { 'events:source': 'false' };

function oneOrMany(values: string[]): string | string[] {
  return values.length === 1 ? values[0] : values;
}

function eventConditions(input: BusPolicyInput): Record<string, unknown> {
  return {
    'events:source': oneOrMany(input.sources),
    'events:detail-type': oneOrMany(input.detailTypes),
  };
}

/** The policy document (tokens left in place for CloudFormation to resolve). */
export function busPolicyDocument(input: BusPolicyInput): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [];
  if (input.organizationId !== undefined) {
    statements.push({
      Sid: ORGANIZATION_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: input.busArn,
      Condition: {
        'ForAllValues:StringEquals': eventConditions(input),
        'Null': SOURCE_PRESENT,
        'StringEquals': { 'aws:PrincipalOrgID': input.organizationId },
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
      Condition: { 'ForAllValues:StringEquals': eventConditions(input), 'Null': SOURCE_PRESENT },
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
