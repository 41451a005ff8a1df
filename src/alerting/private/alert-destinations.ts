import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { AlertTopic } from '../alert-topic';
import { AlertingOptions } from '../alerting-options';
import { normalizeEmailAddresses } from './email-addresses';
import { invalidInput } from '../../private/invalid-input';

/** The two topics, bound and subscribed. */
export interface BoundDestinations {
  readonly topic: sns.ITopic;
  /** The alert topic's key, when this construct created the topic. */
  readonly topicKey?: kms.IKey;
  readonly healthTopic: sns.ITopic;
  /** The health topic's key, when this construct created it. */
  readonly healthTopicKey?: kms.IKey;
  /** The email addresses, checked and without duplicates. */
  readonly emails: string[];
}

/**
 * Binds the alert topic and the health topic and subscribes the same people to both.
 *
 * The health topic is separate so that the alarms and tamper alerts about a broken alert topic
 * (deleted, key disabled, subscription removed) do not depend on it. By default it is created with
 * its own key and given the same emails and subscriptions; a topic given as `healthTopic` is used
 * as it is.
 */
export function bindDestinations(scope: Construct, input: AlertingOptions): BoundDestinations {
  const emails = normalizeEmailAddresses(scope, input.emails ?? []);
  const extra = input.subscriptions ?? [];
  const topic = (input.topic ?? AlertTopic.create())._bind(scope);
  const hasDestination = emails.length > 0 || extra.length > 0 || topic.createdTopic === undefined;
  if (!hasDestination && !input.allowNoDestination) {
    throw invalidInput(scope,
      'no alert destination: no emails, no subscriptions and no existing topic, so alerts would reach nobody.',
      "pass emails: ['security@example.com'], subscriptions, or topic: AlertTopic.existing(yourTopic); or set allowNoDestination: true if you subscribe to the topic yourself.");
  }
  if (input.healthTopic === undefined && emails.length === 0 && extra.length === 0 && !input.allowNoDestination) {
    // An existing alert topic brings its own subscribers; the health topic created beside it would have none.
    throw invalidInput(scope,
      'no health destination: the alert topic is one of your own, but there are no emails or subscriptions for the health topic, '
      + 'so alarms and tamper alerts about the pipeline would reach nobody.',
      'pass emails or subscriptions (they are subscribed to the health topic too), or healthTopic: AlertTopic.existing(yourOtherTopic); '
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
  return {
    topic: topic.topic,
    topicKey: topic.createdTopic?.encryptionKey,
    healthTopic: health.topic,
    healthTopicKey: health.createdTopic?.encryptionKey,
    emails,
  };
}
