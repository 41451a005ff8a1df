import { Annotations, Aws, CfnCondition, Duration, Fn, ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CentralBusTarget } from './private/central-bus-target';
import { checkRegionList, forwardedSourcesAndDetailTypes, forwardingRegions, GLOBAL_SIGN_IN_REGIONS, regionsForPatterns } from './private/forwarded-events';
import { ForwarderHealth, ForwarderRegionGroup, HEALTH_DETAIL_TYPES, HEALTH_SOURCES } from './private/forwarder-health';
import { forwardingRulePattern } from './private/forwarding-pattern';
import { choosePatterns, toForwardedPattern } from './private/pattern-choice';
import { AlertDeadLetterQueue } from '../alerting/alert-dead-letter-queue';
import { PipelineHealth } from '../health/pipeline-health';
import { heartbeatOf, withoutHeartbeat } from '../health/private/heartbeat';
import { warnHealthOff } from '../health/private/pipeline-health-checks';
import { ruleNamePrefix } from '../health/private/tamper-alerts';
import { checkSamePartition, EventBusArnParts, parseEventBusArn } from '../identifiers/arns';
import { allGlobalEventsRegions, partitionOfRegion, supportsCrossRegionBusTargets } from '../identifiers/regions';
import { IamEventPattern } from '../patterns/iam-event-pattern';
import { invalidInput } from '../private/invalid-input';

/** Properties of an {@link IamEventForwarder}. */
export interface IamEventForwarderProps {
  /**
   * ARN of the central bus (`CrossAccountAlertBus.eventBusArn`), in this account or another,
   * in this region or another of the same partition.
   */
  readonly centralBusArn: string;

  /**
   * The events to forward; at least one pattern. Give the same patterns as the central
   * `CrossAccountAlertBus`: its bus policy accepts only their sources and detail-types.
   *
   * A region gets one rule for all the patterns relevant there, so that an event several
   * patterns match is forwarded once (see the class documentation).
   *
   * @default [IamEventPattern.changes()]
   */
  readonly patterns?: IamEventPattern[];

  /**
   * The regions in which console sign-in events are forwarded, when a pattern includes them.
   * Sign-ins through the global endpoint are recorded in us-east-1, us-east-2, eu-north-1 or
   * ap-southeast-2; add the regions of any regional sign-in endpoints your users use.
   *
   * @default - us-east-1, us-east-2, eu-north-1 and ap-southeast-2
   * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-aws-console-sign-in-events.html
   */
  readonly signInRegions?: string[];

  /**
   * How many times EventBridge retries putting an event on the central bus, 0 to 185.
   *
   * @default 185
   */
  readonly retryAttempts?: number;

  /**
   * How long EventBridge keeps retrying, 1 minute to 24 hours.
   *
   * @default Duration.hours(24)
   */
  readonly maxEventAge?: Duration;

  /**
   * Whether the forwarder reports its own health to the central bus: a heartbeat (in the region
   * IAM events arrive in), tamper alerts on its rules, and alarms on its failed deliveries, all
   * forwarded by a health rule in each region. Give the central `CrossAccountAlertBus` the same
   * setting: its bus policy accepts the health events only when its own health checks are on.
   *
   * @default PipelineHealth.monitor()
   */
  readonly pipelineHealth?: PipelineHealth;
}

/**
 * The member side of organization-wide IAM alerts: a rule on this account's default event bus
 * that forwards IAM events (and console sign-in events, when a pattern includes them) unchanged
 * to the central bus of a `CrossAccountAlertBus`.
 *
 * A region has one rule for all its patterns, so each event is forwarded at most once. IAM events
 * reach EventBridge only in us-east-1, sign-in events in several regions: `regionsFor` says where to
 * deploy. A bus in another account or region gets a role that may only `events:PutEvents` on it;
 * undeliverable events go to a dead-letter queue in this account.
 *
 * @example
 * declare const stack: Stack;
 * new IamEventForwarder(stack, 'Forward', {
 *   centralBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/org-iam-alerts',
 * });
 */
export class IamEventForwarder extends Construct {
  /**
   * The regions a forwarder must be deployed in for these patterns: us-east-1, plus the
   * sign-in regions when a pattern includes console sign-in events.
   *
   * @param patterns the patterns to forward
   * @param signInRegions regions that record console sign-in events
   * @default signInRegions us-east-1, us-east-2, eu-north-1 and ap-southeast-2
   */
  public static regionsFor(patterns: IamEventPattern[], signInRegions?: string[]): string[] {
    return regionsForPatterns(patterns.map(toForwardedPattern), signInRegions ?? GLOBAL_SIGN_IN_REGIONS);
  }

