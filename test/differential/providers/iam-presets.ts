/**
 * Differential provider: every IamEventPattern preset and refinement, paired with every
 * EventBridge envelope built from test/fixtures/cloudtrail-records.json, for the event-ruler
 * harness (`pairs()`). test/patterns/iam-event-pattern-corpus.test.ts runs the same cases through
 * the project's engine and checks them against an independent oracle.
 */
import { readFileSync } from 'fs';
import { join } from 'path';
import { IamEventPattern } from '../../../src/patterns/iam-event-pattern';

export const API_CALL = 'AWS API Call via CloudTrail';
export const SIGN_IN = 'AWS Console Sign In via CloudTrail';
export const SIGN_IN_ALT = 'AWS Console Signin via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
const CONSOLE_ACTION = 'AWS Console Action via CloudTrail';

/** One corpus entry of test/fixtures/cloudtrail-records.json. */
export interface CloudTrailCorpusEntry {
  readonly id: string;
  readonly record: Record<string, any>;
}

/** An EventBridge event carrying one corpus record as its `detail`. */
export interface CloudTrailEnvelope {
  /** The record id, with `~signin` for the second sign-in spelling. */
  readonly id: string;
  readonly recordId: string;
  readonly eventName: string;
  readonly event: Record<string, any>;
}

/** One preset or refinement under test. */
export interface IamPatternCase {
  readonly id: string;
  readonly build: () => IamEventPattern;
}

export function cloudTrailCorpus(): CloudTrailCorpusEntry[] {
  const path = join(__dirname, '..', '..', 'fixtures', 'cloudtrail-records.json');
  return JSON.parse(readFileSync(path, 'utf8')) as CloudTrailCorpusEntry[];
}

/**
 * The envelopes EventBridge would deliver for each record: `source` from the record's
 * `eventSource` (`iam.amazonaws.com` -> `aws.iam`), `detail-type` from its `eventType`. A sign-in
 * record yields two envelopes, one per detail-type spelling in use.
 */
export function cloudTrailEnvelopes(): CloudTrailEnvelope[] {
  return cloudTrailCorpus().flatMap(({ id, record }) => {
    const eventSource = String(record.eventSource);
    const base = {
      'version': '0',
      'id': record.eventID ?? id,
      'detail-type': detailTypeOf(record),
      'source': `aws.${eventSource.split('.')[0]}`,
      'account': record.recipientAccountId ?? record.userIdentity?.accountId ?? '000000000000',
      'time': record.eventTime ?? '2024-01-01T00:00:00Z',
      // IAM is global: its events reach EventBridge in us-east-1 whatever the record says.
      'region': eventSource === 'iam.amazonaws.com' ? 'us-east-1' : record.awsRegion ?? 'us-east-1',
      'resources': [],
      'detail': record,
    };
    const eventName = String(record.eventName);
    const envelopes: CloudTrailEnvelope[] = [{ id, recordId: id, eventName, event: base }];
    if (base['detail-type'] === SIGN_IN) {
      envelopes.push({ id: `${id}~signin`, recordId: id, eventName, event: { ...base, 'detail-type': SIGN_IN_ALT } });
    }
    return envelopes;
  });
}

function detailTypeOf(record: Record<string, any>): string {
  switch (record.eventType) {
    case 'AwsApiCall': return API_CALL;
    case 'AwsConsoleSignIn':
    case 'AwsConsoleSignin': return SIGN_IN;
    case 'AwsServiceEvent': return SERVICE_EVENT;
    case 'AwsConsoleAction': return CONSOLE_ACTION;
    default: return record.eventSource === 'signin.amazonaws.com' ? SIGN_IN : API_CALL;
  }
}

