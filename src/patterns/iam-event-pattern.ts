import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { EventPatternMatcher } from './engine/event-pattern-matcher';
import { DEFAULT_MAX_PATTERN_LENGTH as MAX_PATTERN_LENGTH } from './engine/pattern-check';
import { IamOperations } from './iam-operations';
import { parsePrincipal, PrincipalMatch, validateAccountId } from './iam-principal';
import { anythingButMatcher, compressExactGlobs, dedupeGlobs, FieldMatcher, GlobKind, subtractGlobs, ValueGlob } from './iam-value-glob';
import { invalidInput, invalidInputFindings } from '../private/invalid-input';

const API_CALL = 'AWS API Call via CloudTrail';
const CONSOLE_ACTION = 'AWS Console Action via CloudTrail';
// Delivered events spell it "Sign In"; one EventBridge docs page writes "Signin". Match both.
const SIGN_IN = 'AWS Console Sign In via CloudTrail';
const SIGN_IN_ALT = 'AWS Console Signin via CloudTrail';
const IAM_SOURCE = 'aws.iam';
const SIGN_IN_SOURCE = 'aws.signin';
const IAM_EVENT_SOURCE = 'iam.amazonaws.com';
const SIGN_IN_EVENT_SOURCE = 'signin.amazonaws.com';
const CONSOLE_LOGIN = 'ConsoleLogin';
/** `userIdentity.invokedBy` of calls the console makes for the signed-in user. */
const CONSOLE_INVOKER = 'signin.amazonaws.com';

/** Verbs that begin the names of read-only IAM operations the catalog does not classify (`GetRole`, not `Getaway`). */
const READ_ONLY_VERBS = ['Get', 'List', 'Describe'];
const READ_ONLY_NAME = /^(Get|List|Describe)[A-Z]/;

/** Event-name characters: IAM operation names are letters and digits; `*` is the glob. */
const EVENT_NAME_GLOB = /^[A-Za-z0-9*]+$/;

/** The post's "IAM changes" list (AWS Security Blog, "How to receive alerts when your IAM configuration changes"). */
const POST_CHANGE_PREFIXES = ['Add*', 'Attach*', 'Change*', 'Create*', 'Deactivate*', 'Delete*', 'Detach*', 'Enable*', 'Put*', 'Remove*', 'Set*', 'Update*', 'Upload*'];
/** The post's "authentication/authorization changes" list, in its order. */
const POST_AUTH_CHANGES = ['Put*Policy', 'Attach*', 'Detach*', 'Create*', 'Update*', 'Upload*', 'Delete*', 'Remove*', 'Set*'];
/** CIS AWS Foundations Benchmark 4.4 (Security Hub CloudWatch.4), in the benchmark's order. */
const CIS_POLICY_CHANGES = [
  'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
  'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy',
  'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
];
const PERMISSIONS_BOUNDARY_CHANGES = ['PutRolePermissionsBoundary', 'PutUserPermissionsBoundary', 'DeleteRolePermissionsBoundary', 'DeleteUserPermissionsBoundary'];
const ACCESS_KEY_CHANGES = ['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey'];
const MFA_DEVICE_CHANGES = ['CreateVirtualMFADevice', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'ResyncMFADevice'];
const LOGIN_PROFILE_CHANGES = ['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword'];
const ROLE_TRUST_POLICY_CHANGES = ['UpdateAssumeRolePolicy'];
const IDENTITY_PROVIDER_CHANGES = [
  'CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider',
  'CreateOpenIDConnectProvider', 'UpdateOpenIDConnectProviderThumbprint', 'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider', 'DeleteOpenIDConnectProvider',
];
const GROUP_MEMBERSHIP_CHANGES = ['AddUserToGroup', 'RemoveUserFromGroup'];

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject { [key: string]: Json }

enum Outcome {
  FAILED = 'failed',
  SUCCESSFUL = 'successful',
}

/** How a branch tells success from failure: API calls by `errorCode`, sign-ins by `responseElements.ConsoleLogin`. */
enum BranchKind {
  API = 'api',
  CONSOLE = 'console',
}

/** Which read-only calls a branch can match. */
enum ReadOnlyReach {
  /** IAM operations: the catalog says which names are read-only. */
  IAM_CATALOG = 'iam-catalog',
  /** Calls to any service: some are read-only. */
  ANY_SERVICE = 'any-service',
  /** Sign-in events, which CloudTrail records as writes. */
  NONE = 'none',
}

/** One kind of event a pattern matches; a pattern with several is rendered with `$or` inside `detail`. */
interface Branch {
  readonly kind: BranchKind;
  /** Top-level `source` values; undefined for events of any service. */
  readonly sources?: readonly string[];
  readonly detailTypes: readonly string[];
  readonly eventSource?: string;
  readonly eventTypes?: readonly string[];
  /** Undefined: any event name. */
  readonly eventNames?: readonly ValueGlob[];
  /** Further `detail` conditions (never `eventName`, `errorCode`, `readOnly` or `responseElements.ConsoleLogin`). */
  readonly conditions: JsonObject;
  /** An outcome the preset itself requires. */
  readonly outcome?: Outcome;
  readonly mutatingOnly: boolean;
  readonly readOnlyReach: ReadOnlyReach;
  /** Whether it matches events of regional services (recorded in the region where they happen). */
  readonly regional: boolean;
}

enum PrincipalMode {
  ONLY = 'only',
  EXCEPT = 'except',
}

interface PatternState {
  readonly baseDescription: string;
  readonly branches: readonly Branch[];
  readonly excludedNames: readonly ValueGlob[];
  readonly principalMode?: PrincipalMode;
  readonly principals: readonly PrincipalMatch[];
  readonly outcome?: Outcome;
  readonly accounts?: readonly string[];
  readonly withConsoleSignIn: boolean;
  readonly mutatingOnly: boolean;
}

/** A branch's event names after exclusions: any, an allow list, or everything but a deny list. */
interface EffectiveNames {
  readonly any: boolean;
  readonly globs: readonly ValueGlob[];
}

