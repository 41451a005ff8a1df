import { Annotations, Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as chatbot from 'aws-cdk-lib/aws-chatbot';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { failureCountAlarm } from './rule-metrics';
import { partitionOfRegion } from '../../identifiers/regions';
import { invalidInput, ValueSource } from '../../private/invalid-input';
import type { MicrosoftTeamsChannelDestinationProps, SlackChannelDestinationProps } from '../alert-destination';

/**
 * Chat channels of Amazon Q Developer in chat applications (formerly AWS Chatbot): the channel
 * configurations the destinations create or extend, the checks of their ids, and the alarm on
 * their deliveries.
 *
 * Identifier rules are those of the CloudFormation resource types (the registry schemas of
 * AWS::Chatbot::SlackChannelConfiguration and AWS::Chatbot::MicrosoftTeamsChannelConfiguration,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-chatbot-slackchannelconfiguration.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-chatbot-microsoftteamschannelconfiguration.html).
 */

const SLACK_WORKSPACE_ID = /^[0-9A-Z]{1,255}$/;
const SLACK_CHANNEL_ID = /^[A-Za-z0-9]{1,255}$/;
/** What Slack's channel ids look like: C (public), G (private) or D, then upper-case letters and digits. */
const USUAL_SLACK_CHANNEL_ID = /^[CGD][0-9A-Z]{6,}$/;
const GUID = /^[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}$/;
const TEAMS_CHANNEL_ID = /^[a-zA-Z0-9\-_=+/.,]*%3[aA][a-zA-Z0-9\-_=+/.,]*%40[a-zA-Z0-9\-_=+/.,]*$/;
const CONFIGURATION_NAME = /^[A-Za-z0-9\-_]{1,128}$/;

/** Partitions whose CloudFormation has no AWS::Chatbot resource types. */
const NO_CHATBOT_PARTITIONS = new Set(['aws-cn', 'aws-us-gov']);

/**
 * Chatbot publishes its metrics in us-east-1 only ("To get AWS Chatbot metrics, you must specify
 * US East (N. Virginia) for the Region"):
 * https://docs.aws.amazon.com/chatbot/latest/adminguide/monitoring-cloudwatch.html
 */
export const CHATBOT_METRICS_REGION = 'us-east-1';

/** A chat channel chosen by an `AlertDestination` factory, connected when a construct binds it. */
export interface ChatChannelChoice {
  /** The channel, to refuse the same one twice; undefined when its ids are known only at deployment. */
  readonly key?: string;
  /** The channel in words, for messages. */
  readonly description: string;
  /** Whether the configuration is created here (so the stack's region must offer the resource type). */
  readonly creates: boolean;
  /**
   * Creates the channel configuration reading `topics` under `scope` (or adds them to the existing
   * one), and returns the configuration's name (the dimension of its metrics).
   */
  connect(scope: Construct, topics: sns.ITopic[]): string;
}

/** Checks the ids of a Slack channel destination. */
export function checkSlackChannel(where: ValueSource, props: SlackChannelDestinationProps): void {
  const { workspaceId, channelId } = props;
  if (!Token.isUnresolved(workspaceId) && !SLACK_WORKSPACE_ID.test(workspaceId)) {
    throw invalidInput(where, `workspaceId '${workspaceId}' is not a Slack workspace ID (upper-case letters and digits, such as 'T0123ABCDE').`,
      'copy the workspace ID from the Amazon Q Developer in chat applications console (Configured clients, Slack), after authorizing the workspace there.');
  }
  if (!Token.isUnresolved(channelId) && !SLACK_CHANNEL_ID.test(channelId)) {
    const fromLink = /\/(?:archives|client\/[A-Z0-9]+)\/([A-Z0-9]+)/.exec(channelId)?.[1];
    throw invalidInput(where, `channelId '${channelId}' is not a Slack channel ID (letters and digits only, such as 'C0123ABCDEF'; not the channel name or link).`,
      fromLink !== undefined
        ? `use channelId '${fromLink}', the ID at the end of that link.`
        : "copy the ID from Slack: open the channel's details; the channel ID is at the bottom (it is also the end of the channel's link).");
  }
  checkConfigurationName(where, props.configurationName);
}

/** Checks the ids of a Microsoft Teams channel destination. */
export function checkMicrosoftTeamsChannel(where: ValueSource, props: MicrosoftTeamsChannelDestinationProps): void {
  const link = teamsLinkParts(props.channelId);
  for (const [name, value, linkValue] of [['tenantId', props.tenantId, link?.tenantId], ['teamId', props.teamId, link?.groupId]] as const) {
    if (!Token.isUnresolved(value) && !GUID.test(value)) {
      throw invalidInput(where, `${name} '${value}' is not a GUID (such as '01234567-89ab-cdef-0123-456789abcdef').`,
        linkValue !== undefined ? `use ${name} '${linkValue}', from the channel link.`
          : `copy the ${name === 'tenantId' ? 'tenant' : 'team'} ID from the Amazon Q Developer in chat applications console (Configured clients, Microsoft Teams), after authorizing the team there.`);
    }
  }
  const channelId = props.channelId;
  if (!Token.isUnresolved(channelId) && (channelId.length > 256 || !TEAMS_CHANNEL_ID.test(channelId))) {
    const decoded = /^[^:@%\s/]+:[^:@%\s/]+@[^:@%\s/]+$/.test(channelId) ? encodeURIComponent(channelId) : undefined;
    throw invalidInput(where,
      `channelId '${channelId}' is not a Microsoft Teams channel ID as Amazon Q Developer in chat applications takes it `
        + "(URL-encoded, such as '19%3Aab12cd34ef56%40thread.tacv2').",
      link !== undefined ? `use channelId '${link.channelId}', the part of the channel link after /channel/.`
        : decoded !== undefined ? `URL-encode it: channelId '${decoded}'.`
          : "copy the channel link in Teams (the channel's ... menu, Get link to channel) and take the part after /channel/ up to the next /.");
  }
  checkConfigurationName(where, props.configurationName);
}

function checkConfigurationName(where: ValueSource, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (!CONFIGURATION_NAME.test(name)) {
    throw invalidInput(where, `configurationName '${name}' is not a valid channel configuration name.`,
      'use 1 to 128 letters, digits, "-" and "_", or leave configurationName out to get one derived from the construct path.');
  }
}

/** The ids in a Teams channel link (`https://teams.microsoft.com/l/channel/<channel>/<name>?groupId=<team>&tenantId=<tenant>`). */
function teamsLinkParts(value: string): { channelId: string; groupId?: string; tenantId?: string } | undefined {
  if (Token.isUnresolved(value)) return undefined;
  const match = /\/channel\/([^/?#]+)/.exec(value);
  if (match === null) return undefined;
  const query = new URLSearchParams(value.includes('?') ? value.slice(value.indexOf('?') + 1) : '');
  return { channelId: match[1], groupId: query.get('groupId') ?? undefined, tenantId: query.get('tenantId') ?? undefined };
}

/** A Slack channel configuration created for the alerts. */
export function newSlackChannel(props: SlackChannelDestinationProps): ChatChannelChoice {
  const known = !Token.isUnresolved(props.workspaceId) && !Token.isUnresolved(props.channelId);
  return {
    key: known ? `slack:${props.workspaceId}/${props.channelId}` : undefined,
    description: `Slack channel ${props.channelId}`,
    creates: true,
    connect: (scope, topics) => {
      if (!Token.isUnresolved(props.channelId) && !USUAL_SLACK_CHANNEL_ID.test(props.channelId)) {
        Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:slackChannelIdUnusual',
          `The Slack channelId '${props.channelId}' does not look like a Slack channel ID (C, G or D followed by upper-case letters `
          + 'and digits, such as C0123ABCDEF). A channel name is not an ID: the configuration would fail to deploy or post nowhere. '
          + "Copy the ID from the channel's details in Slack.");
      }
      const channel = new Construct(scope, `SlackChannel${idSuffix(props.workspaceId, props.channelId)}`);
      const configurationName = props.configurationName ?? Names.uniqueResourceName(channel, { maxLength: 128, separator: '-' });
      new chatbot.SlackChannelConfiguration(channel, 'Configuration', {
        slackChannelConfigurationName: configurationName,
        slackWorkspaceId: props.workspaceId,
        slackChannelId: props.channelId,
        notificationTopics: topics,
        guardrailPolicies: [postOnlyGuardrail()],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
      return configurationName;
    },
  };
}

/** A Microsoft Teams channel configuration created for the alerts. */
export function newMicrosoftTeamsChannel(props: MicrosoftTeamsChannelDestinationProps): ChatChannelChoice {
  const known = ![props.tenantId, props.teamId, props.channelId].some(v => Token.isUnresolved(v));
  return {
    key: known ? `teams:${props.tenantId.toLowerCase()}/${props.teamId.toLowerCase()}/${props.channelId.toLowerCase()}` : undefined,
    description: `Microsoft Teams channel ${props.channelId}`,
    creates: true,
    connect: (scope, topics) => {
      const channel = new Construct(scope, `TeamsChannel${idSuffix(props.teamId, props.channelId)}`);
      const configurationName = props.configurationName ?? Names.uniqueResourceName(channel, { maxLength: 128, separator: '-' });
      // No L2 exists for Teams; the role is what aws-cdk-lib's SlackChannelConfiguration makes.
      const role = new iam.Role(channel, 'ConfigurationRole', { assumedBy: new iam.ServicePrincipal('chatbot.amazonaws.com') });
      new chatbot.CfnMicrosoftTeamsChannelConfiguration(channel, 'Configuration', {
        configurationName,
        iamRoleArn: role.roleArn,
        teamsTenantId: props.tenantId,
        teamId: props.teamId,
        teamsChannelId: props.channelId,
        snsTopicArns: topics.map(topic => topic.topicArn),
        guardrailPolicies: [postOnlyGuardrail().managedPolicyArn],
        loggingLevel: chatbot.LoggingLevel.ERROR,
      });
      return configurationName;
    },
  };
}

/** A Slack channel configuration of the user's: the topics are added to it. */
export function existingSlackChannel(configuration: chatbot.SlackChannelConfiguration): ChatChannelChoice {
  return {
    key: `slack-configuration:${configuration.node.path}`,
    description: `Slack channel configuration ${configuration.node.path}`,
    creates: false,
    connect: (_scope, topics) => {
      topics.forEach(topic => configuration.addNotificationTopic(topic));
      return configuration.slackChannelConfigurationName;
    },
  };
}

/** A Microsoft Teams channel configuration (L1) of the user's: the topics are added to its `snsTopicArns`. */
export function existingMicrosoftTeamsChannel(configuration: chatbot.CfnMicrosoftTeamsChannelConfiguration): ChatChannelChoice {
  return {
    key: `teams-configuration:${configuration.node.path}`,
    description: `Microsoft Teams channel configuration ${configuration.node.path}`,
    creates: false,
    connect: (scope, topics) => {
      const current = configuration.snsTopicArns;
      if (current !== undefined && Token.isUnresolved(current)) {
        throw invalidInput(scope,
          `the snsTopicArns of the Microsoft Teams channel configuration ${configuration.node.path} are known only at deployment, so the chat topics cannot be added to them.`,
          'give that configuration a list of topic ARNs (or none), or use AlertDestination.microsoftTeamsChannel() to have a configuration created.');
      }
      configuration.snsTopicArns = [...(current ?? []), ...topics.map(topic => topic.topicArn)];
      return configuration.configurationName;
    },
  };
}

/**
 * The guardrail of the configurations created here: the AWS-managed `AWSDenyAll` (Deny `*` on `*`,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSDenyAll.html). Without one,
 * the channel gets `AdministratorAccess` as its guardrail, capping nothing. Notifications need no
 * permission; the channel role has none, and channel members cannot run commands through it.
 */
function postOnlyGuardrail(): iam.IManagedPolicy {
  return iam.ManagedPolicy.fromAwsManagedPolicyName('AWSDenyAll');
}

/** A construct id suffix that follows the channel, not its place in the list; an index-free fallback for tokens. */
function idSuffix(...ids: string[]): string {
  if (ids.some(id => Token.isUnresolved(id))) return '';
  let hash = 0;
  for (const c of ids.join('/')) hash = (Math.imul(hash, 31) + c.charCodeAt(0)) >>> 0; // eslint-disable-line no-bitwise
  return hash.toString(16).padStart(8, '0');
}

/**
 * Refuses chat in a partition whose CloudFormation has no AWS::Chatbot resource types (AWS
 * GovCloud (US), China), for configurations created here.
 */
export function checkChatAvailable(scope: IConstruct, channel: ChatChannelChoice): void {
  const region = Stack.of(scope).region;
  if (!channel.creates || Token.isUnresolved(region)) return;
  const partition = partitionOfRegion(region);
  if (NO_CHATBOT_PARTITIONS.has(partition)) {
    throw invalidInput(scope,
      `the ${channel.description} needs an Amazon Q Developer in chat applications channel configuration, which CloudFormation `
      + `does not offer in ${region} (partition ${partition}).`,
      'deliver the alerts by emails or destinations of another kind (AlertDestination.subscription(...)) in this partition.');
  }
}

/**
 * The alarm on one channel configuration's deliveries: messages Chatbot could not post
 * (`MessageDeliveryFailure`), could not read (`UnsupportedEvents`: not a custom notification, for
 * example invalid JSON) or throttled (`EventsThrottled`, over 10 a second). Missing data is not
 * breaching, as for the other delivery alarms. In us-east-1 only, where the metrics are.
 */
export function chatDeliveryAlarm(scope: Construct, id: string, configurationName: string): cloudwatch.Alarm {
  const period = Duration.minutes(5);
  const metric = (metricName: string) => new cloudwatch.Metric({
    namespace: 'AWS/Chatbot',
    metricName,
    dimensionsMap: { ConfigurationName: configurationName },
    statistic: cloudwatch.Stats.SUM,
    period,
  });
  return failureCountAlarm(scope, id,
    new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(unsupported, 0) + FILL(throttled, 0)',
      usingMetrics: { failed: metric('MessageDeliveryFailure'), unsupported: metric('UnsupportedEvents'), throttled: metric('EventsThrottled') },
      period,
      label: 'Chat messages not posted',
    }),
    'Amazon Q Developer in chat applications did not post IAM alert pipeline messages to a chat channel: it failed to deliver '
    + 'them (MessageDeliveryFailure), could not read them (UnsupportedEvents) or throttled them (EventsThrottled). Its errors are '
    + `in the log group /aws/chatbot/${configurationName} in us-east-1.`);
}
