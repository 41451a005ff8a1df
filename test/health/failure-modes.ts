import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DeployedTemplate } from './deployed-values';
import { CrossAccountAlertBus, IamChangeAlerting, IamEventForwarder } from '../../src';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';

/**
 * The failure-mode matrix: every way the deployed pipeline can break, and the signal that tells a
 * person, in which account and region, through which topic. `failure-modes.test.ts` checks each
 * signal on the synthesized templates (as deployed: see `DeployedTemplate`), by running the event
 * that the failure produces (a CloudTrail record, an alarm state change) through the rules'
 * patterns with the library's EventBridge engine and following targets, or by reading the alarm
 * that the silence trips. The README's table "What tells you the pipeline is broken" is
 * `renderMatrix()` of these rows.
 */

export const SINGLE_ACCOUNT = '111122223333';
export const CENTRAL_ACCOUNT = '111122223333';
export const MEMBER_ACCOUNT = '444455556666';
export const REGION = 'us-east-1';
export const BUS_NAME = 'org-iam-alerts';

/** The synthesized configurations, as deployed. */
export interface World {
  readonly single: DeployedTemplate;
  readonly central: DeployedTemplate;
  readonly member: DeployedTemplate;
}

export function buildWorld(): World {
  const singleApp = new App();
  const single = new Stack(singleApp, 'Single', { env: { account: SINGLE_ACCOUNT, region: REGION } });
  new IamChangeAlerting(single, 'IamAlerts', { emails: ['security@example.com'] });

  const orgApp = new App();
  const central = new Stack(orgApp, 'Central', { env: { account: CENTRAL_ACCOUNT, region: REGION } });
  new CrossAccountAlertBus(central, 'OrgAlerts', { organizationId: 'o-a1b2c3d4e5', emails: ['security@example.com'], eventBusName: BUS_NAME });
  const member = new Stack(orgApp, 'Member', { env: { account: MEMBER_ACCOUNT, region: REGION } });
  new IamEventForwarder(member, 'Forwarder', { centralBusArn: `arn:aws:events:${REGION}:${CENTRAL_ACCOUNT}:event-bus/${BUS_NAME}` });
  return {
    single: new DeployedTemplate(Template.fromStack(single).toJSON(), SINGLE_ACCOUNT, REGION),
    central: new DeployedTemplate(Template.fromStack(central).toJSON(), CENTRAL_ACCOUNT, REGION),
    member: new DeployedTemplate(Template.fromStack(member).toJSON(), MEMBER_ACCOUNT, REGION),
  };
}

type Where = 'single' | 'central' | 'member';
type Topic = 'health topic' | 'alert topic';

/** A resource of a deployment, found by the end of its rule or alarm name, or its construct path. */
export interface Named {
  readonly where: Where;
  /** The rule or alarm Name ends with this, or (topics, keys, trails, queues) the logical id starts with it. */
  readonly suffix: string;
}

/** An API call recorded by CloudTrail, with request parameters naming the pipeline's resources. */
export interface ApiCall {
  readonly source: string;
  readonly eventName: string;
  /** Request parameters; `{ resource: Named, as: 'name' | 'arn' | 'id' | 'subscription' }` values are replaced by the deployed value. */
  readonly requestParameters: Record<string, unknown>;
  /** CloudTrail's `resources` list of the record, for KMS calls. */
  readonly resources?: Array<{ ARN: unknown }>;
}

/** A value of a deployed resource, for a call's request parameters. */
export interface DeployedValue {
  readonly resource: Named;
  readonly as: 'name' | 'arn' | 'id' | 'subscription';
}