/** What rendering produces: the pattern and the facts derived from the branches that survived. */
interface Rendered {
  readonly pattern: JsonObject;
  readonly text: string;
  readonly branches: ReadonlyArray<{ readonly branch: Branch; readonly names: EffectiveNames }>;
}

/**
 * An EventBridge event pattern for IAM activity recorded by CloudTrail: presets, glob compilation
 * and refinements, rendered for CDK rules (`toEventPattern()`) or as native JSON (`toJson()`).
 *
 * Immutable: each refinement returns a new pattern, checked by the project's EventBridge engine and
 * held to EventBridge's default 2,048-character quota. IAM events reach EventBridge only in
 * us-east-1, and only when a CloudTrail trail with management events exists there.
 *
 * @example
 * declare const stack: Stack;
 * const pattern = patterns.IamEventPattern.changes()
 *   .exceptPrincipals('arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role-111122223333-us-east-1')
 *   .withConsoleSignIn();
 * new events.Rule(stack, 'IamChanges', { eventPattern: pattern.toEventPattern() });
 *
 * @see https://aws.amazon.com/blogs/security/how-to-receive-alerts-when-your-iam-configuration-changes/
 */
export class IamEventPattern {
  /**
   * Any IAM API call recorded by CloudTrail: the post's "Any operation".
   *
   * Read-only calls (Get*, List*, ...) reach a rule only when its state is
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`; they are frequent.
   */
  public static allApiCalls(): IamEventPattern {
    return IamEventPattern.fromBranches('any IAM API call', [iamBranch(undefined)]);
  }

  /**
   * IAM changes as the IAM-alerts post lists them: names beginning Add, Attach, Change, Create,
   * Deactivate, Delete, Detach, Enable, Put, Remove, Set, Update or Upload, each compiled to a
   * `prefix` match (a plain `"Add*"` would be an exact match of the text `Add*`).
   *
   * Threat: unreviewed changes to identities, credentials and permissions. Misses mutating calls
   * with other verbs, such as `TagRole`/`UntagRole` (tags can grant access through ABAC),
   * `ResyncMFADevice`, `ResetServiceSpecificCredential` and `DisableOrganizationsRootSessions`:
   * `mutatingCalls()` matches every change.
   */
  public static changes(): IamEventPattern {
    return IamEventPattern.fromBranches('IAM changes', [iamBranch(POST_CHANGE_PREFIXES.map(ValueGlob.parse))]);
  }

