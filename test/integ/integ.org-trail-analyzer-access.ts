/**
 * Integration snapshot: IAM Access Analyzer policy generation from an organization trail. The
 * log-archive stack (a StackSets delegated administrator) grants access on the trail's bucket and
 * key and rolls the service role out to every account of the organization with a StackSet
 * (`memberRollout`); StackSets skip the management account, so the management stack gives it the
 * role as an ordinary resource.
 *
 * `npx projen integ` checks the
 * committed snapshot, `npx projen integ:update` rewrites it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AccessAnalyzerServiceRole, OrgTrailAnalyzerAccess } from '../../src';

const organizationId = 'o-a1b2c3d4e5';
const trailArn = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail';

const app = new App();

const logArchive = new Stack(app, 'OrgTrailAnalyzerAccessLogArchive', { env: { region: 'us-east-1' } });
const key = new kms.Key(logArchive, 'TrailKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
const bucket = new s3.Bucket(logArchive, 'TrailBucket', {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  encryption: s3.BucketEncryption.KMS,
  encryptionKey: key,
  enforceSSL: true,
  versioned: true,
  lifecycleRules: [{ expiration: Duration.days(365) }],
  removalPolicy: RemovalPolicy.DESTROY,
});
new OrgTrailAnalyzerAccess(logArchive, 'AnalyzerAccess', {
  bucket,
  organizationId,
  trailArn,
  encryptionKey: key,
  prefix: 'org',
  memberRollout: { organizationalUnitIds: ['r-ab12'] },
});

const management = new Stack(app, 'OrgTrailAnalyzerAccessManagement');
new AccessAnalyzerServiceRole(management, 'AnalyzerRole', {
  organizationId,
  trailArn,
  bucketName: 'org-trail-logs-111122223333',
  prefix: 'org',
  encryptionKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
});

new IntegTest(app, 'OrgTrailAnalyzerAccessTest', {
  testCases: [logArchive, management],
  regions: ['us-east-1'],
});
app.synth();
