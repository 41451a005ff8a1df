import { Duration } from 'aws-cdk-lib';
import { AlertDestination } from './alert-destination';
import { AlertMessage } from './alert-message';
import { AlertTopic } from './alert-topic';
import { PipelineHealth } from '../health/pipeline-health';

/**
 * Where alerts go, what they say, how they are retried and whether the pipeline watches itself:
 * the options every alerting construct takes, under the same names.
 */
export interface AlertingOptions {
  /**
   * Email addresses subscribed to the alert topic and to the health topic.
   *
   * Each address must confirm the subscription from the email SNS sends before alerts arrive.
   * Addresses are checked for sane syntax; duplicates (ignoring case) are subscribed once. The
   * short form of `AlertDestination.email()`.
   *
   * @default - no email subscriptions
   */
  readonly emails?: string[];

  /**
   * Further destinations: SNS subscriptions (`AlertDestination.subscription()`), Slack and
   * Microsoft Teams channels (`AlertDestination.slackChannel()`,
   * `AlertDestination.microsoftTeamsChannel()`), more email addresses.
   *
   * Every destination receives the alerts and the pipeline's own alarms and tamper alerts. Chat
   * channels receive them as chat notifications, through two topics of their own.
   *
   * @default - none
   */
  readonly destinations?: AlertDestination[];

  /**
   * Allow the construct to have no alert destination.
   *
   * Without `emails`, `destinations` or an existing topic, alerts would reach nobody, so that is
   * an error unless you set this, for example because you subscribe to `topic` (and
   * `healthTopic`) yourself.
   *
   * @default false
   */
  readonly allowNoDestination?: boolean;

  /**
   * The SNS topic alerts are published to.
   *
   * @default AlertTopic.create(): a topic encrypted with its own customer-managed key
   */
  readonly topic?: AlertTopic;

  /**
   * The topic the pipeline's own alarms and tamper alerts go to.
   *
   * Separate from the alert topic, so that a deleted alert topic, a disabled topic key or a
   * removed subscription is still reported. Tampering with the health topic itself is reported to
   * the alert topic.
   *
   * @default AlertTopic.create() with its own key, subscribed by the same `emails` and `destinations`
   */
  readonly healthTopic?: AlertTopic;

  /**
   * What an alert says. On a `CrossAccountAlertBus` it is built on the central bus (event bus
   * targets cannot transform events), and `AlertMessage.readable()` names the member account and
   * region the change happened in. Chat channels receive the facts of `AlertMessage.readable()`
   * as a chat notification whatever this is: they read no other format.
   *
   * @default AlertMessage.readable()
   */
  readonly message?: AlertMessage;

  /**
   * How many times EventBridge retries a failed delivery (0 to 185).
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying a delivery (1 minute to 24 hours).
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * Whether the pipeline watches itself: a heartbeat through the real path, alarmed when it stops,
   * and tamper alerts on the trail, rules, topics, keys and bus it relies on (on a central bus,
   * also the member forwarders' heartbeats, alarms and tampering). Forwarders must have the same
   * setting as their central bus (a rollout does).
   *
   * @default PipelineHealth.monitor()
   */
  readonly pipelineHealth?: PipelineHealth;
}