  /**
   * The post's authentication and authorization changes: `Put*Policy` (a wildcard), and names
   * beginning Attach, Detach, Create, Update, Upload, Delete, Remove or Set.
   *
   * Threat: changes to who can sign in and what they may do. Misses, among others,
   * `AddUserToGroup` (see `groupMembershipChanges()`), `PutRolePermissionsBoundary` and
   * `PutUserPermissionsBoundary` (see `permissionsBoundaryChanges()`), `DeactivateMFADevice` and
   * `EnableMFADevice` (see `mfaDeviceChanges()`) and `ChangePassword` (see `loginProfileChanges()`).
   */
  public static authChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('IAM authentication and authorization changes', [iamBranch(POST_AUTH_CHANGES.map(ValueGlob.parse))]);
  }

  /**
   * IAM calls by name or glob: `Create*` compiles to a prefix match, `*Policy` to a suffix
   * match, `Put*Policy` to a wildcard match, and a name without `*` to an exact match.
   *
   * Names are IAM operation names as CloudTrail writes them in `eventName` (letters and digits,
   * case-sensitive). Each name must be an operation of the IAM operations catalog
   * (`IamOperations`), and each glob must match at least one: a misspelt name would otherwise
   * give a rule that never fires. For an operation AWS added after the catalog was generated,
   * use `eventNamesNotInCatalog()`. For console sign-ins use `consoleSignIns()` or
   * `withConsoleSignIn()`.
   *
   * @param names operation names or globs, for example `CreateUser`, `Put*Policy`
   */
  public static eventNames(...names: string[]): IamEventPattern {
    const method = 'IamEventPattern.eventNames';
    const globs = parseEventNames(names, method, true);
    checkAgainstCatalog(globs, method, iamOperationNames(), CatalogCheck.KNOWN_OPERATIONS);
    return IamEventPattern.fromBranches(`IAM calls ${listForHumans(names)}`, [iamBranch(globs)], method);
  }

  /**
   * IAM calls by name or glob, like `eventNames()`, also for operations AWS added after the IAM
   * operations catalog (`IamOperations`) was generated.
   *
   * Only a name or glob that differs from catalog operations in case alone is refused. A name
   * outside the catalog beginning Get, List or Describe counts as read-only.
   *
   * @param names operation names or globs, as for `eventNames()`
   */
  public static eventNamesNotInCatalog(...names: string[]): IamEventPattern {
    const method = 'IamEventPattern.eventNamesNotInCatalog';
    const globs = parseEventNames(names, method, true);
    checkAgainstCatalog(globs, method, iamOperationNames(), CatalogCheck.CASE_ONLY);
    return IamEventPattern.fromBranches(`IAM calls ${listForHumans(names)}`, [iamBranch(globs)], method);
  }

  /**
   * Every IAM call that changes something: CloudTrail's `readOnly` is false.
   *
   * Closes the gaps of the post's lists (tagging, MFA resync, service-specific credential reset,
   * organizations root-access settings, and any operation AWS adds later) because CloudTrail
   * itself classifies each call. Reaches a rule in the ordinary `ENABLED` state.
   */
  public static mutatingCalls(): IamEventPattern {
    return IamEventPattern.fromBranches('every IAM change', [{ ...iamBranch(undefined), mutatingOnly: true }]);
  }

  /**
   * IAM policy changes exactly as the CIS AWS Foundations Benchmark lists them (control 4.4,
   * Security Hub CloudWatch.4): Put/Delete of group, role and user inline policies,
   * Create/Delete of managed policies and policy versions, Attach/Detach of managed policies.
   *
   * Threat: privilege escalation or loss of least privilege through policy edits. The CIS list
   * omits `SetDefaultPolicyVersion` (activating an older, broader version) and permissions
   * boundaries: `policyChanges()` adds them.
   *
   * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-4
   */
  public static cisPolicyChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('IAM policy changes (CIS 4.4)', [iamBranch(CIS_POLICY_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * Every change to what IAM policies grant: the CIS 4.4 list plus `SetDefaultPolicyVersion` and
   * the four permissions-boundary calls.
   *
   * Threat: privilege escalation through any policy lever, including switching a managed policy
   * to a broader version and removing the boundary that capped a role or user.
   */
  public static policyChanges(): IamEventPattern {
    const names = [...CIS_POLICY_CHANGES, 'SetDefaultPolicyVersion', ...PERMISSIONS_BOUNDARY_CHANGES];
    return IamEventPattern.fromBranches('IAM policy changes', [iamBranch(names.map(ValueGlob.exact))]);
  }

  /**
   * Activity of the root user in IAM and console sign-in, as CIS 4.3 (Security Hub
   * CloudWatch.1) defines root use: `userIdentity.type` Root, not invoked by an AWS service,
   * and not an AWS service event.
   *
   * One deliberate difference from the CIS filter, which drops every event with
   * `userIdentity.invokedBy`: `invokedBy: signin.amazonaws.com` marks the root user's own
   * console session (creating root access keys in the console carries it), so it is kept.
   *
   * Threat: use of the account's unrestricted credentials (root access keys, root console
   * sign-in, root password changes). Covers the root events EventBridge delivers in us-east-1
   * (IAM, and root sign-in, which is recorded there); `rootUserActivityInAllServices()` covers
   * root calls to every service, for rules in every region.
   *
   * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-1
   */
  public static rootUserActivity(): IamEventPattern {
    return IamEventPattern.fromBranches('root user activity in IAM and sign-in (CIS 4.3)', [
      { ...iamBranch(undefined), conditions: rootUserConditions() },
      { ...signInBranch(undefined), conditions: rootUserConditions() },
    ]);
  }

  /**
   * Activity of the root user in any AWS service (CIS 4.3 in full): API calls, console actions
   * and console sign-in events whose `userIdentity.type` is Root, not invoked by an AWS service
   * (the console's `signin.amazonaws.com` is kept, as in `rootUserActivity()`), excluding AWS
   * service events.
   *
   * Threat: any use of the root user. CloudTrail records calls to regional services in the region
   * where they happen, so this pattern needs a rule in every region (`includesRegionalEvents` is
   * true) and names no `source`.
   */
  public static rootUserActivityInAllServices(): IamEventPattern {
    return IamEventPattern.fromBranches('root user activity (CIS 4.3)', [
      {
        kind: BranchKind.API,
        detailTypes: [API_CALL, CONSOLE_ACTION],
        eventTypes: ['AwsApiCall', 'AwsConsoleAction'],
        conditions: rootUserConditions(),
        mutatingOnly: false,
        readOnlyReach: ReadOnlyReach.ANY_SERVICE,
        regional: true,
      },
      {
        kind: BranchKind.CONSOLE,
        detailTypes: [SIGN_IN, SIGN_IN_ALT],
        eventTypes: ['AwsConsoleSignIn'],
        conditions: rootUserConditions(),
        mutatingOnly: false,
        readOnlyReach: ReadOnlyReach.NONE,
        regional: true,
      },
    ]);
  }

  /**
   * Every console sign-in (`ConsoleLogin`), successful or not, by any kind of user.
   *
   * IAM-user sign-ins through the global endpoint are recorded in us-east-1, us-east-2,
   * eu-north-1 or ap-southeast-2, and through a regional endpoint in that region: a sign-in alert
   * needs rules in several regions.
   *
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
   */
  public static consoleSignIns(): IamEventPattern {
    return IamEventPattern.fromBranches('console sign-ins', [signInBranch([ValueGlob.exact(CONSOLE_LOGIN)])]);
  }

  /**
   * Console sign-ins of IAM users without MFA, as CIS 4.2 (Security Hub CloudWatch.3) defines
   * them: `ConsoleLogin` by `userIdentity.type` IAMUser whose `additionalEventData.MFAUsed` is not
   * `Yes`, and that did not fail.
   *
   * Threat: a password alone opens the console (phished or reused password). A sign-in event
   * that records no MFA field at all also matches. Federated sign-ins (type AssumedRole) are not
   * IAM users: their MFA happens at the identity provider.
   *
   * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-3
   */
  public static consoleSignInWithoutMfa(): IamEventPattern {
    return IamEventPattern.fromBranches('console sign-in without MFA (CIS 4.2)', [{
      ...signInBranch([ValueGlob.exact(CONSOLE_LOGIN)]),
      conditions: {
        userIdentity: { type: ['IAMUser'] },
        additionalEventData: { MFAUsed: [{ exists: false }, { 'anything-but': 'Yes' }] },
      },
      outcome: Outcome.SUCCESSFUL,
    }]);
  }

  /**
   * Failed console sign-ins (CIS 4.6, Security Hub CloudWatch.6): `ConsoleLogin` whose
   * `responseElements.ConsoleLogin` is `Failure`.
   *
   * Threat: password guessing against IAM users or the root user. CIS matches the error message
   * "Failed authentication"; the response element also catches failures with other messages
   * (for example an unknown user name).
   *
   * @see https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-6
   */
  public static failedConsoleSignIns(): IamEventPattern {
    return IamEventPattern.fromBranches('failed console sign-ins (CIS 4.6)', [{ ...signInBranch([ValueGlob.exact(CONSOLE_LOGIN)]), outcome: Outcome.FAILED }]);
  }

  /**
   * Access-key lifecycle: `CreateAccessKey`, `UpdateAccessKey` (activate or deactivate) and
   * `DeleteAccessKey`.
   *
   * Threat: persistence through a new long-term key, or reactivation of an old one.
   */
  public static accessKeyChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('access key changes', [iamBranch(ACCESS_KEY_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * MFA device changes: `CreateVirtualMFADevice`, `EnableMFADevice`, `DeactivateMFADevice`,
   * `DeleteVirtualMFADevice` and `ResyncMFADevice`.
   *
   * Threat: an attacker removing a victim's MFA, or binding their own device to keep access.
   * `DeactivateMFADevice` and `ResyncMFADevice` are in neither the post's authentication list
   * nor (for Resync) its change list.
   */
  public static mfaDeviceChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('MFA device changes', [iamBranch(MFA_DEVICE_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * Console password changes: `CreateLoginProfile`, `UpdateLoginProfile`, `DeleteLoginProfile`
   * and `ChangePassword` (a user changing their own password).
   *
   * Threat: console access granted to a user that had none, or taken over by resetting a
   * password.
   */
  public static loginProfileChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('console password changes', [iamBranch(LOGIN_PROFILE_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * Role trust-policy changes: `UpdateAssumeRolePolicy`.
   *
   * Threat: a backdoored role that trusts an outside account or identity provider. A new role
   * brings its trust policy with `CreateRole`, which `changes()` matches.
   */
  public static roleTrustPolicyChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('role trust policy changes', [iamBranch(ROLE_TRUST_POLICY_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * Permissions-boundary changes: `PutRolePermissionsBoundary`, `PutUserPermissionsBoundary`,
   * `DeleteRolePermissionsBoundary` and `DeleteUserPermissionsBoundary`.
   *
   * Threat: lifting the cap on what a delegated administrator's roles may do. The post's
   * `Put*Policy` does not match the Put calls.
   */
  public static permissionsBoundaryChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('permissions boundary changes', [iamBranch(PERMISSIONS_BOUNDARY_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * SAML and OIDC identity-provider changes: create, update and delete of SAML providers; create,
   * thumbprint update, client-id add/remove and delete of OpenID Connect providers.
   *
   * Threat: a rogue identity provider that lets outside identities assume roles.
   */
  public static identityProviderChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('SAML and OIDC provider changes', [iamBranch(IDENTITY_PROVIDER_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * Group-membership changes: `AddUserToGroup` and `RemoveUserFromGroup`.
   *
   * Threat: privilege escalation by joining a powerful group. The post's authentication list
   * has no `Add*`, so it misses `AddUserToGroup`.
   */
  public static groupMembershipChanges(): IamEventPattern {
    return IamEventPattern.fromBranches('IAM group membership changes', [iamBranch(GROUP_MEMBERSHIP_CHANGES.map(ValueGlob.exact))]);
  }

  /**
   * @param method the factory called, named in errors (presets are valid by construction: only
   * `eventNames()` and `eventNamesNotInCatalog()` can fail)
   */
  private static fromBranches(description: string, branches: Branch[], method = 'IamEventPattern'): IamEventPattern {
    return new IamEventPattern({
      baseDescription: description,
      branches,
      excludedNames: [],
      principals: [],
      withConsoleSignIn: false,
      mutatingOnly: false,
    }, method);
  }

  /**
   * Whether console sign-in events can match.
   *
   * When true, rules must also live in the regions that record sign-ins (us-east-1, us-east-2,
   * eu-north-1, ap-southeast-2, and any region whose sign-in endpoint users call).
   */
  public readonly includesConsoleSignIn: boolean;

  /**
   * Whether read-only calls can match.
   *
   * When true, the rule's state must be `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` for them
   * to arrive (aws-cdk-lib's `Rule` writes only ENABLED/DISABLED: set it on the L1).
   */
  public readonly includesReadOnlyEvents: boolean;

  /**
   * Whether events of regional services can match (only `rootUserActivityInAllServices()`).
   *
   * When true, CloudTrail records matching events in whichever region they happen: a complete
   * alert needs a rule in every region.
   */
  public readonly includesRegionalEvents: boolean;

  /** What the pattern matches, in words (alert subjects, rule descriptions, docs). */
  public readonly description: string;

  private readonly state: PatternState;
  private readonly rendered: Rendered;
  private readonly hasTokens: boolean;

  /** @param method the factory or refinement that made the pattern, named in errors */
  private constructor(state: PatternState, method: string) {
    this.state = state;
    this.description = describe(state);
    this.hasTokens = state.principals.some((p) => p.isToken) || (state.accounts ?? []).some((a) => Token.isUnresolved(a));
    this.rendered = renderWithinQuota(state, this.description, method);
    const survivors = this.rendered.branches;
    this.includesConsoleSignIn = survivors.some(({ branch }) => branch.kind === BranchKind.CONSOLE);
    this.includesRegionalEvents = survivors.some(({ branch }) => branch.regional);
    this.includesReadOnlyEvents = survivors.some(({ branch, names }) => canMatchReadOnly(branch, names));
  }

  /**
   * The accounts `onlyAccounts()` limited the pattern to (the event's `account`), or undefined
   * when events of any account match.
   *
   * May hold unresolved tokens given to `onlyAccounts()`. Each read returns a new copy.
   */
  public get accounts(): string[] | undefined {
    return this.state.accounts === undefined ? undefined : [...this.state.accounts];
  }

  /**
   * A pattern that no longer matches these event names or globs.
   *
   * EventBridge cannot say "prefix Create but not CreateUser" on one field, so exclusions from a
   * glob are rewritten with the IAM operations catalog (`IamOperations`): `Create*` minus
   * `CreateServiceLinkedRole` becomes the sub-prefixes that cover the remaining Create operations.
   * Over the catalog the meaning is exact; an operation AWS adds later matches if it falls under
   * a kept sub-prefix. Excluding from "any call" is exact (`anything-but`).
   *
   * Excluding a name the catalog does not know is allowed (it may be an operation AWS adds
   * later); a name or glob that differs from catalog operations only in case is refused, since
   * it would exclude nothing.
   *
   * @param names operation names or globs to drop, for example `CreateServiceLinkedRole`, `Tag*`
   */
  public excludingEventNames(...names: string[]): IamEventPattern {
    const method = 'IamEventPattern.excludingEventNames';
    const globs = parseEventNames(names, method, false);
    checkAgainstCatalog(globs, method, [...iamOperationNames(), CONSOLE_LOGIN], CatalogCheck.CASE_ONLY);
    return this.refine({ excludedNames: dedupeGlobs([...this.state.excludedNames, ...globs]) }, method);
  }

  /**
   * A pattern that matches only calls made by these principals.
   *
   * Give IAM ARNs or ARN globs of any partition: users (`arn:aws:iam::111122223333:user/alice`),
   * roles (`arn:aws:iam::111122223333:role/Deploy`, `arn:aws:iam::*:role/cdk-*`), role sessions
   * (`arn:aws:sts::111122223333:assumed-role/Deploy/*`) or the root user
   * (`arn:aws:iam::111122223333:root`). A role matches through the session ARN CloudTrail records
   * in `userIdentity.arn` (`assumed-role/<name>/*`, which CloudTrail writes without the role's
   * path) and through `userIdentity.sessionContext.sessionIssuer.arn`; a role glob under a path
   * with a starred name (`role/aws-reserved/sso.amazonaws.com/*`) matches through the session
   * issuer only, since its sessions cannot be told apart by name. Unresolved tokens are accepted:
   * a role ARN written around tokens (`arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/Deploy`)
   * matches like a plain one, any other token (such as `role.roleArn`) is matched exactly on both
   * fields.
   *
   * @param principalArns principal ARNs or ARN globs
   */
  public onlyPrincipals(...principalArns: string[]): IamEventPattern {
    const method = 'IamEventPattern.onlyPrincipals';
    if (this.state.principalMode !== undefined) {
      throw invalidInput(method, `the pattern '${this.description}' is already limited by ${this.state.principalMode}Principals().`,
        'pass every principal in one onlyPrincipals() call, and do not combine onlyPrincipals() with exceptPrincipals().');
    }
    return this.refine({ principalMode: PrincipalMode.ONLY, principals: parsePrincipals(principalArns, method) }, method);
  }

  /**
   * A pattern that matches calls by anyone except these principals (for example the deployment
   * role that changes IAM every day).
   *
   * Takes the same ARNs and globs as `onlyPrincipals`. An excluded role is recognised both by its
   * session ARN (`userIdentity.arn`) and by its ARN as session issuer; events that carry neither
   * field (calls by AWS services) still match.
   *
   * @param principalArns principal ARNs or ARN globs
   */
  public exceptPrincipals(...principalArns: string[]): IamEventPattern {
    const method = 'IamEventPattern.exceptPrincipals';
    if (this.state.principalMode === PrincipalMode.ONLY) {
      throw invalidInput(method, `the pattern '${this.description}' is already limited by onlyPrincipals().`,
        'leave the excluded principals out of the onlyPrincipals() list instead.');
    }
    const added = parsePrincipals(principalArns, method);
    const known = new Set(this.state.principals.map((p) => p.text));
    const principals = [...this.state.principals, ...added.filter((p) => !known.has(p.text))];
    return this.refine({ principalMode: PrincipalMode.EXCEPT, principals }, method);
  }

  /**
   * A pattern that matches only calls that failed: API calls with an `errorCode`, and console
   * sign-ins whose `responseElements.ConsoleLogin` is `Failure`.
   *
   * Threat: probing (repeated AccessDenied) by stolen credentials.
   */
  public onlyFailedCalls(): IamEventPattern {
    return this.refineOutcome(Outcome.FAILED, 'onlyFailedCalls');
  }

  /**
   * A pattern that matches only calls that did not fail: API calls without an `errorCode`, and
   * console sign-ins whose `responseElements.ConsoleLogin` is not `Failure`.
   */
  public onlySuccessfulCalls(): IamEventPattern {
    return this.refineOutcome(Outcome.SUCCESSFUL, 'onlySuccessfulCalls');
  }

  /**
   * A pattern that matches only events of these AWS accounts (the event's `account`).
   *
   * Applied again, it keeps the accounts both lists name.
   *
   * @param accountIds 12-digit account ids
   */
  public onlyAccounts(...accountIds: string[]): IamEventPattern {
    const method = 'IamEventPattern.onlyAccounts';
    if (accountIds.length === 0) {
      throw invalidInput(method, 'no account id was given.', 'give at least one 12-digit account id, for example 111122223333.');
    }
    accountIds.forEach((a) => validateAccountId(a, method));
    const requested = [...new Set(accountIds)];
    const accounts = this.state.accounts === undefined ? requested : this.state.accounts.filter((a) => requested.includes(a));
    if (accounts.length === 0) {
      throw invalidInput(method, `none of ${requested.join(', ')} is among the accounts the pattern '${this.description}' `
        + 'is already limited to, so it could match nothing.', 'pass the accounts you want in one onlyAccounts() call.');
    }
    return this.refine({ accounts }, method);
  }

  /**
   * A pattern that also matches console sign-ins (`ConsoleLogin` from `aws.signin`, both
   * detail-type spellings).
   *
   * Sign-ins are recorded in several regions (see `includesConsoleSignIn`).
   */
  public withConsoleSignIn(): IamEventPattern {
    const consoleLogin = signInBranch([ValueGlob.exact(CONSOLE_LOGIN)]);
    const key = JSON.stringify(consoleLogin);
    if (this.state.branches.some((b) => JSON.stringify(b) === key)) return this;
    return this.refine({ withConsoleSignIn: true, branches: [...this.state.branches, consoleLogin] }, 'IamEventPattern.withConsoleSignIn');
  }

  /**
   * A pattern that matches only API calls that change something (CloudTrail `readOnly` false);
   * console sign-ins are unaffected.
   *
   * Lets a rule stay in the ordinary `ENABLED` state (see `includesReadOnlyEvents`).
   */
  public onlyMutatingCalls(): IamEventPattern {
    return this.refine({
      mutatingOnly: true,
      branches: this.state.branches.map((b) => (b.kind === BranchKind.API ? { ...b, mutatingOnly: true } : b)),
    }, 'IamEventPattern.onlyMutatingCalls');
  }

  /**
   * The pattern for an aws-cdk-lib `events.Rule` (`eventPattern`), `Rule.addEventPattern` or
   * `IRule` helpers.
   *
   * The rule renders it to the same JSON as `toJson()`. Unresolved tokens given to refinements
   * resolve in the template.
   */
  public toEventPattern(): events.EventPattern {
    const { source, 'detail-type': detailType, account, detail } = this.rendered.pattern;
    return copyJson({
      ...(source !== undefined ? { source } : {}),
      detailType,
      ...(account !== undefined ? { account } : {}),
      detail,
    }) as unknown as events.EventPattern;
  }

  /**
   * The pattern as native EventBridge JSON text, for the console, `aws events put-rule
   * --event-pattern`, `aws events test-event-pattern` and other tools.
   *
   * Fails when a refinement was given an unresolved CDK token, whose value only a deployment
   * knows: use `toEventPattern()` in a stack then.
   */
  public toJson(): string {
    if (this.hasTokens) {
      throw invalidInput('IamEventPattern.toJson', `the pattern '${this.description}' holds unresolved CDK tokens `
        + '(principals or accounts known only at deployment), so it has no JSON text yet.',
      'use toEventPattern() in a stack, or pass the ARNs and account ids as plain strings.');
    }
    return this.rendered.text;
  }

  private refine(changes: Partial<PatternState>, method: string): IamEventPattern {
    return new IamEventPattern({ ...this.state, ...changes }, method);
  }

  /** @param name the refinement called, without the class (`onlyFailedCalls`) */
  private refineOutcome(outcome: Outcome, name: string): IamEventPattern {
    const method = `IamEventPattern.${name}`;
    if (this.state.outcome !== undefined && this.state.outcome !== outcome) {
      throw invalidInput(method, `the pattern '${this.description}' could then match nothing: it is already limited to ${this.state.outcome} calls.`,
        'call only one of onlyFailedCalls() and onlySuccessfulCalls().');
    }
    const preset = this.state.branches.find((b) => b.outcome !== undefined && b.outcome !== outcome);
    if (preset !== undefined) {
      throw invalidInput(method, `the pattern '${this.description}' could then match nothing: the preset matches only ${preset.outcome} ones.`,
        `leave out ${name}(), or start from a pattern that is not limited to ${preset.outcome} calls.`);
    }
    return this.refine({ outcome }, method);
  }
}

function iamBranch(eventNames: readonly ValueGlob[] | undefined): Branch {
  return {
    kind: BranchKind.API,
    sources: [IAM_SOURCE],
    detailTypes: [API_CALL],
    eventSource: IAM_EVENT_SOURCE,
    eventNames,
    conditions: {},
    mutatingOnly: false,
    readOnlyReach: ReadOnlyReach.IAM_CATALOG,
    regional: false,
  };
}

function signInBranch(eventNames: readonly ValueGlob[] | undefined): Branch {
  return {
    kind: BranchKind.CONSOLE,
    sources: [SIGN_IN_SOURCE],
    detailTypes: [SIGN_IN, SIGN_IN_ALT],
    eventSource: SIGN_IN_EVENT_SOURCE,
    eventNames,
    conditions: {},
    mutatingOnly: false,
    readOnlyReach: ReadOnlyReach.NONE,
    regional: false,
  };
}

/**
 * CIS 4.3's definition of root use (the event-type part is in each branch's detail-types), with
 * one deliberate difference: CIS drops every call that has `invokedBy`, but
 * `invokedBy: signin.amazonaws.com` marks the root user's own console session (creating root
 * access keys in the console carries it), not an AWS service acting on its own, so it is kept.
 */
function rootUserConditions(): JsonObject {
  return { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }, CONSOLE_INVOKER] } };
}

function parseEventNames(names: readonly string[], method: string, rejectSignIn: boolean): ValueGlob[] {
  if (names.length === 0) {
    throw invalidInput(method, 'no event name was given.', 'give at least one event name or glob, for example "CreateUser" or "Put*Policy".');
  }
  return dedupeGlobs(names.map((name) => {
    if (typeof name !== 'string' || name === '') {
      throw invalidInput(method, 'an event name is empty.', 'give an IAM operation name such as "CreateUser" or a glob such as "Create*".');
    }
    if (/^\*+$/.test(name)) {
      throw invalidInput(method, `"${name}" alone would match every call.`,
        'use IamEventPattern.allApiCalls() for that, or give a name or glob such as "Create*".');
    }
    if (name.includes('**')) {
      throw invalidInput(method, `"${name}" has consecutive stars, which EventBridge wildcards reject.`, 'use a single "*".');
    }
    if (!EVENT_NAME_GLOB.test(name)) {
      const bad = [...name].filter((c) => !/[A-Za-z0-9*]/.test(c)).map((c) => JSON.stringify(c));
      throw invalidInput(method, `"${name}" contains ${[...new Set(bad)].join(', ')}, which never occurs in an IAM event name.`,
        'write event names with letters and digits only, and "*" as the glob (for example "Put*Policy").');
    }
    if (rejectSignIn && name.toLowerCase() === CONSOLE_LOGIN.toLowerCase()) {
      throw invalidInput(method, `"${name}" is a sign-in event (aws.signin ${CONSOLE_LOGIN}), not an IAM call.`,
        'use IamEventPattern.consoleSignIns() or withConsoleSignIn().');
    }
    return ValueGlob.parse(name);
  }));
}

/** How strictly event names are held to the catalog. */
enum CatalogCheck {
  /** Every name must be a catalog name, every glob must match one. */
  KNOWN_OPERATIONS = 'known-operations',
  /** Only names and globs that would match catalog names but for their case are refused. */
  CASE_ONLY = 'case-only',
}

/** How many "did you mean" names an error offers. */
const MAX_SUGGESTIONS = 3;

/**
 * Throws for a name or glob that matches no catalog name but would if compared without case
 * (EventBridge compares case-sensitively, so it would match nothing), and, with
 * `KNOWN_OPERATIONS`, for any name or glob that matches no catalog name at all.
 */
function checkAgainstCatalog(globs: readonly ValueGlob[], method: string, catalog: readonly string[], check: CatalogCheck): void {
  const hatch = 'for an operation AWS added after the catalog was generated, use IamEventPattern.eventNamesNotInCatalog().';
  const source = `the IAM operations catalog (IamOperations, from ${IamOperations.OPERATIONS_SOURCE} ${IamOperations.OPERATIONS_SOURCE_VERSION})`;
  for (const glob of globs) {
    if (catalog.some((name) => glob.matches(name))) continue;
    const caseFixes = caseCorrections(glob, catalog);
    if (caseFixes.length > 0) {
      const problem = glob.kind === GlobKind.EXACT ? 'is not an event name CloudTrail records' : 'matches no event name CloudTrail records';
      throw invalidInput(method, `"${glob.text}" ${problem}: event names are case-sensitive.`, `correct the case: did you mean ${listAlternatives(caseFixes)}?`);
    }
    if (check === CatalogCheck.CASE_ONLY) continue;
    if (glob.kind !== GlobKind.EXACT) {
      throw invalidInput(method, `"${glob.text}" matches no operation of ${source}, so it would never match an event.`,
        `check the spelling; ${hatch}`);
    }
    const suggestions = closestNames(glob.text, catalog);
    const similar = suggestions.length > 0 ? '.' : ', and no operation there has a similar name.';
    const hint = suggestions.length > 0 ? `did you mean ${listAlternatives(suggestions)}?` : 'check the spelling.';
    throw invalidInput(method, `"${glob.text}" is not an operation of ${source}${similar}`,
      `${hint} Permission-only actions such as PassRole have no CloudTrail event; ${hatch}`);
  }
}

/** The globs, spelt with the catalog's case, that `glob` would be if its case were right. */
function caseCorrections(glob: ValueGlob, catalog: readonly string[]): string[] {
  // The parts are letters and digits (parseEventNames checked them): nothing to escape.
  const insensitive = new RegExp(`^${glob.text.split('*').map((part) => `(${part})`).join('.*')}$`, 'i');
  const fixes: string[] = [];
  for (const name of catalog) {
    const match = insensitive.exec(name);
    if (match === null) continue;
    const fixed = match.slice(1).join('*');
    if (!fixes.includes(fixed)) fixes.push(fixed);
    if (fixes.length === MAX_SUGGESTIONS) break;
  }
  return fixes;
}

/** Up to three catalog names nearest to `name` by edit distance (ignoring case), nearest first; only reasonably near ones. */
function closestNames(name: string, catalog: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return catalog
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** `A`, `A or B`, `A, B or C`. */
function listAlternatives(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function parsePrincipals(arns: readonly string[], method: string): PrincipalMatch[] {
  if (arns.length === 0) {
    throw invalidInput(method, 'no principal ARN was given.', 'give at least one principal ARN, for example arn:aws:iam::111122223333:role/Deploy.');
  }
  const distinct = [...new Set(arns)];
  return distinct.map((arn) => parsePrincipal(arn, method));
}

function iamOperationNames(): string[] {
  return IamOperations.all().map((op) => op.name);
}

function effectiveNames(branch: Branch, excluded: readonly ValueGlob[]): EffectiveNames {
  if (branch.eventNames === undefined) {
    return { any: true, globs: excluded };
  }
  if (excluded.length === 0) return { any: false, globs: branch.eventNames };
  const catalog = branch.readOnlyReach === ReadOnlyReach.IAM_CATALOG ? iamOperationNames() : [];
  return { any: false, globs: subtractGlobs(branch.eventNames, excluded, catalog) };
}

function canMatchReadOnly(branch: Branch, names: EffectiveNames): boolean {
  if (branch.mutatingOnly) return false;
  switch (branch.readOnlyReach) {
    case ReadOnlyReach.ANY_SERVICE: return true;
    case ReadOnlyReach.NONE: return false;
    case ReadOnlyReach.IAM_CATALOG: {
      const matches = (name: string) => (names.any
        ? !names.globs.some((x) => x.matches(name))
        : names.globs.some((g) => g.matches(name)));
      if (IamOperations.readOnly().some((op) => matches(op.name))) return true;
      // Names outside the catalog (eventNamesNotInCatalog) follow the catalog's rule for
      // operations the reference does not list yet: Get, List and Describe names read.
      return !names.any && names.globs.some((g) => mayNameUncataloguedReadOnlyCall(g));
    }
  }
}

/** Whether a glob that matches no catalog operation could match a read-only operation AWS adds later. */
function mayNameUncataloguedReadOnlyCall(glob: ValueGlob): boolean {
  if (iamOperationNames().some((name) => glob.matches(name))) return false;
  const head = glob.text.split('*')[0];
  if (READ_ONLY_NAME.test(head)) return true;
  // A glob's star may still supply the rest of a verb and the capital after it ("Ge*", "Get*").
  return glob.kind !== GlobKind.EXACT && READ_ONLY_VERBS.some((verb) => verb.startsWith(head));
}

function outcomeConditions(kind: BranchKind, outcome: Outcome): JsonObject {
  if (kind === BranchKind.API) {
    return { errorCode: [{ exists: outcome === Outcome.FAILED }] };
  }
  return {
    responseElements: {
      ConsoleLogin: outcome === Outcome.FAILED ? ['Failure'] : [{ exists: false }, { 'anything-but': 'Failure' }],
    },
  };
}

function principalConditions(mode: PrincipalMode, principals: readonly PrincipalMatch[]): JsonObject {
  const identity = dedupeGlobs(principals.flatMap((p) => p.identityArn));
  const issuer = dedupeGlobs(principals.flatMap((p) => p.sessionIssuerArn));
  const issuerPath = (matchers: FieldMatcher[]): JsonObject => ({ sessionContext: { sessionIssuer: { arn: matchers as Json[] } } });
  if (mode === PrincipalMode.EXCEPT) {
    // anything-but needs the field to exist: events without it (AWS service calls, IAM users
    // who have no session issuer) must still match.
    const userIdentity: JsonObject = {};
    if (identity.length > 0) userIdentity.arn = [{ exists: false }, anythingButMatcher(identity) as Json];
    if (issuer.length > 0) Object.assign(userIdentity, issuerPath([{ exists: false }, anythingButMatcher(issuer)]));
    return { userIdentity };
  }
  const byIdentity: JsonObject = { arn: identity.map((g) => g.toMatcher()) as Json[] };
  const byIssuer = issuerPath(issuer.map((g) => g.toMatcher()));
  if (issuer.length === 0) return { userIdentity: byIdentity };
  if (identity.length === 0) return { userIdentity: byIssuer };
  return { userIdentity: { $or: [byIdentity, byIssuer] } };
}

function renderBranch(branch: Branch, names: EffectiveNames, outcome: Outcome | undefined, compress: boolean): JsonObject {
  const clause: JsonObject = {};
  if (branch.eventSource !== undefined) clause.eventSource = [branch.eventSource];
  if (branch.eventTypes !== undefined) clause.eventType = [...branch.eventTypes];
  if (names.any) {
    if (names.globs.length > 0) clause.eventName = [anythingButMatcher(names.globs) as Json];
  } else {
    // Compressing an allow list into catalog-proven prefixes keeps its meaning over the catalog
    // and only widens it for operations AWS adds later; a deny list is never compressed, since
    // widening it would silently drop future operations.
    const globs = compress && branch.readOnlyReach === ReadOnlyReach.IAM_CATALOG
      ? compressExactGlobs(names.globs, [], iamOperationNames())
      : names.globs;
    clause.eventName = globs.map((g) => g.toMatcher()) as Json[];
  }
  mergeInto(clause, copyJson(branch.conditions));
  const effectiveOutcome = branch.outcome ?? outcome;
  if (effectiveOutcome !== undefined) mergeInto(clause, outcomeConditions(branch.kind, effectiveOutcome));
  if (branch.mutatingOnly) clause.readOnly = [false];
  return clause;
}

function render(state: PatternState, compress: boolean): Rendered {
  const survivors = state.branches
    .map((branch) => ({ branch, names: effectiveNames(branch, state.excludedNames) }))
    .filter(({ names }) => names.any || names.globs.length > 0);
  const clauses: JsonObject[] = [];
  const kept: Array<{ branch: Branch; names: EffectiveNames }> = [];
  for (const survivor of survivors) {
    const clause = renderBranch(survivor.branch, survivor.names, state.outcome, compress);
    if (clauses.some((c) => JSON.stringify(c) === JSON.stringify(clause))) continue;
    clauses.push(clause);
    kept.push(survivor);
  }
  const pattern: JsonObject = {};
  if (kept.length > 0 && kept.every(({ branch }) => branch.sources !== undefined)) {
    pattern.source = unique(kept.flatMap(({ branch }) => branch.sources!));
  }
  pattern['detail-type'] = unique(kept.flatMap(({ branch }) => branch.detailTypes));
  if (state.accounts !== undefined) pattern.account = [...state.accounts];
  const common = state.principalMode !== undefined ? principalConditions(state.principalMode, state.principals) : {};
  if (clauses.length === 1) {
    pattern.detail = mergeInto(clauses[0], common);
  } else {
    pattern.detail = { $or: clauses, ...common };
  }
  return { pattern, text: JSON.stringify(pattern), branches: kept };
}

/** @param method the factory or refinement that made the pattern, named in errors */
function renderWithinQuota(state: PatternState, description: string, method: string): Rendered {
  let rendered = render(state, false);
  if (rendered.branches.length === 0) {
    throw invalidInput(method, `the pattern '${description}' matches nothing: the excluded event names `
      + `${state.excludedNames.map((g) => g.text).join(', ')} remove every name it matched.`, 'exclude fewer names.');
  }
  if (rendered.text.length > MAX_PATTERN_LENGTH) {
    rendered = render(state, true);
  }
  if (rendered.text.length > MAX_PATTERN_LENGTH) {
    throw invalidInput(method, `the pattern '${description}' is ${rendered.text.length} characters long, more than EventBridge's default `
      + `event pattern quota of ${MAX_PATTERN_LENGTH} characters, even with its event names compressed into prefixes.`,
    'give fewer event names, principals or accounts (a glob such as "arn:aws:iam::*:role/cdk-*" can stand for many ARNs), '
      + 'or split it into several patterns.');
  }
  const check = EventPatternMatcher.check(rendered.text, { maxPatternLength: MAX_PATTERN_LENGTH });
  if (!check.valid) {
    // The engine's findings already say what is wrong, where, and the fix, in event-ruler's words.
    throw invalidInputFindings(method, `the pattern '${description}' is not a valid EventBridge pattern: `, check.errors);
  }
  return rendered;
}

function describe(state: PatternState): string {
  let text = state.baseDescription;
  if (state.withConsoleSignIn) text += ' and console sign-ins';
  if (state.excludedNames.length > 0) text += `, except ${listForHumans(state.excludedNames.map((g) => g.text))}`;
  if (state.principalMode !== undefined) {
    const names = state.principals.map((p) => (p.isToken ? '<principal given at deployment>' : p.text));
    text += state.principalMode === PrincipalMode.ONLY ? `, by ${listForHumans(names)}` : `, not by ${listForHumans(names)}`;
  }
  if (state.accounts !== undefined) {
    const ids = state.accounts.map((a) => (Token.isUnresolved(a) ? '<account given at deployment>' : a));
    text += `, in account${ids.length > 1 ? 's' : ''} ${listForHumans(ids)}`;
  }
  if (state.outcome !== undefined) text += `, ${state.outcome} calls only`;
  if (state.mutatingOnly) text += ', changes only';
  return text;
}

function listForHumans(items: readonly string[]): string {
  if (items.length <= 3) return items.join(', ');
  return `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Deep-merges `extra` into `target` (nested objects merge, leaves must not collide) and returns `target`. */
function mergeInto(target: JsonObject, extra: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(extra)) {
    const existing = target[key];
    if (existing === undefined) {
      target[key] = value;
    } else if (isObject(existing) && isObject(value)) {
      mergeInto(existing, value);
    } else {
      throw new Error(`internal: two conditions on detail field ${key}`);
    }
  }
  return target;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
