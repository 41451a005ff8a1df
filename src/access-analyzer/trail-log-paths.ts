import { Token } from 'aws-cdk-lib';

/**
 * Checks of the identifiers that IAM Access Analyzer policy generation is configured with:
 * organization ids, account ids, trail, role, user and key ARNs, S3 key prefixes and regions.
 *
 * Every check lets an unresolved CDK token through, and every error names where the value came
 * from (a construct path, or the class of a pure builder), the offending value and the fix.
 */

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const PARTITION = /^aws(?:-[a-z]+)*$/;

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

/** CloudTrail's limit on `S3KeyPrefix`. */
const MAX_PREFIX_LENGTH = 200;

/** The error every check throws: where the value came from, the problem, then the fix. */
export function invalidValue(where: string, problem: string, fix: string): Error {
  return new Error(`${where}: ${problem} Fix: ${fix}`);
}

/** Partition of a region, from its name. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/** Throws unless `value` is an AWS Organizations organization id. */
export function checkOrganizationId(where: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ORGANIZATION_ID.test(value)) {
    throw invalidValue(where,
      `organizationId '${value}' is not an organization id (${ORGANIZATION_ID.source}).`,
      'pass the id that `aws organizations describe-organization --query Organization.Id` prints (o- and 10 to 32 lower-case letters or digits).');
  }
}

/** Throws unless `value` names an AWS region (`us-east-1`, `eu-central-2`, `us-gov-west-1`, ...). */
export function checkRegion(where: string, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!REGION.test(value)) {
    throw invalidValue(where, `${what} '${value}' is not an AWS region name.`,
      'write a region code such as us-east-1 or eu-central-1 (not a display name, not an availability zone).');
  }
}

function checkPartitionMatchesRegion(where: string, what: string, arn: string, partition: string, region: string): void {
  if (!PARTITION.test(partition)) {
    throw invalidValue(where, `${what} '${arn}' names partition '${partition}', which is not an AWS partition.`,
      'write aws, aws-cn, aws-us-gov, or another aws-* partition after arn:.');
  }
  const expected = partitionOfRegion(region);
  if (partition !== expected) {
    throw invalidValue(where, `${what} '${arn}' names partition '${partition}', but region ${region} is in partition '${expected}'.`,
      `write arn:${expected}:... .`);
  }
}

/**
 * Throws if `arnPartition` differs from `expectedPartition` (the partition of the stack or of another
 * ARN). Either being an unresolved token skips the check.
 */
