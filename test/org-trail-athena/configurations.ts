import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { denyGrantsExceptForAwsServices } from '../../src/alerting/private/key-policy-statements';
import { OrgTrailAthena } from '../../src/org-trail-athena';

/**
 * The configurations of `OrgTrailAthena` that the compliance checks (cdk-nag, cfn-guard, cfn-lint)
 * run over. Each builder adds one stack to `app` and returns it.
 */

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const MANAGEMENT_ACCOUNT = '111122223333';
export const LOG_ARCHIVE_ACCOUNT = '222233334444';
export const MEMBER_ACCOUNT = '444455556666';
export const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT_ACCOUNT}:trail/org-trail`;
export const TRAIL_BUCKET_NAME = 'org-trail-logs-222233334444';
export const TRAIL_PREFIX = 'org';
export const TRAIL_KEY_ARN = `arn:aws:kms:us-east-1:${LOG_ARCHIVE_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/**
 * The log-archive account with the trail's bucket and key imported (they belong to the stack that
 * owns the trail), and an analyst role that may query.
 */
export function importedTrailConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'OrgTrailAthenaImported', { env: { account: LOG_ARCHIVE_ACCOUNT, region: 'us-east-1' } });
  const analyst = new iam.Role(stack, 'Analyst', {
    assumedBy: new iam.AccountPrincipal(LOG_ARCHIVE_ACCOUNT),
    description: 'Security analysts who backtest alert patterns on the organization trail',
  });
  const athena = new OrgTrailAthena(stack, 'TrailQueries', {
    bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', TRAIL_BUCKET_NAME),
    encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', TRAIL_KEY_ARN),
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    prefix: TRAIL_PREFIX,
    accounts: [MANAGEMENT_ACCOUNT, LOG_ARCHIVE_ACCOUNT, MEMBER_ACCOUNT],
    regions: ['us-east-1', 'eu-west-1'],
    firstDay: '2024-01-01',
    principal: analyst,
  });
  acknowledgeResultsLogging(athena);
  acknowledgeQueryWildcards(analyst, athena, `arn:<AWS::Partition>:s3:::${TRAIL_BUCKET_NAME}/${TRAIL_PREFIX}/AWSLogs/${ORGANIZATION_ID}/*`);
  return stack;
}

/**
 * The trail's bucket and key defined in the same app (a log-archive stack that owns them), no
 * prefix, a subset of presets, and no principal: `grantQuery` is called afterwards.
 */
export function ownedTrailConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'OrgTrailAthenaOwned', { env: { account: LOG_ARCHIVE_ACCOUNT, region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'TrailKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  key.addToResourcePolicy(denyGrantsExceptForAwsServices());
  const bucket = new s3.Bucket(stack, 'TrailBucket', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    versioned: true,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Stand-in for the organization trail bucket, whose server access logging belongs to the stack that owns the trail.',
  });
  const athena = new OrgTrailAthena(stack, 'TrailQueries', {
    bucket,
    encryptionKey: key,
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    accounts: [MANAGEMENT_ACCOUNT, LOG_ARCHIVE_ACCOUNT],
    regions: ['us-east-1', 'eu-west-1', 'eu-central-1'],
    firstDay: '2023-06-01',
    presets: ['changes', 'authChanges', 'rootUserActivity'],
  });
  acknowledgeResultsLogging(athena);
  const analyst = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountPrincipal(LOG_ARCHIVE_ACCOUNT) });
  athena.grantQuery(analyst);
  acknowledgeQueryWildcards(analyst, athena, `<${stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket)}.Arn>/AWSLogs/${ORGANIZATION_ID}/*`);
  return stack;
}

/**
 * Server access logging of the results bucket is optional (`resultsAccessLogsBucket`): S3 delivers
 * access logs only to a bucket with SSE-S3, which the Control Tower rule on KMS default encryption
 * (CT.S3.PR.10) would flag in turn.
 */
function acknowledgeResultsLogging(athena: OrgTrailAthena): void {
  Validations.of(athena.resultsBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Query results are short-lived copies of records that stay in the trail bucket; their bucket logs access only when resultsAccessLogsBucket is given.',
  });
}

/** The wildcard resources of the query grant, acknowledged with the reason each is needed. */
function acknowledgeQueryWildcards(analyst: iam.Role, athena: OrgTrailAthena, logs: string): void {
  const stack = Stack.of(athena);
  const results = stack.getLogicalId(athena.resultsBucket.node.defaultChild as s3.CfnBucket);
  acknowledgeNagFindings(analyst, {
    [`AwsSolutions-IAM5[Resource::${logs}]`]:
      's3:GetObject on the organization\'s folder of the trail: the query reads any account\'s log files, whose keys are not known in advance.',
    [`AwsSolutions-IAM5[Resource::<${results}.Arn>/results/*]`]:
      'Athena writes each query\'s results under the workgroup\'s output location with names it chooses.',
  });
}

/**
 * Acknowledges cdk-nag findings the way `Validations.of(scope).acknowledge()` records them (cdk-nag 3
 * reads this metadata). `acknowledge()` itself rejects ids with more than one '::'.
 */
function acknowledgeNagFindings(scope: IConstruct, reasons: Record<string, string>): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, reasons);
}

/** Every configuration, by name (for tools that run over all of them, such as cfn-lint). */
export const CONFIGURATIONS: Record<string, (app?: App) => Stack> = {
  importedTrail: importedTrailConfiguration,
  ownedTrail: ownedTrailConfiguration,
};
