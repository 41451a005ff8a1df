import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CENTRAL_BUS_ARN, MEMBER_ACCOUNT, memberForwarderConfiguration, memberStackSetTemplateConfiguration } from './configurations';
import { logicalIdOf, resourcesOf, resourceWithId, ruleNamed, ruleNameSuffixes } from './template-queries';
import { IamEventForwarder, IamEventForwarderProps } from '../../src/cross-account/iam-event-forwarder';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

/** The heartbeat role, one per account under this fixed name. */
const HEARTBEAT_ROLE_NAME = 'cdk-iam-change-alerts-heartbeat';

function stack(env?: { account?: string; region?: string }): Stack {
  return new Stack(new App(), 'Member', env ? { env } : undefined);
}

/** The roles other than the heartbeat role. */
function rolesOtherThanHeartbeat(template: Template) {
  return resourcesOf(template, 'AWS::IAM::Role').filter(({ resource }) => resource.Properties.RoleName !== HEARTBEAT_ROLE_NAME);
}

describe('forwarding to a bus in another account and region', () => {
  const member = memberForwarderConfiguration();
  const forwarder = member.node.findChild('Forward') as IamEventForwarder;
  const template = Template.fromStack(member);
  const rule = ruleNamed(template, 'forward');
  const healthRule = ruleNamed(template, 'health');
  const role = resourceWithId(template, 'AWS::IAM::Role', logicalIdOf(member.resolve(forwarder.role!.roleArn)));
  const queue = resourceWithId(template, 'AWS::SQS::Queue', logicalIdOf(member.resolve(forwarder.deadLetterQueue.queueArn)));
  const target = {
    Id: 'Target0',
    Arn: CENTRAL_BUS_ARN,
    RoleArn: { 'Fn::GetAtt': [role.id, 'Arn'] },
    DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue.id, 'Arn'] } },
    RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
  };

  test('one forwarding rule on the default bus, forwarding the pattern unchanged with role, DLQ and retries, and one health rule', () => {
    expect(ruleNameSuffixes(template)).toEqual(['forward', 'health']);
    expect(rule.resource.Properties.Name).toBe('MemberForwarder-Forward-BB66DC07-forward');
    expect(rule.resource.Properties.EventBusName).toBeUndefined();
    expect(rule.resource.Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.changes().toJson()));
    expect(rule.resource.Properties.State).toBe('ENABLED');
    expect(rule.resource.Properties.Targets).toEqual([target]);
  });

  test('the health rule puts its events on the central bus the same way: same role, DLQ and retries', () => {
    expect(healthRule.resource.Properties.EventBusName).toBeUndefined();
    expect(healthRule.resource.Properties.State).toBe('ENABLED');
    expect(healthRule.resource.Properties.Targets).toEqual([target]);
  });

  test("the forwarder role is trusted by this account's EventBridge rules only and may PutEvents on that bus only", () => {
    // The other role is the heartbeat's (see pipeline-health.test.ts).
    expect(rolesOtherThanHeartbeat(template).map(({ id }) => id)).toEqual([role.id]);
    expect(resourcesOf(template, 'AWS::IAM::Role').filter(({ resource }) => resource.Properties.RoleName === HEARTBEAT_ROLE_NAME)).toHaveLength(1);
    expect(role.resource.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': MEMBER_ACCOUNT } },
      }],
    });
    expect(role.resource.Properties.Policies).toEqual([{
      PolicyName: 'PutEventsOnCentralBus',
      PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'events:PutEvents', Resource: CENTRAL_BUS_ARN }] },
    }]);
    expect(role.resource.Condition).toBeUndefined();
    expect(resourcesOf(template, 'AWS::IAM::Policy')).toEqual([]);
  });

  test('only the forwarding and health rules may send to the dead-letter queue, each as itself, and only over TLS', () => {
    const [policy] = resourcesOf(template, 'AWS::SQS::QueuePolicy');
    const allowSendFrom = (ruleId: string) => ({
      Sid: expect.stringMatching(/^AllowSendFromRule/),
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': [queue.id, 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
    });
    expect(policy.resource.Properties.PolicyDocument.Statement).toEqual([
      {
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: { 'Fn::GetAtt': [queue.id, 'Arn'] },
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      allowSendFrom(rule.id),
      allowSendFrom(healthRule.id),
    ]);
  });

  test('no condition when account and region are known', () => {
    expect(template.toJSON().Conditions).toBeUndefined();
  });
});