export function checkSamePartition(
  where: string, what: string, arn: string, arnPartition: string, expectedPartition: string, expectedFrom: string,
): void {
  if (Token.isUnresolved(arnPartition) || Token.isUnresolved(expectedPartition)) return;
  if (arnPartition !== expectedPartition) {
    throw invalidValue(where,
      `${what} '${arn}' is in partition '${arnPartition}', but ${expectedFrom} is in partition '${expectedPartition}'.`,
      `use a ${what} in partition '${expectedPartition}' (IAM Access Analyzer cannot read logs across partitions), or deploy to a region of partition '${arnPartition}'.`);
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
export function parseTrailArn(where: string, what: string, value: string): TrailArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const fix = 'write arn:<partition>:cloudtrail:<home region>:<12-digit account>:trail/<trail name>, '
    + 'as `aws cloudtrail describe-trails --query "trailList[].TrailARN"` prints it.';
  const match = TRAIL_ARN.exec(value);
  if (!match) {
    throw invalidValue(where, `${what} '${value}' is not a CloudTrail trail ARN.`, fix);
  }
  const [, partition, region, account, trailName] = match;
  if (!REGION.test(region)) {
    throw invalidValue(where, `${what} '${value}' has '${region}' where the trail's home region belongs.`, fix);
  }
  checkPartitionMatchesRegion(where, what, value, partition, region);
  if (!ACCOUNT_ID.test(account)) {
    throw invalidValue(where, `${what} '${value}' has '${account}' where the 12-digit account id belongs.`, fix);
  }
  if (!TRAIL_NAME.test(trailName) || /[._-]{2}/.test(trailName)) {
    throw invalidValue(where, `${what} '${value}' has trail name '${trailName}', which CloudTrail does not allow.`,
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
export function parseIamPrincipalArn(where: string, what: string, value: string, rolesOnly: boolean): IamPrincipalArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const expected = rolesOnly ? 'an IAM role ARN' : 'the ARN of an IAM role or user';
  const shape = rolesOnly
    ? 'arn:<partition>:iam::<12-digit account>:role/<optional path/><role name>'
    : 'arn:<partition>:iam::<12-digit account>:role/<optional path/><role name> or ...:user/<optional path/><user name>';
  const assumed = ASSUMED_ROLE_ARN.exec(value);
  if (assumed) {
    const [, partition, account, roleName] = assumed;
    throw invalidValue(where, `${what} '${value}' is an STS session (assumed-role) ARN, not ${expected}.`,
      `use the role's own ARN, arn:${partition}:iam::${account}:role/${roleName} (with the role's path before the name if it has one: \`aws iam get-role --role-name ${roleName} --query Role.Arn\`).`);
  }
  const match = IAM_ARN.exec(value);
  if (!match) {
    throw invalidValue(where, `${what} '${value}' is not ${expected}.`, `write ${shape}.`);
  }
  const [, partition, account, kind, pathAndName] = match;
  if (kind !== 'role' && (rolesOnly || kind !== 'user')) {
    throw invalidValue(where, `${what} '${value}' names an IAM ${kind}, not ${rolesOnly ? 'a role' : 'a role or a user'}.`,
      rolesOnly
        ? 'pass the ARN of an IAM role.'
        : 'policy generation works on one role or user: pass its ARN (for a group, generate for each member, or for the roles they assume).');
  }
  if (!PARTITION.test(partition)) {
    throw invalidValue(where, `${what} '${value}' names partition '${partition}', which is not an AWS partition.`, `write ${shape}.`);
  }
  if (!ACCOUNT_ID.test(account)) {
    throw invalidValue(where, `${what} '${value}' has '${account}' where the 12-digit account id belongs.`, `write ${shape}.`);
  }
  const segments = pathAndName.split('/');
  const name = segments[segments.length - 1];
  const pathSegments = segments.slice(0, -1);
  if (!IAM_NAME.test(name) || pathSegments.some(segment => !IAM_PATH_SEGMENT.test(segment))) {
    throw invalidValue(where, `${what} '${value}' has '${pathAndName}', which is not a valid IAM ${kind} path and name.`,
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
export function parseKmsKeyArn(where: string, what: string, value: string): KmsKeyArnParts | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const fix = 'write the key ARN, arn:<partition>:kms:<region>:<12-digit account>:key/<key id> '
    + '(`aws kms describe-key --key-id <alias or id> --query KeyMetadata.Arn` prints it): '
    + 'IAM matches key permissions against the key ARN, never an alias.';
  const match = KMS_KEY_ARN.exec(value);
  if (!match) {
    throw invalidValue(where, `${what} '${value}' is not a KMS key ARN.`, fix);
  }
  const [, partition, region, account] = match;
  if (!REGION.test(region) || !ACCOUNT_ID.test(account)) {
    throw invalidValue(where, `${what} '${value}' is not a KMS key ARN.`, fix);
  }
  checkPartitionMatchesRegion(where, what, value, partition, region);
  return { partition, region, account };
}

/**
 * Throws unless `value` is usable as the trail's S3 key prefix inside a policy ARN: no leading
 * or trailing `/`, no empty segment, at most 200 characters, and none of `*`, `?` or `$` (IAM would
 * read them as wildcards or a policy variable, widening the grant).
 */
export function checkS3KeyPrefix(where: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length === 0) {
    throw invalidValue(where, 'prefix is the empty string.',
      'leave prefix out when the trail writes directly under AWSLogs/.');
  }
  if (value.startsWith('/') || value.endsWith('/')) {
    const trimmed = value.replace(/^\/+|\/+$/g, '');
    throw invalidValue(where, `prefix '${value}' starts or ends with '/'.`,
      trimmed.length > 0
        ? `write '${trimmed}': the trail's S3KeyPrefix without slashes (the '/' before AWSLogs/ is added for you).`
        : 'leave prefix out when the trail writes directly under AWSLogs/.');
  }
  if (value.includes('//')) {
    throw invalidValue(where, `prefix '${value}' has an empty segment ('//').`,
      `write '${value.replace(/\/{2,}/g, '/')}', exactly as the trail's S3KeyPrefix (\`aws cloudtrail get-trail --name <trail> --query Trail.S3KeyPrefix\`).`);
  }
  if (/[*?$]/.test(value)) {
    throw invalidValue(where, `prefix '${value}' contains '*', '?' or '$', which IAM reads as a wildcard or a policy variable in the resource ARN.`,
      'use the trail\'s literal S3KeyPrefix; CloudTrail prefixes need none of these characters.');
  }
  if (value.length > MAX_PREFIX_LENGTH) {
    throw invalidValue(where, `prefix '${value}' is ${value.length} characters long; CloudTrail allows at most ${MAX_PREFIX_LENGTH}.`,
      'use the trail\'s S3KeyPrefix as CloudTrail stores it.');
  }
}

/** `[prefix/]AWSLogs/<organization id>/<account>/`: where an organization trail writes one account's logs. */
export function accountLogsPath(prefix: string | undefined, organizationId: string, account: string): string {
  return `${prefix === undefined ? '' : `${prefix}/`}AWSLogs/${organizationId}/${account}/`;
}
