/**
 * An independent oracle for the IamEventPattern cases of test/differential/providers/iam-presets.ts:
 * plain predicates over an envelope and its CloudTrail record, written from the documented
 * meaning of each preset and refinement (AWS-FACTS.md, CIS), not from the patterns' JSON.
 *
 * A predicate may answer `undefined` where the documented meaning leaves the result open
 * (event names outside the IAM catalog under a glob that an exclusion rewrote).
 */
import { IamOperations } from '../../src/patterns/iam-operations';
import { API_CALL, CloudTrailEnvelope, SIGN_IN, SIGN_IN_ALT } from '../differential/providers/iam-presets';

type Oracle = (e: CloudTrailEnvelope) => boolean | undefined;

const catalog = new Set(IamOperations.all().map((op) => op.name));

const rec = (e: CloudTrailEnvelope): Record<string, any> => e.event.detail;
const name = (e: CloudTrailEnvelope): string => rec(e).eventName;
const identity = (e: CloudTrailEnvelope): Record<string, any> => rec(e).userIdentity ?? {};
const issuerArn = (e: CloudTrailEnvelope): string | undefined => identity(e).sessionContext?.sessionIssuer?.arn;
const isSignInType = (e: CloudTrailEnvelope) => e.event['detail-type'] === SIGN_IN || e.event['detail-type'] === SIGN_IN_ALT;

/** An IAM API call as EventBridge delivers it in us-east-1. */
const iamCall = (e: CloudTrailEnvelope) =>
  e.event.source === 'aws.iam' && e.event['detail-type'] === API_CALL && rec(e).eventSource === 'iam.amazonaws.com';
/** Any sign-in event from aws.signin, either detail-type spelling. */
const signInEvent = (e: CloudTrailEnvelope) =>
  e.event.source === 'aws.signin' && isSignInType(e) && rec(e).eventSource === 'signin.amazonaws.com';
const consoleLogin = (e: CloudTrailEnvelope) => signInEvent(e) && name(e) === 'ConsoleLogin';

const iamNamed = (...names: string[]) => (e: CloudTrailEnvelope) => iamCall(e) && names.includes(name(e));
const startsWithAny = (n: string, prefixes: string[]) => prefixes.some((p) => n.startsWith(p));

/** Root use per CIS 4.3, keeping the console's own `invokedBy: signin.amazonaws.com`. */
const rootUser = (e: CloudTrailEnvelope) =>
  identity(e).type === 'Root' && (identity(e).invokedBy === undefined || identity(e).invokedBy === 'signin.amazonaws.com');

const apiFailed = (e: CloudTrailEnvelope) => rec(e).errorCode !== undefined;
const signInFailed = (e: CloudTrailEnvelope) => rec(e).responseElements?.ConsoleLogin === 'Failure';
const readOnlyFalse = (e: CloudTrailEnvelope) => rec(e).readOnly === false;

const POST_CHANGES = ['Add', 'Attach', 'Change', 'Create', 'Deactivate', 'Delete', 'Detach', 'Enable', 'Put', 'Remove', 'Set', 'Update', 'Upload'];
const POST_AUTH_PREFIXES = ['Attach', 'Detach', 'Create', 'Update', 'Upload', 'Delete', 'Remove', 'Set'];
const CIS_44 = ['DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
  'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy',
  'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy'];
const BOUNDARIES = ['PutRolePermissionsBoundary', 'PutUserPermissionsBoundary', 'DeleteRolePermissionsBoundary', 'DeleteUserPermissionsBoundary'];

const changes = (e: CloudTrailEnvelope) => iamCall(e) && startsWithAny(name(e), POST_CHANGES);
const authChanges = (e: CloudTrailEnvelope) =>
  iamCall(e) && (/^Put.*Policy$/.test(name(e)) || startsWithAny(name(e), POST_AUTH_PREFIXES));
const rootUserActivity = (e: CloudTrailEnvelope) => (iamCall(e) || signInEvent(e)) && rootUser(e);

/** A rewritten glob is exact over the catalog; other names under it are left open. */
const overCatalog = (e: CloudTrailEnvelope, wanted: boolean, underRewrittenGlob: boolean) =>
  (!catalog.has(name(e)) && underRewrittenGlob ? undefined : wanted);