  /**
   * The forwarding rules: one in a stack with a known region; in an environment-agnostic stack,
   * one for the region IAM events arrive in and, for sign-in patterns, one for the other sign-in
   * regions, each existing only in its regions.
   */
  public readonly rules: events.Rule[];

  /** The queue, in this account, that keeps events that could not be put on the central bus. */
  public readonly deadLetterQueue: sqs.IQueue;

  /**
   * The role EventBridge assumes to put events on the central bus; undefined when the bus is
   * known to be in this account and region. Under a condition when that is unknown.
   */
  public readonly role?: iam.IRole;

  /**
   * The health rules, one per forwarding rule (empty with `PipelineHealth.off()`).
   */
  public readonly healthRules: events.Rule[];

  /**
   * Alarms on the forwarder's failed deliveries and its dead-letter queue. Each opens an OpsItem in this account;
   * their state changes are forwarded to the central bus, which alerts on them.
   */
  public readonly alarms: cloudwatch.Alarm[];

  private roleCondition?: CfnCondition;

  constructor(scope: Construct, id: string, props: IamEventForwarderProps) {
    super(scope, id);

    const stack = Stack.of(this);
    const health = (props.pipelineHealth ?? PipelineHealth.monitor())._settings(this);
    const patterns = choosePatterns(this, props)
      .map(p => (health ? withoutHeartbeat(this, p, stack.partition) : p))
      .map(toForwardedPattern);
    const bus = parseEventBusArn(this, 'centralBusArn', props.centralBusArn);
    const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
    const account = Token.isUnresolved(stack.account) ? undefined : stack.account;
    const partition = bus?.partition ?? (region ? partitionOfRegion(region) : undefined);

    if (bus && region) {
      checkSamePartition(this, 'centralBusArn', props.centralBusArn, bus.partition, partitionOfRegion(region),
        `this stack's region ${region}`, 'EventBridge cannot deliver across partitions');
    }

    const signInRegions = props.signInRegions ?? GLOBAL_SIGN_IN_REGIONS;
    checkRegionList(this, 'signInRegions', props.signInRegions ?? [], partition);
    const sameRegionOnly = partition !== undefined && !supportsCrossRegionBusTargets(partition);
    const neededRegions = partition === undefined
      ? regionsForPatterns(patterns, signInRegions)
      : forwardingRegions(patterns, signInRegions, partition);
    if (sameRegionOnly) {
      checkSameRegionPartition(this, props.centralBusArn, partition!, neededRegions[0], bus, region);
    }
    if (region && !neededRegions.includes(region)) {
      throw invalidInput(this,
        `this stack's region is ${region}, where none of the forwarded events arrive: IAM events reach EventBridge only in ${neededRegions[0]}` +
        (neededRegions.length > 1 ? `, and console sign-in events in ${neededRegions.join(', ')}.` : '.'),
        `deploy the forwarder in ${neededRegions.join(', ')} (IamEventForwarder.regionsFor tells the regions for your patterns).`);
    }

    const deadLetterQueue = new AlertDeadLetterQueue(this, 'DeadLetterQueue').queue;
    this.deadLetterQueue = deadLetterQueue;
    this.role = this.createRole(props.centralBusArn, bus, account, region);

    // With the partition unknown (a bus ARN passed as a parameter), the home region of IAM
    // events is any partition's: their names differ, so one condition serves them all.
    const homeRegions = partition === undefined ? allGlobalEventsRegions() : [neededRegions[0]];
    const signInEventRegions = [...new Set([...homeRegions, ...neededRegions])];
    // One rule per region (see forwarding-pattern.ts): the home regions forward every pattern, the
    // other sign-in regions only the sign-in patterns.
    const groups = [
      { id: 'Rule', conditionId: 'InIamEventRegion', regions: homeRegions, patterns },
      {
        id: 'SignInRule',
        conditionId: 'InSignInOnlyRegion',
        regions: signInEventRegions.filter(r => !homeRegions.includes(r)),
        patterns: patterns.filter(p => p.includesConsoleSignIn),
      },
    ];
    this.rules = [];
    const namePrefix = ruleNamePrefix(this);
    const target = (ruleCondition?: CfnCondition) => new CentralBusTarget({
      busArn: props.centralBusArn,
      role: this.role,
      deadLetterQueue,
      ruleCondition,
      retryAttempts: props.retryAttempts ?? 185,
      maxEventAge: props.maxEventAge ?? Duration.hours(24),
    });
    const built: ForwarderRegionGroup[] = [];
    for (const group of groups) {
      if (group.patterns.length === 0 || group.regions.length === 0) continue;
      if (region && !group.regions.includes(region)) continue;
      // Region unknown (a StackSet): the rule exists only in the regions of its group.
      const ruleCondition = region ? undefined : this.regionCondition(group.conditionId, group.regions);
      const forwarded = forwardingRulePattern(this, group.patterns);
      if (forwarded.coarseBecause) {
        Annotations.of(this).addWarningV2('cdk-iam-change-alerts:coarseForwardingPattern',
          `The forwarding rule ${group.id} cannot use the union of its patterns (${forwarded.coarseBecause}), so it forwards `
          + 'every event of their sources and detail-types: the central rules still alert only on their own patterns, '
          + 'but more events are put on the central bus (and archived). To forward only what the patterns match, give fewer or '
          + 'shorter patterns, with plain values rather than values known only at deployment.');
      }
      const rule = new events.Rule(this, group.id, {
        ruleName: `${namePrefix}-${group.id === 'Rule' ? 'forward' : 'forward-signin'}`,
        description: `Forwards to the central alert bus: ${forwarded.description}`.slice(0, 512),
        eventPattern: forwarded.eventPattern,
        targets: [target(ruleCondition)],
      });
      const cfnRule = rule.node.defaultChild as events.CfnRule;
      if (forwarded.includesReadOnlyEvents) {
        // Read-only calls reach a rule only in this state; aws-cdk-lib's Rule writes only ENABLED/DISABLED.
        cfnRule.state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
      }
      cfnRule.cfnOptions.condition = ruleCondition;
      this.rules.push(rule);
      built.push({ id: group.id, forwardingRule: rule, condition: ruleCondition, receivesIamEvents: group.id === 'Rule' });
    }

    this.healthRules = [];
    this.alarms = [];
    if (health) {
      const home = built.find(g => g.receivesIamEvents);
      if (home) {
        // One heartbeat per account: in the region IAM events arrive in.
        heartbeatOf(this, { interval: health.heartbeatInterval, condition: home.condition });
      }
      const checks = new ForwarderHealth(this, 'Health', { namePrefix, groups: built, deadLetterQueue, centralBusTarget: target });
      this.healthRules.push(...checks.rules);
      this.alarms.push(...checks.alarms);
    } else {
      warnHealthOff(this);
    }
    const sent = forwardedSourcesAndDetailTypes(this, patterns);
    this.node.addValidation({
      validate: () => checkCentralBusAccepts(this, props.centralBusArn, bus, {
        sources: [...sent.sources, ...(health ? HEALTH_SOURCES : [])],
        detailTypes: [...sent.detailTypes, ...(health ? HEALTH_DETAIL_TYPES : [])],
      }, health?.heartbeatInterval),
    });
    if (this.role && this.roleCondition) {
      for (const rule of [...this.rules, ...this.healthRules]) {
        (rule.node.defaultChild as events.CfnRule).addPropertyOverride('Targets.0.RoleArn',
          Fn.conditionIf(this.roleCondition.logicalId, this.role.roleArn, Aws.NO_VALUE));
      }
    }
  }

