import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { notifyTopicOnAlarm } from './alarm-notifications';
import { CHATBOT_METRICS_REGION, chatDeliveryAlarm, ChatChannelChoice, checkChatAvailable } from './chat-channels';
import { normalizeEmailAddresses } from './email-addresses';
import { invalidInput } from '../../private/invalid-input';
import { AlertMessage } from '../alert-message';
import { AlertTopic } from '../alert-topic';
import { AlertTopicTarget, AlertTopicTargetProps } from '../alert-topic-target';
import { AlertingOptions } from '../alerting-options';
import { EncryptedAlertTopic } from '../encrypted-alert-topic';

/**
 * One path notifications take to people: a topic for email and subscriptions, and, when there are
 * chat destinations, its twin that chat channels read (custom notifications only).
 */
export interface NotificationPath {
  readonly topic: sns.ITopic;
  readonly chatTopic?: sns.ITopic;
}

/** The topics, bound and subscribed, and the chat channels connected to theirs. */
export interface BoundDestinations {
  readonly topic: sns.ITopic;
  /** The alert topic's key, when this construct created the topic. */
  readonly topicKey?: kms.IKey;
  readonly healthTopic: sns.ITopic;
  /** The health topic's key, when this construct created it. */
  readonly healthTopicKey?: kms.IKey;
  /** The email addresses, checked and without duplicates. */
  readonly emails: string[];
  /** Alerts: the alert topic and its chat twin. */
  readonly alertPath: NotificationPath;
  /** The pipeline's own alarms and tamper alerts: the health topic and its chat twin. */
  readonly healthPath: NotificationPath;
  /** The keys of the chat topics (created here). */
  readonly chatTopicKeys: kms.IKey[];
  /** The alarms on the chat channels' deliveries (us-east-1 only); they notify the health path. */
  readonly chatAlarms: cloudwatch.Alarm[];
}

/**
 * Binds the alert topic and the health topic, subscribes the same people to both, and connects
 * chat channels to two topics of their own.
 *
 * The health topic is separate so that the alarms and tamper alerts about a broken alert topic
 * (deleted, key disabled, subscription removed) do not depend on it. By default it is created with
 * its own key and given the same emails and subscriptions; a topic given as `healthTopic` is used
 * as it is. Chat channels read only custom notifications, so they get a chat alert topic and a chat
 * health topic (each with its own key, as the email topics have), which receive every alert and
 * every health notification in that format; both are subscribed by every chat channel.
 */
export function bindDestinations(scope: Construct, input: AlertingOptions): BoundDestinations {
  const choices = (input.destinations ?? []).map(destination => destination._choice());
  const emails = normalizeEmailAddresses(scope, [
    ...(input.emails ?? []),
    ...choices.flatMap(choice => (choice.email !== undefined ? [choice.email] : [])),
  ]);
  const extra = choices.flatMap(choice => (choice.subscription !== undefined ? [choice.subscription] : []));
  const chat = uniqueChatChannels(scope, choices.flatMap(choice => (choice.chat !== undefined ? [choice.chat] : [])));
  const people = emails.length > 0 || extra.length > 0 || chat.length > 0;

  const topic = (input.topic ?? AlertTopic.create())._bind(scope);
  if (!people && topic.createdTopic !== undefined && !input.allowNoDestination) {
    throw invalidInput(scope,
      'no alert destination: no emails, no destinations and no existing topic, so alerts would reach nobody.',
      "pass emails: ['security@example.com'], destinations (AlertDestination.slackChannel(...), AlertDestination.subscription(...), ...), "
      + 'or topic: AlertTopic.existing(yourTopic); or set allowNoDestination: true if you subscribe to the topic yourself.');
  }
  if (input.healthTopic === undefined && !people && !input.allowNoDestination) {
    // An existing alert topic brings its own subscribers; the health topic created beside it would have none.
    throw invalidInput(scope,
      'no health destination: the alert topic is one of your own, but there are no emails or destinations for the health topic, '
      + 'so alarms and tamper alerts about the pipeline would reach nobody.',
      'pass emails or destinations (they receive the health notifications too), or healthTopic: AlertTopic.existing(yourOtherTopic); '
      + 'or set allowNoDestination: true if you subscribe to the healthTopic attribute yourself.');
  }
  const health = (input.healthTopic ?? AlertTopic.create({ displayName: 'IAM alert pipeline health' }))._bind(scope, 'HealthTopic');
  if (health.topic === topic.topic) {
    throw invalidInput(scope,
      'healthTopic is the alert topic itself, so a broken alert topic could not report that it is broken.',
      'give a separate topic as healthTopic, or leave it out to get one created with the same subscribers.');
  }
  for (const [what, bound] of [['alert', topic], ['health', health]] as const) {
    if (emails.length > 0 && bound.topic.fifo) {
      throw invalidInput(scope,
        `the ${what} topic ${bound.topic.topicArn} is a FIFO topic, and SNS delivers email only from standard topics.`,
        'use a standard topic, or AlertTopic.create().');
    }
  }
  const subscribe = (target: sns.ITopic, alsoExisting: boolean) => {
    if (!alsoExisting) return;
    for (const email of emails) target.addSubscription(new subscriptions.EmailSubscription(email));
    for (const subscription of extra) target.addSubscription(subscription);
  };
  subscribe(topic.topic, true);
  // A health topic of your own keeps the subscribers you gave it.
  subscribe(health.topic, health.createdTopic !== undefined);

  const bound = {
    topic: topic.topic,
    topicKey: topic.createdTopic?.encryptionKey,
    healthTopic: health.topic,
    healthTopicKey: health.createdTopic?.encryptionKey,
    emails,
  };
  if (chat.length === 0) {
    return { ...bound, alertPath: { topic: topic.topic }, healthPath: { topic: health.topic }, chatTopicKeys: [], chatAlarms: [] };
  }

  chat.forEach(channel => checkChatAvailable(scope, channel));
  const chatTopic = new EncryptedAlertTopic(scope, 'ChatTopic', { displayName: 'IAM change alerts (chat)' });
  const chatHealthTopic = new EncryptedAlertTopic(scope, 'ChatHealthTopic', { displayName: 'IAM alert pipeline health (chat)' });
  const configurationNames = chat.map(channel => channel.connect(scope, [chatTopic.topic, chatHealthTopic.topic]));
  const healthPath = { topic: health.topic, chatTopic: chatHealthTopic.topic };
  const chatAlarms = chatDeliveryAlarms(scope, configurationNames);
  notifyPathOnAlarm(scope, healthPath, chatAlarms);
  if (emails.length === 0 && extra.length === 0 && health.createdTopic !== undefined) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:chatOnlyDestinations',
      'Every destination is a chat channel. If chat delivery breaks (the app is removed from the channel, the channel '
      + 'configuration is deleted, Amazon Q Developer in chat applications refuses the messages), the alarms about it can reach '
      + 'only chat. Add emails (they receive alerts and the pipeline\'s alarms), or give a healthTopic of your own.');
  }
  return {
    ...bound,
    alertPath: { topic: topic.topic, chatTopic: chatTopic.topic },
    healthPath,
    chatTopicKeys: [chatTopic.encryptionKey, chatHealthTopic.encryptionKey],
    chatAlarms,
  };
}

