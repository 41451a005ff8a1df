import { App, Aws, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { IamOperations } from '../../src/patterns/iam-operations';
import { IAM_PATTERN_CASES } from '../differential/providers/iam-presets';

const parse = (p: IamEventPattern) => JSON.parse(p.toJson());

function renderedRulePattern(pattern: IamEventPattern): unknown {
  const stack = new Stack(new App(), 'Stack', { env: { account: '111122223333', region: 'us-east-1' } });
  new events.Rule(stack, 'Rule', { eventPattern: pattern.toEventPattern() });
  const rules = Template.fromStack(stack).findResources('AWS::Events::Rule');
  return Object.values(rules)[0].Properties.EventPattern;
}

function iamCall(name: string, readOnly = false): Record<string, unknown> {
  return {
    'version': '0',
    'id': name,
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    'account': '111122223333',
    'time': '2024-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': { eventSource: 'iam.amazonaws.com', eventName: name, eventType: 'AwsApiCall', readOnly, userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/a' } },
  };
}

describe('output', () => {
  test.each(IAM_PATTERN_CASES.map((c) => [c.id, c] as const))('%s: a Rule in a Stack renders exactly toJson()', (_id, c) => {
    const pattern = c.build();
    expect(JSON.stringify(renderedRulePattern(pattern))).toBe(pattern.toJson());
  });

  test.each(IAM_PATTERN_CASES.map((c) => [c.id, c] as const))('%s: passes the engine check within 2,048 characters', (_id, c) => {
    const json = c.build().toJson();
    expect([EventPatternMatcher.check(json, { maxPatternLength: 2048 }).valid, json.length <= 2048]).toEqual([true, true]);
  });

  test('toEventPattern() uses the camelCase detailType key of aws-cdk-lib', () => {
    const pattern = IamEventPattern.changes().toEventPattern();
    expect([pattern.detailType, Object.keys(pattern)]).toEqual([['AWS API Call via CloudTrail'], ['source', 'detailType', 'detail']]);
  });

  test('toEventPattern() returns a copy the caller cannot use to change the pattern', () => {
    const pattern = IamEventPattern.changes();
    (pattern.toEventPattern().detail as any).eventName.push('Anything');
    expect(parse(pattern).detail.eventName).not.toContain('Anything');
  });
});

describe('seed presets', () => {
  test('allApiCalls() is the post\'s "Any operation"', () => {
    expect(parse(IamEventPattern.allApiCalls())).toEqual({
      'source': ['aws.iam'],
      'detail-type': ['AWS API Call via CloudTrail'],
      'detail': { eventSource: ['iam.amazonaws.com'] },
    });
  });

  test('changes() compiles the post\'s thirteen globs to prefix matches, not exact "Add*" strings', () => {
    expect(parse(IamEventPattern.changes()).detail.eventName).toEqual(
      ['Add', 'Attach', 'Change', 'Create', 'Deactivate', 'Delete', 'Detach', 'Enable', 'Put', 'Remove', 'Set', 'Update', 'Upload'].map((prefix) => ({ prefix })));
  });

  test('authChanges() compiles Put*Policy to a wildcard and the rest to prefixes, in the post\'s order', () => {
    expect(parse(IamEventPattern.authChanges()).detail.eventName).toEqual([
      { wildcard: 'Put*Policy' },
      ...['Attach', 'Detach', 'Create', 'Update', 'Upload', 'Delete', 'Remove', 'Set'].map((prefix) => ({ prefix })),
    ]);
  });

  test('cisPolicyChanges() lists the sixteen CIS 4.4 calls exactly', () => {
    expect(parse(IamEventPattern.cisPolicyChanges()).detail.eventName).toEqual([
      'DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy',
      'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy',
      'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy',
    ]);
  });

  test.each([
    ['cisPolicyChanges', IamEventPattern.cisPolicyChanges()],
    ['policyChanges', IamEventPattern.policyChanges()],
    ['accessKeyChanges', IamEventPattern.accessKeyChanges()],
    ['mfaDeviceChanges', IamEventPattern.mfaDeviceChanges()],
    ['loginProfileChanges', IamEventPattern.loginProfileChanges()],
    ['roleTrustPolicyChanges', IamEventPattern.roleTrustPolicyChanges()],
    ['permissionsBoundaryChanges', IamEventPattern.permissionsBoundaryChanges()],
    ['identityProviderChanges', IamEventPattern.identityProviderChanges()],
    ['groupMembershipChanges', IamEventPattern.groupMembershipChanges()],
  ])('%s() names only mutating operations of the IAM catalog', (_id, pattern) => {
    const names: string[] = parse(pattern).detail.eventName;
    expect(names.filter((n) => IamOperations.find(n)?.readOnly !== false)).toEqual([]);
  });

  test('sign-in presets match both detail-type spellings', () => {
    expect(parse(IamEventPattern.consoleSignIns())['detail-type']).toEqual(['AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail']);
  });

  test('consoleSignInWithoutMfa() is CIS 4.2: IAM users, MFAUsed not Yes (or absent), not failed', () => {
    expect(parse(IamEventPattern.consoleSignInWithoutMfa()).detail).toEqual({
      eventSource: ['signin.amazonaws.com'],
      eventName: ['ConsoleLogin'],
      userIdentity: { type: ['IAMUser'] },
      additionalEventData: { MFAUsed: [{ exists: false }, { 'anything-but': 'Yes' }] },
      responseElements: { ConsoleLogin: [{ exists: false }, { 'anything-but': 'Failure' }] },
    });
  });

  test('rootUserActivity() is CIS 4.3 for IAM and sign-in: type Root, invokedBy absent or the console', () => {
    const root = { type: ['Root'], invokedBy: [{ exists: false }, 'signin.amazonaws.com'] };
    expect(parse(IamEventPattern.rootUserActivity())).toEqual({
      'source': ['aws.iam', 'aws.signin'],
      'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'],
      'detail': { $or: [{ eventSource: ['iam.amazonaws.com'], userIdentity: root }, { eventSource: ['signin.amazonaws.com'], userIdentity: root }] },
    });
  });

  test('rootUserActivityInAllServices() names no source and excludes AWS service events', () => {
    const json = parse(IamEventPattern.rootUserActivityInAllServices());
    expect([json.source, json['detail-type'].includes('AWS Service Event via CloudTrail')]).toEqual([undefined, false]);
  });
});

describe('eventNames()', () => {
  test('compiles exact, prefix, suffix and wildcard globs', () => {
    expect(parse(IamEventPattern.eventNames('CreateUser', 'Attach*', '*Provider', 'Put*Policy')).detail.eventName)
      .toEqual(['CreateUser', { prefix: 'Attach' }, { suffix: 'Provider' }, { wildcard: 'Put*Policy' }]);
  });

  test('drops an exact name a glob of the same call already covers', () => {
    expect(parse(IamEventPattern.eventNames('Create*', 'CreateUser')).detail.eventName).toEqual([{ prefix: 'Create' }]);
  });

  test.each([
    ['a bare star', ['*'], /alone would match every call/],
    ['an empty name', [''], /empty/],
    ['consecutive stars', ['Create**User'], /consecutive stars/],
    ['a space', ['Create User'], /" " which never occurs in an IAM event name|contains " "/],
    ['a service prefix', ['iam:CreateUser'], /contains ":"/],
    ['no names', [], /at least one event name/],
    ['a sign-in event', ['ConsoleLogin'], /sign-in event/],
    ['a sign-in event in the wrong case', ['consoleLogin'], /"consoleLogin" is a sign-in event/],
  ])('rejects %s', (_what, names, message) => {
    expect(() => IamEventPattern.eventNames(...names)).toThrow(message);
  });

  test('rejects a glob whose wildcard EventBridge finds too complex, with the engine\'s reason', () => {
    expect(() => IamEventPattern.eventNamesNotInCatalog('A*B*C*D*E*F*G*H*I*J*K*L*M*')).toThrow(/'IAM calls A\*B\*C.*' is not a valid EventBridge pattern: .*too complex/);
  });

  test('rejects a name that differs from a catalog operation only in case, with the right spelling', () => {
    expect(() => IamEventPattern.eventNames('CreateRole', 'createUser'))
      .toThrow('IamEventPattern.eventNames: "createUser" is not an event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean CreateUser?');
  });

  test('rejects a glob that matches catalog operations only when case is ignored, with the glob spelt right', () => {
    expect(() => IamEventPattern.eventNames('put*policy'))
      .toThrow('IamEventPattern.eventNames: "put*policy" matches no event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean Put*Policy?');
  });

  test('rejects a name the catalog does not know, suggesting the nearest operation', () => {
    expect(() => IamEventPattern.eventNames('CreateUsr')).toThrow(/^IamEventPattern\.eventNames: "CreateUsr" is not an operation of the IAM operations catalog \(IamOperations, from @aws-sdk\/client-iam [\d.]+\)\. Fix: did you mean CreateUser\? .*use IamEventPattern\.eventNamesNotInCatalog\(\)\. \(Python: IamEventPattern\.event_names_not_in_catalog\(\)\)$/);
  });

  test('suggests at most three operations, nearest first', () => {
    expect(() => IamEventPattern.eventNames('AttachPolicy')).toThrow(/did you mean AttachRolePolicy, AttachUserPolicy or TagPolicy\?/);
  });

  test('rejects a name nothing in the catalog resembles, pointing to eventNamesNotInCatalog()', () => {
    expect(() => IamEventPattern.eventNames('Frobnicate')).toThrow(/"Frobnicate" is not an operation of the IAM operations catalog .*, and no operation there has a similar name\. Fix: check the spelling\. .*eventNamesNotInCatalog\(\)/);
  });

  test('rejects a permission-only action, which CloudTrail never records as a call', () => {
    expect(() => IamEventPattern.eventNames('PassRole')).toThrow(/"PassRole" is not an operation of the IAM operations catalog.*Permission-only actions such as PassRole have no CloudTrail event/);
  });

  test('rejects a glob that matches no catalog operation', () => {
    expect(() => IamEventPattern.eventNames('CreateUser', 'Frobnicate*'))
      .toThrow(/^IamEventPattern\.eventNames: "Frobnicate\*" matches no operation of the IAM operations catalog .*so it would never match an event\. Fix: .*eventNamesNotInCatalog\(\)/);
  });
});

describe('eventNamesNotInCatalog()', () => {
  test('accepts names and globs the catalog does not know, compiled like eventNames()', () => {
    expect(parse(IamEventPattern.eventNamesNotInCatalog('CreateUser', 'CreateNewThing', 'Frobnicate*')).detail.eventName)
      .toEqual(['CreateUser', 'CreateNewThing', { prefix: 'Frobnicate' }]);
  });

  test.each([
    ['a name in the wrong case', ['createuser'], 'IamEventPattern.eventNamesNotInCatalog: "createuser" is not an event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean CreateUser?'],
    ['a glob in the wrong case', ['tag*'], 'IamEventPattern.eventNamesNotInCatalog: "tag*" matches no event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean Tag*?'],
    ['a name with a space', ['Create Thing'], 'IamEventPattern.eventNamesNotInCatalog: "Create Thing" contains " "'],
    ['no names', [], 'IamEventPattern.eventNamesNotInCatalog: no event name was given. Fix: give at least one event name'],
  ])('still rejects %s', (_what, names, message) => {
    expect(() => IamEventPattern.eventNamesNotInCatalog(...names)).toThrow(message);
  });

  test.each([
    ['GetNewThing', true],
    ['ListNewThings', true],
    ['Get*Thing', true],
    ['*NewThing', true],
    ['CreateNewThing', false],
    ['GetawayThing', false],
    ['Frobnicate*', false],
  ])('an uncatalogued %s counts as read-only: %s (a Get, List or Describe name)', (name, readOnly) => {
    expect(IamEventPattern.eventNamesNotInCatalog(name).includesReadOnlyEvents).toBe(readOnly);
  });

  test('names the offending value in the error', () => {
    expect(() => IamEventPattern.eventNames('CreateUser', 'Delete-User')).toThrow(/"Delete-User"/);
  });
});

describe('excludingEventNames()', () => {
  test('excludes from any call with one exact anything-but list', () => {
    expect(parse(IamEventPattern.allApiCalls().excludingEventNames('GetRole', 'GetPolicy')).detail.eventName)
      .toEqual([{ 'anything-but': ['GetRole', 'GetPolicy'] }]);
  });

  test('excludes globs from any call with one anything-but wildcard list', () => {
    expect(parse(IamEventPattern.allApiCalls().excludingEventNames('Get*', 'List*', 'SimulatePrincipalPolicy')).detail.eventName)
      .toEqual([{ 'anything-but': { wildcard: ['Get*', 'List*', 'SimulatePrincipalPolicy'] } }]);
  });

  test('splits a prefix into sub-prefixes that cover every other catalog operation under it', () => {
    const pattern = IamEventPattern.eventNames('Create*').excludingEventNames('CreateServiceLinkedRole');
    const matcher = EventPatternMatcher.fromJson(pattern.toJson());
    const created = IamOperations.all().map((op) => op.name).filter((n) => n.startsWith('Create'));
    expect(created.filter((n) => matcher.matchesEvent(iamCall(n)))).toEqual(created.filter((n) => n !== 'CreateServiceLinkedRole'));
  });

  test('never matches an excluded name outside the catalog under the glob', () => {
    const pattern = IamEventPattern.eventNames('Create*').excludingEventNames('CreateSomethingNew');
    expect(EventPatternMatcher.fromJson(pattern.toJson()).matchesEvent(iamCall('CreateSomethingNew'))).toBe(false);
  });

  test('keeps a glob the exclusions do not touch as written', () => {
    expect(parse(IamEventPattern.eventNames('Attach*', 'CreateUser').excludingEventNames('DeleteUser')).detail.eventName)
      .toEqual([{ prefix: 'Attach' }, 'CreateUser']);
  });

  test('fails when nothing would be left to match', () => {
    expect(() => IamEventPattern.accessKeyChanges().excludingEventNames('*AccessKey')).toThrow(/matches nothing.*\*AccessKey/);
  });

  test('can drop the sign-in half of a pattern', () => {
    const pattern = IamEventPattern.changes().withConsoleSignIn().excludingEventNames('ConsoleLogin');
    expect([pattern.includesConsoleSignIn, parse(pattern).source]).toEqual([false, ['aws.iam']]);
  });

  test('accepts a name the catalog does not know, which may be an operation AWS adds later', () => {
    expect(parse(IamEventPattern.allApiCalls().excludingEventNames('GetSomethingNew')).detail.eventName)
      .toEqual([{ 'anything-but': ['GetSomethingNew'] }]);
  });

  test.each([
    ['an operation name', 'getRole', 'IamEventPattern.excludingEventNames: "getRole" is not an event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean GetRole?'],
    ['a glob', 'list*', 'IamEventPattern.excludingEventNames: "list*" matches no event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean List*?'],
    ['the sign-in event', 'consoleLogin', 'IamEventPattern.excludingEventNames: "consoleLogin" is not an event name CloudTrail records: event names are case-sensitive. Fix: correct the case: did you mean ConsoleLogin?'],
  ])('rejects %s in the wrong case, which would exclude nothing', (_what, name, message) => {
    expect(() => IamEventPattern.allApiCalls().withConsoleSignIn().excludingEventNames('GetPolicy', name)).toThrow(message);
  });
});

describe('principals', () => {
  const deploy = 'arn:aws:iam::111122223333:role/cdk/Deploy';

  test('exceptPrincipals(role) excludes the role as session issuer and its sessions, keeping events without either field', () => {
    expect(parse(IamEventPattern.allApiCalls().exceptPrincipals(deploy)).detail.userIdentity).toEqual({
      arn: [{ exists: false }, { 'anything-but': { prefix: 'arn:aws:sts::111122223333:assumed-role/Deploy/' } }],
      sessionContext: { sessionIssuer: { arn: [{ exists: false }, { 'anything-but': [deploy] }] } },
    });
  });

  test('onlyPrincipals(role) matches the role as session issuer or its sessions', () => {
    expect(parse(IamEventPattern.allApiCalls().onlyPrincipals(deploy)).detail.userIdentity).toEqual({
      $or: [
        { arn: [{ prefix: 'arn:aws:sts::111122223333:assumed-role/Deploy/' }] },
        { sessionContext: { sessionIssuer: { arn: [deploy] } } },
      ],
    });
  });

  test('onlyPrincipals(user) matches userIdentity.arn alone', () => {
    expect(parse(IamEventPattern.allApiCalls().onlyPrincipals('arn:aws-cn:iam::111122223333:user/alice')).detail.userIdentity)
      .toEqual({ arn: ['arn:aws-cn:iam::111122223333:user/alice'] });
  });

  test('a role glob keeps its partition and account in the session glob', () => {
    const json = parse(IamEventPattern.allApiCalls().onlyPrincipals('arn:aws-us-gov:iam::*:role/cdk-*'));
    expect(json.detail.userIdentity.$or).toEqual([
      { arn: [{ wildcard: 'arn:aws-us-gov:sts::*:assumed-role/cdk-*/*' }] },
      { sessionContext: { sessionIssuer: { arn: [{ wildcard: 'arn:aws-us-gov:iam::*:role/cdk-*' }] } } },
    ]);
  });

  test('exceptPrincipals accumulates over calls', () => {
    const pattern = IamEventPattern.changes().exceptPrincipals('arn:aws:iam::111122223333:user/a').exceptPrincipals('arn:aws:iam::111122223333:user/b');
    expect(parse(pattern).detail.userIdentity.arn[1]).toEqual({ 'anything-but': ['arn:aws:iam::111122223333:user/a', 'arn:aws:iam::111122223333:user/b'] });
  });

  test.each([
    ['a bare star', '*', /bare or empty/],
    ['an empty value', '', /bare or empty/],
    ['consecutive stars', 'arn:aws:iam::111122223333:role/**', /consecutive stars/],
    ['a short account id', 'arn:aws:iam::12345:user/alice', /account id "12345", which is not 12 digits/],
    ['a non-principal resource', 'arn:aws:iam::111122223333:group/admins', /not a principal/],
    ['another service', 'arn:aws:s3:::bucket', /not an IAM principal ARN/],
    ['a name', 'Deploy', /not an IAM principal ARN/],
    ['a space', 'arn:aws:iam::111122223333:user/al ice', /not an IAM principal ARN/],
  ])('rejects %s', (_what, arn, message) => {
    expect(() => IamEventPattern.changes().exceptPrincipals(arn)).toThrow(message);
  });

  test('rejects an empty principal list', () => {
    expect(() => IamEventPattern.changes().onlyPrincipals()).toThrow(/at least one principal ARN/);
  });

  test('rejects onlyPrincipals combined with exceptPrincipals', () => {
    expect(() => IamEventPattern.changes().onlyPrincipals(deploy).exceptPrincipals('arn:aws:iam::111122223333:user/a')).toThrow(/already limited by onlyPrincipals/);
  });

  test('rejects onlyPrincipals applied twice', () => {
    expect(() => IamEventPattern.changes().onlyPrincipals(deploy).onlyPrincipals(deploy)).toThrow(/^IamEventPattern\.onlyPrincipals: .* is already limited by onlyPrincipals\(\)\. Fix: pass every principal in one onlyPrincipals\(\) call/);
  });

  test('accepts an unresolved role ARN and resolves it in the template', () => {
    const stack = new Stack(new App(), 'Stack');
    const role = new iam.Role(stack, 'Deploy', { assumedBy: new iam.AccountRootPrincipal() });
    new events.Rule(stack, 'Rule', { eventPattern: IamEventPattern.changes().exceptPrincipals(role.roleArn).toEventPattern() });
    const roleArn = { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as iam.CfnRole), 'Arn'] };
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          userIdentity: {
            arn: [{ exists: false }, { 'anything-but': [roleArn] }],
            sessionContext: { sessionIssuer: { arn: [{ exists: false }, { 'anything-but': [roleArn] }] } },
          },
        },
      },
    });
  });

  test('a role ARN written around tokens also excludes its sessions, resolved in the template', () => {
    const stack = new Stack(new App(), 'Stack');
    const roleArn = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/Deploy`;
    new events.Rule(stack, 'Rule', { eventPattern: IamEventPattern.changes().exceptPrincipals(roleArn).toEventPattern() });
    const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        detail: {
          userIdentity: {
            arn: [{ exists: false }, { 'anything-but': { prefix: join('arn:', { Ref: 'AWS::Partition' }, ':sts::', { Ref: 'AWS::AccountId' }, ':assumed-role/Deploy/') } }],
            sessionContext: { sessionIssuer: { arn: [{ exists: false }, { 'anything-but': [join('arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/Deploy')] }] } },
          },
        },
      },
    });
  });

  test('toJson() refuses a pattern holding an unresolved token', () => {
    const stack = new Stack(new App(), 'Stack');
    const role = new iam.Role(stack, 'Deploy', { assumedBy: new iam.AccountRootPrincipal() });
    expect(() => IamEventPattern.changes().exceptPrincipals(role.roleArn).toJson()).toThrow(/unresolved CDK tokens/);
  });
});

describe('outcome, accounts, mutating calls, sign-in', () => {
  test('onlyFailedCalls() judges API calls by errorCode and sign-ins by responseElements.ConsoleLogin', () => {
    const [api, signIn] = parse(IamEventPattern.changes().withConsoleSignIn().onlyFailedCalls()).detail.$or;
    expect([api.errorCode, signIn.responseElements]).toEqual([[{ exists: true }], { ConsoleLogin: ['Failure'] }]);
  });

  test('onlySuccessfulCalls() requires errorCode to be absent', () => {
    expect(parse(IamEventPattern.changes().onlySuccessfulCalls()).detail.errorCode).toEqual([{ exists: false }]);
  });

  test('rejects onlyFailedCalls after onlySuccessfulCalls', () => {
    expect(() => IamEventPattern.changes().onlySuccessfulCalls().onlyFailedCalls()).toThrow(/already limited to successful calls/);
  });

  test('rejects onlySuccessfulCalls on failedConsoleSignIns()', () => {
    expect(() => IamEventPattern.failedConsoleSignIns().onlySuccessfulCalls()).toThrow(/matches only failed ones/);
  });

  test('onlyAccounts() narrows the envelope account', () => {
    expect(parse(IamEventPattern.changes().onlyAccounts('111122223333', '444455556666')).account).toEqual(['111122223333', '444455556666']);
  });

  test('onlyAccounts() applied twice keeps the accounts both name', () => {
    expect(parse(IamEventPattern.changes().onlyAccounts('111122223333', '444455556666').onlyAccounts('444455556666')).account).toEqual(['444455556666']);
  });

  test.each([['11 digits', '12345678901'], ['letters', 'abcdefghijkl'], ['an ARN', 'arn:aws:iam::111122223333:root']])('onlyAccounts() rejects %s', (_what, id) => {
    expect(() => IamEventPattern.changes().onlyAccounts(id)).toThrow(new RegExp(`"${id.replace(/[.*:]/g, '\\$&')}" is not an AWS account id`));
  });

  test('accounts is undefined until onlyAccounts() limits the pattern', () => {
    expect(IamEventPattern.changes().withConsoleSignIn().accounts).toBeUndefined();
  });

  test('accounts holds the accounts onlyAccounts() kept, once each', () => {
    const pattern = IamEventPattern.changes().onlyAccounts('111122223333', '444455556666', '111122223333', '777788889999').onlyAccounts('444455556666', '111122223333');
    expect(pattern.accounts).toEqual(['111122223333', '444455556666']);
  });

  test('accounts survives later refinements and holds unresolved tokens as given', () => {
    const account = Token.asString({ Ref: 'MemberAccount' });
    const pattern = IamEventPattern.changes().onlyAccounts(account).onlyFailedCalls();
    expect(pattern.accounts).toEqual([account]);
  });

  test('changing the returned accounts does not change the pattern', () => {
    const pattern = IamEventPattern.changes().onlyAccounts('111122223333');
    pattern.accounts!.push('444455556666');
    expect([parse(pattern).account, pattern.accounts]).toEqual([['111122223333'], ['111122223333']]);
  });

  test('onlyAccounts() rejects disjoint lists', () => {
    expect(() => IamEventPattern.changes().onlyAccounts('111122223333').onlyAccounts('444455556666')).toThrow(/could match nothing/);
  });

  test('onlyMutatingCalls() adds readOnly false to API calls and leaves sign-ins alone', () => {
    const [api, signIn] = parse(IamEventPattern.rootUserActivity().onlyMutatingCalls()).detail.$or;
    expect([api.readOnly, signIn.readOnly]).toEqual([[false], undefined]);
  });

  test('withConsoleSignIn() adds ConsoleLogin from aws.signin', () => {
    expect(parse(IamEventPattern.changes().withConsoleSignIn()).detail.$or[1]).toEqual({ eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] });
  });

  test('withConsoleSignIn() on consoleSignIns() changes nothing', () => {
    const signIns = IamEventPattern.consoleSignIns();
    expect(signIns.withConsoleSignIn().toJson()).toBe(signIns.toJson());
  });
});

describe('facts for the constructs', () => {
  test.each([
    ['allApiCalls', IamEventPattern.allApiCalls(), [false, true, false]],
    ['changes', IamEventPattern.changes(), [false, false, false]],
    ['eventNames(*Policy)', IamEventPattern.eventNames('*Policy'), [false, true, false]],
    ['mutatingCalls', IamEventPattern.mutatingCalls(), [false, false, false]],
    ['allApiCalls minus Get*, List*, Generate*, Simulate*', IamEventPattern.allApiCalls().excludingEventNames('Get*', 'List*', 'Generate*', 'Simulate*'), [false, false, false]],
    ['changes.withConsoleSignIn', IamEventPattern.changes().withConsoleSignIn(), [true, false, false]],
    ['rootUserActivity', IamEventPattern.rootUserActivity(), [true, true, false]],
    ['rootUserActivityInAllServices', IamEventPattern.rootUserActivityInAllServices(), [true, true, true]],
    ['failedConsoleSignIns', IamEventPattern.failedConsoleSignIns(), [true, false, false]],
  ])('%s: includesConsoleSignIn, includesReadOnlyEvents, includesRegionalEvents', (_id, pattern, facts) => {
    expect([pattern.includesConsoleSignIn, pattern.includesReadOnlyEvents, pattern.includesRegionalEvents]).toEqual(facts);
  });

  test('the description says what a refined pattern matches', () => {
    const pattern = IamEventPattern.changes().withConsoleSignIn().excludingEventNames('CreateServiceLinkedRole')
      .exceptPrincipals('arn:aws:iam::111122223333:role/Deploy').onlyAccounts('111122223333').onlySuccessfulCalls();
    expect(pattern.description).toBe('IAM changes and console sign-ins, except CreateServiceLinkedRole, '
      + 'not by arn:aws:iam::111122223333:role/Deploy, in account 111122223333, successful calls only');
  });

  test('refinements leave the original pattern unchanged', () => {
    const changes = IamEventPattern.changes();
    const before = changes.toJson();
    changes.exceptPrincipals('arn:aws:iam::111122223333:role/Deploy').withConsoleSignIn().onlyFailedCalls();
    expect([changes.toJson(), changes.description]).toEqual([before, 'IAM changes']);
  });
});

describe('size', () => {
  const mutating = IamOperations.mutating().map((op) => op.name);

  test('a long exact list is compressed into catalog-proven prefixes to fit 2,048 characters', () => {
    const uncompressed = JSON.stringify({ eventName: mutating }).length;
    const json = IamEventPattern.eventNames(...mutating).toJson();
    expect([uncompressed > 2048, json.length <= 2048]).toEqual([true, true]);
  });

  test('the compressed list matches exactly the same catalog operations', () => {
    const matcher = EventPatternMatcher.fromJson(IamEventPattern.eventNames(...mutating).toJson());
    const all = IamOperations.all();
    expect(all.filter((op) => matcher.matchesEvent(iamCall(op.name, op.readOnly))).map((op) => op.name)).toEqual(mutating);
  });

  test('a pattern that cannot fit fails with its size', () => {
    const names = Array.from({ length: 200 }, (_, i) => `CustomOperationNumber${i}`);
    expect(() => IamEventPattern.eventNamesNotInCatalog(...names)).toThrow(/is \d{4} characters long, more than EventBridge's default event pattern quota of 2048 characters/);
  });

  test('too many principals fail with the size', () => {
    const arns = Array.from({ length: 60 }, (_, i) => `arn:aws:iam::111122223333:user/user-number-${i}`);
    expect(() => IamEventPattern.changes().exceptPrincipals(...arns)).toThrow(/characters long/);
  });
});