  private createRole(busArn: string, bus: EventBusArnParts | undefined, account?: string, region?: string): iam.IRole | undefined {
    const knownSame = bus && account && region && bus.account === account && bus.region === region;
    if (knownSame) return undefined;
    const knownDifferent = bus && ((account && bus.account !== account) || (region && bus.region !== region));

    const role = new iam.Role(this, 'Role', {
      description: 'Lets EventBridge put forwarded IAM events on the central alert bus',
      // Confused-deputy protection: only rules of this account may use the role. EventBridge sets
      // aws:SourceAccount (the rule's account) when it assumes a rule target's role:
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-conditions.html#conditions-table
      // https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
      }),
      inlinePolicies: {
        PutEventsOnCentralBus: new iam.PolicyDocument({
          statements: [new iam.PolicyStatement({
            effect: iam.Effect.ALLOW,
            actions: ['events:PutEvents'],
            resources: [busArn],
          })],
        }),
      },
    });
    if (!knownDifferent) {
      // Account or region unknown until deployment (a StackSet): the role exists only where the
      // bus is in another account or region.
      const busAccount = bus?.account ?? Fn.select(4, Fn.split(':', busArn));
      const busRegion = bus?.region ?? Fn.select(3, Fn.split(':', busArn));
      this.roleCondition = new CfnCondition(this, 'CentralBusElsewhere', {
        expression: Fn.conditionNot(Fn.conditionAnd(
          Fn.conditionEquals(Aws.ACCOUNT_ID, busAccount),
          Fn.conditionEquals(Aws.REGION, busRegion),
        )),
      });
      (role.node.defaultChild as iam.CfnRole).cfnOptions.condition = this.roleCondition;
    }
    return role;
  }

  private regionCondition(id: string, regions: string[]): CfnCondition {
    const equalities: ICfnConditionExpression[] = regions.map(r => Fn.conditionEquals(Aws.REGION, r));
    return new CfnCondition(this, id, { expression: anyOf(equalities) });
  }
}

