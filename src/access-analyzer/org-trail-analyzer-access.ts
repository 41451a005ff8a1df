import { Annotations, Aspects, CfnOutput, CfnResource, IAspect, IResolveContext, Lazy, Stack } from 'aws-cdk-lib';
import { CfnWaitConditionHandle } from 'aws-cdk-lib/aws-cloudformation';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { AccessAnalyzerServiceRoleRollout, AccessAnalyzerServiceRoleRolloutOptions } from './access-analyzer-service-role-rollout';
import { bucketStatement, keyStatement } from './policy-generation-statements';
import { checkOrganizationTrail } from './service-role-checks';

/** Id prefix of the warnings this construct adds (acknowledge them with `Annotations.acknowledgeWarning`). */
const WARNING = 'cdk-iam-change-alerts:orgTrailAnalyzerAccess';

/** Object Ownership settings under which every object belongs to the bucket owner. */
const OWNER_OWNS_OBJECTS = new Set<string>([
  s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
  s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
]);

/**
 * Properties of `OrgTrailAnalyzerAccess`.
 */
export interface OrgTrailAnalyzerAccessProps {
  /**
   * The bucket the organization trail writes its log files to.
   *
   * A bucket defined in this app gets the statement in its bucket policy and its Object
   * Ownership set to `BucketOwnerEnforced` (unless it is already `BucketOwnerEnforced` or
   * `BucketOwnerPreferred`). For an imported bucket the construct cannot change either: it writes
   * the statement to apply into a stack output and warns.
   */
  readonly bucket: s3.IBucket;

  /**
   * Id of the AWS Organizations organization whose accounts may generate policies
   * (`o-` followed by 10 to 32 lower-case letters or digits).
   *
   * It also names the folder the trail writes to: `[prefix/]AWSLogs/<organizationId>/<account>/`.
   */
  readonly organizationId: string;

  /**
   * ARN of the organization trail: `arn:<partition>:cloudtrail:<home region>:<management account>:trail/<name>`.
   *
   * Used in the key policy (`kms:EncryptionContext:aws:cloudtrail:arn`), so that the key decrypts
   * only what this trail encrypted. Must be in the stack's partition.
   */
  readonly trailArn: string;

  /**
   * The KMS key the trail encrypts its log files with (the trail's `KmsKeyId`).
   *
   * A key defined in this app gets the documented `kms:Decrypt` statement in its key policy; for an
   * imported key the statement goes into a stack output, with a warning.
   *
   * @default - the log files are not encrypted with a KMS key of the trail, and no key policy is changed
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The trail's S3 key prefix (its `S3KeyPrefix`), without leading or trailing `/`.
   *
   * @default - the trail has no prefix: log files are under `AWSLogs/<organizationId>/`
   */
  readonly prefix?: string;

  /**
   * Deploys the `AccessAnalyzerServiceRole` to every account of these organizational units (and
   * those created in them later) with a StackSet, in one call: an `AccessAnalyzerServiceRoleRollout`
   * with this construct's organization, trail, bucket name, prefix and key ARN.
   *
   * A service-managed StackSet can only be created from the management account or a StackSets
   * delegated administrator (`callAs`): when the bucket owner is neither, use
   * `AccessAnalyzerServiceRoleRollout` in an app deployed there instead. The management account
   * never gets the role from the StackSet.
   *
   * @default - no rollout: deploy the roles yourself (AccessAnalyzerServiceRoleRollout, or AccessAnalyzerServiceRole per account)
   */
  readonly memberRollout?: AccessAnalyzerServiceRoleRolloutOptions;
}

/**
 * Lets IAM Access Analyzer, in each account of an organization, read that account's logs from
 * the organization trail, so that it can generate least-privilege policies from them.
 *
 * Deploy it where the trail's bucket is: it adds the IAM User Guide's bucket and key statements (or
 * outputs them for an imported bucket or key) and bucket-owner object ownership: **only logs written
 * after that change can be analysed**. Each member account also needs an `AccessAnalyzerServiceRole`.
 *
 * @example
 * declare const stack: Stack;
 * declare const trailBucket: s3.IBucket;
 * new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
 *   bucket: trailBucket, organizationId: 'o-a1b2c3d4e5', trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
 * });
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-policy-generation.html#access-analyzer-policy-generation-cross-account
 */
export class OrgTrailAnalyzerAccess extends Construct {
  /** The bucket-policy statement, exactly as the IAM User Guide writes it (with this stack's partition). */
  public readonly bucketPolicyStatement: iam.PolicyStatement;