export type Signal =
  /** A CloudTrail record of the call matches a rule of `where`'s default bus that publishes to `topic`. */
  | { readonly kind: 'tamper alert'; readonly where: Where; readonly call: ApiCall; readonly topic: Topic }
  /** A member's call, forwarded by its health rule to the central bus, where a rule publishes it to the health topic. */
  | { readonly kind: 'forwarded tamper alert'; readonly call: ApiCall }
  /** The heartbeat stops arriving: the alarm on the heartbeat rule (missing data breaching) notifies the health topic. */
  | { readonly kind: 'heartbeat alarm'; readonly where: 'single' | 'central' }
  /** A member's heartbeat stops arriving at the central bus: the per-account alarm for its id notifies the health topic. */
  | { readonly kind: 'member silence alarm' }
  /** A delivery alarm of `where` (rule metric or queue depth) notifies `topic`. */
  | { readonly kind: 'delivery alarm'; readonly where: 'single' | 'central'; readonly alarm: string; readonly topic: Topic }
  /** A member alarm goes into ALARM: an OpsItem in the member account, and its state change forwarded to the central health topic. */
  | { readonly kind: 'member alarm'; readonly alarm: string };

export interface FailureMode {
  readonly failure: string;
  readonly deployment: 'Single account' | 'Organization';
  readonly signals: Signal[];
}

const single = (suffix: string): Named => ({ where: 'single', suffix });
const value = (resource: Named, as: DeployedValue['as']): DeployedValue => ({ resource, as });

const trailCall = (eventName: string, key = 'name'): ApiCall => ({
  source: 'aws.cloudtrail', eventName, requestParameters: { [key]: value(single('IamAlertsTrail'), 'name') },
});
const ruleCall = (where: Where, rule: string, eventName: string, key = 'name'): ApiCall => ({
  source: 'aws.events', eventName, requestParameters: { [key]: value({ where, suffix: rule }, 'name') },
});
const topicCall = (where: Where, topic: string, eventName: string): ApiCall => (eventName === 'Unsubscribe'
  ? { source: 'aws.sns', eventName, requestParameters: { subscriptionArn: value({ where, suffix: topic }, 'subscription') } }
  : { source: 'aws.sns', eventName, requestParameters: { topicArn: value({ where, suffix: topic }, 'arn') } });
const keyCall = (where: Where, key: string, eventName: string): ApiCall => ({
  source: 'aws.kms', eventName, requestParameters: { keyId: value({ where, suffix: key }, 'id') }, resources: [{ ARN: value({ where, suffix: key }, 'arn') }],
});
const busCall = (eventName: string): ApiCall => (eventName === 'DeleteEventBus'
  ? { source: 'aws.events', eventName, requestParameters: { name: BUS_NAME } }
  : { source: 'aws.events', eventName, requestParameters: { eventBusName: BUS_NAME, statementId: 'x' } });

// aws-cdk-lib drops a repeated path component from logical ids: IamAlerts/Topic/Topic is IamAlertsTopic<hash>.
const SINGLE_TOPIC = 'IamAlertsTopic';
const SINGLE_HEALTH_TOPIC = 'IamAlertsHealthTopic';
const SINGLE_TOPIC_KEY = 'IamAlertsTopicKey';
const SINGLE_HEALTH_KEY = 'IamAlertsHealthTopicKey';
const CENTRAL_TOPIC = 'OrgAlertsTopic';
const CENTRAL_HEALTH_TOPIC = 'OrgAlertsHealthTopic';
const CENTRAL_TOPIC_KEY = 'OrgAlertsTopicKey';

