import { Annotations, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AlertDeadLetterQueue } from './alert-dead-letter-queue';
import { AlertDeliveryAlarms } from './alert-delivery-alarms';
import { AlertMessage } from './alert-message';
import { AlertTrail } from './alert-trail';
import { AlertingOptions } from './alerting-options';
import { HardenedTrail } from './hardened-trail';
import { addPathTargets, bindDestinations, notifyChatTwinOnAlarm } from './private/alert-destinations';
import { readableChatAlert } from './private/chat-notification';
import { requireIamEventRegion } from './private/iam-event-region';
import { PipelineHealth } from '../health/pipeline-health';
import { withoutHeartbeat } from '../health/private/heartbeat';
import { PipelineHealthChecks, warnHealthOff } from '../health/private/pipeline-health-checks';
import { ruleNamePrefix } from '../health/private/tamper-alerts';
import { parseTrailArn } from '../identifiers/arns';
import { IamEventPattern } from '../patterns/iam-event-pattern';
import { invalidInput } from '../private/invalid-input';

/**
 * Options for `IamChangeAlerting`.
 */
export interface IamChangeAlertingProps extends AlertingOptions {
  /**
   * Which IAM events raise an alert.
   *
   * @default IamEventPattern.changes()
   */
  readonly pattern?: IamEventPattern;

  /**
   * The CloudTrail trail that records the IAM calls.
   *
   * @default AlertTrail.create()
   */
  readonly trail?: AlertTrail;

  /**
   * Deliver read-only calls (`Get*`, `List*`, ...) to the rule.
   *
   * EventBridge passes read-only CloudTrail events to a rule only in the state
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. They are frequent (IAM `GetRole` and
   * `GetPolicy` run constantly), so turning this on triggers a warning about alert volume.
   * `false` drops the read-only calls a pattern selects, as its `onlyMutatingCalls()` would;
   * `true` with a pattern that matches no read-only call is an error.
   *
   * @default - the pattern's `includesReadOnlyEvents`
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   */
  readonly includeReadOnlyEvents?: boolean;

  /**
   * Name of the EventBridge rule.
   *
   * @default - `<unique prefix>-alerts`: every rule of the construct is named with one prefix, which its tamper alerts watch
   */
  readonly ruleName?: string;

}

/**
 * Emails you when IAM changes in this account, and loses no alert on the way.
 *
 * An EventBridge rule on the default bus matches IAM API calls recorded by CloudTrail (the
 * `pattern`) and publishes a readable alert to an SNS topic encrypted with a customer-managed
 * key. Failed deliveries are retried for up to 24 hours, then kept in a dead-letter queue, and
 * CloudWatch alarms report both. Every topic, queue and bucket grant to a service is scoped by
 * `aws:SourceArn` to the one rule, alarm or trail that needs it. (The topic key's statements for
 * EventBridge and CloudWatch carry no such condition: with one, KMS denies their deliveries.)
 *
 * IAM events reach EventBridge only in us-east-1: the stack must be deployed there (a stack in
 * another region fails at synthesis).
 *
 * @example
 * declare const stack: Stack;
 * new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
 */
export class IamChangeAlerting extends Construct {
  /** The EventBridge rule that matches IAM events. */
  public readonly rule: events.Rule;

  /** The topic alerts are published to. */
  public readonly topic: sns.ITopic;

  /** The customer-managed key of the alert topic, when this construct created the topic. */
  public readonly topicKey?: kms.IKey;

  /** The queue that keeps alerts EventBridge could not deliver. */
  public readonly deadLetterQueue: sqs.Queue;

  /** The trail this construct created, with its bucket and key (`AlertTrail.create()` only). */
  public readonly trail?: HardenedTrail;

  /** ARN of the trail the alerts rely on (undefined for `AlertTrail.organizationTrail()`). */
  public readonly trailArn?: string;

  /** The topic the pipeline's own alarms and tamper alerts go to. */
  public readonly healthTopic: sns.ITopic;

  /** The alarms on delivery failures. */
  public readonly deliveryAlarms: AlertDeliveryAlarms;