test('a bus in the same account and region needs no role: only the heartbeat role is created', () => {
  const s = stack({ account: '999999999999', region: 'us-east-1' });
  const forwarder = new IamEventForwarder(s, 'Forward', { centralBusArn: 'arn:aws:events:us-east-1:999999999999:event-bus/org' });
  const template = Template.fromStack(s);
  expect(forwarder.role).toBeUndefined();
  expect(rolesOtherThanHeartbeat(template)).toEqual([]);
  for (const suffix of ['forward', 'health']) {
    expect(ruleNamed(template, suffix).resource.Properties.Targets[0].RoleArn).toBeUndefined();
  }
});

test('a bus in the same account but another region needs the role', () => {
  const s = stack({ account: '999999999999', region: 'us-east-1' });
  new IamEventForwarder(s, 'Forward', { centralBusArn: 'arn:aws:events:eu-west-1:999999999999:event-bus/org' });
  const template = Template.fromStack(s);
  const roles = rolesOtherThanHeartbeat(template);
  expect(roles).toHaveLength(1);
  for (const suffix of ['forward', 'health']) {
    expect(ruleNamed(template, suffix).resource.Properties.Targets[0].RoleArn).toEqual({ 'Fn::GetAtt': [roles[0].id, 'Arn'] });
  }
});

describe('environment-agnostic (a StackSet member template)', () => {
  const member = memberStackSetTemplateConfiguration();
  const forwarder = member.node.findChild('Forward') as IamEventForwarder;
  const template = Template.fromStack(member);
  const rules = resourcesOf(template, 'AWS::Events::Rule');
  const role = resourceWithId(template, 'AWS::IAM::Role', logicalIdOf(member.resolve(forwarder.role!.roleArn)));
  const conditions = template.toJSON().Conditions;

  test('the role exists only where the bus is in another account or region, and the targets of all rules use it only there', () => {
    expect(rolesOtherThanHeartbeat(template).map(({ id }) => id)).toEqual([role.id]);
    // Forwarding and health rules alike.
    expect(ruleNameSuffixes(template)).toEqual(['forward', 'forward-signin', 'health', 'health-signin']);
    expect(conditions[role.resource.Condition]).toEqual({
      'Fn::Not': [{
        'Fn::And': [
          { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '999999999999'] },
          { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
        ],
      }],
    });
    for (const { resource } of rules) {
      expect(resource.Properties.Targets[0].RoleArn).toEqual({
        'Fn::If': [role.resource.Condition, { 'Fn::GetAtt': [role.id, 'Arn'] }, { Ref: 'AWS::NoValue' }],
      });
    }
  });

  test('one forwarding rule for both patterns in us-east-1, one for the sign-in patterns in the other sign-in regions, each with a health rule there', () => {
    const regionsOf = (condition: string) => JSON.stringify(conditions[condition]).match(/[a-z]{2}-[a-z]+-\d/g);
    const both = ruleNamed(template, 'forward').resource;
    const signIns = ruleNamed(template, 'forward-signin').resource;
    expect(both.Properties.Description).toBe('Forwards to the central alert bus: IAM changes; console sign-ins');
    expect(signIns.Properties.Description).toBe('Forwards to the central alert bus: console sign-ins');
    expect(ruleNamed(template, 'health').resource.Condition).toBe(both.Condition);
    expect(ruleNamed(template, 'health-signin').resource.Condition).toBe(signIns.Condition);
    expect(regionsOf(both.Condition)).toEqual(['us-east-1']);
    expect(both.Properties.EventPattern).toEqual({
      $or: [JSON.parse(IamEventPattern.changes().toJson()), JSON.parse(IamEventPattern.consoleSignIns().toJson())],
    });
    expect(regionsOf(signIns.Condition)).toEqual(['us-east-2', 'eu-north-1', 'ap-southeast-2']);
    expect(signIns.Properties.EventPattern).toEqual(JSON.parse(IamEventPattern.consoleSignIns().toJson()));
  });
});