export const FAILURE_MODES: FailureMode[] = [
  // One account: IamChangeAlerting.
  {
    failure: 'Trail stopped (`StopLogging`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: trailCall('StopLogging'), topic: 'health topic' }, { kind: 'heartbeat alarm', where: 'single' }],
  },
  {
    failure: 'Event selectors exclude management events (`PutEventSelectors`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: trailCall('PutEventSelectors', 'trailName'), topic: 'health topic' }, { kind: 'heartbeat alarm', where: 'single' }],
  },
  {
    failure: 'Trail deleted (`DeleteTrail`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: trailCall('DeleteTrail'), topic: 'health topic' }, { kind: 'heartbeat alarm', where: 'single' }],
  },
  {
    failure: 'Trail changed (`UpdateTrail`, e.g. global service events off)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: trailCall('UpdateTrail'), topic: 'health topic' }, { kind: 'heartbeat alarm', where: 'single' }],
  },
  {
    failure: 'Alert rule disabled (`DisableRule`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: ruleCall('single', '-alerts', 'DisableRule'), topic: 'health topic' }],
  },
  {
    failure: 'Alert rule deleted (`DeleteRule`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: ruleCall('single', '-alerts', 'DeleteRule'), topic: 'health topic' }],
  },
  {
    failure: 'Alert rule pattern replaced (`PutRule`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: ruleCall('single', '-alerts', 'PutRule'), topic: 'health topic' }],
  },
  {
    failure: 'Alert target removed (`RemoveTargets`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: ruleCall('single', '-alerts', 'RemoveTargets', 'rule'), topic: 'health topic' }],
  },
  {
    failure: 'Alert topic deleted (`DeleteTopic`)',
    deployment: 'Single account',
    signals: [
      { kind: 'tamper alert', where: 'single', call: topicCall('single', SINGLE_TOPIC, 'DeleteTopic'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'single', alarm: 'DeliveryAlarmsDeadLetterQueueDepth', topic: 'health topic' },
    ],
  },
  {
    failure: 'Email subscription removed (`Unsubscribe`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: topicCall('single', SINGLE_TOPIC, 'Unsubscribe'), topic: 'health topic' }],
  },
  {
    failure: 'Alert topic policy changed (`SetTopicAttributes`)',
    deployment: 'Single account',
    signals: [
      { kind: 'tamper alert', where: 'single', call: topicCall('single', SINGLE_TOPIC, 'SetTopicAttributes'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'single', alarm: 'DeliveryAlarmsFailedInvocations', topic: 'health topic' },
    ],
  },
  {
    failure: 'Alert topic key disabled (`DisableKey`)',
    deployment: 'Single account',
    signals: [
      { kind: 'tamper alert', where: 'single', call: keyCall('single', SINGLE_TOPIC_KEY, 'DisableKey'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'single', alarm: 'DeliveryAlarmsDeadLetterQueueDepth', topic: 'health topic' },
    ],
  },
  {
    failure: 'Alert topic key scheduled for deletion (`ScheduleKeyDeletion`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: keyCall('single', SINGLE_TOPIC_KEY, 'ScheduleKeyDeletion'), topic: 'health topic' }],
  },
  {
    failure: 'Alert topic key policy replaced (`PutKeyPolicy`)',
    deployment: 'Single account',
    signals: [
      { kind: 'tamper alert', where: 'single', call: keyCall('single', SINGLE_TOPIC_KEY, 'PutKeyPolicy'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'single', alarm: 'DeliveryAlarmsDeadLetterQueueDepth', topic: 'health topic' },
    ],
  },
  {
    failure: 'Heartbeat schedule or role deleted',
    deployment: 'Single account',
    signals: [{ kind: 'heartbeat alarm', where: 'single' }],
  },
  {
    failure: 'Heartbeat rule disabled or deleted',
    deployment: 'Single account',
    signals: [
      { kind: 'tamper alert', where: 'single', call: ruleCall('single', '-heartbeat', 'DisableRule'), topic: 'alert topic' },
      { kind: 'heartbeat alarm', where: 'single' },
    ],
  },
  {
    failure: 'Tamper rule disabled or deleted',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: ruleCall('single', '-tamper-trail-rules', 'DeleteRule'), topic: 'alert topic' }],
  },
  {
    failure: 'Health topic deleted (`DeleteTopic`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: topicCall('single', SINGLE_HEALTH_TOPIC, 'DeleteTopic'), topic: 'alert topic' }],
  },
  {
    failure: 'Health topic subscription removed (`Unsubscribe`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: topicCall('single', SINGLE_HEALTH_TOPIC, 'Unsubscribe'), topic: 'alert topic' }],
  },
  {
    failure: 'Health topic key disabled (`DisableKey`)',
    deployment: 'Single account',
    signals: [{ kind: 'tamper alert', where: 'single', call: keyCall('single', SINGLE_HEALTH_KEY, 'DisableKey'), topic: 'alert topic' }],
  },

  // An organization: CrossAccountAlertBus and an IamEventForwarder per member account.
  {
    failure: 'Member trail stopped, deleted, or its selectors exclude management events',
    deployment: 'Organization',
    signals: [{ kind: 'member silence alarm' }],
  },
  {
    failure: 'Member forwarding rule disabled or deleted (`DisableRule`, `DeleteRule`)',
    deployment: 'Organization',
    signals: [{ kind: 'forwarded tamper alert', call: ruleCall('member', '-forward', 'DisableRule') }],
  },
  {
    failure: 'Member forwarding target removed (`RemoveTargets`)',
    deployment: 'Organization',
    signals: [{ kind: 'forwarded tamper alert', call: ruleCall('member', '-forward', 'RemoveTargets', 'rule') }],
  },
  {
    failure: 'Member health rule disabled or deleted',
    deployment: 'Organization',
    signals: [{ kind: 'forwarded tamper alert', call: ruleCall('member', '-health', 'DeleteRule') }, { kind: 'member silence alarm' }],
  },
  {
    failure: 'Member forwarder role deleted',
    deployment: 'Organization',
    signals: [{ kind: 'member alarm', alarm: 'RuleFailedInvocations' }, { kind: 'member silence alarm' }],
  },
  {
    failure: 'Member dead-letter queue filling',
    deployment: 'Organization',
    signals: [{ kind: 'member alarm', alarm: 'DeadLetterQueueDepth' }],
  },
  {
    failure: 'Member heartbeat schedule or role deleted',
    deployment: 'Organization',
    signals: [{ kind: 'member silence alarm' }],
  },
  {
    failure: 'Central bus policy refuses a member (`PutPermission`, `RemovePermission`)',
    deployment: 'Organization',
    signals: [
      { kind: 'tamper alert', where: 'central', call: busCall('RemovePermission'), topic: 'health topic' },
      { kind: 'member alarm', alarm: 'RuleFailedInvocations' },
      { kind: 'member silence alarm' },
    ],
  },
  {
    failure: 'Central bus deleted (`DeleteEventBus`)',
    deployment: 'Organization',
    signals: [{ kind: 'tamper alert', where: 'central', call: busCall('DeleteEventBus'), topic: 'health topic' }, { kind: 'heartbeat alarm', where: 'central' }],
  },
  {
    failure: 'Central alert rule disabled or deleted',
    deployment: 'Organization',
    signals: [{ kind: 'tamper alert', where: 'central', call: ruleCall('central', '-alerts', 'DisableRule'), topic: 'health topic' }],
  },
  {
    failure: 'Central alert target removed (`RemoveTargets`)',
    deployment: 'Organization',
    signals: [{ kind: 'tamper alert', where: 'central', call: ruleCall('central', '-alerts', 'RemoveTargets', 'rule'), topic: 'health topic' }],
  },
  {
    failure: 'Central alert topic deleted',
    deployment: 'Organization',
    signals: [
      { kind: 'tamper alert', where: 'central', call: topicCall('central', CENTRAL_TOPIC, 'DeleteTopic'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'central', alarm: 'DeliveryAlarmsDeadLetterQueueDepth', topic: 'health topic' },
    ],
  },
  {
    failure: 'Central email subscription removed (`Unsubscribe`)',
    deployment: 'Organization',
    signals: [{ kind: 'tamper alert', where: 'central', call: topicCall('central', CENTRAL_TOPIC, 'Unsubscribe'), topic: 'health topic' }],
  },
  {
    failure: 'Central alert topic key disabled or scheduled for deletion',
    deployment: 'Organization',
    signals: [
      { kind: 'tamper alert', where: 'central', call: keyCall('central', CENTRAL_TOPIC_KEY, 'ScheduleKeyDeletion'), topic: 'health topic' },
      { kind: 'delivery alarm', where: 'central', alarm: 'DeliveryAlarmsDeadLetterQueueDepth', topic: 'health topic' },
    ],
  },
  {
    failure: 'Central heartbeat rule disabled or deleted',
    deployment: 'Organization',
    signals: [
      { kind: 'tamper alert', where: 'central', call: ruleCall('central', '-heartbeat', 'DeleteRule'), topic: 'alert topic' },
      { kind: 'heartbeat alarm', where: 'central' },
    ],
  },
  {
    failure: 'Central health topic deleted',
    deployment: 'Organization',
    signals: [{ kind: 'tamper alert', where: 'central', call: topicCall('central', CENTRAL_HEALTH_TOPIC, 'DeleteTopic'), topic: 'alert topic' }],
  },
];

// ---------------------------------------------------------------------------------------------
// Checking a signal on the deployed templates.

const ATTACKER = `arn:aws:iam::${SINGLE_ACCOUNT}:user/mallory`;

function deployed(world: World, where: Where): DeployedTemplate {
  return world[where];
}

function accountOf(where: Where): string {
  return where === 'member' ? MEMBER_ACCOUNT : where === 'central' ? CENTRAL_ACCOUNT : SINGLE_ACCOUNT;
}

/** The logical id of the rule or alarm whose Name ends with `suffix`, or of the resource whose logical id starts with it. */
export function logicalIdOf(d: DeployedTemplate, suffix: string): string {
  const byName = Object.entries<any>(d.resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule' && typeof r.Properties?.Name === 'string' && r.Properties.Name.endsWith(suffix));
  if (byName.length === 1) return byName[0][0];
  const byAlarmName = Object.entries<any>(d.resources).filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm'
    && ((typeof r.Properties?.AlarmName === 'string' && r.Properties.AlarmName.endsWith(suffix)) || id.includes(suffix)));
  if (byAlarmName.length === 1) return byAlarmName[0][0];
  const byId = Object.keys(d.resources).filter(id => id.startsWith(suffix) && /^[0-9A-F]{8}$/.test(id.slice(suffix.length)));
  if (byId.length === 1) return byId[0];
  throw new Error(`no single resource named '*${suffix}' (or with logical id ${suffix}<hash>) in the template`);
}

function valueOf(world: World, v: DeployedValue): unknown {
  const d = deployed(world, v.resource.where);
  const id = logicalIdOf(d, v.resource.suffix);
  const r = d.resources[id];
  switch (v.as) {
    case 'name': return r.Properties.Name ?? r.Properties.TrailName ?? d.resolve({ Ref: id });
    case 'arn': return d.resolve(r.Type === 'AWS::SNS::Topic' ? { Ref: id } : { 'Fn::GetAtt': [id, 'Arn'] });
    case 'id': return d.resolve({ Ref: id });
    case 'subscription': return `${d.resolve({ Ref: id })}:6a1e0d7e-0000-4000-8000-000000000001`;
  }
}

function fill(world: World, given: unknown): unknown {
  if (Array.isArray(given)) return given.map(v => fill(world, v));
  if (given !== null && typeof given === 'object') {
    if ('resource' in given && 'as' in given) return valueOf(world, given as DeployedValue);
    return Object.fromEntries(Object.entries(given).map(([k, v]) => [k, fill(world, v)]));
  }
  return given;
}

/** The EventBridge event CloudTrail delivers for the call, made by a user in `account`. */
export function cloudTrailEvent(world: World, call: ApiCall, account: string): Record<string, unknown> {
  const service = call.source.replace(/^aws\./, '');
  return {
    'version': '0',
    'id': '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': call.source,
    'account': account,
    'time': '2026-12-01T12:00:00Z',
    'region': REGION,
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: ATTACKER.replace(SINGLE_ACCOUNT, account), accountId: account, userName: 'mallory' },
      eventTime: '2026-12-01T12:00:00Z',
      eventSource: `${service}.amazonaws.com`,
      eventName: call.eventName,
      awsRegion: REGION,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.17.0',
      requestParameters: fill(world, call.requestParameters),
      responseElements: null,
      ...(call.resources ? { resources: fill(world, call.resources) } : {}),
      eventID: '0b6c7f5e-8a1d-4c3e-9e2f-0a1b2c3d4e5f',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: account,
      eventCategory: 'Management',
    },
  };
}

/** The rules of a deployment (existing in its account and region) on the given bus whose pattern matches the event. */
export function matchingRules(d: DeployedTemplate, event: unknown, busName?: string): Array<{ id: string; rule: any }> {
  return d.ofType('AWS::Events::Rule')
    .filter(([id]) => d.exists(id))
    .filter(([, r]) => (busName === undefined ? r.Properties.EventBusName === undefined : d.resolve(r.Properties.EventBusName) === busName))
    .filter(([, r]) => EventPatternMatcher.fromJson(JSON.stringify(d.resolve(r.Properties.EventPattern))).matchesEvent(event))
    .map(([id, rule]) => ({ id, rule }));
}

function topicArn(world: World, where: 'single' | 'central', topic: Topic): string {
  const d = deployed(world, where);
  const prefix = where === 'single' ? 'IamAlerts' : 'OrgAlerts';
  return d.resolve({ Ref: logicalIdOf(d, `${prefix}${topic === 'health topic' ? 'HealthTopic' : 'Topic'}`) });
}

function targetArns(d: DeployedTemplate, rule: any): string[] {
  return rule.Properties.Targets.map((t: any) => d.resolve(t.Arn));
}

/** Checks that the signal fires; returns nothing, throws with the reason when it would not. */
export function checkSignal(world: World, signal: Signal): void {
  switch (signal.kind) {
    case 'tamper alert': {
      const d = deployed(world, signal.where);
      const event = cloudTrailEvent(world, signal.call, accountOf(signal.where));
      const rules = matchingRules(d, event);
      const expected = topicArn(world, signal.where as 'single' | 'central', signal.topic);
      const delivering = rules.filter(({ rule }) => targetArns(d, rule).includes(expected));
      if (delivering.length === 0) {
        throw new Error(`no rule on the default bus of ${signal.where} matches ${signal.call.eventName} and publishes to the ${signal.topic} `
          + `(matching rules: ${rules.map(r => r.id).join(', ') || 'none'})`);
      }
      for (const { rule } of delivering) {
        const template = JSON.stringify(rule.Properties.Targets[0].InputTransformer ?? {});
        if (!template.includes('$.detail.userIdentity.arn')) throw new Error('the tamper alert does not name who made the call');
      }
      return;
    }
    case 'forwarded tamper alert': {
      const event = cloudTrailEvent(world, signal.call, MEMBER_ACCOUNT);
      forwardedToCentralHealthTopic(world, event);
      return;
    }
    case 'member alarm': {
      const m = world.member;
      const alarmId = logicalIdOf(m, signal.alarm);
      const alarm = m.resources[alarmId].Properties;
      const actions = m.resolve(alarm.AlarmActions) as string[];
      if (!actions.some(a => a.startsWith(`arn:aws:ssm:${REGION}:${MEMBER_ACCOUNT}:opsitem:`))) {
        throw new Error(`member alarm ${alarm.AlarmName} opens no OpsItem in the member account`);
      }
      const stateChange = {
        'version': '0',
        'id': 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
        'detail-type': 'CloudWatch Alarm State Change',
        'source': 'aws.cloudwatch',
        'account': MEMBER_ACCOUNT,
        'time': '2026-12-01T12:00:00Z',
        'region': REGION,
        'resources': [`arn:aws:cloudwatch:${REGION}:${MEMBER_ACCOUNT}:alarm:${alarm.AlarmName}`],
        'detail': {
          alarmName: alarm.AlarmName,
          state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2026-12-01T12:00:00.000+0000' },
          previousState: { value: 'OK', reason: '', timestamp: '2026-12-01T11:00:00.000+0000' },
          configuration: { description: alarm.AlarmDescription, metrics: [] },
        },
      };
      forwardedToCentralHealthTopic(world, stateChange);
      return;
    }
    case 'heartbeat alarm': {
      const d = deployed(world, signal.where);
      const rule = logicalIdOf(d, '-heartbeat');
      const heartbeatName = d.resources[rule].Properties.Name;
      const alarms = d.ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.MetricName === 'Invocations'
        && (d.resolve(a.Properties.Dimensions) as any[]).some(dim => dim.Name === 'RuleName' && dim.Value === heartbeatName));
      if (alarms.length !== 1) throw new Error(`expected one alarm on the heartbeat rule's Invocations, found ${alarms.length}`);
      const a = alarms[0][1].Properties;
      if (a.TreatMissingData !== 'breaching' || a.ComparisonOperator !== 'LessThanThreshold' || a.Threshold !== 1) {
        throw new Error('the heartbeat alarm does not go off on silence');
      }
      if (signal.where === 'central' && !(d.resolve(a.Dimensions) as any[]).some(dim => dim.Name === 'EventBusName' && dim.Value === BUS_NAME)) {
        throw new Error('the central heartbeat alarm lacks the EventBusName dimension of a custom-bus rule');
      }
      expectActions(d, a.AlarmActions, topicArn(world, signal.where, 'health topic'));
      if (signal.where === 'single') {
        // The heartbeat the schedule makes is what the rule counts.
        const event = heartbeatEvent(SINGLE_ACCOUNT);
        if (!matchingRules(d, event).some(r => r.id === rule)) throw new Error('the heartbeat rule does not match the heartbeat event');
        expectSchedule(d);
      }
      return;
    }
    case 'member silence alarm': {
      // The member makes heartbeats, its health rule forwards them, the central rule counts them per account.
      expectSchedule(world.member);
      const event = heartbeatEvent(MEMBER_ACCOUNT);
      const health = logicalIdOf(world.member, '-health');
      if (!matchingRules(world.member, event).some(r => r.id === health)) throw new Error('the member health rule does not forward the heartbeat');
      const c = world.central;
      const heartbeatRule = logicalIdOf(c, '-heartbeat');
      if (!matchingRules(c, event, BUS_NAME).some(r => r.id === heartbeatRule)) throw new Error('the central heartbeat rule does not match member heartbeats');
      const filters = c.ofType('AWS::Logs::MetricFilter').filter(([, f]) => {
        const digits = /%\^\[(\d+)\]%/.exec(f.Properties.FilterPattern)?.[1] ?? '';
        return digits.includes(MEMBER_ACCOUNT[0]);
      });
      if (filters.length !== 1) throw new Error(`expected one metric filter for accounts starting ${MEMBER_ACCOUNT[0]}, found ${filters.length}`);
      const metric = filters[0][1].Properties.MetricTransformations[0];
      if (JSON.stringify(metric.Dimensions) !== JSON.stringify([{ Key: 'Account', Value: '$.account' }, { Key: 'Region', Value: '$.region' }])) {
        throw new Error('the heartbeat metric is not counted by Account and Region');
      }
      const alarms = c.ofType('AWS::CloudWatch::Alarm').filter(([, a]) => (a.Properties.Metrics ?? [])
        .some((m: any) => typeof m.Expression === 'string' && m.Expression.includes(`SUM(${metric.MetricName})`) && m.Expression.includes('GROUP BY Account, Region')));
      if (alarms.length !== 1) throw new Error(`expected one per-account alarm on ${metric.MetricName}, found ${alarms.length}`);
      const a = alarms[0][1].Properties;
      if (a.TreatMissingData !== 'breaching' || a.ComparisonOperator !== 'LessThanThreshold') throw new Error('the per-account alarm does not go off on silence');
      expectActions(c, a.AlarmActions, topicArn(world, 'central', 'health topic'));
      return;
    }
    case 'delivery alarm': {
      const d = deployed(world, signal.where);
      const prefix = signal.where === 'single' ? 'IamAlerts' : 'OrgAlerts';
      const id = logicalIdOf(d, `${prefix}${signal.alarm}`);
      expectActions(d, d.resources[id].Properties.AlarmActions, topicArn(world, signal.where, signal.topic));
      return;
    }
  }
}

