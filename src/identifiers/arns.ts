import { Token } from 'aws-cdk-lib';
import { ACCOUNT_ID_SYNTAX, isAccountId } from './organizations';
import { isPartition, partitionOfRegion, REGION_NAME, REGION_NAME_SYNTAX } from './regions';
import { invalidInput, ValueSource } from '../private/invalid-input';

/**
 * ARNs the constructs are configured with: CloudTrail trails, IAM roles and users, KMS keys and
 * event buses. Each parser returns the ARN's parts, returns undefined for an unresolved CDK token,
 * and throws for anything else that is not such an ARN, or whose partition does not own its region.
 */

/** `arn:<partition>:cloudtrail:<region>:<account>:trail/<name>`. */
const TRAIL_ARN = /^arn:([^:]*):cloudtrail:([^:]*):([^:]*):trail\/(.*)$/;
/** CloudTrail trail names: 3 to 128 characters, letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit. */
const TRAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$/;
/** `arn:<partition>:iam::<account>:<role|user|...>/<path/name>`. */
const IAM_ARN = /^arn:([^:]*):iam::([^:]*):([a-z-]+)\/(.+)$/;
/** IAM entity names and path segments: letters, digits and `+=,.@_-`. */
const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_PATH_SEGMENT = /^[\x21-\x2e\x30-\x7e]+$/;
/** `arn:<partition>:sts::<account>:assumed-role/<role name>/<session>`. */
const ASSUMED_ROLE_ARN = /^arn:([^:]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/;
/** `arn:<partition>:kms:<region>:<account>:key/<key id>`. */
const KMS_KEY_ARN = /^arn:([^:]*):kms:([^:]*):([^:]*):key\/([A-Za-z0-9-]+)$/;
/** `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
const EVENT_BUS_ARN = new RegExp(
  `^arn:([a-z][a-z0-9-]*):events:(${REGION_NAME_SYNTAX}):(${ACCOUNT_ID_SYNTAX}):event-bus\\/([A-Za-z0-9._\\-/]{1,256})$`);

/**
 * Throws unless `partition`, read from the ARN `arn` (of `service`), is an AWS partition and the
 * one `region` belongs to.
 */
function checkPartitionMatchesRegion(where: ValueSource, what: string, arn: string, service: string, partition: string, region: string): void {
  if (!isPartition(partition)) {
    throw invalidInput(where, `${what} '${arn}' names partition '${partition}', which is not an AWS partition.`,
      'write aws, aws-cn, aws-us-gov, or another aws-* partition after arn:.');
  }
  const expected = partitionOfRegion(region);
  if (partition !== expected) {
    throw invalidInput(where, `${what} '${arn}' names partition '${partition}', but region ${region} is in partition '${expected}'.`,
      `write arn:${expected}:${service}:${region}:... .`);
  }
}

/**
 * Throws if `arnPartition` (of the ARN `arn`, given as `what`) differs from `expectedPartition`, the
 * partition of `expectedFrom` (the stack, or another ARN); `why` says why they must agree. Either
 * being an unresolved token skips the check.
 */
export function checkSamePartition(
  where: ValueSource, what: string, arn: string, arnPartition: string, expectedPartition: string, expectedFrom: string, why: string,
): void {
  if (Token.isUnresolved(arnPartition) || Token.isUnresolved(expectedPartition)) return;
  if (arnPartition !== expectedPartition) {
    throw invalidInput(where,
      `${what} '${arn}' is in partition '${arnPartition}', but ${expectedFrom} is in partition '${expectedPartition}'.`,
      `use a ${what} in partition '${expectedPartition}' (${why}), or deploy to a region of partition '${arnPartition}'.`);
  }
}

/** The parts of a CloudTrail trail ARN. */
export interface TrailArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly trailName: string;
}

/** Parses a trail ARN, or returns undefined for an unresolved token; throws for anything else that is not one. */
export function parseTrailArn(where: ValueSource, what: string, value: string): TrailArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const fix = 'write arn:<partition>:cloudtrail:<home region>:<12-digit account>:trail/<trail name>, '
    + 'as `aws cloudtrail describe-trails --query "trailList[].TrailARN"` prints it.';
  const match = TRAIL_ARN.exec(value);
  if (!match) {
    throw invalidInput(where, `${what} '${value}' is not a CloudTrail trail ARN.`, fix);
  }
  const [, partition, region, account, trailName] = match;
  if (!REGION_NAME.test(region)) {
    throw invalidInput(where, `${what} '${value}' has '${region}' where the trail's home region belongs.`, fix);
  }
  checkPartitionMatchesRegion(where, what, value, 'cloudtrail', partition, region);
  if (!isAccountId(account)) {
    throw invalidInput(where, `${what} '${value}' has '${account}' where the 12-digit account id belongs.`, fix);
  }
  if (!TRAIL_NAME.test(trailName) || /[._-]{2}/.test(trailName)) {
    throw invalidInput(where, `${what} '${value}' has trail name '${trailName}', which CloudTrail does not allow.`,
      'trail names have 3 to 128 letters, digits, ".", "_" or "-", start and end with a letter or digit, and have no two of ".", "_", "-" in a row.');
  }
  return { partition, region, account, trailName };
}

