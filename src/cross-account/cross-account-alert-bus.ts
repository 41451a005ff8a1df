import { Duration, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { IamEventForwarderRollout, MemberRolloutOptions } from './iam-event-forwarder-rollout';
import { BUS_POLICY_QUOTA, busPolicyDocument, BusPolicyInput, checkAccountList, estimatedBusPolicySize } from './private/bus-policy';
import { forwardedSourcesAndDetailTypes } from './private/forwarded-events';
import { HEALTH_DETAIL_TYPES, HEALTH_SOURCES, memberAlarmPattern } from './private/forwarder-health';
import { choosePatterns, toForwardedPattern } from './private/pattern-choice';
import { AlertDeadLetterQueue } from '../alerting/alert-dead-letter-queue';
import { AlertDeliveryAlarms } from '../alerting/alert-delivery-alarms';
import { AlertMessage } from '../alerting/alert-message';
import { AlertingOptions } from '../alerting/alerting-options';
import { addPathTargets, bindDestinations, notifyChatTwinOnAlarm } from '../alerting/private/alert-destinations';
import { memberAlarmChatAlert, readableChatAlert, tamperChatAlert } from '../alerting/private/chat-notification';
import { PipelineHealth } from '../health/pipeline-health';
import { memberAlarmMessage, tamperMessage } from '../health/private/health-message';
import { withoutHeartbeat } from '../health/private/heartbeat';
import { PipelineHealthChecks, warnHealthOff } from '../health/private/pipeline-health-checks';
import { ruleNamePrefix } from '../health/private/tamper-alerts';
import { checkOrganizationId } from '../identifiers/organizations';
import { globalEventsRegion, partitionOfRegion, supportsCrossRegionBusTargets } from '../identifiers/regions';
import { IamEventPattern } from '../patterns/iam-event-pattern';
import { invalidInput } from '../private/invalid-input';

/** Properties of a {@link CrossAccountAlertBus}. */
export interface CrossAccountAlertBusProps extends AlertingOptions {
  /**
   * The AWS Organizations organization whose accounts may forward events (`o-` and 10 to 32
   * characters). The bus policy then holds one `aws:PrincipalOrgID` condition however many
   * accounts there are.
   *
   * @default - only the accounts in `accounts`
   */
  readonly organizationId?: string;

  /**
   * Accounts that may forward events, besides (or instead of) the organization. Not the
   * account the bus is in. Every account adds to the bus policy, which EventBridge caps at
   * 10,240 characters (room for about 290 accounts); beyond that, use `organizationId`.
   *
   * @default - only the organization's accounts
   */
  readonly accounts?: string[];

  /**
   * What to alert on, one rule per pattern; at least one. Forwarders must forward the same
   * patterns: the bus accepts only their sources and detail-types.
   *
   * @default [IamEventPattern.changes()]
   */
  readonly patterns?: IamEventPattern[];

  /**
   * The name of the bus (letters, digits, `.`, `-`, `_`; at most 256 characters; not `default`).
   *
   * @default - derived from the construct path
   */
  readonly eventBusName?: string;

  /**
   * How long the archive keeps forwarded events for replay. `Duration.days(0)` keeps them
   * forever.
   *
   * @default Duration.days(90)
   */
  readonly archiveRetention?: Duration;

  /**
   * Deploys an `IamEventForwarder` to every account of these organizational units (and those
   * created in them later) with a StackSet, in one call. Needs `organizationId`, so that the
   * bus accepts accounts not known today.
   *
   * @default - no rollout: deploy forwarders yourself (IamEventForwarderRollout, or IamEventForwarder per account)
   */
  readonly memberRollout?: MemberRolloutOptions;
}

/**
 * The central side of organization-wide IAM alerts: a custom event bus that member accounts
 * forward their IAM events to, and rules on it that alert once for the whole organization.
 *
 * The bus policy admits only `events:PutEvents` from the organization (or listed accounts) for the
 * patterns' sources and detail-types; `memberRollout` deploys the forwarders to member accounts.
 *
 * @example
 * declare const stack: Stack;
 * new CrossAccountAlertBus(stack, 'OrgAlerts', {
 *   organizationId: 'o-a1b2c3d4e5',
 *   emails: ['security@example.com'],
 *   memberRollout: { organizationalUnitIds: ['r-ab12'] },
 * });
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export class CrossAccountAlertBus extends Construct {
  /** The central event bus. */
  public readonly eventBus: events.EventBus;

  /** The bus's ARN: give it to `IamEventForwarder` as `centralBusArn`. */
  public readonly eventBusArn: string;

  /** The archive of forwarded events. */
  public readonly archive: events.Archive;

  /** The rules on the bus, one per pattern. */
  public readonly rules: events.Rule[];

  /** The topic alerts are published to. */
  public readonly topic: sns.ITopic;

  /** The topic the pipeline's own alarms and tamper alerts go to. */
  public readonly healthTopic: sns.ITopic;

  /** The heartbeat rule on the bus and the tamper rules on the default bus (empty with `PipelineHealth.off()`). */
  public readonly healthRules: events.Rule[];

  /** The alarm that goes off when no member heartbeat arrives at all (undefined with `PipelineHealth.off()`). */
  public readonly heartbeatAlarm?: cloudwatch.Alarm;

  /**
   * The Metrics Insights alarms, one per group of member account ids, whose contributors name each
   * member account and region whose heartbeat stopped (empty with `PipelineHealth.off()`).
   */
  public readonly memberHeartbeatAlarms: cloudwatch.Alarm[];

  /** The rules that alert on member alarms and member tampering (empty with `PipelineHealth.off()`). */
  public readonly memberHealthRules: events.Rule[];

  /** The queue that keeps alerts that could not be published. */
  public readonly deadLetterQueue: sqs.IQueue;

  /** Every alarm: failed alert deliveries for every rule, heartbeats, the health rules' deliveries, and the chat channels' deliveries. */
  public readonly alarms: cloudwatch.Alarm[];

  /** The StackSet rollout of the forwarders, when `memberRollout` is given. */
  public readonly memberRollout?: IamEventForwarderRollout;

  /**
   * The sources and detail-types the bus policy accepts, for the forwarders' check.
   *
   * @internal
   */
  public readonly _accepted: { readonly sources: string[]; readonly detailTypes: string[] };

  /**
   * The heartbeat interval the bus's alarms expect, when the health checks are on, for the
   * forwarders' check.
   *
   * @internal
   */
  public readonly _heartbeatInterval?: Duration;

  /**
   * The bus's account, region and name, for the forwarders' check.
   *
   * @internal
   */
  public readonly _identity: { readonly account: string; readonly region: string; readonly name: string };

  constructor(scope: Construct, id: string, props: CrossAccountAlertBusProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const accounts = props.accounts ?? [];
    if (props.organizationId === undefined && accounts.length === 0) {
      throw invalidInput(this, 'neither organizationId nor accounts is given, so no account could forward events.',
        'give organizationId (every account of the organization), accounts (a list), or both.');
    }
    if (props.organizationId !== undefined) checkOrganizationId(this, props.organizationId);
    checkAccountList(this, 'accounts', accounts, stack.account);
    if (props.memberRollout && props.organizationId === undefined) {
      throw invalidInput(this, 'memberRollout deploys forwarders to organizational units, but no organizationId is given, '
        + 'so the bus would refuse accounts created in those units later.', 'give organizationId too.');
    }

    checkCentralRegion(this, stack.region);

    const health = (props.pipelineHealth ?? PipelineHealth.monitor())._settings(this);
    const patterns = choosePatterns(this, props);
    const forwarded = patterns.map(p => toForwardedPattern(health ? withoutHeartbeat(this, p, stack.partition) : p));
    const alerted = forwardedSourcesAndDetailTypes(this, forwarded);
    const sources = unique([...alerted.sources, ...(health ? HEALTH_SOURCES : [])]);
    const detailTypes = unique([...alerted.detailTypes, ...(health ? HEALTH_DETAIL_TYPES : [])]);

    const eventBusName = props.eventBusName ?? Names.uniqueResourceName(this, { maxLength: 256, separator: '-' });
    // A custom bus may not be named "default" (the account's own bus) nor contain "/" (kept for partner buses).
    if (!Token.isUnresolved(eventBusName) && (!/^[.\-_A-Za-z0-9]{1,256}$/.test(eventBusName) || eventBusName === 'default')) {
      throw invalidInput(this, `eventBusName '${eventBusName}' is not a valid custom event bus name.`,
        'use letters, digits, ".", "-" and "_" only, at most 256 characters, and not the name "default".');
    }
    this.eventBus = new events.EventBus(this, 'Bus', { eventBusName });
    // Built from the name, not the bus's Arn attribute: the policy is a property of the bus itself.
    this.eventBusArn = stack.formatArn({ service: 'events', resource: 'event-bus', resourceName: eventBusName });

    const policyInput: BusPolicyInput = { busArn: this.eventBusArn, organizationId: props.organizationId, accounts, sources, detailTypes };
    const size = estimatedBusPolicySize(policyInput, stack.partition);
    if (size > BUS_POLICY_QUOTA) {
      throw invalidInput(this,
        `the bus policy for ${accounts.length} accounts would be about ${size} characters, over EventBridge's quota of ${BUS_POLICY_QUOTA}.`,
        'give organizationId instead of listing every account (one aws:PrincipalOrgID condition covers them all), or list fewer accounts.');
    }
    (this.eventBus.node.defaultChild as events.CfnEventBus).policy = busPolicyDocument(policyInput);
    this._accepted = { sources, detailTypes };
    this._heartbeatInterval = health?.heartbeatInterval;
    this._identity = { account: stack.account, region: stack.region, name: eventBusName };

    const retention = props.archiveRetention ?? Duration.days(90);
    this.archive = this.eventBus.archive('Archive', {
      description: 'Forwarded IAM events, for replay after an outage',
      eventPattern: { source: sources },
      retention,
    });

    const destinations = bindDestinations(this, props);
    this.topic = destinations.topic;
    this.healthTopic = destinations.healthTopic;
    this.deadLetterQueue = new AlertDeadLetterQueue(this, 'DeadLetterQueue').queue;

    const namePrefix = ruleNamePrefix(this);
    this.rules = [];
    this.alarms = [];
    forwarded.forEach((pattern, index) => {
      const suffix = forwarded.length === 1 ? '' : `${index + 1}`;
      const rule = new events.Rule(this, `Rule${suffix}`, {
        ruleName: `${namePrefix}-alerts${suffix}`,
        eventBus: this.eventBus,
        description: `IAM alerts for the organization: ${pattern.description}`.slice(0, 512),
        eventPattern: pattern.eventPattern,
      });
      addPathTargets(rule, destinations.alertPath, { text: props.message ?? AlertMessage.readable(), chat: readableChatAlert() }, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts,
        maxEventAge: props.maxEventAge,
      });
      if (pattern.includesReadOnlyEvents) {
        // Forwarded read-only management events reach a rule on a custom bus only in this state;
        // ENABLED matches everything "except for AWS management events delivered through CloudTrail".
        // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
        (rule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      }
      this.rules.push(rule);
      const alarms = new AlertDeliveryAlarms(this, `DeliveryAlarms${suffix}`, {
        rule,
        // EventBridge reports a custom bus's rules with EventBusName and RuleName: without the
        // bus, the alarms would watch metrics that never arrive.
        eventBus: this.eventBus,
        // The queue is shared by the rules: one depth alarm is enough.
        deadLetterQueue: index === 0 ? this.deadLetterQueue : undefined,
        alarmTopic: this.healthTopic,
      });
      notifyChatTwinOnAlarm(alarms, destinations.healthPath, alarms.alarms);
      this.alarms.push(...alarms.alarms);
    });

    this.memberHealthRules = [];
    this.healthRules = [];
    this.memberHeartbeatAlarms = [];
    if (health) {
      const checks = new PipelineHealthChecks(this, 'Health', {
        settings: health,
        namePrefix,
        destinations,
        deadLetterQueue: this.deadLetterQueue,
        eventBusNames: [eventBusName],
        heartbeats: { eventBus: this.eventBus },
        makeHeartbeats: false,
      });
      this.alarms.push(...checks.alarms);
      this.healthRules.push(checks.heartbeatMonitor.rule, ...checks.tamperAlerts.rules);
      this.heartbeatAlarm = checks.heartbeatMonitor.alarm;
      this.memberHeartbeatAlarms.push(...checks.heartbeatMonitor.accountAlarms);
      const memberRoutes = [
        {
          id: 'MemberAlarms',
          name: `${namePrefix}-member-alarms`,
          pattern: memberAlarmPattern(),
          message: { text: AlertMessage.custom(memberAlarmMessage()), chat: memberAlarmChatAlert() },
          about: 'alarms of member forwarders',
        },
        {
          id: 'MemberTampering',
          name: `${namePrefix}-member-tamper`,
          pattern: { 'source': ['aws.events'], 'detail-type': ['AWS API Call via CloudTrail'] },
          message: { text: AlertMessage.custom(tamperMessage()), chat: tamperChatAlert() },
          about: 'tampering with member forwarders',
        },
      ];
      for (const route of memberRoutes) {
        const rule = new events.Rule(this, route.id, {
          ruleName: route.name,
          eventBus: this.eventBus,
          description: `cdk-iam-change-alerts: alerts on ${route.about}`,
          eventPattern: { source: ['aws.events'] },
        });
        addPathTargets(rule, destinations.healthPath, route.message, { deadLetterQueue: this.deadLetterQueue });
        (rule.node.defaultChild as events.CfnRule).eventPattern = route.pattern;
        this.memberHealthRules.push(rule);
        // About the health topic's deliveries: reported to the alert topic.
        const alarms = new AlertDeliveryAlarms(this, `${route.id}DeliveryAlarms`, {
          rule, eventBus: this.eventBus, alarmTopic: this.topic, subject: `alerts on ${route.about}`,
        });
        notifyChatTwinOnAlarm(alarms, destinations.alertPath, alarms.alarms);
        this.alarms.push(...alarms.alarms);
      }
    } else {
      warnHealthOff(this);
    }
    this.alarms.push(...destinations.chatAlarms);

    if (props.memberRollout) {
      this.memberRollout = new IamEventForwarderRollout(this, 'MemberRollout', {
        ...props.memberRollout,
        centralBusArn: this.eventBusArn,
        patterns,
        pipelineHealth: props.pipelineHealth,
      });
      // EventBridge checks the bus policy when a forwarder's target is created.
      this.memberRollout.node.addDependency(this.eventBus);
    }
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * Where a rule cannot target a bus in another region (GovCloud (US), China), forwarders live in the
 * region IAM events arrive in, so the central bus must be there too.
 */
function checkCentralRegion(scope: IConstruct, region: string): void {
  if (Token.isUnresolved(region)) return;
  const partition = partitionOfRegion(region);
  const home = globalEventsRegion(partition);
  if (!supportsCrossRegionBusTargets(partition) && home !== undefined && region !== home) {
    throw invalidInput(scope,
      `this stack's region is ${region}, but in partition ${partition} IAM events arrive only in ${home} `
      + 'and a rule cannot target an event bus in another region, so no forwarder could reach this bus.',
      `deploy the central bus in ${home}.`);
  }
}