/** The chat channels, refusing one given twice (it would post every alert twice). */
function uniqueChatChannels(scope: Construct, channels: ChatChannelChoice[]): ChatChannelChoice[] {
  const seen = new Set<string>();
  for (const channel of channels) {
    if (channel.key === undefined) continue;
    if (seen.has(channel.key)) {
      throw invalidInput(scope, `the ${channel.description} is given twice in destinations, so every alert would be posted twice.`,
        'list each chat channel once.');
    }
    seen.add(channel.key);
  }
  return channels;
}

/** The chat delivery alarms, where Chatbot's metrics are; elsewhere, a warning that nothing watches chat delivery. */
function chatDeliveryAlarms(scope: Construct, configurationNames: string[]): cloudwatch.Alarm[] {
  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region) || region !== CHATBOT_METRICS_REGION) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:chatDeliveryUnwatched',
      `Amazon Q Developer in chat applications publishes its delivery metrics in ${CHATBOT_METRICS_REGION} only, and this stack's `
      + `region is ${Token.isUnresolved(region) ? 'known only at deployment' : region}, where an alarm cannot watch them: no alarm reports chat `
      + 'messages that are not posted. Deploy the stack to us-east-1, or alarm on the AWS/Chatbot metrics MessageDeliveryFailure and '
      + 'UnsupportedEvents (dimension ConfigurationName) in a us-east-1 stack of your own.');
    return [];
  }
  return configurationNames.map((name, index) => chatDeliveryAlarm(scope, `ChatDeliveryAlarm${index === 0 ? '' : index + 1}`, name));
}

/** What a notification says: the text for the topic, and the custom notification for its chat twin. */
export interface PathMessage {
  readonly text: AlertMessage;
  readonly chat: events.RuleTargetInput;
}

/**
 * Adds the targets that deliver a rule's notifications along `path`: the topic with the text, and
 * the chat topic, when there is one, with the custom notification. Both targets share the options
 * (dead-letter queue, retries), so the rule's delivery alarms watch both.
 */
export function addPathTargets(rule: events.Rule, path: NotificationPath, message: PathMessage, options: Omit<AlertTopicTargetProps, 'message'>): void {
  rule.addTarget(new AlertTopicTarget(path.topic, { ...options, message: message.text }));
  if (path.chatTopic !== undefined) {
    rule.addTarget(new AlertTopicTarget(path.chatTopic, { ...options, message: AlertMessage.custom(message.chat) }));
  }
}

/**
 * Makes alarms that notify `path.topic` (given to the construct that made them) notify its chat
 * twin as well; CloudWatch alarm notifications are a format Chatbot reads as they are.
 */
export function notifyChatTwinOnAlarm(scope: Construct, path: NotificationPath, alarms: cloudwatch.Alarm[]): void {
  if (path.chatTopic !== undefined && alarms.length > 0) notifyTopicOnAlarm(scope, path.chatTopic, alarms);
}

/** Makes alarms notify the topic of `path` and its chat twin. */
export function notifyPathOnAlarm(scope: Construct, path: NotificationPath, alarms: cloudwatch.Alarm[]): void {
  if (alarms.length === 0) return;
  notifyTopicOnAlarm(scope, path.topic, alarms);
  notifyChatTwinOnAlarm(scope, path, alarms);
}
