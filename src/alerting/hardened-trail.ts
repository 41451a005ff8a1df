import { ArnFormat, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { denyGrantsExceptForAwsServices } from './private/key-policy-statements';
import { invalidInput } from '../private/invalid-input';

/**
 * Options for the CloudTrail trail that `AlertTrail.create()` makes.
 */
export interface HardenedTrailProps {
  /**
   * Name of the trail.
   *
   * The name is fixed at synthesis because the bucket and key policies scope CloudTrail's access
   * to this trail's ARN (`aws:SourceArn`), and the trail cannot reference its own ARN before it
   * exists. 3 to 128 characters: letters, digits, `.`, `_` and `-`, starting and ending with a
   * letter or digit.
   *
   * @default - a name derived from the construct path, unique within the app
   */
  readonly trailName?: string;

  /**
   * How long log files are kept in the bucket before they expire.
   *
   * Whole days, at least one. Compliance frameworks commonly ask for a year or more.
   *
   * @default Duration.days(365)
   */
  readonly logRetention?: Duration;

  /**
   * Key prefix for the log files in the bucket, without leading or trailing `/`.
   *
   * @default - no prefix: logs go under `AWSLogs/<account>/`
   */
  readonly s3KeyPrefix?: string;

  /**
   * Bucket that receives the server access logs of the trail bucket.
   *
   * @default - no server access logging (CloudTrail's own records of S3 data events, if you log
   * them elsewhere, are the alternative)
   */
  readonly serverAccessLogsBucket?: s3.IBucket;

  /**
   * Key prefix for the server access logs in `serverAccessLogsBucket`.
   *
   * @default - no prefix
   */
  readonly serverAccessLogsPrefix?: string;
}

/**
 * A CloudTrail trail hardened for security alerting.
 *
 * Records management events (read and write) in every region, including global service events
 * such as IAM, with log-file validation. Log files are encrypted with a customer-managed KMS key
 * (rotation on) whose policy lets only this trail encrypt with it, and land in a bucket with all
 * four Block Public Access settings, TLS-only access, versioning, a lifecycle, ACLs disabled
 * (`BucketOwnerEnforced`) and a policy that lets CloudTrail write only on behalf of this trail
 * (`aws:SourceArn`).
 *
 * aws-cdk-lib's `Trail` is not used because its bucket statements carry no `aws:SourceArn`
 * condition and cannot be removed.
 *
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
 */
export class HardenedTrail extends Construct {
  /** The trail. */
  public readonly trail: cloudtrail.CfnTrail;

  /** ARN of the trail (its home-region ARN). */
  public readonly trailArn: string;

  /** Name of the trail. */
  public readonly trailName: string;

  /** The bucket the log files are delivered to. */
  public readonly bucket: s3.Bucket;

  /** The customer-managed key that encrypts the log files. */
  public readonly encryptionKey: kms.Key;

  constructor(scope: Construct, id: string, props: HardenedTrailProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.trailName = props.trailName ?? Names.uniqueResourceName(this, { maxLength: 128 });
    validateTrailName(this, this.trailName);
    const retentionDays = logRetentionDays(this, props.logRetention ?? Duration.days(365));
    validateKeyPrefix(this, props.s3KeyPrefix);

    this.trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: this.trailName,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');

    this.encryptionKey = new kms.Key(this, 'Key', {
      enableKeyRotation: true,
      description: `Encrypts the log files of CloudTrail trail ${this.trailName}`,
    });
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptLogs',
      effect: iam.Effect.ALLOW,
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': this.trailArn },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
        },
      },
    }));
    this.encryptionKey.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeKey',
      effect: iam.Effect.ALLOW,
      principals: [cloudTrail],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
    }));
    this.encryptionKey.addToResourcePolicy(denyGrantsExceptForAwsServices());

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // CloudTrail encrypts its log files with the trail's key itself (KmsKeyId). The default
      // stays SSE-S3 so writes without encryption headers do not need that key, whose policy
      // admits only this trail's CloudTrail encryption context.
      encryption: s3.BucketEncryption.S3_MANAGED,
      serverAccessLogsBucket: props.serverAccessLogsBucket,
      serverAccessLogsPrefix: props.serverAccessLogsPrefix,
      lifecycleRules: [{
        id: 'ExpireTrailLogs',
        expiration: Duration.days(retentionDays),
        noncurrentVersionExpiration: Duration.days(90),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      }],
    });
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailAclCheck',
      effect: iam.Effect.ALLOW,
      principals: [cloudTrail],
      actions: ['s3:GetBucketAcl'],
      resources: [this.bucket.bucketArn],
      conditions: { StringEquals: { 'aws:SourceArn': this.trailArn } },
    }));
    const prefix = props.s3KeyPrefix ? `${props.s3KeyPrefix}/` : '';
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailWrite',
      effect: iam.Effect.ALLOW,
      principals: [cloudTrail],
      actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`${prefix}AWSLogs/${stack.account}/*`)],
      conditions: {
        StringEquals: {
          'aws:SourceArn': this.trailArn,
          's3:x-amz-acl': 'bucket-owner-full-control',
        },
      },
    }));

    this.trail = new cloudtrail.CfnTrail(this, 'Resource', {
      trailName: this.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.encryptionKey.keyArn,
      s3BucketName: this.bucket.bucketName,
      s3KeyPrefix: props.s3KeyPrefix,
      eventSelectors: [{ includeManagementEvents: true, readWriteType: 'All' }],
    });
    // CloudTrail checks its access to the bucket when the trail is created.
    if (this.bucket.policy) {
      this.trail.node.addDependency(this.bucket.policy);
    }
  }
}

function validateTrailName(scope: Construct, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const problems: string[] = [];
  if (name.length < 3 || name.length > 128) {
    problems.push(`is ${name.length} characters long (allowed: 3 to 128)`);
  }
  if (!/^[A-Za-z0-9._-]*$/.test(name)) {
    problems.push('contains characters other than letters, digits, ".", "_" and "-"');
  }
  if (!/^[A-Za-z0-9]/.test(name) || !/[A-Za-z0-9]$/.test(name)) {
    problems.push('does not start and end with a letter or digit');
  }
  if (/[._-]{2}/.test(name)) {
    problems.push('has adjacent ".", "_" or "-" characters');
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) {
    problems.push('looks like an IP address');
  }
  if (problems.length > 0) {
    throw invalidInput(scope,
      `trailName '${name}' ${problems.join(', ')}.`,
      'use 3 to 128 letters, digits, ".", "_" or "-", starting and ending with a letter or digit (for example \'iam-change-alerts\'), or omit trailName to get a generated one.');
  }
}

function logRetentionDays(scope: Construct, retention: Duration): number {
  if (retention.isUnresolved()) {
    return retention.toDays();
  }
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw invalidInput(scope,
      `logRetention is ${retention.toHumanString()}, which is not a whole number of days of at least one.`,
      'pass logRetention as whole days, for example Duration.days(365).');
  }
  return days;
}

function validateKeyPrefix(scope: Construct, prefix: string | undefined): void {
  if (prefix === undefined || Token.isUnresolved(prefix)) {
    return;
  }
  if (prefix.length === 0 || prefix.startsWith('/') || prefix.endsWith('/') || prefix.length > 200) {
    throw invalidInput(scope,
      `s3KeyPrefix '${prefix}' must be 1 to 200 characters without a leading or trailing '/'.`,
      "write the prefix without slashes at its ends, for example 'cloudtrail', or omit s3KeyPrefix.");
  }
}
