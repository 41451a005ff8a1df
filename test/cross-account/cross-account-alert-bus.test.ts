import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CENTRAL_ACCOUNT, CENTRAL_BUS_NAME, CENTRAL_REGION, centralOrganizationConfiguration, ORGANIZATION_ID } from './configurations';
import { ACCOUNTS_STATEMENT_SID, ORGANIZATION_STATEMENT_SID } from '../../src/cross-account/bus-policy';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

function stack(): Stack {
  return new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
}

function resourcesOf(template: Template, type: string): Array<{ id: string; resource: any }> {
  return Object.entries(template.findResources(type)).map(([id, resource]) => ({ id, resource }));
}

const BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:event-bus/${CENTRAL_BUS_NAME}`]] };
const IAM_AND_SIGN_IN_CONDITIONS = {
  'ForAllValues:StringEquals': {
    'events:source': ['aws.iam', 'aws.signin'],
    'events:detail-type': ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'],
  },
  'StringEquals': { 'aws:PrincipalOrgID': ORGANIZATION_ID },
};

describe('organization-wide bus', () => {
  const template = Template.fromStack(centralOrganizationConfiguration());

  test('the bus policy is one statement: PutEvents on this bus by the organization, for the forwarded sources and detail-types', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    expect(bus.resource.Properties).toEqual({
      Name: CENTRAL_BUS_NAME,
      Policy: {
        Version: '2012-10-17',
        Statement: [{
          Sid: ORGANIZATION_STATEMENT_SID,
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Resource: BUS_ARN,
          Condition: IAM_AND_SIGN_IN_CONDITIONS,
        }],
      },
    });
    expect(resourcesOf(template, 'AWS::Events::EventBusPolicy')).toEqual([]);
  });

  test('an archive on the bus keeps the forwarded sources for 90 days', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    const [archive] = resourcesOf(template, 'AWS::Events::Archive');
    expect(archive.resource.Properties).toEqual({
      SourceArn: { 'Fn::GetAtt': [bus.id, 'Arn'] },
      Description: 'Forwarded IAM events, for replay after an outage',
      EventPattern: { source: ['aws.iam', 'aws.signin'] },
      RetentionDays: 90,
      // aws-cdk-lib's Archive writes an empty identifier when no key is given: AWS-owned encryption.
      KmsKeyIdentifier: '',
    });
  });

  test('one rule per pattern on the bus, publishing the readable alert to the topic with DLQ and retries', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    const [topic] = resourcesOf(template, 'AWS::SNS::Topic');
    const [queue] = resourcesOf(template, 'AWS::SQS::Queue');
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    expect(rules.map(({ resource }) => resource.Properties.EventPattern)).toEqual([
      JSON.parse(IamEventPattern.changes().toJson()),
      JSON.parse(IamEventPattern.consoleSignIns().toJson()),
    ]);
    for (const { resource } of rules) {
      expect(resource.Properties.EventBusName).toEqual({ Ref: bus.id });
      const [target] = resource.Properties.Targets;
      expect(target.Arn).toEqual({ Ref: topic.id });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queue.id, 'Arn'] } });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      // The member account is the envelope's (EventBridge keeps it across buses), the region the CloudTrail record's.
      expect(target.InputTransformer.InputPathsMap).toMatchObject({ 'account': '$.account', 'detail-awsRegion': '$.detail.awsRegion' });
      expect(target.InputTransformer.InputTemplate).toContain('in account <account>');
      expect(target.InputTransformer.InputTemplate).toContain('Where: account <account>, region <detail-awsRegion>');
    }
  });

  test('the topic is encrypted with its own key and lets each rule publish only as itself', () => {
    const [topic] = resourcesOf(template, 'AWS::SNS::Topic');
    const [key] = resourcesOf(template, 'AWS::KMS::Key');
    expect(topic.resource.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [key.id, 'Arn'] });
    const [policy] = resourcesOf(template, 'AWS::SNS::TopicPolicy');
    const publishFromRules = policy.resource.Properties.PolicyDocument.Statement
      .filter((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    const ruleIds = resourcesOf(template, 'AWS::Events::Rule').map(({ id }) => id);
    expect(publishFromRules.map((s: any) => s.Condition)).toEqual(ruleIds.map((id) => ({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id, 'Arn'] } } })));
  });

  test('alarms on failed deliveries for every rule, and one on the dead-letter queue depth', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(({ resource }) => resource.Properties.MetricName);
    expect(alarms.sort()).toEqual(['ApproximateNumberOfMessagesVisible', 'FailedInvocations', 'FailedInvocations',
      'InvocationsFailedToBeSentToDlq', 'InvocationsFailedToBeSentToDlq']);
  });

  test('the rule alarms watch the metrics EventBridge reports for a rule on a custom bus: EventBusName and RuleName', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    const ruleAlarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(({ resource }) => resource.Properties.Namespace === 'AWS/Events');
    const dimensionsByRule = resourcesOf(template, 'AWS::Events::Rule').map(({ id }) => [
      { Name: 'EventBusName', Value: { Ref: bus.id } },
      { Name: 'RuleName', Value: { Ref: id } },
    ]);
    expect(ruleAlarms.map(({ resource }) => [resource.Properties.MetricName, resource.Properties.Dimensions])).toEqual([
      ['FailedInvocations', dimensionsByRule[0]],
      ['InvocationsFailedToBeSentToDlq', dimensionsByRule[0]],
      ['FailedInvocations', dimensionsByRule[1]],
      ['InvocationsFailedToBeSentToDlq', dimensionsByRule[1]],
    ]);
  });

  test('the email address is subscribed', () => {
    expect(resourcesOf(template, 'AWS::SNS::Subscription').map(({ resource }) => [resource.Properties.Protocol, resource.Properties.Endpoint]))
      .toEqual([['email', 'security@example.com']]);
  });

  test('the rollout StackSet targets the root in the sign-in regions, passes the bus ARN, and waits for the bus', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    const [stackSet] = resourcesOf(template, 'AWS::CloudFormation::StackSet');
    expect(stackSet.resource.Properties.StackInstancesGroup).toEqual([{
      DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] },
      Regions: ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2'],
    }]);
    expect(stackSet.resource.Properties.Parameters).toEqual([{ ParameterKey: 'CentralBusArn', ParameterValue: BUS_ARN }]);
    expect(stackSet.resource.DependsOn).toContain(bus.id);
    const member = JSON.parse(stackSet.resource.Properties.TemplateBody);
    expect(Object.values(member.Resources).map((r: any) => r.Type).sort())
      .toEqual(['AWS::Events::Rule', 'AWS::Events::Rule', 'AWS::IAM::Role', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy']);
  });
});

test('listed accounts get their own statement, with the same event conditions', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { accounts: ['111111111111', '222222222222'], eventBusName: CENTRAL_BUS_NAME });
  const [bus] = resourcesOf(Template.fromStack(s), 'AWS::Events::EventBus');
  expect(bus.resource.Properties.Policy.Statement).toEqual([{
    Sid: ACCOUNTS_STATEMENT_SID,
    Effect: 'Allow',
    Principal: { AWS: ['111111111111', '222222222222'] },
    Action: 'events:PutEvents',
    Resource: BUS_ARN,
    Condition: {
      'ForAllValues:StringEquals': { 'events:source': 'aws.iam', 'events:detail-type': 'AWS API Call via CloudTrail' },
    },
  }]);
});

test('in China the rollout deploys to the one region IAM events arrive in, sign-in patterns included', () => {
  const china = new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: 'cn-north-1' } });
  const bus = new CrossAccountAlertBus(china, 'Alerts', {
    organizationId: ORGANIZATION_ID,
    patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
    memberRollout: { organizationalUnitIds: ['r-ab12'] },
  });
  expect(bus.memberRollout!.regions).toEqual(['cn-north-1']);
  const [stackSet] = resourcesOf(Template.fromStack(china), 'AWS::CloudFormation::StackSet');
  expect(stackSet.resource.Properties.StackInstancesGroup[0].Regions).toEqual(['cn-north-1']);
});

test('archive retention is configurable; zero keeps events forever', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { organizationId: ORGANIZATION_ID, archiveRetention: Duration.days(0) });
  expect(resourcesOf(Template.fromStack(s), 'AWS::Events::Archive')[0].resource.Properties.RetentionDays).toBe(0);
});

test('1,000 accounts with the organization condition keep the policy small', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { organizationId: ORGANIZATION_ID });
  const [bus] = resourcesOf(Template.fromStack(s), 'AWS::Events::EventBus');
  expect(JSON.stringify(bus.resource.Properties.Policy).length).toBeLessThan(1_000);
});

describe('bad input', () => {
  const build = (props: Partial<ConstructorParameters<typeof CrossAccountAlertBus>[2]>) =>
    () => new CrossAccountAlertBus(stack(), 'Alerts', props);
  const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(100000000000 + i));

  test('neither organization nor accounts', () => {
    expect(build({})).toThrow('Central/Alerts: neither organizationId nor accounts is given');
  });
  test('a malformed organization id', () => {
    expect(build({ organizationId: 'o-123' })).toThrow("Central/Alerts: organizationId 'o-123' is not an organization id");
  });
  test('a malformed account id', () => {
    expect(build({ accounts: ['1234'] })).toThrow("Central/Alerts: accounts entry '1234' is not an AWS account id.");
  });
  test('a duplicate account', () => {
    expect(build({ accounts: ['111111111111', '111111111111'] })).toThrow("accounts lists account '111111111111' twice");
  });
  test('the central account itself', () => {
    expect(build({ accounts: [CENTRAL_ACCOUNT] })).toThrow(`accounts lists '${CENTRAL_ACCOUNT}', the account this bus is deployed in`);
  });
  test('an account list over the bus policy quota, naming the size', () => {
    expect(build({ accounts: accounts(1_000) }))
      .toThrow(/the bus policy for 1000 accounts would be about \d+ characters, over EventBridge's quota of 10240\. Fix: give organizationId/);
  });
  test('a rollout without an organization', () => {
    expect(build({ accounts: ['111111111111'], memberRollout: { organizationalUnitIds: ['r-ab12'] } }))
      .toThrow(/memberRollout deploys forwarders to organizational units, but no organizationId is given/);
  });
  test('a malformed OU id in the rollout', () => {
    expect(build({ organizationId: ORGANIZATION_ID, memberRollout: { organizationalUnitIds: ['ou-xyz'] } }))
      .toThrow("Central/Alerts/MemberRollout/StackSet: organizationalUnitIds entry 'ou-xyz' is not valid.");
  });
  test('a malformed sign-in region in the rollout', () => {
    expect(build({ organizationId: ORGANIZATION_ID, memberRollout: { organizationalUnitIds: ['r-ab12'], signInRegions: ['US-EAST-2'] } }))
      .toThrow("Central/Alerts/MemberRollout: signInRegions entry 'US-EAST-2' is not an AWS region name. Fix: write a region code such as us-east-1");
  });
  test.each(['has space', 'partner/style', 'default', 'x'.repeat(257)])('an invalid bus name: %p', (eventBusName) => {
    expect(build({ organizationId: ORGANIZATION_ID, eventBusName }))
      .toThrow(`Central/Alerts: eventBusName '${eventBusName}' is not a valid custom event bus name. Fix: use letters, digits`);
  });
  test('GovCloud or China: a central bus outside the region IAM events arrive in', () => {
    const china = new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: 'cn-northwest-1' } });
    expect(() => new CrossAccountAlertBus(china, 'Alerts', { organizationId: ORGANIZATION_ID }))
      .toThrow(/Central\/Alerts: this stack's region is cn-northwest-1, but in partition aws-cn IAM events arrive only in cn-north-1.*Fix: deploy the central bus in cn-north-1\./);
  });
  test('unresolved tokens are accepted', () => {
    expect(build({ organizationId: Token.asString({ Ref: 'Org' }), accounts: [Token.asString({ Ref: 'Account' })] })).not.toThrow();
  });
});
