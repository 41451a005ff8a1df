import { Annotations as ConstructAnnotations, App, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ruleNamed, subscriptionsTo, topicPolicyStatementsOf } from './pipeline-template';
import { newStack, statementsOf, TEST_ENV } from './test-stacks';
import { AlertDestination, MicrosoftTeamsChannelDestinationProps, SlackChannelDestinationProps } from '../../src/alerting/alert-destination';
import { AlertTopic } from '../../src/alerting/alert-topic';
import { IamChangeAlerting, IamChangeAlertingProps } from '../../src/alerting/iam-change-alerting';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { PipelineHealth } from '../../src/health/pipeline-health';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { DeployedTemplate } from '../health/deployed-values';

const SLACK: SlackChannelDestinationProps = { workspaceId: 'T0123ABCDE', channelId: 'C0123ABCDEF' };
const TEAMS: MicrosoftTeamsChannelDestinationProps = {
  tenantId: '01234567-89ab-cdef-0123-456789abcdef',
  teamId: '11234567-89ab-cdef-0123-456789abcdef',
  channelId: '19%3Aab12cd34ef56%40thread.tacv2',
};

function alertingIn(stack: Stack, props: IamChangeAlertingProps) {
  const alerting = new IamChangeAlerting(stack, 'IamAlerts', props);
  return { alerting, template: Template.fromStack(stack) };
}

/** The logical id of a topic the construct created, by the construct id of its `EncryptedAlertTopic`. */
function topicId(template: Template, id: string): string {
  const found = Object.keys(template.findResources('AWS::SNS::Topic')).filter(logicalId => new RegExp(`^IamAlerts${id}Topic[0-9A-F]{8}$`).test(logicalId));
  if (found.length !== 1) throw new Error(`expected one topic ${id}, found ${found}`);
  return found[0];
}

