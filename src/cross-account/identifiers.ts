import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Checks of the identifiers a cross-account setup is made of: organization ids, account ids and
 * event bus ARNs. Each check names the construct path, the offending value and the fix, and lets
 * an unresolved CDK token through (it is checked again where it resolves, if anywhere).
 */

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Partitions in which an event bus in another region is not a valid rule target. */
const NO_CROSS_REGION_BUS_TARGETS = new Set(['aws-us-gov', 'aws-cn']);

/** Partition of a region name, for the regions whose partition is not `aws`. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** Whether the partition supports event bus targets in another region. */
export function supportsCrossRegionBusTargets(partition: string): boolean {
  return !NO_CROSS_REGION_BUS_TARGETS.has(partition);
}

/** The error every check throws: the construct path first (so the user finds the call), then the problem and the fix. */
export function identifierError(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`${scope.node.path}: ${problem} Fix: ${fix}`);
}

/** Throws unless `value` is an AWS Organizations organization id (`o-` and 10 to 32 characters). */
export function checkOrganizationId(scope: IConstruct, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ORGANIZATION_ID.test(value)) {
    throw identifierError(scope,
      `organizationId '${value}' is not an organization id (${ORGANIZATION_ID.source}).`,
      'pass the id that `aws organizations describe-organization --query Organization.Id` prints.');
  }
}

/** Throws unless `value` is a 12-digit account id. `what` names the property in the message. */
export function checkAccountId(scope: IConstruct, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ACCOUNT_ID.test(value)) {
    throw identifierError(scope,
      `${what} '${value}' is not an AWS account id.`,
      'write the 12 digits, with leading zeros and no dashes or spaces.');
  }
}

/**
 * Throws if the list holds an account twice, or holds `central` (the account the bus lives in,
 * which needs no permission on its own bus). Unresolved entries are skipped.
 */
export function checkAccountList(scope: IConstruct, what: string, accounts: string[], central: string): void {
  const seen = new Set<string>();
  for (const account of accounts) {
    checkAccountId(scope, `${what} entry`, account);
    if (Token.isUnresolved(account)) continue;
    if (seen.has(account)) {
      throw identifierError(scope, `${what} lists account '${account}' twice.`, 'list each account once.');
    }
    seen.add(account);
    if (!Token.isUnresolved(central) && account === central) {
      throw identifierError(scope,
        `${what} lists '${account}', the account this bus is deployed in.`,
        'remove it: rules in the bus\'s own account need no permission on the bus (an IamEventForwarder there forwards its events).');
    }
  }
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/**
 * Throws unless every entry is a region name, in `partition` when that is known. Unresolved
 * entries are skipped.
 */
export function checkRegionList(scope: IConstruct, what: string, regions: string[], partition?: string): void {
  for (const region of regions) {
    if (Token.isUnresolved(region)) continue;
    if (!REGION.test(region)) {
      throw identifierError(scope, `${what} entry '${region}' is not a region name.`, 'write region names such as us-east-2.');
    }
    if (partition !== undefined && partitionOfRegion(region) !== partition) {
      throw identifierError(scope,
        `${what} entry '${region}' is in partition '${partitionOfRegion(region)}', but the central bus is in '${partition}'.`,
        'list regions of the central bus\'s partition only: EventBridge cannot deliver across partitions.');
    }
  }
}

/** The parts of an event bus ARN. */
export interface EventBusArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly busName: string;
}

const EVENT_BUS_ARN = /^arn:([a-z][a-z0-9-]*):events:([a-z]{2}(?:-[a-z]+)+-\d+):(\d{12}):event-bus\/([A-Za-z0-9._\-/]{1,256})$/;

/**
 * Parses an event bus ARN, or returns undefined for an unresolved token. Throws for anything
 * else that is not `arn:<partition>:events:<region>:<account>:event-bus/<name>`, and for a
 * partition that does not belong to the region.
 */
export function parseEventBusArn(scope: IConstruct, what: string, value: string): EventBusArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = EVENT_BUS_ARN.exec(value);
  if (!match) {
    throw identifierError(scope,
      `${what} '${value}' is not an event bus ARN.`,
      'write arn:<partition>:events:<region>:<12-digit account>:event-bus/<bus name> ' +
      '(CrossAccountAlertBus.eventBusArn, or the Arn that `aws events describe-event-bus --name <bus>` prints).');
  }
  const [, partition, region, account, busName] = match;
  const expected = partitionOfRegion(region);
  if (partition !== expected) {
    throw identifierError(scope,
      `${what} '${value}' names partition '${partition}', but region ${region} is in partition '${expected}'.`,
      `write arn:${expected}:events:${region}:... (an event bus target must be in the rule's own partition).`);
  }
  return { partition, region, account, busName };
}
