import { Fn, Names, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { tamperMessage } from './health-message';
import { AlertDeliveryAlarms } from '../../alerting/alert-delivery-alarms';
import { AlertMessage } from '../../alerting/alert-message';
import { addPathTargets, NotificationPath, notifyChatTwinOnAlarm } from '../../alerting/private/alert-destinations';
import { tamperChatAlert } from '../../alerting/private/chat-notification';
import { EventPatternMatcher } from '../../patterns/engine/event-pattern-matcher';
import { DEFAULT_MAX_PATTERN_LENGTH as MAX_PATTERN_LENGTH } from '../../patterns/engine/pattern-check';
import { invalidInput } from '../../private/invalid-input';

/**
 * Tamper alerts: the CloudTrail records of calls that switch the pipeline off or blind it,
 * limited to the resources this library deployed or was given (CIS 4.5 for CloudTrail, 4.7 for
 * KMS, and the same idea for the rules, topics and bus). The calls are recorded in the region of
 * the resource, before they take effect, so a rule there sees them.
 */

/** The resources whose changes are alerted on, each as CloudTrail names it in `requestParameters`. */
export interface WatchedResources {
  /** Trail names and ARNs (the CloudTrail API takes either). */
  readonly trails?: string[];
  /** Literal prefixes of rule names (the pipeline names its rules with one). */
  readonly ruleNamePrefixes?: string[];
  /** Exact rule names. */
  readonly ruleNames?: string[];
  /** Topic ARNs. */
  readonly topicArns?: string[];
  /** KMS keys, by ARN (CloudTrail lists it among the resources of every key call). */
  readonly keys?: Array<{ readonly keyArn: string }>;
  /** Custom event bus names. */
  readonly eventBusNames?: string[];
}

const API_CALL = 'AWS API Call via CloudTrail';

/** Longest values, for the deployed length of a pattern whose values are known only at deployment. */
const ARN_HEAD = 'arn:aws-iso-b::us-isob-east-1:123456789012:'.length;
const LONGEST: Record<keyof WatchedResources, number> = {
  trails: ARN_HEAD + 'cloudtrail'.length + 'trail/'.length + 128,
  ruleNamePrefixes: 64,
  ruleNames: 64,
  topicArns: ARN_HEAD + 'sns'.length + 256,
  keys: ARN_HEAD + 'kms'.length + 'key/'.length + 36,
  eventBusNames: 256,
};

/** One kind of watched resource: the calls that switch it off, as `$or` branches inside `detail`. */
interface TamperGroup {
  /** What it watches, in rule names: `trail`, `rules`, `topics`, `keys`. */
  readonly kind: string;
  readonly source: string;
  readonly eventSource: string;
  readonly branches: Record<string, unknown>[];
}

function groupsOf(watched: WatchedResources): TamperGroup[] {
  const groups: TamperGroup[] = [];
  const trails = watched.trails ?? [];
  if (trails.length > 0) {
    groups.push({
      kind: 'trail',
      source: 'aws.cloudtrail',
      eventSource: 'cloudtrail.amazonaws.com',
      branches: [
        { eventName: ['StopLogging', 'DeleteTrail', 'UpdateTrail'], requestParameters: { name: trails } },
        { eventName: ['PutEventSelectors'], requestParameters: { trailName: trails } },
      ],
    });
  }
  const rules: unknown[] = [...(watched.ruleNamePrefixes ?? []).map(prefix => ({ prefix })), ...(watched.ruleNames ?? [])];
  const buses = watched.eventBusNames ?? [];
  const eventsBranches: Record<string, unknown>[] = [];
  if (rules.length > 0) {
    eventsBranches.push({ eventName: ['DisableRule', 'DeleteRule', 'PutRule'], requestParameters: { name: rules } });
    eventsBranches.push({ eventName: ['RemoveTargets', 'PutTargets'], requestParameters: { rule: rules } });
  }
  if (buses.length > 0) {
    eventsBranches.push({ eventName: ['PutPermission', 'RemovePermission'], requestParameters: { eventBusName: buses } });
    eventsBranches.push({ eventName: ['DeleteEventBus', 'UpdateEventBus'], requestParameters: { name: buses } });
  }
  if (eventsBranches.length > 0) groups.push({ kind: 'rules', source: 'aws.events', eventSource: 'events.amazonaws.com', branches: eventsBranches });
  const topics = watched.topicArns ?? [];
  if (topics.length > 0) {
    groups.push({
      kind: 'topics',
      source: 'aws.sns',
      eventSource: 'sns.amazonaws.com',
      branches: [
        { eventName: ['DeleteTopic', 'SetTopicAttributes', 'RemovePermission'], requestParameters: { topicArn: topics } },
        // Unsubscribe names only the subscription, whose ARN is the topic's followed by ":<id>".
        { eventName: ['Unsubscribe'], requestParameters: { subscriptionArn: topics.map(topic => ({ prefix: Token.isUnresolved(topic) ? Fn.join('', [topic, ':']) : `${topic}:` })) } },
      ],
    });
  }
  const keys = watched.keys ?? [];
  if (keys.length > 0) {
    groups.push({
      kind: 'keys',
      source: 'aws.kms',
      eventSource: 'kms.amazonaws.com',
      branches: [
        // requestParameters.keyId is whatever the caller gave (an id, an ARN or an alias); CloudTrail
        // lists the key's ARN among the record's resources for each of these calls:
        // https://docs.aws.amazon.com/kms/latest/developerguide/ct-disablekey.html
        // https://docs.aws.amazon.com/kms/latest/developerguide/ct-schedule-key-deletion.html
        // https://docs.aws.amazon.com/kms/latest/developerguide/ct-put-key-policy.html
        { eventName: ['DisableKey', 'ScheduleKeyDeletion', 'PutKeyPolicy'], resources: { ARN: keys.map(k => k.keyArn) } },
      ],
    });
  }
  return groups;
}

function patternOf(group: TamperGroup): Record<string, unknown> {
  return {
    'source': [group.source],
    'detail-type': [API_CALL],
    'detail': { eventSource: [group.eventSource], ...(group.branches.length === 1 ? group.branches[0] : { $or: group.branches }) },
  };
}

/** The watched resources with every value known only at deployment replaced by the longest it can be. */
function longest(watched: WatchedResources): WatchedResources {
  const pad = (kind: keyof WatchedResources) => (v: string) => (Token.isUnresolved(v) ? 'x'.repeat(LONGEST[kind]) : v);
  return {
    trails: watched.trails?.map(pad('trails')),
    ruleNamePrefixes: watched.ruleNamePrefixes,
    ruleNames: watched.ruleNames?.map(pad('ruleNames')),
    topicArns: watched.topicArns?.map(pad('topicArns')),
    keys: watched.keys?.map(k => ({ keyArn: pad('keys')(k.keyArn) })),
    eventBusNames: watched.eventBusNames?.map(pad('eventBusNames')),
  };
}

/** A tamper pattern and the kind of resource it watches (`trail`, `rules`, `topics`, `keys`, or their `-` list). */
export interface TamperPattern {
  readonly kind: string;
  readonly pattern: Record<string, unknown>;
}

/**
 * The patterns that alert on tampering with the watched resources: one per kind of resource
 * (trail, rules and buses, topics, keys), or, with `together`, one `$or` of them all. Each is
 * checked with the library's engine and, with the longest values its resources can have once
 * deployed, against EventBridge's 2,048-character quota. A pattern that could exceed the quota is
 * split: `together` into one per kind, and a kind's resources into halves (`topics`, `topics-2`,
 * ...), until each fits; a single resource that cannot fit is an error.
 */
export function tamperPatterns(scope: IConstruct, watched: WatchedResources, together: boolean): TamperPattern[] {
  if (together) {
    const groups = groupsOf(watched);
    const whole = { kind: groups.map(g => g.kind).join('-'), pattern: anyOf(groups.map(patternOf)), worst: anyOf(groupsOf(longest(watched)).map(patternOf)) };
    if (fits(scope, whole.kind, whole.worst)) return [{ kind: whole.kind, pattern: whole.pattern }];
  }
  const patterns: TamperPattern[] = [];
  for (const kind of groupsOf(watched).map(g => g.kind)) {
    splitToFit(scope, ofKind(watched, kind)).forEach((part, index) => {
      const [group] = groupsOf(part);
      patterns.push({ kind: index === 0 ? kind : `${kind}-${index + 1}`, pattern: patternOf(group) });
    });
  }
  return patterns;
}

/** `watched` in pieces, each one kind, whose patterns fit once deployed. */
function splitToFit(scope: IConstruct, watched: WatchedResources): WatchedResources[] {
  const [worst] = groupsOf(longest(watched));
  if (fits(scope, worst.kind, patternOf(worst))) return [watched];
  const halves = halvesOf(watched);
  if (halves === undefined) fits(scope, worst.kind, patternOf(worst), true);
  return halves!.flatMap(half => splitToFit(scope, half));
}

/** Whether the longest form of a pattern fits EventBridge's quota; with `orThrow`, throws when it does not. Always throws on an invalid pattern. */
function fits(scope: IConstruct, kind: string, longestPattern: Record<string, unknown>, orThrow = false): boolean {
  const text = JSON.stringify(longestPattern);
  const check = EventPatternMatcher.check(text, { maxPatternLength: Number.MAX_SAFE_INTEGER });
  if (!check.valid) {
    throw invalidInput(scope, `the pipeline's own ${kind} tamper pattern is not one EventBridge accepts: ${check.errors.join(' ')}`,
      'report this as a bug of cdk-iam-change-alerts.');
  }
  if (text.length <= MAX_PATTERN_LENGTH) return true;
  if (!orThrow) return false;
  throw invalidInput(scope,
    `the pipeline's ${kind} tamper pattern could be ${text.length} characters once deployed, over EventBridge's quota of ${MAX_PATTERN_LENGTH}.`,
    'give the pipeline fewer resources of your own to watch (an existing topic with a shorter name), or report this as a bug.');
}

/** The resources of one kind of `watched`. */
function ofKind(watched: WatchedResources, kind: string): WatchedResources {
  switch (kind) {
    case 'trail': return { trails: watched.trails };
    case 'rules': return { ruleNamePrefixes: watched.ruleNamePrefixes, ruleNames: watched.ruleNames, eventBusNames: watched.eventBusNames };
    case 'topics': return { topicArns: watched.topicArns };
    default: return { keys: watched.keys };
  }
}

/** `watched` (one kind) with its longest list cut in two, or undefined when no list has two entries. */
function halvesOf(watched: WatchedResources): [WatchedResources, WatchedResources] | undefined {
  const lists = (Object.entries(watched) as Array<[keyof WatchedResources, unknown[] | undefined]>)
    .filter(([, list]) => list !== undefined && list.length > 1)
    .sort(([, a], [, b]) => b!.length - a!.length);
  if (lists.length === 0) return undefined;
  const [field, list] = lists[0];
  const middle = Math.ceil(list!.length / 2);
  return [{ ...watched, [field]: list!.slice(0, middle) }, { ...watched, [field]: list!.slice(middle) }];
}

function anyOf(patterns: Record<string, unknown>[]): Record<string, unknown> {
  return patterns.length === 1 ? patterns[0] : { $or: patterns };
}

/** Options of `TamperAlerts`. */
export interface TamperAlertsProps {
  /** Everything to watch; alerts go to the health topic. */
  readonly watched: WatchedResources;
  /**
   * The health path itself (its topic and key, the tamper rules): alerts on these go to the alert
   * topic, which does not depend on them.
   */
  readonly healthPath: WatchedResources;
  /** The literal prefix of the rules' names. */
  readonly namePrefix: string;
  /** The health topic and its chat twin. */
  readonly healthNotifications: NotificationPath;
  /** The alert topic and its chat twin. */
  readonly alertNotifications: NotificationPath;
  readonly deadLetterQueue: sqs.IQueue;
}

/**
 * Rules on this account's default bus that alert on tampering: one per kind of resource to the
 * health topic (the patterns of all kinds would not fit in one), and one for the health path to
 * the alert topic (a deleted health topic cannot report its own deletion), each topic with its chat
 * twin. Each rule's delivery alarms notify the other topic (and its chat twin).
 */
export class TamperAlerts extends Construct {
  public readonly rules: events.Rule[] = [];
  public readonly alarms: AlertDeliveryAlarms[] = [];

  constructor(scope: Construct, id: string, props: TamperAlertsProps) {
    super(scope, id);
    const watched = tamperPatterns(this, props.watched, false);
    // Trail and rule calls share a rule (their patterns are short); topics and keys get one each.
    const control = watched.filter(w => w.kind === 'trail' || w.kind === 'rules');
    const routes = [
      ...(control.length > 0 ? [{ kind: control.map(c => c.kind).join('-'), pattern: anyOf(control.map(c => c.pattern)) }] : []),
      ...watched.filter(w => w.kind !== 'trail' && w.kind !== 'rules'),
    ].map(w => ({ ...w, path: props.healthNotifications, other: props.alertNotifications, about: 'tampering with the IAM alert pipeline' }));
    const healthPath = tamperPatterns(this, props.healthPath, true);
    routes.push(...healthPath.map(w => ({
      kind: healthPath.length === 1 ? 'health' : `health-${w.kind}`,
      pattern: w.pattern,
      path: props.alertNotifications,
      other: props.healthNotifications,
      about: 'tampering with the alert pipeline\'s health notifications',
    })));
    for (const route of routes) {
      const rule = new events.Rule(this, `Rule-${route.kind}`, {
        ruleName: `${props.namePrefix}-tamper-${route.kind}`,
        description: `cdk-iam-change-alerts: alerts on ${route.about} (${route.kind})`,
        // Replaced on the L1 below: aws-cdk-lib's EventPattern type has no $or.
        eventPattern: { source: ['aws.events'] },
      });
      (rule.node.defaultChild as events.CfnRule).eventPattern = route.pattern;
      addPathTargets(rule, route.path, { text: AlertMessage.custom(tamperMessage()), chat: tamperChatAlert() }, {
        deadLetterQueue: props.deadLetterQueue,
      });
      this.rules.push(rule);
      const alarms = new AlertDeliveryAlarms(this, `DeliveryAlarms-${route.kind}`, {
        rule,
        alarmTopic: route.other.topic,
        subject: `alerts on ${route.about}`,
      });
      notifyChatTwinOnAlarm(alarms, route.other, alarms.alarms);
      this.alarms.push(alarms);
    }
  }
}

/** A literal prefix for the names of a construct's rules: unique in the app, at most `maxLength` characters. */
export function ruleNamePrefix(scope: IConstruct, maxLength = 40): string {
  return Names.uniqueResourceName(scope, { maxLength, separator: '-' });
}
