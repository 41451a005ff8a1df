import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { validateAccountId } from './iam-principal';
import { dedupeGlobs, ValueGlob } from './iam-value-glob';
import { invalidInput } from '../private/invalid-input';
import { CatalogCheck, checkAgainstCatalog, iamOperationNames, parseEventNames, parsePrincipals } from './private/iam-event-names';
import { ACCESS_KEY_CHANGES, API_CALL, Branch, BranchKind, CIS_POLICY_CHANGES, CONSOLE_ACTION, CONSOLE_LOGIN, GROUP_MEMBERSHIP_CHANGES, iamBranch, IDENTITY_PROVIDER_CHANGES, LOGIN_PROFILE_CHANGES, MFA_DEVICE_CHANGES, Outcome, PatternState, PERMISSIONS_BOUNDARY_CHANGES, POST_AUTH_CHANGES, POST_CHANGE_PREFIXES, PrincipalMode, ReadOnlyReach, Rendered, ROLE_TRUST_POLICY_CHANGES, rootUserConditions, SIGN_IN, SIGN_IN_ALT, signInBranch } from './private/iam-pattern-model';
import { canMatchReadOnly, copyJson, describe, listForHumans, renderWithinQuota } from './private/iam-pattern-rendering';

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
