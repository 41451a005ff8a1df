/**
 * Access Analyzer: let every account of the organization generate least-privilege policies from
 * the organization trail's logs.
 *
 * Deploy it in the log-archive account, the owner of the trail's bucket and key, registered as a
 * StackSets delegated administrator (so that it can roll the service role out to the accounts):
 *
 *   aws organizations register-delegated-administrator \
 *     --service-principal member.org.stacksets.cloudformation.amazonaws.com --account-id 222222222222
 *
 * OrgTrailAnalyzerAccess adds to the bucket and key policies the statements of the IAM User
 * Guide: each account's Access Analyzer service role may read that account's own log files, and
 * nothing else. memberRollout gives every account of the units that role,
 * /service-role/AccessAnalyzerMonitorServiceRole, with a service-managed StackSet. Then, in any
 * member account: `npx ts-node policy-generation-request.ts <role ARN>` prints the input of
 * `aws accessanalyzer start-policy-generation`.
 *
 * If the log-archive account cannot create StackSets, drop memberRollout and deploy an
 * AccessAnalyzerServiceRoleRollout from the management account instead.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { OrgTrailAnalyzerAccess } from 'cdk-iam-change-alerts';
import { LOG_ARCHIVE_ACCOUNT, MANAGEMENT_ACCOUNT, MEMBER_OUS, ORGANIZATION_ID, TRAIL_ARN, TRAIL_BUCKET_NAME } from './org-trail';

const app = new App();
const stack = new Stack(app, 'OrgTrailLogArchive', {
  env: { account: LOG_ARCHIVE_ACCOUNT, region: 'us-east-1' },
});

// The organization trail's key and bucket, with the statements that let the trail write: yours
// already exist; add OrgTrailAnalyzerAccess where they are defined.
const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
const trailKey = new kms.Key(stack, 'TrailKey', {
  enableKeyRotation: true,
  removalPolicy: RemovalPolicy.RETAIN,
});
trailKey.addToResourcePolicy(new iam.PolicyStatement({
  principals: [cloudTrail],
  actions: ['kms:GenerateDataKey*'],
  resources: ['*'],
  conditions: {
    StringEquals: { 'aws:SourceArn': TRAIL_ARN },
    StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': `arn:aws:cloudtrail:*:${MANAGEMENT_ACCOUNT}:trail/*` },
  },
}));
const trailBucket = new s3.Bucket(stack, 'TrailBucket', {
  bucketName: TRAIL_BUCKET_NAME,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  versioned: true,
  lifecycleRules: [{ expiration: Duration.days(365) }],
  removalPolicy: RemovalPolicy.RETAIN,
});
trailBucket.addToResourcePolicy(new iam.PolicyStatement({
  principals: [cloudTrail],
  actions: ['s3:GetBucketAcl'],
  resources: [trailBucket.bucketArn],
  conditions: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
}));
trailBucket.addToResourcePolicy(new iam.PolicyStatement({
  principals: [cloudTrail],
  actions: ['s3:PutObject'],
  resources: [
    trailBucket.arnForObjects(`AWSLogs/${MANAGEMENT_ACCOUNT}/*`),
    trailBucket.arnForObjects(`AWSLogs/${ORGANIZATION_ID}/*`),
  ],
  conditions: { StringEquals: { 'aws:SourceArn': TRAIL_ARN, 's3:x-amz-acl': 'bucket-owner-full-control' } },
}));

// What Access Analyzer needs: read access for each account's service role to its own logs (and
// the key to decrypt them), Object Ownership BucketOwnerEnforced, and the role in every account.
new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
  bucket: trailBucket,
  encryptionKey: trailKey,
  organizationId: ORGANIZATION_ID,
  trailArn: TRAIL_ARN,
  memberRollout: { organizationalUnitIds: MEMBER_OUS },
});

app.synth();
