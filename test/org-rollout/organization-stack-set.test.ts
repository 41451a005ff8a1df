import { Annotations as CoreAnnotations, App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { OrganizationStackSet, StackSetCaller, TEMPLATE_BODY_LIMIT } from '../../src/org-rollout/organization-stack-set';

function central(): Stack {
  return new Stack(new App(), 'Central', { env: { account: '999999999999', region: 'eu-west-1' } });
}

function stackSetProperties(stack: Stack): Record<string, any> {
  const stackSets = Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet');
  expect(Object.keys(stackSets)).toHaveLength(1);
  return Object.values(stackSets)[0].Properties;
}

function rollout(stack: Stack, extra: Partial<ConstructorParameters<typeof OrganizationStackSet>[2]> = {}): OrganizationStackSet {
  const set = new OrganizationStackSet(stack, 'Rollout', { organizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'], regions: ['us-east-1', 'eu-north-1'], ...extra });
  new sqs.Queue(set.memberStack, 'Queue');
  return set;
}

test('service-managed, auto-deployed to the units in the regions, deleted from accounts that leave', () => {
  const stack = central();
  rollout(stack);
  const props = stackSetProperties(stack);
  expect(props.PermissionModel).toBe('SERVICE_MANAGED');
  expect(props.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
  expect(props.StackInstancesGroup).toEqual([{
    DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-cdef3456', 'r-ab12'] },
    Regions: ['us-east-1', 'eu-north-1'],
  }]);
});

test('called as delegated administrator by default, as the management account on request', () => {
  const a = central();
  rollout(a);
  expect(stackSetProperties(a).CallAs).toBe('DELEGATED_ADMIN');
  const b = central();
  rollout(b, { callAs: StackSetCaller.SELF });
  expect(stackSetProperties(b).CallAs).toBe('SELF');
});

test('operation preferences: parallel regions, soft failure tolerance, configurable shares', () => {
  const stack = central();
  rollout(stack, { maxConcurrentPercentage: 25, failureTolerancePercentage: 5, retainStacksOnAccountRemoval: true });
  const props = stackSetProperties(stack);
  expect(props.OperationPreferences).toEqual({
    RegionConcurrencyType: 'PARALLEL', ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE', MaxConcurrentPercentage: 25, FailureTolerancePercentage: 5,
  });
  expect(props.AutoDeployment.RetainStacksOnAccountRemoval).toBe(true);
  expect(props.ManagedExecution).toEqual({ Active: true });
});

test('the member template goes inline, without CDK bootstrap parameters or rules', () => {
  const stack = central();
  rollout(stack);
  const body = JSON.parse(stackSetProperties(stack).TemplateBody);
  expect(Object.values(body.Resources).map((r: any) => r.Type)).toEqual(['AWS::SQS::Queue']);
  expect(body.Parameters).toBeUndefined();
  expect(body.Rules).toBeUndefined();
});

test('passValue turns a central token into a StackSet parameter used by the member template', () => {
  const stack = central();
  const set = rollout(stack);
  const queue = new sqs.Queue(stack, 'CentralQueue');
  const arn = set.passValue('CentralQueueArn', queue.queueArn);
  new iam.Role(set.memberStack, 'Role', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    inlinePolicies: { Send: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [arn] })] }) },
  });
  const props = stackSetProperties(stack);
  expect(props.Parameters).toEqual([{ ParameterKey: 'CentralQueueArn', ParameterValue: { 'Fn::GetAtt': [stack.getLogicalId(queue.node.defaultChild as sqs.CfnQueue), 'Arn'] } }]);
  const body = JSON.parse(props.TemplateBody);
  expect(body.Parameters).toEqual({ CentralQueueArn: { Type: 'String' } });
  expect(JSON.stringify(body)).toContain('{"Ref":"CentralQueueArn"}');
});

