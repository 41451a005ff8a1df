/**
 * The policy statements of the IAM User Guide, "IAM Access Analyzer policy generation", section
 * "Generate a policy using AWS CloudTrail data in another account" (and the AWS Security Blog post
 * "Use IAM Access Analyzer to generate IAM policies based on access activity found in your
 * organization trail", whose bucket path was corrected on January 25, 2024 to include the
 * organization id and the optional prefix), copied verbatim with the placeholders as parameters.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-cross-account
 *
 * The construct must produce exactly these statements (in the `aws` partition; the tests evaluate
 * the template's intrinsic functions for that partition before comparing).
 */

/** The bucket policy statement, with `DOC-EXAMPLE-BUCKET`, `organization-id` and the optional prefix filled in. */
export function documentedBucketStatement(bucketName: string, organizationId: string, prefix?: string): Record<string, unknown> {
  return {
    Sid: 'PolicyGenerationBucketPolicy',
    Effect: 'Allow',
    Principal: {
      AWS: '*',
    },
    Action: [
      's3:GetObject',
      's3:ListBucket',
    ],
    Resource: [
      `arn:aws:s3:::${bucketName}`,
      `arn:aws:s3:::${bucketName}/${prefix === undefined ? '' : `${prefix}/`}AWSLogs/${organizationId}/\${aws:PrincipalAccount}/*`,
    ],
    Condition: {
      StringEquals: {
        'aws:PrincipalOrgID': organizationId,
      },
      StringLike: {
        'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*',
      },
    },
  };
}

/** The key policy statement, with `CROSS_ACCOUNT_ORG_TRAIL_FULL_ARN` and `organization-id` filled in. */
export function documentedKeyStatement(trailArn: string, organizationId: string): Record<string, unknown> {
  return {
    Effect: 'Allow',
    Principal: {
      AWS: '*',
    },
    Action: 'kms:Decrypt',
    Resource: '*',
    Condition: {
      StringEquals: {
        'kms:EncryptionContext:aws:cloudtrail:arn': trailArn,
        'aws:PrincipalOrgID': organizationId,
      },
      StringLike: {
        'kms:ViaService': 's3.*.amazonaws.com',
        'aws:PrincipalArn': 'arn:aws:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*',
      },
    },
  };
}

/**
 * The trust policy statement of the service role in the same guide, section "Permissions required
 * to generate a policy", "Permissions required for service role": it has no condition.
 *
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
 */
export const DOCUMENTED_TRUST_STATEMENT = {
  Effect: 'Allow',
  Principal: {
    Service: 'access-analyzer.amazonaws.com',
  },
  Action: 'sts:AssumeRole',
};