  /** The heartbeat rule and the tamper rules (empty with `PipelineHealth.off()`). */
  public readonly healthRules: events.Rule[];

  /** The alarm that goes off when heartbeats stop arriving (undefined with `PipelineHealth.off()`). */
  public readonly heartbeatAlarm?: cloudwatch.Alarm;

  /** The heartbeat alarm and the tamper rules' delivery alarms (empty with `PipelineHealth.off()`). */
  public readonly healthAlarms: cloudwatch.Alarm[];

  /** All alarms of this construct: delivery, heartbeat, the tamper rules' delivery and the chat channels' delivery. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The email addresses subscribed, after validation and removal of duplicates. */
  public readonly emails: string[];

  /** The pattern the rule matches (the given one, leaving out the heartbeat where it would match it). */
  public readonly pattern: IamEventPattern;

  constructor(scope: Construct, id: string, props: IamChangeAlertingProps = {}) {
    super(scope, id);
    requireIamEventRegion(this);
    const stack = Stack.of(this);

    const userPattern = props.pattern ?? IamEventPattern.changes();
    checkAccountsOfPattern(this, userPattern, stack.account);
    const includeReadOnly = props.includeReadOnlyEvents ?? userPattern.includesReadOnlyEvents;
    if (props.includeReadOnlyEvents === true && !userPattern.includesReadOnlyEvents) {
      throw invalidInput(this,
        `includeReadOnlyEvents is true, but the pattern (${userPattern.description}) matches no read-only call, so it would deliver nothing more.`,
        'choose a pattern that selects read-only calls (for example IamEventPattern.allApiCalls()), or remove includeReadOnlyEvents.');
    }
    const health = (props.pipelineHealth ?? PipelineHealth.monitor())._settings(this);
    this.pattern = health ? withoutHeartbeat(this, userPattern, stack.partition) : userPattern;

    const trail = (props.trail ?? AlertTrail.create())._bind(this);
    this.trail = trail.createdTrail;
    this.trailArn = trail.trailArn;

    const destinations = bindDestinations(this, props);
    this.topic = destinations.topic;
    this.topicKey = destinations.topicKey;
    this.healthTopic = destinations.healthTopic;
    this.emails = destinations.emails;

    const namePrefix = ruleNamePrefix(this);
    this.rule = new events.Rule(this, 'Rule', {
      ruleName: props.ruleName ?? `${namePrefix}-alerts`,
      description: ruleDescription(this.pattern),
      eventPattern: this.pattern.toEventPattern(),
    });
    if (includeReadOnly) {
      (this.rule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      Annotations.of(this).addWarningV2('cdk-iam-change-alerts:readOnlyEventVolume',
        'Read-only IAM calls (Get*, List*, ...) are delivered to the rule (state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS). '
        + 'They are far more frequent than changes (IAM GetRole and GetPolicy run constantly), so expect many alerts '
        + 'and EventBridge charges; narrow the pattern to the read-only calls you need.');
    }
    if (this.pattern.includesConsoleSignIn) {
      Annotations.of(this).addWarningV2('cdk-iam-change-alerts:consoleSignInRegions',
        'The pattern includes console sign-ins. Root sign-ins are recorded in us-east-1, but IAM-user sign-ins may be '
        + 'recorded in us-east-2, eu-north-1 or ap-southeast-2 (global endpoint) or in the region of a regional sign-in '
        + 'endpoint, where this rule does not see them. Forward sign-in events from those regions with IamEventForwarder '
        + 'to alert on all of them.');
    }

    if (this.pattern.includesRegionalEvents) {
      Annotations.of(this).addWarningV2('cdk-iam-change-alerts:regionalEvents',
        'The pattern includes calls to regional services, which CloudTrail records in the region where they happen: this '
        + 'rule in us-east-1 sees only those made there. Forward events from the other regions with IamEventForwarder '
        + 'to alert on all of them.');
    }

    this.deadLetterQueue = new AlertDeadLetterQueue(this, 'DeadLetterQueue').queue;
    addPathTargets(this.rule, destinations.alertPath, { text: props.message ?? AlertMessage.readable(), chat: readableChatAlert() }, {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: props.retryAttempts,
      maxEventAge: props.maxEventAge,
    });

    this.deliveryAlarms = new AlertDeliveryAlarms(this, 'DeliveryAlarms', {
      rule: this.rule,
      deadLetterQueue: this.deadLetterQueue,
      alarmTopic: this.healthTopic,
    });
    notifyChatTwinOnAlarm(this.deliveryAlarms, destinations.healthPath, this.deliveryAlarms.alarms);

    let checks: PipelineHealthChecks | undefined;
    if (health) {
      checks = new PipelineHealthChecks(this, 'Health', {
        settings: health,
        namePrefix,
        destinations,
        deadLetterQueue: this.deadLetterQueue,
        trails: trailsRecordedHere(this, trail),
        ruleNames: props.ruleName !== undefined ? [props.ruleName] : [],
        heartbeats: { account: stack.account },
        makeHeartbeats: true,
      });
    } else {
      warnHealthOff(this);
    }
    this.healthRules = checks ? [checks.heartbeatMonitor.rule, ...checks.tamperAlerts.rules] : [];
    this.heartbeatAlarm = checks?.heartbeatMonitor.alarm;
    this.healthAlarms = checks?.alarms ?? [];
    this.alarms = [...this.deliveryAlarms.alarms, ...this.healthAlarms, ...destinations.chatAlarms];
  }
}

/** EventBridge rule descriptions are at most 512 characters. */
function ruleDescription(pattern: IamEventPattern): string {
  const description = `IAM change alerts: ${pattern.description}`;
  return description.length <= 512 ? description : `${description.slice(0, 511)}…`;
}

/**
 * A pattern limited to accounts (`onlyAccounts`) that leave out the one account this stack
 * watches would never match: the rule sees this account's events only.
 */
function checkAccountsOfPattern(scope: Construct, pattern: IamEventPattern, account: string): void {
  const accounts = pattern.accounts;
  if (accounts === undefined || Token.isUnresolved(account) || accounts.some(a => Token.isUnresolved(a))) return;
  if (!accounts.includes(account)) {
    throw invalidInput(scope,
      `the pattern '${pattern.description}' matches only events of account${accounts.length > 1 ? 's' : ''} ${accounts.join(', ')}, `
      + `but this stack watches account ${account}, so the rule would never fire.`,
      `add ${account} to onlyAccounts, or remove onlyAccounts (a single-account stack sees only its own events); `
      + 'to alert on other accounts, forward their events to a CrossAccountAlertBus.');
  }
}

/**
 * The trail, as the CloudTrail API may name it (name or ARN), when its calls are recorded in this
 * stack's region: the tamper rules live here, and a rule sees only calls recorded in its region.
 */
function trailsRecordedHere(scope: Construct, trail: ReturnType<AlertTrail['_bind']>): string[] {
  if (trail.createdTrail) return [trail.createdTrail.trailArn, trail.createdTrail.trailName];
  const arn = trail.trailArn;
  if (arn === undefined) return [];
  // AlertTrail.existing() has checked the ARN already: this only reads its parts.
  const parts = parseTrailArn(scope, 'AlertTrail.existing() trailArn', arn);
  if (parts === undefined) return [arn, Fn.select(1, Fn.split(':trail/', arn))];
  const stackRegion = Stack.of(scope).region;
  if (!Token.isUnresolved(stackRegion) && parts.region !== stackRegion) {
    Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:trailTamperAlertsElsewhere',
      `The trail ${arn} has its home region ${parts.region}, where CloudTrail records StopLogging, DeleteTrail, UpdateTrail and `
      + `PutEventSelectors on it; this stack is in ${stackRegion}, so its tamper alerts cannot see those calls. The heartbeat still `
      + 'reports a trail that stops delivering. For tamper alerts on the trail, alert on those calls with a rule in its home region.');
    return [];
  }
  return [arn, parts.trailName];
}
