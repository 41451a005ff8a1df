import { Arn, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SERVICE_ROLE_NAME_PREFIX, SERVICE_ROLE_PATH } from './policy-generation-statements';
import { checkServiceRoleProps } from './service-role-checks';
import { accountLogsPath } from './trail-log-paths';

/** The service principal of IAM Access Analyzer. */
const ACCESS_ANALYZER_SERVICE = 'access-analyzer.amazonaws.com';

/**
 * Properties of `AccessAnalyzerServiceRole`.
 *
 * Every value describes the organization trail (which lives in another account); nothing is
 * specific to the account the role is deployed in, so one set of values serves every account
 * (for example as one CloudFormation StackSet).
 */
export interface AccessAnalyzerServiceRoleProps {
  /**
   * Id of the organization (`o-...`): the trail writes each account's logs under
   * `[prefix/]AWSLogs/<organizationId>/<account>/`.
   */
  readonly organizationId: string;

  /**
   * ARN of the organization trail: `arn:<partition>:cloudtrail:<home region>:<management account>:trail/<name>`.
   *
   * The role may read this trail's settings (`cloudtrail:GetTrail`) and nothing else of CloudTrail.
   * Must be in the partition of the stack.
   */
  readonly trailArn: string;

  /** Name of the bucket the organization trail writes to. */
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
   * The role may then decrypt with it, through S3 in the key's region only, what this trail encrypted.
   *
   * @default - the log files are not encrypted with a KMS key, and the role gets no KMS permission
   */
  readonly encryptionKeyArn?: string;

  /**
   * What follows `AccessAnalyzerMonitorServiceRole` in the role name.
   *
   * The bucket and key policies admit only roles named `AccessAnalyzerMonitorServiceRole*` on the
   * path `/service-role/`, so only the end of the name can be chosen: up to 32 letters, digits or
   * `+=,.@_-` (the IAM console itself uses `_` and a random suffix). Role names are unique per
   * account, so give each role in one account its own suffix.
   *
   * @default - no suffix: the role is named `AccessAnalyzerMonitorServiceRole`
   */
  readonly roleNameSuffix?: string;

  /**
   * Whether the trust policy also requires `StringEquals aws:SourceAccount = <this account>`.
   *
   * Off by default: the IAM User Guide's trust policy for this role has no condition, and neither
   * has the role the IAM console creates. AWS does not document that Access Analyzer sends
   * `aws:SourceAccount` when it assumes the role, and a service that does not send it cannot assume
   * a role that requires it (prowler-cloud/prowler#4714), so policy generation would fail.
   * `iam:PassRole` on `StartPolicyGeneration` already limits who can have Access Analyzer use the
   * role. Turn it on where a scanner demands the condition, and run one policy generation to
   * check that it still succeeds.
   *
   * @default false - the documented trust policy, without a condition
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
   */
  readonly requireSourceAccount?: boolean;
}

/**
 * The service role IAM Access Analyzer assumes in a member account to generate policies from the organization trail.
 *
 * The role is `/service-role/AccessAnalyzerMonitorServiceRole<suffix>` (the name `OrgTrailAnalyzerAccess`
 * admits), trusts `access-analyzer.amazonaws.com` as the IAM User Guide does, and reads only the trail,
 * this account's logs and its last-accessed details. IAM is global: deploy it in one region per account.
 *
 * @example
 * declare const stack: Stack;
 * new AccessAnalyzerServiceRole(stack, 'AnalyzerRole', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
 *   bucketName: 'org-trail-logs-111122223333',
 * });
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
 */
export class AccessAnalyzerServiceRole extends Construct {
  /** The start of every Access Analyzer service role name that the organization's bucket policy admits. */
  public static readonly ROLE_NAME_PREFIX = SERVICE_ROLE_NAME_PREFIX;

  /** The path of the role. */
  public static readonly ROLE_PATH = SERVICE_ROLE_PATH;

  /** The role. */
  public readonly role: iam.IRole;

  /** ARN of the role: pass it as `accessRoleArn` to `StartPolicyGenerationRequest.forPrincipal`. */
  public readonly roleArn: string;

  /** Name of the role (`AccessAnalyzerMonitorServiceRole<suffix>`). */
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: AccessAnalyzerServiceRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = this.node.path;

    const { key } = checkServiceRoleProps(where, props, stack.partition, stack.stackName);
    const suffix = props.roleNameSuffix ?? '';