test('a bus ARN passed as a token is split for the same-account condition', () => {
  const s = stack();
  new IamEventForwarder(s, 'Forward', { centralBusArn: Token.asString({ Ref: 'BusArn' }) });
  const template = Template.fromStack(s);
  const [role] = rolesOtherThanHeartbeat(template);
  expect(JSON.stringify(template.toJSON().Conditions[role.resource.Condition]))
    .toContain('{"Fn::Select":[4,{"Fn::Split":[":",{"Ref":"BusArn"}]}]}');
});

test('in us-east-1, one rule forwards the union of the patterns', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  const forwarder = new IamEventForwarder(s, 'Forward', {
    centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
  });
  expect(forwarder.rules).toHaveLength(1);
  expect(ruleNamed(Template.fromStack(s), 'forward').resource.Properties.EventPattern).toEqual({
    $or: [JSON.parse(IamEventPattern.changes().toJson()), JSON.parse(IamEventPattern.consoleSignIns().toJson())],
  });
});

test('a pattern without read-only calls keeps to what an ENABLED rule receives when another needs all management events', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  new IamEventForwarder(s, 'Forward', {
    centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.changes(), IamEventPattern.rootUserActivity()],
  });
  const rule = ruleNamed(Template.fromStack(s), 'forward');
  const changes = JSON.parse(IamEventPattern.changes().toJson());
  expect(rule.resource.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  expect(rule.resource.Properties.EventPattern).toEqual({
    $or: [
      { ...changes, detail: { ...changes.detail, readOnly: [false, { exists: false }] } },
      JSON.parse(IamEventPattern.rootUserActivity().toJson()),
    ],
  });
});

test('patterns whose union EventBridge would refuse are forwarded by their sources and detail-types, with a warning', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  // Names made up to be long: not in the IAM catalog, which eventNames() checks.
  const long = (prefix: string) => IamEventPattern.eventNamesNotInCatalog(...Array.from({ length: 30 }, (_, i) => `${prefix}ServiceSpecificCredentialNumber${i}`));
  new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [long('CreateUser'), long('DeleteUser'), IamEventPattern.consoleSignIns()] });
  const rule = ruleNamed(Template.fromStack(s), 'forward');
  expect(rule.resource.Properties.EventPattern).toEqual({
    'source': ['aws.iam', 'aws.signin'],
    'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'],
  });
  expect(Annotations.fromStack(s).findWarning('/Member/Forward', Match.stringLikeRegexp(
    'The forwarding rule Rule cannot use the union of its patterns \\(EventBridge would reject their union: Event pattern is \\d+ characters long.*'
    + 'forwards every event of their sources and detail-types.*\\[ack: cdk-iam-change-alerts:coarseForwardingPattern\\]'))).toHaveLength(1);
});

test('patterns whose union EventBridge would answer by branch order are forwarded by their sources and detail-types, with a warning', () => {
  // event-ruler (EventBridge's matcher) takes a later \$or branch sharing values with an earlier one for
  // a repeat: in this order the union stopped forwarding SetDefaultPolicyVersion (checked on event-ruler 2.1.0).
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.cisPolicyChanges(), IamEventPattern.policyChanges()] });
  const rule = ruleNamed(Template.fromStack(s), 'forward');
  expect(rule.resource.Properties.EventPattern).toEqual({ 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] });
  expect(Annotations.fromStack(s).findWarning('/Member/Forward', Match.stringLikeRegexp(
    'cannot use the union of its patterns \\(EventBridge would answer their union by the order of its branches.*patternOverlappingOrBranches.*'
    + '\\[ack: cdk-iam-change-alerts:coarseForwardingPattern\\]'))).toHaveLength(1);
});

