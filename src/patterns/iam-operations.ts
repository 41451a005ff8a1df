import {
  ACCESS_LEVEL_PACKAGE,
  ACCESS_LEVEL_VERSION,
  IAM_OPERATION_DATA,
  OPERATIONS_PACKAGE,
  OPERATIONS_VERSION,
} from './iam-operations-data';

/**
 * One IAM API operation: the `eventName` CloudTrail records when it is called.
 */
export interface IamOperation {
  /**
   * The operation name, as CloudTrail writes it in `detail.eventName` (for example `CreateRole`).
   */
  readonly name: string;

  /**
   * Whether the call only reads: CloudTrail's `readOnly` field.
   *
   * The catalog derives it from the AWS Service Authorization Reference: access level List or
   * Read is read-only; Write, Permissions management and Tagging are mutating. So
   * `GenerateCredentialReport`, `GenerateServiceLastAccessedDetails`,
   * `GenerateOrganizationsAccessReport`, `SimulatePrincipalPolicy`, `SimulateCustomPolicy` and
   * `GetAccountAuthorizationDetails` (all access level Read) are read-only. An operation the
   * reference does not list yet is read-only when its name begins with Get, List or Describe.
   *
   * Read-only calls reach an EventBridge rule only when the rule's state is
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
   *
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-management-events-with-cloudtrail.html#read-write-events-mgmt
   */
  readonly readOnly: boolean;

  /**
   * The operation's access level in the AWS Service Authorization Reference: `List`, `Read`,
   * `Write`, `Permissions management` or `Tagging`.
   *
   * @default - the reference does not list the operation yet (a new API); `readOnly` then follows the name.
   * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
   */
  readonly accessLevel?: string;
}

/**
 * The catalog of IAM API operations.
 *
 * Generated from the IAM service model of the AWS SDK for JavaScript v3 (operation names) and
 * the AWS Service Authorization Reference (access levels) by `scripts/generate-iam-operations.ts`;
 * a test fails when it is stale relative to the installed source packages. It holds API
 * operations only: permission-only IAM actions such as `iam:PassRole` are not API calls and
 * produce no CloudTrail event, so no event pattern can match them.
 *
 * @example
 * const unwatched = patterns.IamOperations.mutating().map((op) => op.name).filter((name) => name.startsWith('Tag'));
 */
export class IamOperations {
  /** npm package whose IAM service model names the operations. */
  public static readonly OPERATIONS_SOURCE: string = OPERATIONS_PACKAGE;

  /** Version of `OPERATIONS_SOURCE` the catalog was generated from. */
  public static readonly OPERATIONS_SOURCE_VERSION: string = OPERATIONS_VERSION;

  /** npm package that supplies the Service Authorization Reference access levels. */
  public static readonly ACCESS_LEVEL_SOURCE: string = ACCESS_LEVEL_PACKAGE;

  /** Version of `ACCESS_LEVEL_SOURCE` the catalog was generated from. */
  public static readonly ACCESS_LEVEL_SOURCE_VERSION: string = ACCESS_LEVEL_VERSION;

  /**
   * Every IAM API operation, sorted by name.
   */
  public static all(): IamOperation[] {
    return IAM_OPERATION_DATA.map(copyOperation);
  }

  /**
   * The operations that change something (CloudTrail `readOnly: false`), sorted by name.
   */
  public static mutating(): IamOperation[] {
    return IAM_OPERATION_DATA.filter((op) => !op.readOnly).map(copyOperation);
  }

  /**
   * The operations that only read (CloudTrail `readOnly: true`), sorted by name.
   */
  public static readOnly(): IamOperation[] {
    return IAM_OPERATION_DATA.filter((op) => op.readOnly).map(copyOperation);
  }

  /**
   * The operation with exactly this name (case-sensitive, as CloudTrail writes `eventName`).
   *
   * @param name an operation name such as `CreateRole`
   * @returns the operation, or `undefined` when the catalog has no operation of that name
   */
  public static find(name: string): IamOperation | undefined {
    const op = BY_NAME.get(name);
    return op === undefined ? undefined : copyOperation(op);
  }

  /**
   * Whether the catalog has an operation of exactly this name (case-sensitive).
   *
   * @param name an operation name such as `CreateRole`
   */
  public static isKnown(name: string): boolean {
    return BY_NAME.has(name);
  }

  private constructor() {}
}

const BY_NAME: ReadonlyMap<string, IamOperation> = new Map(IAM_OPERATION_DATA.map((op) => [op.name, op]));

// Callers get copies so that no one can change the shared catalog.
function copyOperation(op: IamOperation): IamOperation {
  return op.accessLevel === undefined
    ? { name: op.name, readOnly: op.readOnly }
    : { name: op.name, readOnly: op.readOnly, accessLevel: op.accessLevel };
}
