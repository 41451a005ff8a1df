import { Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AccessAnalyzerServiceRole } from './access-analyzer-service-role';
import { checkServiceRoleProps } from './service-role-checks';
import { checkRegion, checkRegionPartition, globalEventsRegion, partitionOfRegion } from '../identifiers/regions';
import { deploymentOptionsOf } from '../org-rollout/deployment-options';
import { OrganizationStackSet, StackSetDeploymentOptions } from '../org-rollout/organization-stack-set';
import { invalidInput } from '../private/invalid-input';

/**
 * Where and how the Access Analyzer service role is rolled out to the accounts of an organization.
 */
export interface AccessAnalyzerServiceRoleRolloutOptions extends StackSetDeploymentOptions {
  /**
   * The organizational units whose accounts get the service role: `ou-xxxx-yyyyyyyy`, or the root
   * `r-xxxx` for the whole organization. Accounts created in, or moved into, them later get it too.
   *
   * The management account never does: service-managed StackSets do not deploy there. Give it the
   * role with an ordinary stack (an `AccessAnalyzerServiceRole` deployed in the management account)
   * if its own roles and users are to be analysed.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The one region each account gets the role's stack in.
   *
   * IAM is global: a second region would create a second role of the same name, and its stack would
   * fail. The region must be enabled in every target account.
   *
   * @default - the partition's home region of global services, enabled in every account: us-east-1
   * (us-gov-west-1 in AWS GovCloud (US), cn-north-1 in China)
   */
  readonly region?: string;

  /**
   * What follows `AccessAnalyzerMonitorServiceRole` in the role name (see
   * `AccessAnalyzerServiceRoleProps.roleNameSuffix`). An account that already has a role of that
   * name (for example its own `AccessAnalyzerServiceRole` with the same suffix) fails its stack
   * instance: give each a different suffix.
   *
   * @default - no suffix: the role is named `AccessAnalyzerMonitorServiceRole` in every account
   */
  readonly roleNameSuffix?: string;

  /**
   * Whether each role's trust policy also requires `StringEquals aws:SourceAccount = <its account>`
   * (see `AccessAnalyzerServiceRoleProps.requireSourceAccount`).
   *
   * Off by default: the IAM User Guide's trust policy has no condition, and AWS does not document
   * that Access Analyzer sends `aws:SourceAccount`; a service that does not send it cannot assume a
   * role that requires it (prowler-cloud/prowler#4714).
   *
   * @default false - the documented trust policy, without a condition
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
   */
  readonly requireSourceAccount?: boolean;
}

/** Properties of an {@link AccessAnalyzerServiceRoleRollout}. */
export interface AccessAnalyzerServiceRoleRolloutProps extends AccessAnalyzerServiceRoleRolloutOptions {
  /**
   * Id of the organization (`o-...`): the trail writes each account's logs under
   * `[prefix/]AWSLogs/<organizationId>/<account>/`.
   */
  readonly organizationId: string;

  /**
   * ARN of the organization trail: `arn:<partition>:cloudtrail:<home region>:<management account>:trail/<name>`.
   * Must be in the partition of this stack.
   */
  readonly trailArn: string;

  /** Name of the bucket the organization trail writes to (a literal, or a value of this stack such as `bucket.bucketName`). */
  readonly bucketName: string;

  /**
   * The trail's S3 key prefix, without leading or trailing `/`.
   *
   * @default - the trail has no prefix
   */
  readonly prefix?: string;

  /**
   * ARN of the KMS key the trail encrypts its log files with (`arn:<partition>:kms:<region>:<account>:key/<id>`;
   * not an alias).
   *
   * @default - the log files are not encrypted with a KMS key, and the roles get no KMS permission
   */
  readonly encryptionKeyArn?: string;
}

/**
 * Deploys an `AccessAnalyzerServiceRole` to every account of some organizational units, accounts
 * created there later included, through an `OrganizationStackSet` in one region.
 *
 * Run it from the management account or a StackSets delegated administrator. The management account
 * gets no role (deploy an `AccessAnalyzerServiceRole` there in an ordinary stack), and the stack
 * instance fails in an account that already has a role of the same name.
 *
 * @example
 * declare const stack: Stack;
 * new AccessAnalyzerServiceRoleRollout(stack, 'AnalyzerRoles', {
 *   organizationalUnitIds: ['r-ab12'], organizationId: 'o-a1b2c3d4e5', bucketName: 'org-trail-logs-111122223333',
 *   trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
 * });
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-manage-auto-deployment.html
 */
export class AccessAnalyzerServiceRoleRollout extends Construct {
  /** The StackSet and its member stack. */
  public readonly stackSet: OrganizationStackSet;

  /** The service role in the member stack (its values are the StackSet parameters). */
  public readonly serviceRole: AccessAnalyzerServiceRole;

  /** The region the StackSet deploys the role's stack to. */
  public readonly region: string;

  /** Name of the role in every account (`AccessAnalyzerMonitorServiceRole<suffix>`), on the path `/service-role/`. */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: AccessAnalyzerServiceRoleRolloutProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = this.node.path;
    const { trail } = checkServiceRoleProps(where, props, stack.partition, stack.stackName);
    const known = trail
      ? { partition: trail.partition, from: `trailArn '${props.trailArn}'` }
      : Token.isUnresolved(stack.region) ? undefined : { partition: partitionOfRegion(stack.region), from: `stack ${stack.stackName} (${stack.region})` };
    this.region = props.region ?? defaultRegion(where, known?.partition ?? 'aws');
    checkRegion(where, 'region', this.region);
    if (known) {
      checkRegionPartition(where, 'region', this.region, known.partition, known.from, 'a StackSet deploys only within its own partition');
    }

    this.stackSet = new OrganizationStackSet(this, 'StackSet', {
      organizationalUnitIds: props.organizationalUnitIds,
      regions: [this.region],
      description: 'IAM Access Analyzer service role for policy generation from the organization trail (cdk-iam-change-alerts AccessAnalyzerServiceRole)',
      ...deploymentOptionsOf(props),
    });
    const set = this.stackSet;
    this.serviceRole = new AccessAnalyzerServiceRole(set.memberStack, 'ServiceRole', {
      organizationId: set.passValue('OrganizationId', props.organizationId),
      trailArn: set.passValue('TrailArn', props.trailArn),
      bucketName: set.passValue('TrailBucketName', props.bucketName),
      prefix: props.prefix === undefined ? undefined : set.passValue('TrailPrefix', props.prefix),
      encryptionKeyArn: props.encryptionKeyArn === undefined ? undefined : set.passValue('TrailKeyArn', props.encryptionKeyArn),
      // A literal suffix stays in the template, where the role name can be read; a CloudFormation
      // value of this stack cannot reach the member template other than as a parameter.
      roleNameSuffix: props.roleNameSuffix !== undefined && Token.isUnresolved(props.roleNameSuffix)
        ? set.passValue('RoleNameSuffix', props.roleNameSuffix)
        : props.roleNameSuffix,
      requireSourceAccount: props.requireSourceAccount,
    });
    this.roleName = this.serviceRole.roleName;
  }
}

function defaultRegion(where: string, partition: string): string {
  // The home region of global services is never an opt-in region, so every account has it enabled.
  const region = globalEventsRegion(partition);
  if (region === undefined) {
    throw invalidInput(where, `no default region is known for partition '${partition}'.`,
      'give region: one region enabled in every target account.');
  }
  return region;
}