const warningsOf = (stack: Stack, id: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: cdk-iam-change-alerts:${id}\\]`));

describe('AlertDestination factories check their input at once', () => {
  test.each([
    ['an email address without a domain', () => AlertDestination.email('security'),
      "AlertDestination.email: 'security' in the address is not a valid email address. Fix: write each address as name@domain.tld"],
    ['a Slack workspace ID in lower case', () => AlertDestination.slackChannel({ ...SLACK, workspaceId: 't0123abcde' }),
      "AlertDestination.slackChannel: workspaceId 't0123abcde' is not a Slack workspace ID (upper-case letters and digits, such as 'T0123ABCDE'). "
      + 'Fix: copy the workspace ID from the Amazon Q Developer in chat applications console (Configured clients, Slack), after authorizing the workspace there.'],
    ['a Slack channel name', () => AlertDestination.slackChannel({ ...SLACK, channelId: '#security' }),
      "AlertDestination.slackChannel: channelId '#security' is not a Slack channel ID (letters and digits only, such as 'C0123ABCDEF'; not the channel name or link). "
      + "Fix: copy the ID from Slack: open the channel's details; the channel ID is at the bottom (it is also the end of the channel's link)."],
    ['a Slack channel link, answered with the ID in it', () => AlertDestination.slackChannel({ ...SLACK, channelId: 'https://example.slack.com/archives/C0123ABCDEF' }),
      "Fix: use channelId 'C0123ABCDEF', the ID at the end of that link. (Python: channel_id)"],
    ['a configuration name with a space', () => AlertDestination.slackChannel({ ...SLACK, configurationName: 'iam alerts' }),
      "AlertDestination.slackChannel: configurationName 'iam alerts' is not a valid channel configuration name. Fix: use 1 to 128 letters, digits"],
    ['a Teams tenant that is not a GUID', () => AlertDestination.microsoftTeamsChannel({ ...TEAMS, tenantId: 'contoso.onmicrosoft.com' }),
      "AlertDestination.microsoftTeamsChannel: tenantId 'contoso.onmicrosoft.com' is not a GUID (such as '01234567-89ab-cdef-0123-456789abcdef'). "
      + 'Fix: copy the tenant ID from the Amazon Q Developer in chat applications console (Configured clients, Microsoft Teams), after authorizing the team there.'],
    ['a Teams team that is not a GUID', () => AlertDestination.microsoftTeamsChannel({ ...TEAMS, teamId: 'Security' }),
      "AlertDestination.microsoftTeamsChannel: teamId 'Security' is not a GUID"],
    ['a Teams channel ID not URL-encoded, answered with its encoding', () => AlertDestination.microsoftTeamsChannel({ ...TEAMS, channelId: '19:ab12cd34ef56@thread.tacv2' }),
      "channelId '19:ab12cd34ef56@thread.tacv2' is not a Microsoft Teams channel ID as Amazon Q Developer in chat applications takes it "
      + "(URL-encoded, such as '19%3Aab12cd34ef56%40thread.tacv2'). Fix: URL-encode it: channelId '19%3Aab12cd34ef56%40thread.tacv2'."],
    ['a Teams channel link, answered with the IDs in it', () => AlertDestination.microsoftTeamsChannel({
      tenantId: 'x',
      teamId: TEAMS.teamId,
      channelId: 'https://teams.microsoft.com/l/channel/19%3Aab12cd34ef56%40thread.tacv2/Alerts?groupId=21234567-89ab-cdef-0123-456789abcdef&tenantId=31234567-89ab-cdef-0123-456789abcdef',
    }), "tenantId 'x' is not a GUID (such as '01234567-89ab-cdef-0123-456789abcdef'). Fix: use tenantId '31234567-89ab-cdef-0123-456789abcdef', from the channel link."],
    ['a Teams channel link as the channel ID', () => AlertDestination.microsoftTeamsChannel({
      ...TEAMS, channelId: 'https://teams.microsoft.com/l/channel/19%3Aab12cd34ef56%40thread.tacv2/Alerts?groupId=x',
    }), "Fix: use channelId '19%3Aab12cd34ef56%40thread.tacv2', the part of the channel link after /channel/."],
  ])('%s', (_what, make, message) => {
    expect(make).toThrow(message);
  });

  test('values known only at deployment are not checked', () => {
    const token = Token.asString({ Ref: 'Parameter' });
    expect(() => AlertDestination.slackChannel({ workspaceId: token, channelId: token, configurationName: token })).not.toThrow();
    expect(() => AlertDestination.microsoftTeamsChannel({ tenantId: token, teamId: token, channelId: token })).not.toThrow();
    expect(() => AlertDestination.email(token)).not.toThrow();
  });
});

describe('email and subscription destinations', () => {
  test('AlertDestination.email() adds to emails: both topics, duplicates (ignoring case) once, attribute `emails` lists them', () => {
    const { alerting, template } = alertingIn(newStack(), {
      emails: ['security@example.com'],
      destinations: [AlertDestination.email('ops@example.com'), AlertDestination.email('Security@Example.com')],
    });
    expect(alerting.emails).toEqual(['security@example.com', 'ops@example.com']);
    for (const id of ['', 'Health']) {
      expect(subscriptionsTo(template, { Ref: topicId(template, id) }).map(s => s.Endpoint)).toEqual(['security@example.com', 'ops@example.com']);
    }
  });

  test('AlertDestination.subscription() alone is a destination of both topics; no chat topic is made', () => {
    const stack = newStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Inbox', 'arn:aws:sqs:us-east-1:111111111111:alert-inbox');
    const { template } = alertingIn(stack, { destinations: [AlertDestination.subscription(new subscriptions.SqsSubscription(queue))] });
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 0);
  });
});

describe('a Slack channel', () => {
  const stack = newStack();
  const { alerting, template } = alertingIn(stack, { emails: ['security@example.com'], destinations: [AlertDestination.slackChannel(SLACK)] });
  const chatTopic = topicId(template, 'Chat');
  const chatHealthTopic = topicId(template, 'ChatHealth');

  test('gets a channel configuration that reads both chat topics, posts only (AWSDenyAll guardrail) and logs errors', () => {
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: Match.stringLikeRegexp('^TestStack-IamAlerts-SlackChannel[0-9a-f]{8}-[0-9A-F]{8}$'),
      SlackWorkspaceId: 'T0123ABCDE',
      SlackChannelId: 'C0123ABCDEF',
      SnsTopicArns: [{ Ref: chatTopic }, { Ref: chatHealthTopic }],
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }],
      LoggingLevel: 'ERROR',
      UserRoleRequired: Match.absent(),
    });
  });

  test('whose role is trusted by the service and has no permission at all', () => {
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.includes('SlackChannel'));
    expect(roles).toHaveLength(1);
    expect(roles[0][1].Properties).toEqual({
      AssumeRolePolicyDocument: {
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' } }],
        Version: '2012-10-17',
      },
    });
    const attached = [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))]
      .filter((policy: any) => JSON.stringify(policy.Properties.Roles ?? []).includes(roles[0][0]));
    expect(attached).toEqual([]);
  });

  test('the chat topics are encrypted, each with its own rotating key, and require TLS', () => {
    for (const id of [chatTopic, chatHealthTopic]) {
      const key = template.toJSON().Resources[id].Properties.KmsMasterKeyId['Fn::GetAtt'][0];
      expect(template.toJSON().Resources[key].Properties.EnableKeyRotation).toBe(true);
      expect(topicPolicyStatementsOf(template, { Ref: id })).toContainEqual(expect.objectContaining({
        Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }));
    }
    const keyOf = (id: string) => template.toJSON().Resources[id].Properties.KmsMasterKeyId;
    expect(keyOf(chatTopic)).not.toEqual(keyOf(chatHealthTopic));
  });

  test('the alert rule publishes the email text to the alert topic and the chat notification to the chat topic, with the same retries and queue', () => {
    const targets = ruleNamed(template, 'TestStack-IamAlerts-E2F48D97-alerts').properties.Targets;
    expect(targets.map((t: any) => t.Arn)).toEqual([{ Ref: topicId(template, '') }, { Ref: chatTopic }]);
    expect(targets[0].InputTransformer.InputTemplate.startsWith('"IAM change alert: ')).toBe(true);
    // Rendered for every sample event and checked against the documented format in chat-notification.test.ts.
    expect(targets[1].InputTransformer.InputTemplate.startsWith('{"version":"1.0","source":"custom",')).toBe(true);
    expect(targets[1].RetryPolicy).toEqual(targets[0].RetryPolicy);
    expect(targets[1].DeadLetterConfig).toEqual(targets[0].DeadLetterConfig);
  });

  test('only the alert rule may publish to the chat topic (aws:SourceArn), and EventBridge may use its key', () => {
    expect(topicPolicyStatementsOf(template, { Ref: chatTopic })).toContainEqual(expect.objectContaining({
      Action: 'sns:Publish',
      Principal: { Service: 'events.amazonaws.com' },
      Condition: { ArnEquals: { 'aws:SourceArn': stack.resolve(alerting.rule.ruleArn) } },
    }));
    expect(statementsOf(template, 'AWS::KMS::Key')).toContainEqual(expect.objectContaining({ Sid: 'AllowEventBridgeToPublishToEncryptedTopic' }));
  });

  test('every alarm that notifies the health topic notifies the chat health topic too, and those about the health path the chat alert topic', () => {
    const alarms = Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'));
    for (const alarm of alarms) {
      const actions = alarm.Properties.AlarmActions;
      if (JSON.stringify(actions).includes(topicId(template, 'Health'))) expect(actions).toContainEqual({ Ref: chatHealthTopic });
      else expect(actions).toEqual([{ Ref: topicId(template, '') }, { Ref: chatTopic }]);
    }
  });

  test('the tamper rules watch the chat topics and their keys, and alert in chat too', () => {
    const tamperRules = Object.values<any>(template.findResources('AWS::Events::Rule')).filter(rule => rule.Properties.Name.includes('-tamper-'));
    const watched = JSON.stringify(tamperRules.map(rule => rule.Properties.EventPattern));
    for (const id of [chatTopic, chatHealthTopic]) {
      expect(watched).toContain(JSON.stringify({ Ref: id }));
      expect(watched).toContain(JSON.stringify(template.toJSON().Resources[id].Properties.KmsMasterKeyId));
    }
    for (const rule of tamperRules) {
      expect(rule.Properties.Targets.map((t: any) => t.Arn.Ref)).toContainEqual(expect.stringMatching(/^IamAlertsChat(Health)?Topic/));
    }
  });

  test('its deliveries are alarmed in us-east-1 (MessageDeliveryFailure, UnsupportedEvents, EventsThrottled), to both health topics', () => {
    expect(alerting.alarms.length).toBe(Object.keys(template.findResources('AWS::CloudWatch::Alarm')).length);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(unsupported, 0) + FILL(throttled, 0)' }),
        Match.objectLike({ Id: 'failed', MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/Chatbot', MetricName: 'MessageDeliveryFailure', Dimensions: [{ Name: 'ConfigurationName', Value: Match.anyValue() }] } }) }),
        Match.objectLike({ Id: 'unsupported', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'UnsupportedEvents' }) }) }),
        Match.objectLike({ Id: 'throttled', MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'EventsThrottled' }) }) }),
      ]),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId(template, 'Health') }, { Ref: chatHealthTopic }],
    });
  });

  test('with emails, no warning that chat is the only destination', () => {
    expect(warningsOf(stack, 'chatOnlyDestinations')).toEqual([]);
    expect(warningsOf(stack, 'chatDeliveryUnwatched')).toEqual([]);
  });
});

describe('tampering with the chat path reaches people through the other path (the library\'s engine over the deployed patterns)', () => {
  const stack = newStack();
  alertingIn(stack, { emails: ['security@example.com'], destinations: [AlertDestination.slackChannel(SLACK)] });
  const deployed = new DeployedTemplate(Template.fromStack(stack).toJSON(), TEST_ENV.account, TEST_ENV.region);
  const id = (prefix: string) => Object.keys(deployed.resources).find(logicalId => new RegExp(`^IamAlerts${prefix}[0-9A-F]{8}$`).test(logicalId))!;
  const topicArn = (prefix: string) => deployed.resolve({ Ref: id(prefix) });
  const keyArn = (topicPrefix: string) => deployed.resolve(deployed.resources[id(topicPrefix)].Properties.KmsMasterKeyId);

  /** The topics the rules matching `detail` publish to, by logical id without the hash. */
  function reportedTo(source: string, detail: Record<string, unknown>): string[] {
    const event = {
      'version': '0',
      'id': '1',
      'detail-type': 'AWS API Call via CloudTrail',
      source,
      'account': TEST_ENV.account,
      'time': '2026-01-01T00:00:00Z',
      'region': TEST_ENV.region,
      'resources': [],
      detail,
    };
    return deployed.ofType('AWS::Events::Rule')
      .filter(([, rule]) => EventPatternMatcher.fromJson(JSON.stringify(deployed.resolve(rule.Properties.EventPattern))).matchesEvent(event))
      .flatMap(([, rule]) => rule.Properties.Targets.map((target: any) => target.Arn.Ref.replace(/[0-9A-F]{8}$/, '')))
      .sort();
  }

  test.each([
    ['the chat alert topic deleted', 'health', 'ChatTopic'],
    ['the chat health topic deleted', 'alert', 'ChatHealthTopic'],
  ])('%s: reported on the %s path, email and chat', (_what, path, topic) => {
    const to = reportedTo('aws.sns', { eventSource: 'sns.amazonaws.com', eventName: 'DeleteTopic', requestParameters: { topicArn: topicArn(topic) } });
    // (A call on the health path also matches the rule on all of the pipeline's topics, which reports to the health path.)
    expect(to).toEqual(expect.arrayContaining(path === 'health' ? ['IamAlertsChatHealthTopic', 'IamAlertsHealthTopic'] : ['IamAlertsChatTopic', 'IamAlertsTopic']));
  });

  test('the channel\'s subscription to the chat health topic removed: reported on the alert path', () => {
    const to = reportedTo('aws.sns', {
      eventSource: 'sns.amazonaws.com', eventName: 'Unsubscribe', requestParameters: { subscriptionArn: `${topicArn('ChatHealthTopic')}:0f1e2d3c` },
    });
    expect(to).toEqual(expect.arrayContaining(['IamAlertsChatTopic', 'IamAlertsTopic']));
  });

  test.each([
    ['the chat alert topic key disabled', 'ChatTopic', ['IamAlertsChatHealthTopic', 'IamAlertsHealthTopic']],
    ['the chat health topic key disabled', 'ChatHealthTopic', ['IamAlertsChatTopic', 'IamAlertsTopic']],
  ])('%s: reported on the other path', (_what, topic, expected) => {
    expect(reportedTo('aws.kms', { eventSource: 'kms.amazonaws.com', eventName: 'DisableKey', resources: [{ ARN: keyArn(topic) }] }))
      .toEqual(expect.arrayContaining(expected));
  });
});

describe('a Microsoft Teams channel', () => {
  test('gets an L1 channel configuration with a role of its own that has no permission, the AWSDenyAll guardrail, and both chat topics', () => {
    const { template } = alertingIn(newStack(), { emails: ['security@example.com'], destinations: [AlertDestination.microsoftTeamsChannel(TEAMS)] });
    const role = Object.keys(template.findResources('AWS::IAM::Role')).find(id => id.includes('TeamsChannel'))!;
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      TeamsTenantId: TEAMS.tenantId,
      TeamId: TEAMS.teamId,
      TeamsChannelId: TEAMS.channelId,
      IamRoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      SnsTopicArns: [{ Ref: topicId(template, 'Chat') }, { Ref: topicId(template, 'ChatHealth') }],
      GuardrailPolicies: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AWSDenyAll']] }],
      LoggingLevel: 'ERROR',
    });
    expect(template.toJSON().Resources[role].Properties).toEqual({
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' } }], Version: '2012-10-17' },
    });
  });

  test('a configuration name of your own is used as given', () => {
    const { template } = alertingIn(newStack(), { emails: ['a@example.com'], destinations: [AlertDestination.microsoftTeamsChannel({ ...TEAMS, configurationName: 'iam-alerts' })] });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', { ConfigurationName: 'iam-alerts' });
  });
});

/** A Microsoft Teams channel configuration of the app, reading the given topics. */
function teamsConfigurationIn(stack: Stack, snsTopicArns: string[]): chatbot.CfnMicrosoftTeamsChannelConfiguration {
  return new chatbot.CfnMicrosoftTeamsChannelConfiguration(stack, 'SecOps', {
    configurationName: 'secops',
    iamRoleArn: 'arn:aws:iam::111111111111:role/chatbot',
    teamId: TEAMS.teamId,
    teamsChannelId: TEAMS.channelId,
    teamsTenantId: TEAMS.tenantId,
    snsTopicArns,
  });
}

describe('chat channels of your own', () => {
  test('a Slack channel configuration of the app gets the chat topics added, and keeps its role and guardrails', () => {
    const stack = newStack();
    const existing = new chatbot.SlackChannelConfiguration(stack, 'SecOps', { slackChannelConfigurationName: 'secops', ...{ slackWorkspaceId: 'T0123ABCDE', slackChannelId: 'C0SECOPS01' } });
    existing.addNotificationTopic(new sns.Topic(stack, 'Other'));
    const { template } = alertingIn(stack, { emails: ['a@example.com'], destinations: [AlertDestination.slackChannelConfiguration(existing)] });
    template.resourceCountIs('AWS::Chatbot::SlackChannelConfiguration', 1);
    template.hasResourceProperties('AWS::Chatbot::SlackChannelConfiguration', {
      ConfigurationName: 'secops',
      SnsTopicArns: [{ Ref: Match.stringLikeRegexp('^Other') }, { Ref: topicId(template, 'Chat') }, { Ref: topicId(template, 'ChatHealth') }],
      GuardrailPolicies: Match.absent(),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: [{ Name: 'ConfigurationName', Value: 'secops' }] }) }) })]),
    });
  });

  test('a Microsoft Teams channel configuration (L1) of the app gets the chat topics appended to its snsTopicArns', () => {
    const stack = newStack();
    const existing = teamsConfigurationIn(stack, ['arn:aws:sns:us-east-1:111111111111:ops']);
    const { template } = alertingIn(stack, { emails: ['a@example.com'], destinations: [AlertDestination.microsoftTeamsChannelConfiguration(existing)] });
    template.hasResourceProperties('AWS::Chatbot::MicrosoftTeamsChannelConfiguration', {
      SnsTopicArns: ['arn:aws:sns:us-east-1:111111111111:ops', { Ref: topicId(template, 'Chat') }, { Ref: topicId(template, 'ChatHealth') }],
    });
  });

  test('a Teams configuration whose topic list is known only at deployment is refused, naming it and the fix', () => {
    const stack = newStack();
    const existing = teamsConfigurationIn(stack, Token.asList({ Ref: 'Topics' }));
    expect(() => alertingIn(stack, { emails: ['a@example.com'], destinations: [AlertDestination.microsoftTeamsChannelConfiguration(existing)] }))
      .toThrow('TestStack/IamAlerts: the snsTopicArns of the Microsoft Teams channel configuration TestStack/SecOps are known only at deployment, '
        + 'so the chat topics cannot be added to them. Fix: give that configuration a list of topic ARNs (or none), or use '
        + 'AlertDestination.microsoftTeamsChannel() to have a configuration created.');
  });
});

describe('chat destinations are checked against the whole pipeline', () => {
  test('the same channel twice is refused', () => {
    expect(() => alertingIn(newStack(), { destinations: [AlertDestination.slackChannel(SLACK), AlertDestination.slackChannel({ ...SLACK, configurationName: 'other' })] }))
      .toThrow('TestStack/IamAlerts: the Slack channel C0123ABCDEF is given twice in destinations, so every alert would be posted twice. Fix: list each chat channel once.');
  });

  test.each(['us-gov-west-1', 'cn-north-1'])('is refused in %s, where CloudFormation has no AWS::Chatbot resource types', (region) => {
    const stack = new Stack(new App(), 'TestStack', { env: { account: '111111111111', region } });
    const bus = () => new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: 'o-a1b2c3d4e5', destinations: [AlertDestination.slackChannel(SLACK)] });
    expect(bus).toThrow(`TestStack/OrgAlerts: the Slack channel C0123ABCDEF needs an Amazon Q Developer in chat applications channel configuration, which CloudFormation does not offer in ${region}`);
  });

  test('a chat channel alone is a destination of alerts and health, with a warning that a broken chat can report only to chat', () => {
    const stack = newStack();
    alertingIn(stack, { destinations: [AlertDestination.slackChannel(SLACK)] });
    expect(warningsOf(stack, 'chatOnlyDestinations')).toHaveLength(1);
  });

  test('a chat channel with a health topic of your own gives no such warning, and needs no emails', () => {
    const stack = newStack();
    const health = new sns.Topic(stack, 'OnCall');
    alertingIn(stack, { destinations: [AlertDestination.slackChannel(SLACK)], healthTopic: AlertTopic.existing(health) });
    expect(warningsOf(stack, 'chatOnlyDestinations')).toEqual([]);
  });

  test('with PipelineHealth.off(), alerts still reach chat and the chat delivery alarm still reports to both health topics', () => {
    const stack = newStack();
    const { alerting, template } = alertingIn(stack, {
      emails: ['a@example.com'], destinations: [AlertDestination.slackChannel(SLACK)], pipelineHealth: PipelineHealth.off(),
    });
    expect(alerting.healthRules).toEqual([]);
    expect(ruleNamed(template, 'TestStack-IamAlerts-E2F48D97-alerts').properties.Targets.map((t: any) => t.Arn.Ref))
      .toEqual([topicId(template, ''), topicId(template, 'Chat')]);
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([Match.objectLike({ Id: 'failed' })]),
      AlarmActions: [{ Ref: topicId(template, 'Health') }, { Ref: topicId(template, 'ChatHealth') }],
    });
  });

  test('a Slack channel ID that does not look like one is warned about at synthesis', () => {
    const stack = newStack();
    alertingIn(stack, { emails: ['a@example.com'], destinations: [AlertDestination.slackChannel({ ...SLACK, channelId: 'security' })] });
    expect(warningsOf(stack, 'slackChannelIdUnusual')).toHaveLength(1);
  });

  test.each([
    ['chatOnlyDestinations', { destinations: [AlertDestination.slackChannel(SLACK)] }],
    ['slackChannelIdUnusual', { emails: ['a@example.com'], destinations: [AlertDestination.slackChannel({ ...SLACK, channelId: 'security' })] }],
  ] as Array<[string, IamChangeAlertingProps]>)('the %s warning can be acknowledged', (id, props) => {
    const stack = newStack();
    const alerting = new IamChangeAlerting(stack, 'IamAlerts', props);
    ConstructAnnotations.of(alerting).acknowledgeWarning(`cdk-iam-change-alerts:${id}`, 'known');
    expect(warningsOf(stack, id)).toEqual([]);
  });

  test('outside us-east-1, where the chat metrics are not, a warning says that nothing alarms on chat delivery', () => {
    const stack = new Stack(new App(), 'Central', { env: { account: '999999999999', region: 'eu-west-1' } });
    const bus = new CrossAccountAlertBus(stack, 'OrgAlerts', { organizationId: 'o-a1b2c3d4e5', emails: ['a@example.com'], destinations: [AlertDestination.slackChannel(SLACK)] });
    expect(warningsOf(stack, 'chatDeliveryUnwatched')).toHaveLength(1);
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm'))).not.toContain('AWS/Chatbot');
    expect(bus.alarms.length).toBe(Object.keys(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).length);
    ConstructAnnotations.of(bus).acknowledgeWarning('cdk-iam-change-alerts:chatDeliveryUnwatched', 'alarmed in a us-east-1 stack of ours');
    expect(warningsOf(stack, 'chatDeliveryUnwatched')).toEqual([]);
  });
});

describe('CrossAccountAlertBus takes the same destinations', () => {
  const stack = new Stack(new App(), 'Central', { env: { account: '999999999999', region: TEST_ENV.region } });
  const bus = new CrossAccountAlertBus(stack, 'OrgAlerts', {
    organizationId: 'o-a1b2c3d4e5', emails: ['security@example.com'], destinations: [AlertDestination.microsoftTeamsChannel(TEAMS)],
  });
  const template = Template.fromStack(stack).toJSON();
  const chatTopics = Object.keys(template.Resources).filter(id => /^OrgAlertsChat(Health)?Topic[0-9A-F]{8}$/.test(id)).sort();

  test('each alert rule and each member route publishes to a chat topic too', () => {
    expect(chatTopics).toHaveLength(2);
    const [chatHealth, chat] = chatTopics;
    for (const rule of bus.rules) {
      expect(template.Resources[stack.getLogicalId(rule.node.defaultChild as any)].Properties.Targets.map((t: any) => t.Arn.Ref)[1]).toBe(chat);
    }
    for (const rule of bus.memberHealthRules) {
      expect(template.Resources[stack.getLogicalId(rule.node.defaultChild as any)].Properties.Targets.map((t: any) => t.Arn.Ref)[1]).toBe(chatHealth);
    }
  });

  test('the Teams configuration reads both, and its delivery alarm is among the bus alarms', () => {
    const configuration = Object.values<any>(template.Resources).find(r => r.Type === 'AWS::Chatbot::MicrosoftTeamsChannelConfiguration');
    expect(configuration.Properties.SnsTopicArns).toEqual([{ Ref: chatTopics[1] }, { Ref: chatTopics[0] }]);
    expect(bus.alarms.length).toBe(Object.values<any>(template.Resources).filter(r => r.Type === 'AWS::CloudWatch::Alarm').length);
  });
});