/** Every preset, and refinements of them that exercise each operator the layer emits. */
export const IAM_PATTERN_CASES: readonly IamPatternCase[] = [
  { id: 'allApiCalls', build: () => IamEventPattern.allApiCalls() },
  { id: 'changes', build: () => IamEventPattern.changes() },
  { id: 'authChanges', build: () => IamEventPattern.authChanges() },
  { id: 'mutatingCalls', build: () => IamEventPattern.mutatingCalls() },
  { id: 'cisPolicyChanges', build: () => IamEventPattern.cisPolicyChanges() },
  { id: 'policyChanges', build: () => IamEventPattern.policyChanges() },
  { id: 'rootUserActivity', build: () => IamEventPattern.rootUserActivity() },
  { id: 'rootUserActivityInAllServices', build: () => IamEventPattern.rootUserActivityInAllServices() },
  { id: 'consoleSignIns', build: () => IamEventPattern.consoleSignIns() },
  { id: 'consoleSignInWithoutMfa', build: () => IamEventPattern.consoleSignInWithoutMfa() },
  { id: 'failedConsoleSignIns', build: () => IamEventPattern.failedConsoleSignIns() },
  { id: 'accessKeyChanges', build: () => IamEventPattern.accessKeyChanges() },
  { id: 'mfaDeviceChanges', build: () => IamEventPattern.mfaDeviceChanges() },
  { id: 'loginProfileChanges', build: () => IamEventPattern.loginProfileChanges() },
  { id: 'roleTrustPolicyChanges', build: () => IamEventPattern.roleTrustPolicyChanges() },
  { id: 'permissionsBoundaryChanges', build: () => IamEventPattern.permissionsBoundaryChanges() },
  { id: 'identityProviderChanges', build: () => IamEventPattern.identityProviderChanges() },
  { id: 'groupMembershipChanges', build: () => IamEventPattern.groupMembershipChanges() },
  { id: 'eventNames(CreateUser,Put*Policy,*Provider,Update*Profile)', build: () => IamEventPattern.eventNames('CreateUser', 'Put*Policy', '*Provider', 'Update*Profile') },
  { id: 'changes.excludingEventNames(CreateServiceLinkedRole,DeleteGroupPolicy)', build: () => IamEventPattern.changes().excludingEventNames('CreateServiceLinkedRole', 'DeleteGroupPolicy') },
  { id: 'changes.excludingEventNames(*Policy)', build: () => IamEventPattern.changes().excludingEventNames('*Policy') },
  { id: 'allApiCalls.excludingEventNames(Get*,List*)', build: () => IamEventPattern.allApiCalls().excludingEventNames('Get*', 'List*') },
  { id: 'allApiCalls.excludingEventNames(GetRole,CreateUser)', build: () => IamEventPattern.allApiCalls().excludingEventNames('GetRole', 'CreateUser') },
  { id: 'changes.exceptPrincipals(role/IdentityCFNServiceRole)', build: () => IamEventPattern.changes().exceptPrincipals('arn:aws:iam::123456789012:role/IdentityCFNServiceRole') },
  { id: 'changes.exceptPrincipals(role/tester,*:user/christophe)', build: () => IamEventPattern.changes().exceptPrincipals('arn:aws:iam::123456789012:role/tester', 'arn:aws:iam::*:user/christophe') },
  { id: 'allApiCalls.exceptPrincipals(*:role/aws-reserved/sso.amazonaws.com/*)', build: () => IamEventPattern.allApiCalls().exceptPrincipals('arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*') },
  { id: 'changes.onlyPrincipals(role/tester)', build: () => IamEventPattern.changes().onlyPrincipals('arn:aws:iam::123456789012:role/tester') },
  { id: 'allApiCalls.onlyPrincipals(user/tester,root)', build: () => IamEventPattern.allApiCalls().onlyPrincipals('arn:aws:iam::123456789012:user/tester', 'arn:aws:iam::493859302102:root') },
  { id: 'consoleSignIns.onlyPrincipals(sts:assumed-role/AWSReservedSSO_*)', build: () => IamEventPattern.consoleSignIns().onlyPrincipals('arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_*') },
  { id: 'allApiCalls.onlyFailedCalls', build: () => IamEventPattern.allApiCalls().onlyFailedCalls() },
  { id: 'changes.onlySuccessfulCalls', build: () => IamEventPattern.changes().onlySuccessfulCalls() },
  { id: 'changes.withConsoleSignIn', build: () => IamEventPattern.changes().withConsoleSignIn() },
  { id: 'authChanges.withConsoleSignIn.onlyFailedCalls', build: () => IamEventPattern.authChanges().withConsoleSignIn().onlyFailedCalls() },
  { id: 'consoleSignIns.onlySuccessfulCalls', build: () => IamEventPattern.consoleSignIns().onlySuccessfulCalls() },
  { id: 'allApiCalls.onlyAccounts(123456789012,493859302102)', build: () => IamEventPattern.allApiCalls().onlyAccounts('123456789012', '493859302102') },
  { id: 'allApiCalls.onlyMutatingCalls', build: () => IamEventPattern.allApiCalls().onlyMutatingCalls() },
  { id: 'rootUserActivity.onlyMutatingCalls', build: () => IamEventPattern.rootUserActivity().onlyMutatingCalls() },
  { id: 'rootUserActivity.exceptPrincipals(493859302102:root)', build: () => IamEventPattern.rootUserActivity().exceptPrincipals('arn:aws:iam::493859302102:root') },
  {
    id: 'changes.withConsoleSignIn.exceptPrincipals(role/a-role).onlyAccounts(123456789012).onlySuccessfulCalls',
    build: () => IamEventPattern.changes().withConsoleSignIn().exceptPrincipals('arn:aws:iam::123456789012:role/a-role')
      .onlyAccounts('123456789012').onlySuccessfulCalls(),
  },
];

/** Every case's JSON with every envelope, for the event-ruler harness. */
export function pairs(): Array<{ id: string; pattern: string; event: string }> {
  const envelopes = cloudTrailEnvelopes();
  return IAM_PATTERN_CASES.flatMap((c) => {
    const pattern = c.build().toJson();
    return envelopes.map((e) => ({ id: `${c.id}|${e.id}`, pattern, event: JSON.stringify(e.event) }));
  });
}