/** What `CrossAccountAlertBus` exposes (internally) for this check; duck-typed to avoid an import cycle. */
interface CentralBusSettings {
  readonly eventBusArn: string;
  readonly _identity: { readonly account: string; readonly region: string; readonly name: string };
  readonly _accepted: { readonly sources: string[]; readonly detailTypes: string[] };
  readonly _heartbeatInterval?: Duration;
  readonly node: Construct['node'];
}

/**
 * When the central bus is defined in the same app, the events this forwarder sends must be ones
 * its policy accepts: EventBridge refuses the others at delivery, into the forwarder's
 * dead-letter queue, long after a deployment that looked fine.
 */
function checkCentralBusAccepts(
  forwarder: Construct, busArn: string, busParts: EventBusArnParts | undefined,
  sent: { sources: string[]; detailTypes: string[] }, heartbeatInterval: Duration | undefined,
): string[] {
  const bus = forwarder.node.root.node.findAll()
    .find((c): c is Construct & CentralBusSettings => '_accepted' in c && isSameBus(c as unknown as CentralBusSettings, busArn, busParts));
  if (bus === undefined) return [];
  const busInterval = bus._heartbeatInterval;
  const refusedSources = [...new Set(sent.sources)].filter(x => !bus._accepted.sources.includes(x));
  const refusedTypes = [...new Set(sent.detailTypes)].filter(x => !bus._accepted.detailTypes.includes(x));
  const fix = 'give the forwarder the same patterns and pipelineHealth as the CrossAccountAlertBus.';
  if (refusedSources.length > 0 || refusedTypes.length > 0) {
    return [invalidInput(forwarder,
      `the central bus ${bus.node.path} refuses events this forwarder sends (sources ${refusedSources.join(', ') || '-'}; `
      + `detail-types ${refusedTypes.join(', ') || '-'}): its policy accepts only its own patterns' sources and detail-types`
      + (heartbeatInterval && !busInterval ? ', and no health events since its pipelineHealth is off.' : '.'), fix).message];
  }
  if (!heartbeatInterval && busInterval) {
    return [invalidInput(forwarder,
      `pipelineHealth is off, but the central bus ${bus.node.path} monitors heartbeats: this account would never send one, so its silence would go unnoticed.`,
      fix).message];
  }
  if (heartbeatInterval && busInterval && heartbeatInterval.toSeconds() !== busInterval.toSeconds()) {
    return [invalidInput(forwarder,
      `the heartbeat interval is ${heartbeatInterval.toHumanString()}, but the central bus ${bus.node.path} expects one every `
      + `${busInterval.toHumanString()}: its per-account alarms would go off on a healthy account, or miss a silent one late.`,
      fix).message];
  }
  return [];
}

/** The bus is the one the ARN names: the same token, or a literal ARN (parsed) with its account, region and name. */
function isSameBus(bus: CentralBusSettings, busArn: string, parts: EventBusArnParts | undefined): boolean {
  if (bus.eventBusArn === busArn) return true;
  const identity = bus._identity;
  return parts !== undefined && identity.account === parts.account && identity.region === parts.region && identity.name === parts.busName;
}

function checkSameRegionPartition(
  scope: Construct, busArn: string, partition: string, eventRegion: string,
  bus: EventBusArnParts | undefined, region: string | undefined,
): void {
  if (bus && bus.region !== eventRegion) {
    throw invalidInput(scope,
      `centralBusArn '${busArn}' is in ${bus.region}, but in partition ${partition} event bus targets cannot be in another region ` +
      `and IAM events arrive only in ${eventRegion}.`,
      `put the central bus in ${eventRegion}.`);
  }
  if (region && region !== eventRegion) {
    throw invalidInput(scope,
      `this stack's region is ${region}, but in partition ${partition} IAM events arrive only in ${eventRegion} ` +
      'and event bus targets cannot be in another region.',
      `deploy the forwarder and the central bus in ${eventRegion}.`);
  }
}

/** Fn::Or of the conditions, nested where there are more than the 10 one Fn::Or takes. */
function anyOf(conditions: ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 1) return conditions[0];
  if (conditions.length <= 10) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < conditions.length; i += 10) groups.push(anyOf(conditions.slice(i, i + 10)));
  return anyOf(groups);
}