test('patterns holding values known only at deployment are forwarded by their sources and detail-types, with a warning', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  const deployer = IamEventPattern.changes().onlyPrincipals(Token.asString({ Ref: 'DeployRoleArn' }));
  new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [deployer, IamEventPattern.rootUserActivity()] });
  const rule = ruleNamed(Template.fromStack(s), 'forward');
  expect(rule.resource.Properties.EventPattern).toEqual({
    'source': ['aws.iam', 'aws.signin'],
    'detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'],
  });
  expect(Annotations.fromStack(s).findWarning('/Member/Forward', Match.stringLikeRegexp('values known only at deployment'))).toHaveLength(1);
});

test('in a sign-in region other than us-east-1, only sign-in patterns get a rule', () => {
  const s = stack({ account: '111111111111', region: 'eu-north-1' });
  const forwarder = new IamEventForwarder(s, 'Forward', {
    centralBusArn: CENTRAL_BUS_ARN, patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
  });
  expect(forwarder.rules).toHaveLength(1);
  const template = Template.fromStack(s);
  expect(ruleNameSuffixes(template)).toEqual(['forward-signin', 'health-signin']);
  expect(ruleNamed(template, 'forward-signin').resource.Properties.Description).toBe('Forwards to the central alert bus: console sign-ins');
});

test('a read-only pattern puts the rule in the all-management-events state', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  const pattern = IamEventPattern.allApiCalls();
  expect(pattern.includesReadOnlyEvents).toBe(true);
  new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, patterns: [pattern] });
  const rule = ruleNamed(Template.fromStack(s), 'forward');
  expect(rule.resource.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  // It would match the heartbeat (the heartbeat role tagging itself), so that role is left out.
  expect(rule.resource.Properties.EventPattern).toEqual(JSON.parse(pattern.exceptPrincipals(`arn:aws:iam::*:role/${HEARTBEAT_ROLE_NAME}`).toJson()));
});

test('retries are configurable, for the forwarding and health rules alike', () => {
  const s = stack({ account: '111111111111', region: 'us-east-1' });
  new IamEventForwarder(s, 'Forward', { centralBusArn: CENTRAL_BUS_ARN, retryAttempts: 10, maxEventAge: Duration.hours(2) });
  const template = Template.fromStack(s);
  for (const suffix of ['forward', 'health']) {
    expect(ruleNamed(template, suffix).resource.Properties.Targets[0].RetryPolicy)
      .toEqual({ MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 7200 });
  }
});

test('regionsFor tells where to deploy', () => {
  expect(IamEventForwarder.regionsFor([IamEventPattern.changes()])).toEqual(['us-east-1']);
  expect(IamEventForwarder.regionsFor([IamEventPattern.changes(), IamEventPattern.consoleSignIns()], ['us-east-1', 'eu-west-3']))
    .toEqual(['us-east-1', 'eu-west-3']);
});

test('no warnings', () => {
  const s = memberForwarderConfiguration();
  expect(Annotations.fromStack(s).findWarning('*', Match.anyValue())).toEqual([]);
});