/** The parts of an IAM role or user ARN. */
export interface IamPrincipalArnParts {
  readonly partition: string;
  readonly account: string;
  /** `role` or `user`. */
  readonly kind: string;
  /** The path, with leading and trailing `/` (`/` when there is none). */
  readonly path: string;
  readonly name: string;
}

/**
 * Parses the ARN of an IAM role or user, or returns undefined for an unresolved token. With
 * `rolesOnly`, a user ARN is rejected too. An STS assumed-role ARN is rejected with the role ARN to
 * use instead.
 */
export function parseIamPrincipalArn(where: ValueSource, what: string, value: string, rolesOnly: boolean): IamPrincipalArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const expected = rolesOnly ? 'an IAM role ARN' : 'the ARN of an IAM role or user';
  const shape = rolesOnly
    ? 'arn:<partition>:iam::<12-digit account>:role/<optional path/><role name>'
    : 'arn:<partition>:iam::<12-digit account>:role/<optional path/><role name> or ...:user/<optional path/><user name>';
  const assumed = ASSUMED_ROLE_ARN.exec(value);
  if (assumed) {
    const [, partition, account, roleName] = assumed;
    throw invalidInput(where, `${what} '${value}' is an STS session (assumed-role) ARN, not ${expected}.`,
      `use the role's own ARN, arn:${partition}:iam::${account}:role/${roleName} (with the role's path before the name if it has one: \`aws iam get-role --role-name ${roleName} --query Role.Arn\`).`);
  }
  const match = IAM_ARN.exec(value);
  if (!match) {
    throw invalidInput(where, `${what} '${value}' is not ${expected}.`, `write ${shape}.`);
  }
  const [, partition, account, kind, pathAndName] = match;
  if (kind !== 'role' && (rolesOnly || kind !== 'user')) {
    throw invalidInput(where, `${what} '${value}' names an IAM ${kind}, not ${rolesOnly ? 'a role' : 'a role or a user'}.`,
      rolesOnly
        ? 'pass the ARN of an IAM role.'
        : 'policy generation works on one role or user: pass its ARN (for a group, generate for each member, or for the roles they assume).');
  }
  if (!isPartition(partition)) {
    throw invalidInput(where, `${what} '${value}' names partition '${partition}', which is not an AWS partition.`, `write ${shape}.`);
  }
  if (!isAccountId(account)) {
    throw invalidInput(where, `${what} '${value}' has '${account}' where the 12-digit account id belongs.`, `write ${shape}.`);
  }
  const segments = pathAndName.split('/');
  const name = segments[segments.length - 1];
  const pathSegments = segments.slice(0, -1);
  if (!IAM_NAME.test(name) || pathSegments.some(segment => !IAM_PATH_SEGMENT.test(segment))) {
    throw invalidInput(where, `${what} '${value}' has '${pathAndName}', which is not a valid IAM ${kind} path and name.`,
      `write ${shape}; names have 1 to 64 letters, digits or "+=,.@_-".`);
  }
  const path = pathSegments.length === 0 ? '/' : `/${pathSegments.join('/')}/`;
  return { partition, account, kind, path, name };
}

/** The parts of a KMS key ARN. */
export interface KmsKeyArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** Parses a KMS key ARN, or returns undefined for an unresolved token; alias ARNs and key ids are rejected. */
export function parseKmsKeyArn(where: ValueSource, what: string, value: string): KmsKeyArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const fix = 'write the key ARN, arn:<partition>:kms:<region>:<12-digit account>:key/<key id> '
    + '(`aws kms describe-key --key-id <alias or id> --query KeyMetadata.Arn` prints it): '
    + 'IAM matches key permissions against the key ARN, never an alias.';
  const match = KMS_KEY_ARN.exec(value);
  if (!match) {
    throw invalidInput(where, `${what} '${value}' is not a KMS key ARN.`, fix);
  }
  const [, partition, region, account] = match;
  if (!REGION_NAME.test(region) || !isAccountId(account)) {
    throw invalidInput(where, `${what} '${value}' is not a KMS key ARN.`, fix);
  }
  checkPartitionMatchesRegion(where, what, value, 'kms', partition, region);
  return { partition, region, account };
}

/** The parts of an event bus ARN. */
export interface EventBusArnParts {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly busName: string;
}

/**
 * Parses an event bus ARN, or returns undefined for an unresolved token. Throws for anything
 * else that is not `arn:<partition>:events:<region>:<account>:event-bus/<name>`, and for a
 * partition that does not belong to the region.
 */
export function parseEventBusArn(where: ValueSource, what: string, value: string): EventBusArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = EVENT_BUS_ARN.exec(value);
  if (!match) {
    throw invalidInput(where,
      `${what} '${value}' is not an event bus ARN.`,
      'write arn:<partition>:events:<region>:<12-digit account>:event-bus/<bus name> ' +
      '(CrossAccountAlertBus.eventBusArn, or the Arn that `aws events describe-event-bus --name <bus>` prints).');
  }
  const [, partition, region, account, busName] = match;
  checkPartitionMatchesRegion(where, what, value, 'events', partition, region);
  return { partition, region, account, busName };
}
