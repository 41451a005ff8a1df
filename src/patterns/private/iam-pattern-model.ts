import { PrincipalMatch } from '../iam-principal';
import { ValueGlob } from '../iam-value-glob';

/**
 * The model behind `IamEventPattern`: the event types and preset name lists it is built from (each
 * list names its source), and a pattern's state as branches (one kind of event each).
 */

export const API_CALL = 'AWS API Call via CloudTrail';
export const CONSOLE_ACTION = 'AWS Console Action via CloudTrail';
// Delivered events spell it "Sign In"; one EventBridge docs page writes "Signin". Match both.
export const SIGN_IN = 'AWS Console Sign In via CloudTrail';
export const SIGN_IN_ALT = 'AWS Console Signin via CloudTrail';
const IAM_SOURCE = 'aws.iam';
const SIGN_IN_SOURCE = 'aws.signin';
const IAM_EVENT_SOURCE = 'iam.amazonaws.com';
const SIGN_IN_EVENT_SOURCE = 'signin.amazonaws.com';
export const CONSOLE_LOGIN = 'ConsoleLogin';
/** `userIdentity.invokedBy` of calls the console makes for the signed-in user. */
const CONSOLE_INVOKER = 'signin.amazonaws.com';

/** Verbs that begin the names of read-only IAM operations the catalog does not classify (`GetRole`, not `Getaway`). */
export const READ_ONLY_VERBS = ['Get', 'List', 'Describe'];
export const READ_ONLY_NAME = /^(Get|List|Describe)[A-Z]/;

/** Event-name characters: IAM operation names are letters and digits; `*` is the glob. */
export const EVENT_NAME_GLOB = /^[A-Za-z0-9*]+$/;

/** The post's "IAM changes" list (AWS Security Blog, "How to receive alerts when your IAM configuration changes"). */
export const POST_CHANGE_PREFIXES = ['Add*', 'Attach*', 'Change*', 'Create*', 'Deactivate*', 'Delete*', 'Detach*', 'Enable*', 'Put*', 'Remove*', 'Set*', 'Update*', 'Upload*'];
/** The post's "authentication/authorization changes" list, in its order. */
export const POST_AUTH_CHANGES = ['Put*Policy', 'Attach*', 'Detach*', 'Create*', 'Update*', 'Upload*', 'Delete*', 'Remove*', 'Set*'];
/** CIS AWS Foundations Benchmark 4.4 (Security Hub CloudWatch.4), in the benchmark's order. */
export const CIS_POLICY_CHANGES = [
  'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
  'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy',
  'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
];
export const PERMISSIONS_BOUNDARY_CHANGES = ['PutRolePermissionsBoundary', 'PutUserPermissionsBoundary', 'DeleteRolePermissionsBoundary', 'DeleteUserPermissionsBoundary'];
export const ACCESS_KEY_CHANGES = ['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey'];
export const MFA_DEVICE_CHANGES = ['CreateVirtualMFADevice', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'ResyncMFADevice'];
export const LOGIN_PROFILE_CHANGES = ['CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword'];
export const ROLE_TRUST_POLICY_CHANGES = ['UpdateAssumeRolePolicy'];
export const IDENTITY_PROVIDER_CHANGES = [
  'CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider',
  'CreateOpenIDConnectProvider', 'UpdateOpenIDConnectProviderThumbprint', 'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider', 'DeleteOpenIDConnectProvider',
];
export const GROUP_MEMBERSHIP_CHANGES = ['AddUserToGroup', 'RemoveUserFromGroup'];

export type Json = null | boolean | number | string | Json[] | JsonObject;
export interface JsonObject { [key: string]: Json }

export enum Outcome {
  FAILED = 'failed',
  SUCCESSFUL = 'successful',
}

/** How a branch tells success from failure: API calls by `errorCode`, sign-ins by `responseElements.ConsoleLogin`. */
export enum BranchKind {
  API = 'api',
  CONSOLE = 'console',
}

/** Which read-only calls a branch can match. */
export enum ReadOnlyReach {
  /** IAM operations: the catalog says which names are read-only. */
  IAM_CATALOG = 'iam-catalog',
  /** Calls to any service: some are read-only. */
  ANY_SERVICE = 'any-service',
  /** Sign-in events, which CloudTrail records as writes. */
  NONE = 'none',
}

/** One kind of event a pattern matches; a pattern with several is rendered with `$or` inside `detail`. */
export interface Branch {
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

export enum PrincipalMode {
  ONLY = 'only',
  EXCEPT = 'except',
}

export interface PatternState {
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
export interface EffectiveNames {
  readonly any: boolean;
  readonly globs: readonly ValueGlob[];
}

/** What rendering produces: the pattern and the facts derived from the branches that survived. */
export interface Rendered {
  readonly pattern: JsonObject;
  readonly text: string;
  readonly branches: ReadonlyArray<{ readonly branch: Branch; readonly names: EffectiveNames }>;
}

export function iamBranch(eventNames: readonly ValueGlob[] | undefined): Branch {
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

export function signInBranch(eventNames: readonly ValueGlob[] | undefined): Branch {
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
export function rootUserConditions(): JsonObject {
  return { userIdentity: { type: ['Root'], invokedBy: [{ exists: false }, CONSOLE_INVOKER] } };
}