test('capabilities follow the member template: none, IAM, or named IAM', () => {
  const none = central();
  rollout(none);
  expect(stackSetProperties(none).Capabilities).toBeUndefined();

  const unnamed = central();
  new iam.Role(rollout(unnamed).memberStack, 'Role', { assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
  expect(stackSetProperties(unnamed).Capabilities).toEqual(['CAPABILITY_IAM']);

  const named = central();
  new iam.Role(rollout(named).memberStack, 'Role', { roleName: 'Fixed', assumedBy: new iam.ServicePrincipal('events.amazonaws.com') });
  expect(stackSetProperties(named).Capabilities).toEqual(['CAPABILITY_NAMED_IAM']);
});

test('a StackSet name is derived when none is given, and kept when given', () => {
  const a = central();
  rollout(a);
  expect(stackSetProperties(a).StackSetName).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{0,127}$/);
  const b = central();
  rollout(b, { stackSetName: 'iam-event-forwarders' });
  expect(stackSetProperties(b).StackSetName).toBe('iam-event-forwarders');
});

test('a member template over the inline limit fails naming its size', () => {
  const stack = central();
  const set = rollout(stack);
  for (let i = 0; i < 400; i++) new sqs.Queue(set.memberStack, `Filler${i}`, { queueName: `filler-${'x'.repeat(40)}-${i}` });
  expect(() => Template.fromStack(stack)).toThrow(new RegExp(`Central/Rollout: the member template is \\d+ bytes; a StackSet takes at most ${TEMPLATE_BODY_LIMIT} bytes inline`));
});

describe('the management account', () => {
  const WARNING = 'cdk-iam-change-alerts:managementAccountNotCovered';

  test('is said, acknowledgeably, to get no member stack, with what to deploy there instead', () => {
    const stack = central();
    rollout(stack);
    Annotations.fromStack(stack).hasWarning('/Central/Rollout', Match.stringLikeRegexp(
      "^A service-managed StackSet never deploys to the organization's management account, .*that account gets no member stack\\. "
      + "Deploy the member stack's constructs there directly, in a stack of their own deployed in the management account "
      + '\\(for example an IamEventForwarder, or an AccessAnalyzerServiceRole\\).*'
      + `\\[ack: ${WARNING}\\]$`));
  });

  test('is warned about once per StackSet, whatever its caller and values', () => {
    const stack = central();
    const set = rollout(stack, { callAs: StackSetCaller.SELF });
    set.passValue('BusArn', 'arn:aws:events:us-east-1:999999999999:event-bus/b');
    new OrganizationStackSet(stack, 'Second', { organizationalUnitIds: ['r-ab12'], regions: ['us-east-1'] });
    const warned = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(WARNING)).map((w) => w.id);
    expect(warned).toEqual(['/Central/Rollout', '/Central/Second']);
  });

  test('is no longer warned about once acknowledged', () => {
    const stack = central();
    const set = rollout(stack);
    CoreAnnotations.of(set).acknowledgeWarning(WARNING, 'the management account has its own forwarder stack');
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toEqual([]);
  });
});

describe('bad input', () => {
  test.each([
    [{ organizationalUnitIds: [] }, /organizationalUnitIds is empty/],
    [{ organizationalUnitIds: ['ou-12'] }, /organizationalUnitIds entry 'ou-12' is not valid\. Fix: write organizational unit ids as ou-/],
    [{ organizationalUnitIds: ['o-a1b2c3d4e5'] }, /organizationalUnitIds entry 'o-a1b2c3d4e5' is not valid/],
    [{ organizationalUnitIds: ['r-ab12', 'r-ab12'] }, /organizationalUnitIds lists 'r-ab12' twice/],
    [{ regions: ['us-east'] }, /regions entry 'us-east' is not valid/],
    [{ regions: ['us-east-1', 'us-east-1'] }, /regions lists 'us-east-1' twice/],
    [{ stackSetName: '1-starts-with-digit' }, /stackSetName '1-starts-with-digit' is not a valid StackSet name/],
    [{ maxConcurrentPercentage: 0 }, /maxConcurrentPercentage is 0\. Fix: give a whole number from 1 to 100/],
    [{ failureTolerancePercentage: 101 }, /failureTolerancePercentage is 101/],
  ])('%p fails', (extra, message) => {
    expect(() => new OrganizationStackSet(central(), 'Rollout', { organizationalUnitIds: ['r-ab12'], regions: ['us-east-1'], ...extra })).toThrow(message);
  });

  test('unresolved tokens are accepted', () => {
    expect(() => new OrganizationStackSet(central(), 'Rollout', {
      organizationalUnitIds: [Token.asString({ Ref: 'Ou' })],
      regions: [Token.asString({ Ref: 'Region' })],
      stackSetName: Token.asString({ Ref: 'Name' }),
    })).not.toThrow();
  });

  test('a parameter passed twice fails', () => {
    const set = rollout(central());
    set.passValue('BusArn', 'arn:aws:events:us-east-1:999999999999:event-bus/b');
    expect(() => set.passValue('BusArn', 'x')).toThrow(/parameter 'BusArn' is passed twice/);
  });

  test('a parameter name with punctuation fails', () => {
    expect(() => rollout(central()).passValue('Bus-Arn', 'x')).toThrow(/parameter name 'Bus-Arn' is not valid/);
  });
});