describe('bad input', () => {
  const forward = (env: { account?: string; region?: string } | undefined, props: Partial<ConstructorParameters<typeof IamEventForwarder>[2]>) =>
    () => new IamEventForwarder(stack(env), 'Forward', { centralBusArn: CENTRAL_BUS_ARN, ...props });
  const useEast1 = { account: '111111111111', region: 'us-east-1' };

  test('a malformed bus ARN', () => {
    expect(forward(useEast1, { centralBusArn: 'arn:aws:events:eu-west-1:999999999999:rule/x' }))
      .toThrow("Member/Forward: centralBusArn 'arn:aws:events:eu-west-1:999999999999:rule/x' is not an event bus ARN.");
  });
  test('a bus in another partition', () => {
    expect(forward(useEast1, { centralBusArn: 'arn:aws-cn:events:cn-north-1:999999999999:event-bus/x' }))
      .toThrow(/centralBusArn 'arn:aws-cn:events:cn-north-1:999999999999:event-bus\/x' is in partition 'aws-cn', but this stack's region us-east-1 is in partition 'aws'\. Fix: use a centralBusArn in partition 'aws' \(EventBridge cannot deliver across partitions\)/);
  });
  test('a region where no forwarded events arrive', () => {
    expect(forward({ account: '111111111111', region: 'eu-west-1' }, {}))
      .toThrow(/this stack's region is eu-west-1, where none of the forwarded events arrive.*Fix: deploy the forwarder in us-east-1/);
  });
  test('GovCloud: a bus in another region than the one IAM events arrive in', () => {
    expect(forward({ account: '111111111111', region: 'us-gov-west-1' }, { centralBusArn: 'arn:aws-us-gov:events:us-gov-east-1:999999999999:event-bus/x' }))
      .toThrow(/in partition aws-us-gov event bus targets cannot be in another region.*Fix: put the central bus in us-gov-west-1/);
  });
  test('China: a forwarder outside the region IAM events arrive in', () => {
    expect(forward({ account: '111111111111', region: 'cn-northwest-1' }, { centralBusArn: 'arn:aws-cn:events:cn-north-1:999999999999:event-bus/x' }))
      .toThrow(/this stack's region is cn-northwest-1, but in partition aws-cn IAM events arrive only in cn-north-1/);
  });
  test('the removed pattern property, from a JavaScript caller', () => {
    expect(forward(useEast1, { pattern: IamEventPattern.changes() } as Partial<IamEventForwarderProps>))
      .toThrow('Member/Forward: the `pattern` property was removed. Fix: give `patterns: [pattern]` instead.');
  });
  test('an empty pattern list', () => {
    expect(forward(useEast1, { patterns: [] })).toThrow('Member/Forward: patterns is empty.');
  });
  test('a pattern of regional events', () => {
    expect(forward(useEast1, { patterns: [IamEventPattern.rootUserActivityInAllServices()] }))
      .toThrow(/matches events of regional services.*Fix: use IamEventPattern\.rootUserActivity\(\)/);
  });
  test('a sign-in region that is not a region name', () => {
    expect(forward(useEast1, { signInRegions: ['us-east-1', 'eu-west'] }))
      .toThrow("Member/Forward: signInRegions entry 'eu-west' is not an AWS region name. Fix: write a region code such as us-east-1 or eu-central-1 (not a display name, not an availability zone).");
  });
  test('a sign-in region in another partition than the bus', () => {
    expect(forward(useEast1, { signInRegions: ['us-east-1', 'cn-north-1'] }))
      .toThrow(/signInRegions entry 'cn-north-1' is in partition 'aws-cn', but the central bus is in partition 'aws'\. Fix: give a region of partition 'aws': EventBridge cannot deliver across partitions/);
  });
  test('retry attempts out of range', () => {
    expect(forward(useEast1, { retryAttempts: 186 }))
      .toThrow(/Member\/Forward\/Rule: retryAttempts is 186; EventBridge accepts a whole number from 0 to 185\. Fix: pass a whole number from 0 to 185/);
  });
  test('a max event age out of range', () => {
    expect(forward(useEast1, { maxEventAge: Duration.days(2) }))
      .toThrow(/Member\/Forward\/Rule: maxEventAge is 2 days; EventBridge accepts whole seconds from 1 minute to 24 hours\. Fix: pass a duration from Duration\.minutes\(1\) to Duration\.hours\(24\)/);
  });
  test('a max event age of a fraction of a second', () => {
    expect(forward(useEast1, { maxEventAge: Duration.millis(60_500) }))
      .toThrow(/Member\/Forward\/Rule: maxEventAge is .*; EventBridge accepts whole seconds from 1 minute to 24 hours\./);
  });
});