  /**
   * The key-policy statement for `encryptionKey`.
   *
   * @default - undefined when no `encryptionKey` was given
   */
  public readonly keyPolicyStatement?: iam.PolicyStatement;

  /**
   * Whether the bucket-policy statement was added to the bucket's policy by this app. When false,
   * apply `bucketPolicyJson()` (also in the `BucketPolicyToApply` output) yourself.
   */
  public readonly bucketPolicyApplied: boolean;

  /**
   * Whether the key-policy statement was added to the key's policy by this app. False when there is
   * no `encryptionKey`, or when it is imported: then apply `keyPolicyJson()` (also in the
   * `KeyPolicyToApply` output) yourself.
   */
  public readonly keyPolicyApplied: boolean;

  /** The StackSet rollout of the service role, when `memberRollout` is given. */
  public readonly memberRollout?: AccessAnalyzerServiceRoleRollout;

  constructor(scope: Construct, id: string, props: OrgTrailAnalyzerAccessProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = this.node.path;

    checkOrganizationTrail(where, props, stack.partition, stack.stackName);

    this.bucketPolicyStatement = bucketStatement({
      bucketArn: props.bucket.bucketArn,
      organizationId: props.organizationId,
      prefix: props.prefix,
      partition: stack.partition,
    });
    this.bucketPolicyApplied = props.bucket.addToResourcePolicy(this.bucketPolicyStatement).statementAdded;
    if (!this.bucketPolicyApplied) {
      new CfnOutput(this, 'BucketPolicyToApply', {
        description: 'Statement to add to the bucket policy of the organization trail bucket so IAM Access Analyzer can read each account\'s own logs.',
        value: this.bucketPolicyJson(),
      });
      Annotations.of(this).addWarningV2(`${WARNING}:bucketPolicyNotApplied`,
        'This app cannot change the policy of the imported bucket, so IAM Access Analyzer cannot read the logs yet. '
        + 'Add the statement in the stack output BucketPolicyToApply (or OrgTrailAnalyzerAccess.bucketPolicyJson()) to the bucket policy, '
        + 'or define the bucket in this app.');
    }
    this.ensureOwnerOwnsObjects(props.bucket);

    if (props.encryptionKey) {
      this.keyPolicyStatement = keyStatement({
        trailArn: props.trailArn,
        organizationId: props.organizationId,
        partition: stack.partition,
        urlSuffix: stack.urlSuffix,
      });
      this.keyPolicyApplied = props.encryptionKey.addToResourcePolicy(this.keyPolicyStatement).statementAdded;
      if (!this.keyPolicyApplied) {
        new CfnOutput(this, 'KeyPolicyToApply', {
          description: 'Statement to add to the key policy of the organization trail key so IAM Access Analyzer can decrypt each account\'s own logs.',
          value: this.policyJson(this.keyPolicyStatement),
        });
        Annotations.of(this).addWarningV2(`${WARNING}:keyPolicyNotApplied`,
          'This app cannot change the policy of the imported KMS key, so IAM Access Analyzer cannot decrypt the logs yet. '
          + 'Add the statement in the stack output KeyPolicyToApply (or OrgTrailAnalyzerAccess.keyPolicyJson()) to the key policy, '
          + 'or define the key in this app.');
      }
    } else {
      this.keyPolicyApplied = false;
      if (props.bucket.encryptionKey) {
        Annotations.of(this).addWarningV2(`${WARNING}:encryptionKeyNotGiven`,
          'The bucket has a KMS key but no encryptionKey was given. If the trail encrypts its log files with a KMS key, '
          + 'pass that key as encryptionKey so IAM Access Analyzer may decrypt them; if it does not, acknowledge this warning.');
      }
    }

    if (props.memberRollout) {
      this.memberRollout = new AccessAnalyzerServiceRoleRollout(this, 'MemberRollout', {
        ...props.memberRollout,
        organizationId: props.organizationId,
        trailArn: props.trailArn,
        bucketName: props.bucket.bucketName,
        prefix: props.prefix,
        encryptionKeyArn: props.encryptionKey?.keyArn,
      });
    }
    const hasOutputs = !this.bucketPolicyApplied || (props.encryptionKey !== undefined && !this.keyPolicyApplied);
    if (hasOutputs) {
      Aspects.of(this).add(new OutputsCarrier(this));
    }
  }

  /**
   * The bucket policy to apply by hand when `bucketPolicyApplied` is false: a policy document
   * holding the one statement, as JSON.
   *
   * The bucket ARN and the partition are CloudFormation values where they are not known at
   * synthesis, so the string is a CDK token: put it in a `CfnOutput` (as the construct does for an
   * imported bucket) or resolve it with `Stack.resolve`.
   */
  public bucketPolicyJson(): string {
    return this.policyJson(this.bucketPolicyStatement);
  }