    const bucketArn = `arn:${stack.partition}:s3:::${props.bucketName}`;
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadTrailSettings',
        actions: ['cloudtrail:GetTrail'],
        resources: [props.trailArn],
      }),
      // Access Analyzer asks IAM for the last-accessed services of the role or user it generates a
      // policy for, which is always in this account.
      new iam.PolicyStatement({
        sid: 'GenerateServiceLastAccessedDetails',
        actions: ['iam:GenerateServiceLastAccessedDetails'],
        resources: [
          `arn:${stack.partition}:iam::${stack.account}:role/*`,
          `arn:${stack.partition}:iam::${stack.account}:user/*`,
        ],
      }),
      new iam.PolicyStatement({
        sid: 'GetServiceLastAccessedDetails',
        actions: ['iam:GetServiceLastAccessedDetails'],
        resources: ['*'],
      }),
      // Listing is not narrowed with an s3:prefix condition: the IAM User Guide grants it on the
      // whole bucket, and which prefixes Access Analyzer lists is not documented.
      new iam.PolicyStatement({
        sid: 'ListTrailBucket',
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadOwnAccountLogs',
        actions: ['s3:GetObject'],
        resources: [`${bucketArn}/${accountLogsPath(props.prefix, props.organizationId, stack.account)}*`],
      }),
    ];
    if (props.encryptionKeyArn !== undefined) {
      // S3 calls KMS in the bucket's region, which is the key's region (SSE-KMS keys are regional).
      const keyRegion = key ? key.region : Arn.split(props.encryptionKeyArn, ArnFormat.SLASH_RESOURCE_NAME).region!;
      statements.push(new iam.PolicyStatement({
        sid: 'DecryptOwnAccountLogs',
        actions: ['kms:Decrypt'],
        resources: [props.encryptionKeyArn],
        conditions: {
          StringEquals: {
            'kms:ViaService': `s3.${keyRegion}.${stack.urlSuffix}`,
            'kms:EncryptionContext:aws:cloudtrail:arn': props.trailArn,
          },
        },
      }));
    }

    this.roleName = `${SERVICE_ROLE_NAME_PREFIX}${suffix}`;
    const role = new iam.Role(this, 'Role', {
      roleName: this.roleName,
      path: SERVICE_ROLE_PATH,
      description: 'Lets IAM Access Analyzer read this account\'s logs of the organization trail to generate policies',
      // The trust policy of the IAM User Guide ("Permissions required for service role") has no
      // condition, and whether Access Analyzer sends aws:SourceAccount is undocumented, so the
      // condition is only added on request:
      // https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
      assumedBy: new iam.ServicePrincipal(ACCESS_ANALYZER_SERVICE, props.requireSourceAccount
        ? { conditions: { StringEquals: { 'aws:SourceAccount': stack.account } } }
        : undefined),
      inlinePolicies: { PolicyGeneration: new iam.PolicyDocument({ statements }) },
    });
    this.role = role;
    this.roleArn = role.roleArn;
  }

  /**
   * Grants what a user or role needs to run policy generation with this service role: pass it to
   * Access Analyzer (`iam:GetRole`, and `iam:PassRole` only to `access-analyzer.amazonaws.com`), and
   * start, read, list and cancel policy generations.
   *
   * The IAM console also needs `cloudtrail:ListTrails` to offer the trails; the CLI and API do not.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-perms
   */
  public grantStartPolicyGeneration(grantee: iam.IGrantable): iam.Grant {
    const getRole = iam.Grant.addToPrincipal({ grantee, actions: ['iam:GetRole'], resourceArns: [this.roleArn] });
    const passRole = iam.Grant.addToPrincipal({
      grantee,
      actions: ['iam:PassRole'],
      resourceArns: [this.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': ACCESS_ANALYZER_SERVICE } },
    });
    // These four actions have no resource type: '*' is the only resource they accept.
    const generate = iam.Grant.addToPrincipal({
      grantee,
      actions: [
        'access-analyzer:StartPolicyGeneration',
        'access-analyzer:GetGeneratedPolicy',
        'access-analyzer:ListPolicyGenerations',
        'access-analyzer:CancelPolicyGeneration',
      ],
      resourceArns: ['*'],
    });
    return getRole.combine(passRole).combine(generate);
  }
}
