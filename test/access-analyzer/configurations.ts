import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { AccessAnalyzerServiceRole } from '../../src/access-analyzer/access-analyzer-service-role';
import { AccessAnalyzerServiceRoleRollout } from '../../src/access-analyzer/access-analyzer-service-role-rollout';
import { OrgTrailAnalyzerAccess } from '../../src/access-analyzer/org-trail-analyzer-access';
import { StackSetCaller } from '../../src/org-rollout/organization-stack-set';

/**
 * The configurations of the access-analyzer constructs that the compliance checks (cdk-nag,
 * cfn-guard, cfn-lint) and the policy simulation run over. Each builder adds one stack to `app`
 * (a new App when none is given) and returns it; the values below are the sample organization the
 * tests use.
 */

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const MANAGEMENT_ACCOUNT = '111122223333';
export const TRAIL_REGION = 'us-east-1';
export const TRAIL_ARN = `arn:aws:cloudtrail:${TRAIL_REGION}:${MANAGEMENT_ACCOUNT}:trail/org-trail`;
export const TRAIL_BUCKET_NAME = 'org-trail-logs-111122223333';
export const TRAIL_PREFIX = 'org';
export const TRAIL_KEY_ARN = `arn:aws:kms:${TRAIL_REGION}:${MANAGEMENT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
/** The organization's root: a rollout to it reaches every account but the management account. */
export const ROOT_ID = 'r-ab12';
/** A log-archive account that is also the StackSets delegated administrator. */
export const LOG_ARCHIVE_ACCOUNT = '222233334444';

/**
 * How the object path of a StackSet member template's role appears in cdk-nag findings: the StackSet
 * parameters by name.
 */
const MEMBER_TEMPLATE_LOGS = 'arn:<AWS::Partition>:s3:::<TrailBucketName>/<TrailPrefix>/AWSLogs/<OrganizationId>/<AWS::AccountId>/*';

/**
 * The log-archive side with a bucket and key defined in the app: the statements go into the bucket
 * and key policies, and the bucket's Object Ownership is set.
 */
export function ownedTrailBucketConfiguration(app: App = new App()): Stack {
  return ownedTrailBucketStack(app, 'OwnedTrailBucket', MANAGEMENT_ACCOUNT);
}

/**
 * The log-archive account owns the bucket and key and is the StackSets delegated administrator:
 * one OrgTrailAnalyzerAccess grants the access and rolls the service role out to the whole
 * organization (memberRollout), the bucket name and key ARN passed to the member template as
 * StackSet parameters.
 */
export function bucketOwnerRolloutConfiguration(app: App = new App()): Stack {
  return ownedTrailBucketStack(app, 'BucketOwnerRollout', LOG_ARCHIVE_ACCOUNT, { organizationalUnitIds: [ROOT_ID] });
}

function ownedTrailBucketStack(app: App, id: string, account: string, memberRollout?: { organizationalUnitIds: string[] }): Stack {
  const stack = new Stack(app, id, { env: { account, region: TRAIL_REGION } });
  const key = new kms.Key(stack, 'TrailKey', {
    enableKeyRotation: true,
    description: 'Encrypts the organization trail',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  // Control Tower's ct-kms-pr-3: grants on the key only for AWS resources, through AWS services.
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsExceptForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  const bucket = new s3.Bucket(stack, 'TrailBucket', {
    bucketName: TRAIL_BUCKET_NAME,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: key,
    enforceSSL: true,
    versioned: true,
    lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const access = new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
    bucket,
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    encryptionKey: key,
    prefix: TRAIL_PREFIX,
    memberRollout,
  });
  if (access.memberRollout) {
    acknowledgeServiceRoleWildcards(access.memberRollout.serviceRole, '<AWS::AccountId>', MEMBER_TEMPLATE_LOGS);
  }
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: 'Stand-in for the organization trail bucket, whose server access logging belongs to the stack that owns the trail; '
      + 'OrgTrailAnalyzerAccess changes only its policy and Object Ownership.',
  });
  return stack;
}

/**
 * The log-archive side with a bucket and key that exist outside the app: nothing can be applied, so
 * the statements are stack outputs, with warnings. The log-archive account is a member of the
 * organization too, so the stack also holds its own Access Analyzer service role.
 */
export function importedTrailBucketConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'ImportedTrailBucket', { env: { account: MANAGEMENT_ACCOUNT, region: TRAIL_REGION } });
  new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
    bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', TRAIL_BUCKET_NAME),
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', TRAIL_KEY_ARN),
    prefix: TRAIL_PREFIX,
  });
  const role = new AccessAnalyzerServiceRole(stack, 'AnalyzerRole', {
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    bucketName: TRAIL_BUCKET_NAME,
    prefix: TRAIL_PREFIX,
    encryptionKeyArn: TRAIL_KEY_ARN,
  });
  acknowledgeServiceRoleWildcards(role, MANAGEMENT_ACCOUNT);
  return stack;
}

/**
 * The log-archive side with an imported bucket and key and nothing else: the stack's only resource
 * is the no-op handle the construct adds so that CloudFormation accepts a stack of outputs.
 */
export function importedTrailBucketOnlyConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'ImportedTrailBucketOnly', { env: { account: MANAGEMENT_ACCOUNT, region: TRAIL_REGION } });
  new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
    bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', TRAIL_BUCKET_NAME),
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', TRAIL_KEY_ARN),
    prefix: TRAIL_PREFIX,
  });
  return stack;
}

/**
 * The management account rolls the service role out to the whole organization (StackSets called as
 * the management account itself), with the trail's bucket name and key ARN as literals because they
 * live in the log-archive account. StackSets skip the management account, so its own role is an
 * ordinary resource of the same stack; that one opts in to `requireSourceAccount`, so the checks
 * also cover the trust policy with the condition.
 */
export function managementRolloutConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'ManagementRollout', { env: { account: MANAGEMENT_ACCOUNT, region: TRAIL_REGION } });
  const trail = {
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    bucketName: TRAIL_BUCKET_NAME,
    prefix: TRAIL_PREFIX,
    encryptionKeyArn: TRAIL_KEY_ARN,
  };
  const rollout = new AccessAnalyzerServiceRoleRollout(stack, 'AnalyzerRoles', {
    ...trail,
    organizationalUnitIds: [ROOT_ID],
    callAs: StackSetCaller.SELF,
  });
  acknowledgeServiceRoleWildcards(rollout.serviceRole, '<AWS::AccountId>', MEMBER_TEMPLATE_LOGS);
  const ownRole = new AccessAnalyzerServiceRole(stack, 'ManagementAccountRole', { ...trail, requireSourceAccount: true });
  acknowledgeServiceRoleWildcards(ownRole, MANAGEMENT_ACCOUNT);
  return stack;
}

/**
 * The member side: the service role, environment-agnostic as a StackSet would deploy it to every
 * account.
 */
export function memberServiceRoleConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'MemberServiceRole');
  const role = new AccessAnalyzerServiceRole(stack, 'AnalyzerRole', {
    organizationId: ORGANIZATION_ID,
    trailArn: TRAIL_ARN,
    bucketName: TRAIL_BUCKET_NAME,
    prefix: TRAIL_PREFIX,
    encryptionKeyArn: TRAIL_KEY_ARN,
  });
  acknowledgeServiceRoleWildcards(role, '<AWS::AccountId>');
  return stack;
}

/**
 * The wildcard resources of the service role, acknowledged with the reason each is needed. `account`
 * is how the role's account appears in the template: a literal id, or `<AWS::AccountId>`; `logs` how
 * its own folder of the trail does.
 */
function acknowledgeServiceRoleWildcards(
  role: AccessAnalyzerServiceRole,
  account: string,
  logs = `arn:<AWS::Partition>:s3:::${TRAIL_BUCKET_NAME}/${TRAIL_PREFIX}/AWSLogs/${ORGANIZATION_ID}/${account}/*`,
): void {
  acknowledgeNagFindings(role, {
    'AwsSolutions-IAM5[Resource::*]':
      'iam:GetServiceLastAccessedDetails has no resource type: "*" is the only resource it accepts.',
    [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:role/*]`]:
      'iam:GenerateServiceLastAccessedDetails on this account\'s roles: a policy may be generated for any of them.',
    [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${account}:user/*]`]:
      'iam:GenerateServiceLastAccessedDetails on this account\'s users: a policy may be generated for any of them.',
    [`AwsSolutions-IAM5[Resource::${logs}]`]:
      's3:GetObject on this account\'s own folder of the organization trail, whose object keys are not known in advance.',
  });
}

/**
 * Acknowledges cdk-nag findings the way `Validations.of(scope).acknowledge()` records them (cdk-nag 3
 * reads this metadata). `acknowledge()` itself rejects ids with more than one '::', and every IAM5
 * finding on a resource built from a pseudo parameter (`arn:<AWS::Partition>:...`) has several.
 */
function acknowledgeNagFindings(scope: IConstruct, reasons: Record<string, string>): void {
  scope.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, reasons);
}

/** Every configuration, by name (for tools that run over all of them, such as cfn-lint). */
export const CONFIGURATIONS: Record<string, (app?: App) => Stack> = {
  ownedTrailBucket: ownedTrailBucketConfiguration,
  importedTrailBucket: importedTrailBucketConfiguration,
  importedTrailBucketOnly: importedTrailBucketOnlyConfiguration,
  memberServiceRole: memberServiceRoleConfiguration,
  bucketOwnerRollout: bucketOwnerRolloutConfiguration,
  managementRollout: managementRolloutConfiguration,
};