  /**
   * The key policy statement to apply by hand when `keyPolicyApplied` is false, in a policy
   * document, as JSON (a CDK token where the trail ARN or the partition is one).
   *
   * @returns undefined when no `encryptionKey` was given
   */
  public keyPolicyJson(): string | undefined {
    return this.keyPolicyStatement ? this.policyJson(this.keyPolicyStatement) : undefined;
  }

  private policyJson(statement: iam.PolicyStatement): string {
    return Stack.of(this).toJsonString({ Version: '2012-10-17', Statement: [statement.toStatementJson()] });
  }

  /**
   * Makes every object of a bucket defined in this app belong to the bucket owner: Object Ownership
   * becomes `BucketOwnerEnforced` where nothing else is set, and a validation rejects `ObjectWriter`.
   * The L2 bucket computes its Object Ownership lazily (it can still change, for example when the
   * bucket becomes a log target), so both happen when the template is rendered, not now.
   */
  private ensureOwnerOwnsObjects(bucket: s3.IBucket): void {
    const child = bucket.node.defaultChild;
    const cfnBucket = child && CfnResource.isCfnResource(child) && child.cfnResourceType === 'AWS::S3::Bucket'
      ? child as s3.CfnBucket
      : undefined;
    if (!cfnBucket) {
      Annotations.of(this).addWarningV2(`${WARNING}:objectOwnershipUnverified`,
        'The bucket is imported, so this app cannot check its Object Ownership. IAM Access Analyzer reads only objects the bucket owner owns: '
        + 'set Object Ownership to BucketOwnerEnforced (or BucketOwnerPreferred). Only log files written after that change can be analysed.');
      return;
    }
    const stack = Stack.of(cfnBucket);
    const declared = cfnBucket.ownershipControls;
    cfnBucket.ownershipControls = Lazy.uncachedAny({
      produce: (context: IResolveContext) => context.resolve(declared)
        ?? { rules: [{ objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED }] },
    });
    if (objectOwnershipSettings(stack.resolve(declared)) === undefined) {
      Annotations.of(this).addWarningV2(`${WARNING}:objectOwnershipUnverified`,
        'The bucket\'s Object Ownership is a CloudFormation value this app cannot read. IAM Access Analyzer reads only objects the bucket owner owns: '
        + 'make sure it resolves to BucketOwnerEnforced or BucketOwnerPreferred.');
    }
    this.node.addValidation({
      validate: () => {
        const wrong = (objectOwnershipSettings(stack.resolve(cfnBucket.ownershipControls)) ?? [])
          .filter(setting => !OWNER_OWNS_OBJECTS.has(setting));
        return wrong.map(setting =>
          `${this.node.path}: bucket ${bucket.node.path} has Object Ownership '${setting}': objects CloudTrail writes stay owned by the writer, and IAM Access Analyzer cannot read them. `
          + 'Fix: set objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED on the bucket (or BUCKET_OWNER_PREFERRED if something still needs ACLs). '
          + 'Only log files written after the change can be analysed.');
      },
    });
  }
}

/**
 * The Object Ownership settings of resolved `OwnershipControls`: an empty list when there are none,
 * undefined when a setting is a CloudFormation value that cannot be read before deployment.
 */
function objectOwnershipSettings(resolved: unknown): string[] | undefined {
  if (resolved === undefined) return [];
  const rules = (resolved as { rules?: unknown }).rules;
  if (!Array.isArray(rules)) return undefined;
  const settings = rules.map(rule => (rule as { objectOwnership?: unknown }).objectOwnership);
  return settings.every(setting => typeof setting === 'string') ? settings as string[] : undefined;
}

/**
 * Adds a resource that creates nothing to a stack that would otherwise hold only the construct's
 * outputs: CloudFormation rejects a template without resources, and `cdk deploy` skips such a stack,
 * so the statements to apply would never appear. Runs as an aspect because the rest of the stack is
 * known only once the app is built.
 */
class OutputsCarrier implements IAspect {
  private checked = false;

  constructor(private readonly access: OrgTrailAnalyzerAccess) {}

  public visit(node: IConstruct): void {
    if (node !== this.access || this.checked) return;
    const stack = Stack.of(this.access);
    const hasResource = stack.node.findAll().some(c => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
    if (!hasResource) {
      new CfnWaitConditionHandle(this.access, 'OutputsCarrier');
    }
    this.checked = true;
  }
}
