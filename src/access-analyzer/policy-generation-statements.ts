import * as iam from 'aws-cdk-lib/aws-iam';
import { accountLogsPath } from './trail-log-paths';

/**
 * The resource-policy statements of the IAM User Guide, "Generate a policy using AWS CloudTrail
 * data in another account", with the partition and the KMS endpoint suffix filled in.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-cross-account
 */

/**
 * The IAM policy variable for the account of the calling principal. It has to reach the policy
 * literally: CDK writes string concatenations as `Fn::Join`, which leaves it alone (inside an
 * `Fn::Sub` it would have to be written `${!aws:PrincipalAccount}`).
 */
export const PRINCIPAL_ACCOUNT = '${aws:PrincipalAccount}';

/** Name prefix and path that IAM Access Analyzer's service roles have, and the statements admit. */
export const SERVICE_ROLE_NAME_PREFIX = 'AccessAnalyzerMonitorServiceRole';
export const SERVICE_ROLE_PATH = '/service-role/';

/** Sid of the bucket statement, as in the IAM User Guide. */
export const BUCKET_STATEMENT_SID = 'PolicyGenerationBucketPolicy';

/** `arn:<partition>:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*`. */
export function serviceRoleArnPattern(partition: string): string {
  return `arn:${partition}:iam::${PRINCIPAL_ACCOUNT}:role${SERVICE_ROLE_PATH}${SERVICE_ROLE_NAME_PREFIX}*`;
}

/** Inputs of the bucket statement. */
export interface BucketStatementInputs {
  readonly bucketArn: string;
  readonly organizationId: string;
  readonly prefix?: string;
  readonly partition: string;
}

/**
 * Lets the Access Analyzer service role of any account of the organization list the bucket and
 * read the log files of its own account, and nothing else.
 */
export function bucketStatement(inputs: BucketStatementInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: BUCKET_STATEMENT_SID,
    effect: iam.Effect.ALLOW,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:GetObject', 's3:ListBucket'],
    resources: [
      inputs.bucketArn,
      `${inputs.bucketArn}/${accountLogsPath(inputs.prefix, inputs.organizationId, PRINCIPAL_ACCOUNT)}*`,
    ],
    conditions: {
      StringEquals: { 'aws:PrincipalOrgID': inputs.organizationId },
      StringLike: { 'aws:PrincipalArn': serviceRoleArnPattern(inputs.partition) },
    },
  });
}

/** Inputs of the key statement. */
export interface KeyStatementInputs {
  readonly trailArn: string;
  readonly organizationId: string;
  readonly partition: string;
  /** The endpoint suffix of the partition (`amazonaws.com`, `amazonaws.com.cn`, ...). */
  readonly urlSuffix: string;
}

/**
 * Lets the same roles decrypt, through S3 only, what this trail encrypted. The IAM User Guide writes
 * `s3.*.amazonaws.com`; the URL suffix makes it right in every partition.
 */
export function keyStatement(inputs: KeyStatementInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    effect: iam.Effect.ALLOW,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:Decrypt'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'kms:EncryptionContext:aws:cloudtrail:arn': inputs.trailArn,
        'aws:PrincipalOrgID': inputs.organizationId,
      },
      StringLike: {
        'kms:ViaService': `s3.*.${inputs.urlSuffix}`,
        'aws:PrincipalArn': serviceRoleArnPattern(inputs.partition),
      },
    },
  });
}
