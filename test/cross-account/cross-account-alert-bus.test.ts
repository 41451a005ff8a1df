import { App, Duration, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CENTRAL_ACCOUNT, CENTRAL_BUS_NAME, CENTRAL_REGION, centralOrganizationConfiguration, ORGANIZATION_ID } from './configurations';
import { logicalIdOf, resourcesOf, resourceWithId, ruleNamed, ruleNameSuffixes } from './template-queries';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { ACCOUNTS_STATEMENT_SID, ORGANIZATION_STATEMENT_SID } from '../../src/cross-account/private/bus-policy';
import { PipelineHealth } from '../../src/health/pipeline-health';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const EMAILS = ['security@example.com'];

function stack(): Stack {
  return new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
}

const BUS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:event-bus/${CENTRAL_BUS_NAME}`]] };
/** `ForAllValues` holds for a request without the key: the policy requires events:source to be present. */
const SOURCE_REQUIRED = { 'events:source': 'false' };
/** The sources and detail-types of the health events (heartbeat, member tampering, member alarms) the forwarders send. */
const HEALTH_SOURCES = ['aws.cloudwatch', 'aws.events'];
const ALARM_STATE_CHANGE = 'CloudWatch Alarm State Change';
const IAM_AND_SIGN_IN_DETAIL_TYPES = ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail'];
const IAM_AND_SIGN_IN_CONDITIONS = {
  'ForAllValues:StringEquals': {
    'events:source': [...HEALTH_SOURCES, 'aws.iam', 'aws.signin'],
    'events:detail-type': [...IAM_AND_SIGN_IN_DETAIL_TYPES, ALARM_STATE_CHANGE],
  },
  'Null': SOURCE_REQUIRED,
  'StringEquals': { 'aws:PrincipalOrgID': ORGANIZATION_ID },
};

/** The RuleName dimension of a rule on a custom bus: its Ref is "<bus>|<rule>" (cloudformation-coverage-roadmap#1131). */
const customBusRuleName = (ruleId: string) => ({ 'Fn::Select': [1, { 'Fn::Split': ['|', { Ref: ruleId }] }] });

/** Whether a node of the template holds a `Ref` to `id`. */
function refersTo(node: unknown, id: string): boolean {
  if (Array.isArray(node)) return node.some(n => refersTo(n, id));
  if (typeof node !== 'object' || node === null) return false;
  if ((node as any).Ref === id) return true;
  return Object.values(node).some(v => refersTo(v, id));
}

describe('organization-wide bus', () => {
  const central = centralOrganizationConfiguration();
  const alertBus = central.node.findChild('OrgAlerts') as CrossAccountAlertBus;
  const template = Template.fromStack(central);
  const topicId = logicalIdOf(central.resolve(alertBus.topic.topicArn));
  const healthTopicId = logicalIdOf(central.resolve(alertBus.healthTopic.topicArn));
  const queueId = logicalIdOf(central.resolve(alertBus.deadLetterQueue.queueArn));
  const [bus] = resourcesOf(template, 'AWS::Events::EventBus');

  test('the bus policy is one statement: PutEvents on this bus by the organization, for the forwarded and health sources and detail-types, events:source required', () => {
    expect(resourcesOf(template, 'AWS::Events::EventBus')).toHaveLength(1);
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

  test('an archive on the bus keeps the forwarded sources, health events included, for 90 days', () => {
    const [archive] = resourcesOf(template, 'AWS::Events::Archive');
    expect(archive.resource.Properties).toEqual({
      SourceArn: { 'Fn::GetAtt': [bus.id, 'Arn'] },
      Description: 'Forwarded IAM events, for replay after an outage',
      EventPattern: { source: [...HEALTH_SOURCES, 'aws.iam', 'aws.signin'] },
      RetentionDays: 90,
      // aws-cdk-lib's Archive writes an empty identifier when no key is given: AWS-owned encryption.
      KmsKeyIdentifier: '',
    });
  });

  // Alert rules, one per pattern; the heartbeat monitor; tamper rules on the default bus, one per kind of
  // watched resource and one for the health path; the rules on member alarms and member tampering.
  const RULE_SUFFIXES = ['alerts1', 'alerts2', 'heartbeat', 'tamper-rules', 'tamper-topics', 'tamper-keys', 'tamper-health', 'member-alarms', 'member-tamper'];
  /** Every rule but the heartbeat monitor (which writes to its log group) publishes to a topic. */
  const PUBLISHING = RULE_SUFFIXES.filter(s => s !== 'heartbeat');
  /** Alerts, and tampering with the health path, go to the alert topic; the pipeline's own failures to the health topic. */
  const TO_ALERT_TOPIC = ['alerts1', 'alerts2', 'tamper-health'];

  test('every rule is named with the construct\'s unique prefix and what it does', () => {
    expect(resourcesOf(template, 'AWS::Events::Rule').map(({ resource }) => resource.Properties.Name))
      .toEqual(RULE_SUFFIXES.map(suffix => `CentralOrganization-OrgAlerts-628B4CF3-${suffix}`));
  });

  test('the tamper rules are on the default bus, where CloudTrail delivers the calls; every other rule is on the central bus', () => {
    for (const suffix of RULE_SUFFIXES) {
      expect([suffix, ruleNamed(template, suffix).resource.Properties.EventBusName]).toEqual([suffix, suffix.startsWith('tamper-') ? undefined : { Ref: bus.id }]);
    }
  });

  test('one rule per pattern on the bus, publishing the readable alert to the topic with DLQ and retries', () => {
    expect(ruleNameSuffixes(template).filter(s => s?.startsWith('alerts'))).toEqual(['alerts1', 'alerts2']);
    const rules = [ruleNamed(template, 'alerts1'), ruleNamed(template, 'alerts2')];
    expect(rules.map(({ resource }) => resource.Properties.EventPattern)).toEqual([
      JSON.parse(IamEventPattern.changes().toJson()),
      JSON.parse(IamEventPattern.consoleSignIns().toJson()),
    ]);
    for (const { resource } of rules) {
      expect(resource.Properties.EventBusName).toEqual({ Ref: bus.id });
      expect(resource.Properties.State).toBe('ENABLED');
      expect(resource.Properties.Targets).toHaveLength(1);
      const [target] = resource.Properties.Targets;
      expect(target.Arn).toEqual({ Ref: topicId });
      expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } });
      expect(target.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 });
      // The member account is the envelope's (EventBridge keeps it across buses), the region the CloudTrail record's.
      expect(target.InputTransformer.InputPathsMap).toMatchObject({ 'account': '$.account', 'detail-awsRegion': '$.detail.awsRegion' });
      expect(target.InputTransformer.InputTemplate).toContain('in account <account>');
      expect(target.InputTransformer.InputTemplate).toContain('Where: account <account>, region <detail-awsRegion>');
    }
  });

  test('each topic is encrypted with its own key and lets each rule that publishes to it publish only as itself', () => {
    const topic = resourceWithId(template, 'AWS::SNS::Topic', topicId);
    const healthTopic = resourceWithId(template, 'AWS::SNS::Topic', healthTopicId);
    expect(resourcesOf(template, 'AWS::SNS::Topic').map(({ id }) => id)).toEqual([topicId, healthTopicId]);
    const keyOf = (t: typeof topic) => logicalIdOf(t.resource.Properties.KmsMasterKeyId);
    expect(keyOf(topic)).not.toEqual(keyOf(healthTopic));
    for (const t of [topic, healthTopic]) {
      expect(t.resource.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyOf(t), 'Arn'] });
      expect(resourceWithId(template, 'AWS::KMS::Key', keyOf(t)).resource.Properties.EnableKeyRotation).toBe(true);
    }
    const publishFromRules = (id: string) => {
      const policies = resourcesOf(template, 'AWS::SNS::TopicPolicy').filter(({ resource }) => refersTo(resource.Properties.Topics, id));
      expect(policies).toHaveLength(1);
      return policies[0].resource.Properties.PolicyDocument.Statement
        .filter((s: any) => s.Principal?.Service === 'events.amazonaws.com')
        .map((s: any) => s.Condition);
    };
    const publishedBy = (suffixes: string[]) =>
      suffixes.map(suffix => ({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleNamed(template, suffix).id, 'Arn'] } } }));
    expect(publishFromRules(topicId)).toEqual(publishedBy(TO_ALERT_TOPIC));
    expect(publishFromRules(healthTopicId)).toEqual(publishedBy(PUBLISHING.filter(s => !TO_ALERT_TOPIC.includes(s))));
    for (const suffix of PUBLISHING) {
      expect([suffix, ruleNamed(template, suffix).resource.Properties.Targets.map((t: any) => t.Arn)])
        .toEqual([suffix, [{ Ref: TO_ALERT_TOPIC.includes(suffix) ? topicId : healthTopicId }]]);
    }
  });

  test('alarms on failed deliveries for every rule that publishes to a topic, one on the dead-letter queue depth, and the heartbeat alarms', () => {
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').map(({ resource }) => resource.Properties.MetricName ?? 'Metrics Insights');
    expect(alarms.sort()).toEqual([
      'ApproximateNumberOfMessagesVisible',
      ...PUBLISHING.map(() => 'FailedInvocations'),
      'Invocations',
      ...PUBLISHING.map(() => 'InvocationsFailedToBeSentToDlq'),
      ...Array(5).fill('Metrics Insights'),
    ]);
    const [depth] = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(({ resource }) => resource.Properties.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depth.resource.Properties.Dimensions).toEqual([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]);
    expect(depth.resource.Properties.AlarmActions).toEqual([{ Ref: healthTopicId }]);
  });

  test.each(PUBLISHING)('the delivery alarms of rule %s watch the metrics EventBridge reports for it and notify the other topic', (suffix) => {
    const rule = ruleNamed(template, suffix);
    // A rule on a custom bus is reported with EventBusName and its plain name (after the "|" of its Ref),
    // one on the default bus with RuleName only.
    const dimensions = rule.resource.Properties.EventBusName
      ? [{ Name: 'EventBusName', Value: { Ref: bus.id } }, { Name: 'RuleName', Value: customBusRuleName(rule.id) }]
      : [{ Name: 'RuleName', Value: { Ref: rule.id } }];
    // The alarms of a rule that publishes to one topic notify the other, which does not depend on it.
    const alarmTopic = TO_ALERT_TOPIC.includes(suffix) ? healthTopicId : topicId;
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(({ resource }) => refersTo(resource.Properties.Dimensions, rule.id));
    expect(alarms.map(({ resource: { Properties: p } }) => [p.Namespace, p.MetricName, p.Dimensions, p.AlarmActions]))
      .toEqual([
        ['AWS/Events', 'FailedInvocations', dimensions, [{ Ref: alarmTopic }]],
        ['AWS/Events', 'InvocationsFailedToBeSentToDlq', dimensions, [{ Ref: alarmTopic }]],
      ]);
  });

  test('the heartbeat alarm watches the invocations of the heartbeat rule on the bus, by EventBusName and the plain RuleName', () => {
    const rule = ruleNamed(template, 'heartbeat');
    const alarms = resourcesOf(template, 'AWS::CloudWatch::Alarm').filter(({ resource }) => refersTo(resource.Properties.Dimensions, rule.id));
    expect(alarms.map(({ resource: { Properties: p } }) => [p.MetricName, p.Dimensions, p.AlarmActions])).toEqual([[
      'Invocations',
      [{ Name: 'EventBusName', Value: { Ref: bus.id } }, { Name: 'RuleName', Value: customBusRuleName(rule.id) }],
      [{ Ref: healthTopicId }],
    ]]);
  });

  test('the email address is subscribed to the alert topic and the health topic', () => {
    expect(resourcesOf(template, 'AWS::SNS::Subscription')
      .map(({ resource }) => [resource.Properties.Protocol, resource.Properties.Endpoint, resource.Properties.TopicArn]))
      .toEqual([['email', 'security@example.com', { Ref: topicId }], ['email', 'security@example.com', { Ref: healthTopicId }]]);
  });

  test('the rollout StackSet targets the root in the sign-in regions, passes the bus ARN, and waits for the bus', () => {
    const [stackSet] = resourcesOf(template, 'AWS::CloudFormation::StackSet');
    expect(stackSet.resource.Properties.StackInstancesGroup).toEqual([{
      DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] },
      Regions: ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2'],
    }]);
    expect(stackSet.resource.Properties.Parameters).toEqual([{ ParameterKey: 'CentralBusArn', ParameterValue: BUS_ARN }]);
    expect(stackSet.resource.DependsOn).toContain(bus.id);
    const member = JSON.parse(stackSet.resource.Properties.TemplateBody);
    // The forwarder with its health checks: forwarding and health rules per region group, the heartbeat role and
    // schedule, the forwarder role, the queue, and the alarms on the failed deliveries of each rule and on the queue.
    expect(Object.values(member.Resources).map((r: any) => r.Type).sort()).toEqual([
      ...Array(5).fill('AWS::CloudWatch::Alarm'),
      ...Array(4).fill('AWS::Events::Rule'),
      'AWS::IAM::Role', 'AWS::IAM::Role',
      'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy',
      'AWS::Scheduler::Schedule',
    ]);
    expect(ruleNameSuffixes(member)).toEqual(['forward', 'forward-signin', 'health', 'health-signin']);
  });
});

describe('with pipelineHealth off', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', {
    organizationId: ORGANIZATION_ID,
    eventBusName: CENTRAL_BUS_NAME,
    emails: EMAILS,
    patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
    pipelineHealth: PipelineHealth.off(),
  });
  const template = Template.fromStack(s);

  test('the bus policy accepts only the patterns\' sources and detail-types, events:source still required', () => {
    const [bus] = resourcesOf(template, 'AWS::Events::EventBus');
    expect(bus.resource.Properties.Policy.Statement).toEqual([{
      Sid: ORGANIZATION_STATEMENT_SID,
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: BUS_ARN,
      Condition: {
        'ForAllValues:StringEquals': { 'events:source': ['aws.iam', 'aws.signin'], 'events:detail-type': IAM_AND_SIGN_IN_DETAIL_TYPES },
        'Null': SOURCE_REQUIRED,
        'StringEquals': { 'aws:PrincipalOrgID': ORGANIZATION_ID },
      },
    }]);
    expect(resourcesOf(template, 'AWS::Events::Archive')[0].resource.Properties.EventPattern).toEqual({ source: ['aws.iam', 'aws.signin'] });
  });

  test('only the alert rules remain, and synthesis warns', () => {
    expect(ruleNameSuffixes(template)).toEqual(['alerts1', 'alerts2']);
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')).toEqual([]);
    expect(Annotations.fromStack(s).findWarning('/Central/Alerts', Match.stringLikeRegexp(
      'pipelineHealth is PipelineHealth.off\\(\\): no heartbeat and no tamper alerts.*\\[ack: cdk-iam-change-alerts:pipelineHealthOff\\]'))).toHaveLength(1);
  });
});

test('listed accounts get their own statement, with the same event conditions', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { accounts: ['111111111111', '222222222222'], eventBusName: CENTRAL_BUS_NAME, emails: EMAILS });
  const [bus] = resourcesOf(Template.fromStack(s), 'AWS::Events::EventBus');
  expect(bus.resource.Properties.Policy.Statement).toEqual([{
    Sid: ACCOUNTS_STATEMENT_SID,
    Effect: 'Allow',
    Principal: { AWS: ['111111111111', '222222222222'] },
    Action: 'events:PutEvents',
    Resource: BUS_ARN,
    Condition: {
      'ForAllValues:StringEquals': {
        'events:source': [...HEALTH_SOURCES, 'aws.iam'],
        'events:detail-type': ['AWS API Call via CloudTrail', ALARM_STATE_CHANGE],
      },
      'Null': SOURCE_REQUIRED,
    },
  }]);
});

test('a bus with one pattern names its alert rule <prefix>-alerts', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { organizationId: ORGANIZATION_ID, emails: EMAILS });
  expect(ruleNameSuffixes(Template.fromStack(s)).filter(suffix => suffix?.startsWith('alerts'))).toEqual(['alerts']);
  expect(ruleNamed(Template.fromStack(s), 'alerts').resource.Properties.Name).toBe('Central-Alerts-74158E8B-alerts');
});

test('in China the rollout deploys to the one region IAM events arrive in, sign-in patterns included', () => {
  const china = new Stack(new App(), 'Central', { env: { account: CENTRAL_ACCOUNT, region: 'cn-north-1' } });
  const bus = new CrossAccountAlertBus(china, 'Alerts', {
    organizationId: ORGANIZATION_ID,
    emails: EMAILS,
    patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
    memberRollout: { organizationalUnitIds: ['r-ab12'] },
  });
  expect(bus.memberRollout!.regions).toEqual(['cn-north-1']);
  const [stackSet] = resourcesOf(Template.fromStack(china), 'AWS::CloudFormation::StackSet');
  expect(stackSet.resource.Properties.StackInstancesGroup[0].Regions).toEqual(['cn-north-1']);
});

test('archive retention is configurable; zero keeps events forever', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { organizationId: ORGANIZATION_ID, emails: EMAILS, archiveRetention: Duration.days(0) });
  expect(resourcesOf(Template.fromStack(s), 'AWS::Events::Archive')[0].resource.Properties.RetentionDays).toBe(0);
});

test('1,000 accounts with the organization condition keep the policy small', () => {
  const s = stack();
  new CrossAccountAlertBus(s, 'Alerts', { organizationId: ORGANIZATION_ID, emails: EMAILS });
  const [bus] = resourcesOf(Template.fromStack(s), 'AWS::Events::EventBus');
  expect(JSON.stringify(bus.resource.Properties.Policy).length).toBeLessThan(1_000);
});

describe('bad input', () => {
  const build = (props: Partial<ConstructorParameters<typeof CrossAccountAlertBus>[2]>) =>
    () => new CrossAccountAlertBus(stack(), 'Alerts', { emails: EMAILS, ...props });
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
