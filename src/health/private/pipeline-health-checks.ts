import { Annotations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { heartbeatOf, HeartbeatSchedule } from './heartbeat';
import { HeartbeatMonitor } from './heartbeat-monitor';
import { PipelineHealthSettings } from './pipeline-health-settings';
import { TamperAlerts, WatchedResources } from './tamper-alerts';
import { BoundDestinations, NotificationPath } from '../../alerting/private/alert-destinations';

/** Options of `PipelineHealthChecks`. */
export interface PipelineHealthChecksProps {
  readonly settings: PipelineHealthSettings;
  /** The literal prefix of every rule name of the pipeline. */
  readonly namePrefix: string;
  readonly destinations: BoundDestinations;
  readonly deadLetterQueue: sqs.IQueue;
  /** Trails (names and ARNs) recorded in this region that feed the pipeline. */
  readonly trails?: string[];
  /** Rule names of the pipeline that do not start with the prefix (given by the user). */
  readonly ruleNames?: string[];
  /** Custom buses of the pipeline. */
  readonly eventBusNames?: string[];
  /** Where heartbeats arrive: a central bus (with a monitor per member account), or the default bus of `account`. */
  readonly heartbeats: { readonly eventBus?: events.IEventBus; readonly account?: string };
  /** Make heartbeats here too (a single-account pipeline); a central bus only receives them. */
  readonly makeHeartbeats: boolean;
}

/**
 * The health checks of one alerting construct: the heartbeat (made here or received from
 * members) with its alarms, and the tamper alerts on the construct's own resources, all sent to
 * the health topic and its chat twin (tampering with the health path itself, to the alert topic
 * and its chat twin).
 */
export class PipelineHealthChecks extends Construct {
  /** The heartbeat made here; undefined on a central bus, or where another pipeline of the account made it. */
  public readonly heartbeatSchedule?: HeartbeatSchedule;
  public readonly heartbeatMonitor: HeartbeatMonitor;
  public readonly tamperAlerts: TamperAlerts;
  /** Every alarm of the health checks. */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: PipelineHealthChecksProps) {
    super(scope, id);
    const { destinations, namePrefix } = props;
    const interval = props.settings.heartbeatInterval;
    if (props.makeHeartbeats) {
      this.heartbeatSchedule = heartbeatOf(this, { interval });
    }
    const heartbeatRuleName = `${namePrefix}-heartbeat`;
    this.heartbeatMonitor = new HeartbeatMonitor(this, 'HeartbeatMonitor', {
      eventBus: props.heartbeats.eventBus,
      account: props.heartbeats.account,
      interval,
      ruleName: heartbeatRuleName,
      alarmPath: destinations.healthPath,
      perAccount: props.heartbeats.eventBus !== undefined,
    });

    const arnsOf = (...keys: Array<kms.IKey | undefined>) => keys
      .filter((key): key is kms.IKey => key !== undefined)
      .map(key => ({ keyArn: key.keyArn }));
    // Each path's chat twin is watched with the path: tampering with the alert path (chat topic
    // included) is reported on the health path, and tampering with the health path on the alert path.
    const { alertPath, healthPath: healthNotifications } = destinations;
    const topicsOf = (path: NotificationPath) => [path.topic, ...(path.chatTopic ? [path.chatTopic] : [])];
    const keys = arnsOf(...[...topicsOf(alertPath), ...topicsOf(healthNotifications)].map(topic => topic.masterKey), this.heartbeatMonitor.logKey);
    const watched: WatchedResources = {
      trails: props.trails,
      ruleNamePrefixes: [`${namePrefix}-`],
      ruleNames: props.ruleNames,
      topicArns: [...topicsOf(alertPath), ...topicsOf(healthNotifications)].map(topic => topic.topicArn),
      keys,
      eventBusNames: props.eventBusNames,
    };
    const healthKeys = arnsOf(...topicsOf(healthNotifications).map(topic => topic.masterKey), this.heartbeatMonitor.logKey);
    const healthPath: WatchedResources = {
      ruleNamePrefixes: [`${namePrefix}-tamper-`],
      ruleNames: [heartbeatRuleName],
      topicArns: topicsOf(healthNotifications).map(topic => topic.topicArn),
      keys: healthKeys,
    };
    this.tamperAlerts = new TamperAlerts(this, 'TamperAlerts', {
      watched,
      healthPath,
      namePrefix,
      healthNotifications,
      alertNotifications: alertPath,
      deadLetterQueue: props.deadLetterQueue,
    });
    this.alarms = [
      this.heartbeatMonitor.alarm,
      ...this.heartbeatMonitor.accountAlarms,
      ...this.tamperAlerts.alarms.flatMap(a => a.alarms),
    ];
  }
}

/** The warning for a pipeline that does not watch itself. */
export function warnHealthOff(scope: IConstruct): void {
  Annotations.of(scope).addWarningV2('cdk-iam-change-alerts:pipelineHealthOff',
    'pipelineHealth is PipelineHealth.off(): no heartbeat and no tamper alerts, so a stopped or deleted trail, a disabled or '
    + 'deleted rule, or a removed subscription leaves the alerts silent without telling anyone. Leave pipelineHealth out to '
    + 'monitor the pipeline.');
}