function heartbeatEvent(account: string): Record<string, unknown> {
  const role = 'cdk-iam-change-alerts-heartbeat';
  return {
    'version': '0',
    'id': '1',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    'account': account,
    'time': '2026-12-01T12:00:00Z',
    'region': REGION,
    'resources': [],
    'detail': {
      eventSource: 'iam.amazonaws.com',
      eventName: 'TagRole',
      awsRegion: REGION,
      userIdentity: {
        type: 'AssumedRole',
        arn: `arn:aws:sts::${account}:assumed-role/${role}/a1b2`,
        sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/${role}`, userName: role } },
      },
      requestParameters: { roleName: role, tags: [{ key: 'cdk-iam-change-alerts:heartbeat', value: 'alive' }] },
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
    },
  };
}

function expectSchedule(d: DeployedTemplate): void {
  const schedules = d.ofType('AWS::Scheduler::Schedule').filter(([id]) => d.exists(id));
  if (schedules.length !== 1) throw new Error(`expected one heartbeat schedule, found ${schedules.length}`);
  const target = d.resolve(schedules[0][1].Properties.Target);
  const input = JSON.parse(target.Input);
  if (target.Arn !== 'arn:aws:scheduler:::aws-sdk:iam:tagRole' || input.RoleName !== 'cdk-iam-change-alerts-heartbeat') {
    throw new Error('the schedule does not make the heartbeat call');
  }
}

function expectActions(d: DeployedTemplate, actions: unknown, expected: string): void {
  const resolved = d.resolve(actions) as string[];
  if (!resolved.includes(expected)) throw new Error(`the alarm notifies ${resolved.join(', ')}, not ${expected}`);
}

/** The member's health rule forwards the event to the central bus, where a rule publishes it to the health topic. */
function forwardedToCentralHealthTopic(world: World, event: Record<string, unknown>): void {
  const m = world.member;
  const forwarding = matchingRules(m, event).filter(({ rule }) => targetArns(m, rule).includes(`arn:aws:events:${REGION}:${CENTRAL_ACCOUNT}:event-bus/${BUS_NAME}`));
  if (forwarding.length !== 1) throw new Error(`expected the member's health rule alone to forward the event, found ${forwarding.length}`);
  const c = world.central;
  const policy = c.resolve(c.ofType('AWS::Events::EventBus')[0][1].Properties.Policy);
  const accepted = policy.Statement[0].Condition['ForAllValues:StringEquals'];
  if (!accepted['events:source'].includes(event.source) || !accepted['events:detail-type'].includes(event['detail-type'])) {
    throw new Error(`the central bus policy refuses ${event.source} / ${event['detail-type']}`);
  }
  const expected = topicArn(world, 'central', 'health topic');
  const alerting = matchingRules(c, event, BUS_NAME).filter(({ rule }) => targetArns(c, rule).includes(expected));
  if (alerting.length !== 1) throw new Error(`expected one central rule to publish the forwarded event to the health topic, found ${alerting.length}`);
  const template = JSON.stringify(alerting[0].rule.Properties.Targets[0].InputTransformer);
  if (!template.includes('$.account') || !(template.includes('$.region') || template.includes('$.detail.awsRegion'))) {
    throw new Error('the central alert does not name the member account and region');
  }
}

// ---------------------------------------------------------------------------------------------
// The README table.

const WHERE_TEXT: Record<Where, string> = {
  single: 'this account, us-east-1',
  central: 'central account, its region',
  member: 'member account, forwarder region',
};

export function describeSignal(signal: Signal): string {
  switch (signal.kind) {
    case 'tamper alert':
      return `tamper alert on \`${signal.call.eventName}\` naming the caller (${WHERE_TEXT[signal.where]}) → ${signal.topic}`;
    case 'forwarded tamper alert':
      return `tamper alert on \`${signal.call.eventName}\` naming the caller and member account (recorded in the member region, forwarded) → central health topic`;
    case 'heartbeat alarm':
      return signal.where === 'single'
        ? 'heartbeat alarm: no heartbeat for 3 intervals (this account, us-east-1) → health topic'
        : 'heartbeat alarm: no member heartbeat at all (central account) → health topic';
    case 'member silence alarm':
      return 'per-account heartbeat alarm naming the member account and region (central account) → health topic';
    case 'delivery alarm':
      return `delivery alarm \`${signal.alarm.replace(/^DeliveryAlarms/, '')}\` (${WHERE_TEXT[signal.where]}) → ${signal.topic}`;
    case 'member alarm':
      return `member alarm \`${signal.alarm}\`: OpsItem in the member account; state change forwarded → central health topic`;
  }
}

/** The matrix as a Markdown table, as the README prints it. */
export function renderMatrix(modes: FailureMode[] = FAILURE_MODES): string {
  const lines = ['| What breaks | Deployment | What tells you (where) → through |', '|---|---|---|'];
  for (const mode of modes) {
    lines.push(`| ${mode.failure} | ${mode.deployment} | ${mode.signals.map(describeSignal).join('<br>')} |`);
  }
  return lines.join('\n');
}
