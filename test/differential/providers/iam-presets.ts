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

/**
 * One preset or refinement under test, written as data (the static factory, then each refinement,
 * with their arguments) so that the Python test replays exactly the same calls through the
 * bindings and compares the JSON byte for byte (test-python/test_iam_patterns.py).
 */
export interface IamPatternCase {
  readonly id: string;
  readonly calls: ReadonlyArray<readonly string[]>;
  readonly build: () => IamEventPattern;
}

/** Runs `[factory, ...args], [refinement, ...args], ...` on IamEventPattern. */
export function replay(calls: ReadonlyArray<readonly string[]>): IamEventPattern {
  const [[factory, ...factoryArgs], ...refinements] = calls;
  let pattern: IamEventPattern = (IamEventPattern as any)[factory](...factoryArgs);
  for (const [refinement, ...args] of refinements) {
    pattern = (pattern as any)[refinement](...args);
  }
  return pattern;
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
  { id: 'allApiCalls', calls: [['allApiCalls']] },
  { id: 'changes', calls: [['changes']] },
  { id: 'authChanges', calls: [['authChanges']] },
  { id: 'mutatingCalls', calls: [['mutatingCalls']] },
  { id: 'cisPolicyChanges', calls: [['cisPolicyChanges']] },
  { id: 'policyChanges', calls: [['policyChanges']] },
  { id: 'rootUserActivity', calls: [['rootUserActivity']] },
  { id: 'rootUserActivityInAllServices', calls: [['rootUserActivityInAllServices']] },
  { id: 'consoleSignIns', calls: [['consoleSignIns']] },
  { id: 'consoleSignInWithoutMfa', calls: [['consoleSignInWithoutMfa']] },
  { id: 'failedConsoleSignIns', calls: [['failedConsoleSignIns']] },
  { id: 'accessKeyChanges', calls: [['accessKeyChanges']] },
  { id: 'mfaDeviceChanges', calls: [['mfaDeviceChanges']] },
  { id: 'loginProfileChanges', calls: [['loginProfileChanges']] },
  { id: 'roleTrustPolicyChanges', calls: [['roleTrustPolicyChanges']] },
  { id: 'permissionsBoundaryChanges', calls: [['permissionsBoundaryChanges']] },
  { id: 'identityProviderChanges', calls: [['identityProviderChanges']] },
  { id: 'groupMembershipChanges', calls: [['groupMembershipChanges']] },
  { id: 'eventNames(CreateUser,Put*Policy,*Provider,Update*Profile)', calls: [['eventNames', 'CreateUser', 'Put*Policy', '*Provider', 'Update*Profile']] },
  { id: 'changes.excludingEventNames(CreateServiceLinkedRole,DeleteGroupPolicy)', calls: [['changes'], ['excludingEventNames', 'CreateServiceLinkedRole', 'DeleteGroupPolicy']] },
  { id: 'changes.excludingEventNames(*Policy)', calls: [['changes'], ['excludingEventNames', '*Policy']] },
  { id: 'allApiCalls.excludingEventNames(Get*,List*)', calls: [['allApiCalls'], ['excludingEventNames', 'Get*', 'List*']] },
  { id: 'allApiCalls.excludingEventNames(GetRole,CreateUser)', calls: [['allApiCalls'], ['excludingEventNames', 'GetRole', 'CreateUser']] },
  { id: 'changes.exceptPrincipals(role/IdentityCFNServiceRole)', calls: [['changes'], ['exceptPrincipals', 'arn:aws:iam::123456789012:role/IdentityCFNServiceRole']] },
  { id: 'changes.exceptPrincipals(role/tester,*:user/christophe)', calls: [['changes'], ['exceptPrincipals', 'arn:aws:iam::123456789012:role/tester', 'arn:aws:iam::*:user/christophe']] },
  { id: 'allApiCalls.exceptPrincipals(*:role/aws-reserved/sso.amazonaws.com/*)', calls: [['allApiCalls'], ['exceptPrincipals', 'arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*']] },
  { id: 'changes.onlyPrincipals(role/tester)', calls: [['changes'], ['onlyPrincipals', 'arn:aws:iam::123456789012:role/tester']] },
  { id: 'allApiCalls.onlyPrincipals(user/tester,root)', calls: [['allApiCalls'], ['onlyPrincipals', 'arn:aws:iam::123456789012:user/tester', 'arn:aws:iam::493859302102:root']] },
  { id: 'consoleSignIns.onlyPrincipals(sts:assumed-role/AWSReservedSSO_*)', calls: [['consoleSignIns'], ['onlyPrincipals', 'arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_*']] },
  { id: 'allApiCalls.onlyFailedCalls', calls: [['allApiCalls'], ['onlyFailedCalls']] },
  { id: 'changes.onlySuccessfulCalls', calls: [['changes'], ['onlySuccessfulCalls']] },
  { id: 'changes.withConsoleSignIn', calls: [['changes'], ['withConsoleSignIn']] },
  { id: 'authChanges.withConsoleSignIn.onlyFailedCalls', calls: [['authChanges'], ['withConsoleSignIn'], ['onlyFailedCalls']] },
  { id: 'consoleSignIns.onlySuccessfulCalls', calls: [['consoleSignIns'], ['onlySuccessfulCalls']] },
  { id: 'allApiCalls.onlyAccounts(123456789012,493859302102)', calls: [['allApiCalls'], ['onlyAccounts', '123456789012', '493859302102']] },
  { id: 'allApiCalls.onlyMutatingCalls', calls: [['allApiCalls'], ['onlyMutatingCalls']] },
  { id: 'rootUserActivity.onlyMutatingCalls', calls: [['rootUserActivity'], ['onlyMutatingCalls']] },
  { id: 'rootUserActivity.exceptPrincipals(493859302102:root)', calls: [['rootUserActivity'], ['exceptPrincipals', 'arn:aws:iam::493859302102:root']] },
  { id: 'changes.withConsoleSignIn.exceptPrincipals(role/a-role).onlyAccounts(123456789012).onlySuccessfulCalls', calls: [['changes'], ['withConsoleSignIn'], ['exceptPrincipals', 'arn:aws:iam::123456789012:role/a-role'], ['onlyAccounts', '123456789012'], ['onlySuccessfulCalls']] },
].map((c) => ({ ...c, build: () => replay(c.calls) }));

/** Every case's JSON with every envelope, for the event-ruler harness. */
export function pairs(): Array<{ id: string; pattern: string; event: string }> {
  const envelopes = cloudTrailEnvelopes();
  return IAM_PATTERN_CASES.flatMap((c) => {
    const pattern = c.build().toJson();
    return envelopes.map((e) => ({ id: `${c.id}|${e.id}`, pattern, event: JSON.stringify(e.event) }));
  });
}