export const ORACLES: Record<string, Oracle> = {
  'allApiCalls': iamCall,
  'changes': changes,
  'authChanges': authChanges,
  'mutatingCalls': (e) => iamCall(e) && readOnlyFalse(e),
  'cisPolicyChanges': iamNamed(...CIS_44),
  'policyChanges': iamNamed(...CIS_44, 'SetDefaultPolicyVersion', ...BOUNDARIES),
  'rootUserActivity': rootUserActivity,
  'rootUserActivityInAllServices': (e) => rootUser(e)
    && ['AwsApiCall', 'AwsConsoleAction', 'AwsConsoleSignIn'].includes(rec(e).eventType)
    && [API_CALL, 'AWS Console Action via CloudTrail', SIGN_IN, SIGN_IN_ALT].includes(e.event['detail-type']),
  'consoleSignIns': consoleLogin,
  'consoleSignInWithoutMfa': (e) => consoleLogin(e) && identity(e).type === 'IAMUser'
    && rec(e).additionalEventData?.MFAUsed !== 'Yes' && !signInFailed(e),
  'failedConsoleSignIns': (e) => consoleLogin(e) && signInFailed(e),
  'accessKeyChanges': iamNamed('CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey'),
  'mfaDeviceChanges': iamNamed('CreateVirtualMFADevice', 'EnableMFADevice', 'DeactivateMFADevice', 'DeleteVirtualMFADevice', 'ResyncMFADevice'),
  'loginProfileChanges': iamNamed('CreateLoginProfile', 'UpdateLoginProfile', 'DeleteLoginProfile', 'ChangePassword'),
  'roleTrustPolicyChanges': iamNamed('UpdateAssumeRolePolicy'),
  'permissionsBoundaryChanges': iamNamed(...BOUNDARIES),
  'identityProviderChanges': iamNamed('CreateSAMLProvider', 'UpdateSAMLProvider', 'DeleteSAMLProvider', 'CreateOpenIDConnectProvider',
    'UpdateOpenIDConnectProviderThumbprint', 'AddClientIDToOpenIDConnectProvider', 'RemoveClientIDFromOpenIDConnectProvider', 'DeleteOpenIDConnectProvider'),
  'groupMembershipChanges': iamNamed('AddUserToGroup', 'RemoveUserFromGroup'),
  'eventNames(CreateUser,Put*Policy,*Provider,Update*Profile)': (e) => iamCall(e)
    && (name(e) === 'CreateUser' || /^Put.*Policy$/.test(name(e)) || name(e).endsWith('Provider') || /^Update.*Profile$/.test(name(e))),
  'changes.excludingEventNames(CreateServiceLinkedRole,DeleteGroupPolicy)': (e) => {
    if (!changes(e)) return false;
    const wanted = !['CreateServiceLinkedRole', 'DeleteGroupPolicy'].includes(name(e));
    return overCatalog(e, wanted, startsWithAny(name(e), ['Create', 'Delete']));
  },
  'changes.excludingEventNames(*Policy)': (e) => (changes(e) ? overCatalog(e, !name(e).endsWith('Policy'), true) : false),
  'allApiCalls.excludingEventNames(Get*,List*)': (e) => iamCall(e) && !startsWithAny(name(e), ['Get', 'List']),
  'allApiCalls.excludingEventNames(GetRole,CreateUser)': (e) => iamCall(e) && !['GetRole', 'CreateUser'].includes(name(e)),
  'changes.exceptPrincipals(role/IdentityCFNServiceRole)': (e) => changes(e)
    && !(identity(e).arn ?? '').startsWith('arn:aws:sts::123456789012:assumed-role/IdentityCFNServiceRole/')
    && issuerArn(e) !== 'arn:aws:iam::123456789012:role/IdentityCFNServiceRole',
  'changes.exceptPrincipals(role/tester,*:user/christophe)': (e) => changes(e)
    && !(identity(e).arn ?? '').startsWith('arn:aws:sts::123456789012:assumed-role/tester/')
    && issuerArn(e) !== 'arn:aws:iam::123456789012:role/tester'
    && !/^arn:aws:iam::.*:user\/christophe$/.test(identity(e).arn ?? ''),
  // A role glob with a path is recognised by its session issuer only.
  'allApiCalls.exceptPrincipals(*:role/aws-reserved/sso.amazonaws.com/*)': (e) => iamCall(e)
    && !/^arn:aws:iam::.*:role\/aws-reserved\/sso\.amazonaws\.com\//.test(issuerArn(e) ?? ''),
  'changes.onlyPrincipals(role/tester)': (e) => changes(e)
    && ((identity(e).arn ?? '').startsWith('arn:aws:sts::123456789012:assumed-role/tester/')
      || issuerArn(e) === 'arn:aws:iam::123456789012:role/tester'),
  'allApiCalls.onlyPrincipals(user/tester,root)': (e) => iamCall(e)
    && ['arn:aws:iam::123456789012:user/tester', 'arn:aws:iam::493859302102:root'].includes(identity(e).arn),
  'consoleSignIns.onlyPrincipals(sts:assumed-role/AWSReservedSSO_*)': (e) => consoleLogin(e)
    && (identity(e).arn ?? '').startsWith('arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_'),
  'allApiCalls.onlyFailedCalls': (e) => iamCall(e) && apiFailed(e),
  'changes.onlySuccessfulCalls': (e) => changes(e) && !apiFailed(e),
  'changes.withConsoleSignIn': (e) => changes(e) || consoleLogin(e),
  'authChanges.withConsoleSignIn.onlyFailedCalls': (e) => (authChanges(e) && apiFailed(e)) || (consoleLogin(e) && signInFailed(e)),
  'consoleSignIns.onlySuccessfulCalls': (e) => consoleLogin(e) && !signInFailed(e),
  'allApiCalls.onlyAccounts(123456789012,493859302102)': (e) => iamCall(e) && ['123456789012', '493859302102'].includes(e.event.account),
  'allApiCalls.onlyMutatingCalls': (e) => iamCall(e) && readOnlyFalse(e),
  'rootUserActivity.onlyMutatingCalls': (e) => rootUserActivity(e) && (signInEvent(e) || readOnlyFalse(e)),
  'rootUserActivity.exceptPrincipals(493859302102:root)': (e) => rootUserActivity(e) && identity(e).arn !== 'arn:aws:iam::493859302102:root',
  'changes.withConsoleSignIn.exceptPrincipals(role/a-role).onlyAccounts(123456789012).onlySuccessfulCalls': (e) =>
    e.event.account === '123456789012'
    && ((changes(e) && !apiFailed(e)) || (consoleLogin(e) && !signInFailed(e)))
    && !(identity(e).arn ?? '').startsWith('arn:aws:sts::123456789012:assumed-role/a-role/')
    && issuerArn(e) !== 'arn:aws:iam::123456789012:role/a-role',
};
