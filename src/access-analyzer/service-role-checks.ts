import { Token } from 'aws-cdk-lib';
import type { AccessAnalyzerServiceRoleProps } from './access-analyzer-service-role';
import { SERVICE_ROLE_NAME_PREFIX } from './policy-generation-statements';
import { checkS3KeyPrefix } from './trail-log-paths';
import { checkSamePartition, KmsKeyArnParts, parseKmsKeyArn, parseTrailArn, TrailArnParts } from '../identifiers/arns';
import { checkOrganizationId } from '../identifiers/organizations';
import { invalidInput } from '../private/invalid-input';

/**
 * Checks of the organization trail values the Access Analyzer constructs are built from: those of
 * `OrgTrailAnalyzerAccess`, and the properties of `AccessAnalyzerServiceRole`, shared by the role
 * and by `AccessAnalyzerServiceRoleRollout`, which runs them in the central app (where the values
 * are still literals, and the error can name the rollout) before they become StackSet parameters.
 */

/** Why a trail or key ARN must be in the stack's partition. */
const ACROSS_PARTITIONS = 'IAM Access Analyzer cannot read logs across partitions';

/** What a role name may contain, and how long it may be. */
const ROLE_NAME_CHARACTERS = /^[\w+=,.@-]*$/;
const MAX_ROLE_NAME_LENGTH = 64;

/** S3 general purpose bucket names: 3 to 63 lower-case letters, digits, `.` and `-`. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** The values that locate an organization trail's logs. */
export interface OrganizationTrailValues {
  readonly organizationId: string;
  readonly trailArn: string;
  readonly prefix?: string;
}

/**
 * Throws, naming `where`, the value and the fix, for an organization id, trail S3 key prefix or
 * trail ARN that policies cannot be built from, and for a trail ARN of another partition than
 * `partition` (the partition of the stack named `stackName`; an unresolved partition skips that
 * check). Returns the parsed trail ARN, undefined where it is an unresolved token.
 */
export function checkOrganizationTrail(
  where: string, values: OrganizationTrailValues, partition: string, stackName: string,
): TrailArnParts | undefined {
  checkOrganizationId(where, values.organizationId);
  checkS3KeyPrefix(where, values.prefix);
  const trail = parseTrailArn(where, 'trailArn', values.trailArn);
  if (trail) {
    checkSamePartition(where, 'trailArn', values.trailArn, trail.partition, partition, `stack ${stackName}`, ACROSS_PARTITIONS);
  }
  return trail;
}

/** The parsed ARNs of checked properties (undefined where the value is an unresolved token or absent). */
export interface CheckedServiceRoleProps {
  readonly trail?: TrailArnParts;
  readonly key?: KmsKeyArnParts;
}

/**
 * Throws, naming `where`, the value and the fix, for any property a service role could not be built
 * from, and for a trail or key ARN of another partition than `partition` (the partition of the
 * stack named `stackName`; an unresolved partition skips that check).
 */
export function checkServiceRoleProps(
  where: string, props: AccessAnalyzerServiceRoleProps, partition: string, stackName: string,
): CheckedServiceRoleProps {
  const trail = checkOrganizationTrail(where, props, partition, stackName);
  checkBucketName(where, props.bucketName);
  checkRoleNameSuffix(where, props.roleNameSuffix ?? '');
  const key = props.encryptionKeyArn === undefined ? undefined : parseKmsKeyArn(where, 'encryptionKeyArn', props.encryptionKeyArn);
  if (key) {
    checkSamePartition(where, 'encryptionKeyArn', props.encryptionKeyArn!, key.partition, partition, `stack ${stackName}`, ACROSS_PARTITIONS);
  }
  return { trail, key };
}

function checkRoleNameSuffix(where: string, suffix: string): void {
  if (Token.isUnresolved(suffix)) return;
  const maxSuffix = MAX_ROLE_NAME_LENGTH - SERVICE_ROLE_NAME_PREFIX.length;
  if (!ROLE_NAME_CHARACTERS.test(suffix)) {
    const cleaned = suffix.replace(/[^\w+=,.@-]/g, '');
    throw invalidInput(where, `roleNameSuffix '${suffix}' has characters IAM role names cannot have.`,
      `use only letters, digits and "+=,.@_-"${cleaned.length > 0 ? `, for example '${cleaned.slice(0, maxSuffix)}'` : ''}.`);
  }
  if (suffix.length > maxSuffix) {
    throw invalidInput(where,
      `roleNameSuffix '${suffix}' is ${suffix.length} characters long; after '${SERVICE_ROLE_NAME_PREFIX}' (${SERVICE_ROLE_NAME_PREFIX.length}) at most ${maxSuffix} fit in a role name (${MAX_ROLE_NAME_LENGTH}).`,
      `shorten it, for example to '${suffix.slice(0, maxSuffix)}'.`);
  }
}

/** Throws unless `bucketName` is an S3 general purpose bucket name (not an ARN). */
export function checkBucketName(where: string, bucketName: string): void {
  if (Token.isUnresolved(bucketName)) return;
  if (bucketName.startsWith('arn:')) {
    const name = bucketName.split(':').pop();
    throw invalidInput(where, `bucketName '${bucketName}' is an ARN.`, `pass the name alone${name ? `, '${name}'` : ''}.`);
  }
  if (!BUCKET_NAME.test(bucketName)) {
    throw invalidInput(where, `bucketName '${bucketName}' is not an S3 bucket name.`,
      'pass the name of the organization trail\'s bucket (`aws cloudtrail get-trail --name <trail> --query Trail.S3BucketName`): 3 to 63 lower-case letters, digits, "." or "-".');
  }
}
