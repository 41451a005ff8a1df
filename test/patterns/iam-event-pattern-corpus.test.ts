/**
 * Every IamEventPattern preset and refinement, run through the project's EventBridge engine
 * against every CloudTrail record of test/fixtures/cloudtrail-records.json (wrapped in the
 * envelopes EventBridge delivers) and against every operation of the IAM catalog, compared with
 * an independent oracle (iam-event-pattern-oracle.ts) record by record.
 */
import { ORACLES } from './iam-event-pattern-oracle';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamOperations } from '../../src/patterns/iam-operations';
import { API_CALL, cloudTrailEnvelopes, CloudTrailEnvelope, IAM_PATTERN_CASES } from '../differential/providers/iam-presets';

const envelopes = cloudTrailEnvelopes();

function label(e: CloudTrailEnvelope): string {
  return `${e.id} ${e.eventName}`;
}

/** Which envelopes the engine matches and which it does not, and what the oracle expects. */
function compare(caseId: string, pattern: string, events: readonly CloudTrailEnvelope[]) {
  const matcher = EventPatternMatcher.fromJson(pattern);
  const oracle = ORACLES[caseId];
  const actual = { match: [] as string[], noMatch: [] as string[] };
  const expected = { match: [] as string[], noMatch: [] as string[] };
  for (const e of events) {
    const want = oracle(e);
    if (want === undefined) continue;
    (want ? expected.match : expected.noMatch).push(label(e));
    (matcher.matchesEvent(e.event) ? actual.match : actual.noMatch).push(label(e));
  }
  return { actual, expected };
}

/** A plain, successful IAM API call by an IAM user, named `name`. */
function catalogEnvelope(name: string, readOnly: boolean): CloudTrailEnvelope {
  const record = {
    eventVersion: '1.09',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/sweep', accountId: '111122223333', userName: 'sweep' },
    eventTime: '2024-01-01T00:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
  };
  const event = {
    'version': '0',
    'id': `catalog-${name}`,
    'detail-type': API_CALL,
    'source': 'aws.iam',
    'account': '111122223333',
    'time': record.eventTime,
    'region': 'us-east-1',
    'resources': [],
    'detail': record,
  };
  return { id: `catalog:${name}`, recordId: `catalog:${name}`, eventName: name, event };
}

const catalogEnvelopes = IamOperations.all().map((op) => catalogEnvelope(op.name, op.readOnly));

test('every case has an oracle', () => {
  expect(IAM_PATTERN_CASES.map((c) => c.id).filter((id) => ORACLES[id] === undefined)).toEqual([]);
});

describe.each(IAM_PATTERN_CASES.map((c) => [c.id, c] as const))('%s', (id, c) => {
  const pattern = c.build().toJson();

  test('matches exactly the corpus records the oracle expects', () => {
    const { actual, expected } = compare(id, pattern, envelopes);
    expect(actual.match).toEqual(expected.match);
  });

  test('matches none of the corpus records the oracle rejects', () => {
    const { actual, expected } = compare(id, pattern, envelopes);
    expect(actual.noMatch).toEqual(expected.noMatch);
  });

  test('matches exactly the IAM catalog operations the oracle expects', () => {
    const { actual, expected } = compare(id, pattern, catalogEnvelopes);
    expect(actual.match).toEqual(expected.match);
  });
});

// Anchors read straight from the records, so that an oracle mistake shows up too.
describe('records named by id', () => {
  const matches = (caseId: string, envelopeId: string): boolean => {
    const pattern = IAM_PATTERN_CASES.find((c) => c.id === caseId)!.build().toJson();
    const envelope = envelopes.find((e) => e.id === envelopeId)!;
    return EventPatternMatcher.fromJson(pattern).matchesEvent(envelope.event);
  };

  test('changes() catches the Stratus backdoor-role UpdateAssumeRolePolicy (ct-001)', () => {
    expect(matches('changes', 'ct-001')).toBe(true);
  });

  test('authChanges() misses AddUserToGroup (ct-022), which groupMembershipChanges() catches', () => {
    expect([matches('authChanges', 'ct-022'), matches('groupMembershipChanges', 'ct-022')]).toEqual([false, true]);
  });

  test('rootUserActivity() catches root CreateAccessKey made in the console, invokedBy signin.amazonaws.com (ct-221)', () => {
    expect(matches('rootUserActivity', 'ct-221')).toBe(true);
  });

  test('rootUserActivity() catches a root PasswordUpdated sign-in event in both detail-type spellings (ct-020)', () => {
    expect([matches('rootUserActivity', 'ct-020'), matches('rootUserActivity', 'ct-020~signin')]).toEqual([true, true]);
  });

  test('rootUserActivity() ignores root calls to S3, which rootUserActivityInAllServices() catches (ct-224)', () => {
    expect([matches('rootUserActivity', 'ct-224'), matches('rootUserActivityInAllServices', 'ct-224')]).toEqual([false, true]);
  });

  test('consoleSignInWithoutMfa() catches an IAM user signing in with MFAUsed No (ct-000), not with Yes (ct-012)', () => {
    expect([matches('consoleSignInWithoutMfa', 'ct-000'), matches('consoleSignInWithoutMfa', 'ct-012')]).toEqual([true, false]);
  });

  test('consoleSignInWithoutMfa() ignores a failed sign-in without MFA (ct-024) and a root sign-in (ct-016)', () => {
    expect([matches('consoleSignInWithoutMfa', 'ct-024'), matches('consoleSignInWithoutMfa', 'ct-016')]).toEqual([false, false]);
  });

  test('failedConsoleSignIns() catches "No username found" failures (ct-025) as well as "Failed authentication" (ct-013)', () => {
    expect([matches('failedConsoleSignIns', 'ct-025'), matches('failedConsoleSignIns', 'ct-013')]).toEqual([true, true]);
  });

  test('exceptPrincipals(role) drops a call whose session issuer is the role even when userIdentity.arn names another session (ct-064)', () => {
    expect(matches('changes.exceptPrincipals(role/IdentityCFNServiceRole)', 'ct-064')).toBe(false);
  });

  test('exceptPrincipals(role) keeps the same role name in another account (ct-066)', () => {
    expect(matches('changes.exceptPrincipals(role/IdentityCFNServiceRole)', 'ct-066')).toBe(true);
  });

  test('exceptPrincipals keeps calls without a userIdentity.arn (ct-158)', () => {
    expect(matches('changes.exceptPrincipals(role/tester,*:user/christophe)', 'ct-158')).toBe(true);
  });

  test('changes() minus *Policy keeps PutRolePermissionsBoundary but drops PutUserPolicy (ct-061)', () => {
    const pattern = EventPatternMatcher.fromJson(IAM_PATTERN_CASES.find((c) => c.id === 'changes.excludingEventNames(*Policy)')!.build().toJson());
    expect([
      pattern.matchesEvent(catalogEnvelope('PutRolePermissionsBoundary', false).event),
      pattern.matchesEvent(envelopes.find((e) => e.id === 'ct-061')!.event),
    ]).toEqual([true, false]);
  });
});
