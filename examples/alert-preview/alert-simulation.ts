import { patterns } from 'cdk-iam-change-alerts';
import { SampleEvent } from './sample-events';
import { RuleTarget, SynthesizedApp, SynthesizedRule } from './synthesized-rules';

/** The exact text one target of a rule receives for one event. */
export interface Delivery {
  readonly rule: SynthesizedRule;
  readonly target: RuleTarget;
  readonly event: SampleEvent;
  /** The text EventBridge sends (for an SNS topic, the message, and so the body of the email). */
  readonly text: string;
}

/** What one rule does with the sample events. */
export interface RuleOutcome {
  readonly rule: SynthesizedRule;
  /** Why the rule cannot be previewed (a pattern EventBridge rejects or that holds CloudFormation values). */
  readonly problem?: string;
  /** How many events (or forwarded copies) its pattern matches. */
  matched: number;
  /** Matched events EventBridge does not deliver to it, by reason. */
  readonly notDelivered: Map<string, number>;
  /** The events delivered to it (an event forwarded twice to its bus, twice). */
  readonly delivered: SampleEvent[];
  /** What its targets receive, for the events it is delivered, except forwarded events. */
  readonly deliveries: Delivery[];
}

/** The outcome of a whole app. */
export interface AppOutcome {
  readonly outcomes: RuleOutcome[];
  /** For each custom bus, how many events reach it, counting every copy. */
  readonly arrivals: Map<string, number>;
  /** For each custom bus, how many events reach it more than once (forwarded by several rules). */
  readonly repeatedOnBus: Map<string, number>;
}

const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/**
 * Runs sample events through the rules of a synthesized app as EventBridge would deliver them: each
 * event is put on the default bus, where a rule sees it if the rule exists in the event's region,
 * is enabled, and, for a read-only call, is in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
 * A target that is one of the app's custom buses (a member account's forwarder) puts a copy on that
 * bus for the rules there; a custom bus that no rule of the app forwards to (its senders are
 * deployed elsewhere) receives every sample event once. Matching is the library's engine
 * (`EventPatternMatcher`), messages its renderer (`InputTransformerRenderer`).
 */
export function simulate(app: SynthesizedApp, events: SampleEvent[]): AppOutcome {
  const outcomes = app.rules.map((rule): RuleOutcome => ({ rule, matched: 0, notDelivered: new Map(), delivered: [], deliveries: [] }));
  const matchers = new Map<RuleOutcome, patterns.EventPatternMatcher>();
  for (const outcome of outcomes) {
    try {
      if (outcome.rule.patternJson === undefined) throw new Error('its event pattern holds CloudFormation values');
      matchers.set(outcome, patterns.EventPatternMatcher.fromJson(outcome.rule.patternJson));
    } catch (e) {
      (outcome as { problem?: string }).problem = (e as Error).message;
    }
  }

  const inbox = new Map<string, SampleEvent[]>();
  const offer = (outcome: RuleOutcome, event: SampleEvent, gated: boolean) => {
    const matcher = matchers.get(outcome);
    if (!matcher || !matcher.matches(event.json)) return;
    outcome.matched++;
    const reason = gated ? notDeliveredBecause(outcome.rule, event) : outcome.rule.state === 'DISABLED' ? 'the rule is disabled' : undefined;
    if (reason) {
      outcome.notDelivered.set(reason, (outcome.notDelivered.get(reason) ?? 0) + 1);
      return;
    }
    outcome.delivered.push(event);
    for (const target of outcome.rule.targets) {
      if (target.forwardsToBus) {
        inbox.set(target.forwardsToBus, [...inbox.get(target.forwardsToBus) ?? [], event]);
      }
      const text = render(outcome.rule, target, event);
      if (text !== undefined) outcome.deliveries.push({ rule: outcome.rule, target, event, text });
    }
  };

  // Rules in the order events reach them: the default bus first, then the buses it forwards to.
  outcomes.sort((a, b) => Number(a.rule.eventBus !== undefined) - Number(b.rule.eventBus !== undefined));
  const onDefaultBus = outcomes.filter((o) => o.rule.eventBus === undefined);
  for (const event of events) {
    for (const outcome of onDefaultBus) offer(outcome, event, true);
  }
  const arrivals = new Map<string, number>();
  const repeatedOnBus = new Map<string, number>();
  for (const bus of new Set(outcomes.map((o) => o.rule.eventBus).filter((b): b is string => b !== undefined))) {
    const arriving = inbox.get(bus) ?? (app.rules.some((r) => r.targets.some((t) => t.forwardsToBus === bus)) ? [] : events);
    const copies = new Map<string, number>();
    arriving.forEach((e) => copies.set(e.id, (copies.get(e.id) ?? 0) + 1));
    arrivals.set(bus, arriving.length);
    repeatedOnBus.set(bus, [...copies.values()].filter((n) => n > 1).length);
    for (const event of arriving) {
      for (const outcome of outcomes.filter((o) => o.rule.eventBus === bus)) offer(outcome, event, false);
    }
  }
  return { outcomes, arrivals, repeatedOnBus };
}

function notDeliveredBecause(rule: SynthesizedRule, event: SampleEvent): string | undefined {
  if (rule.state === 'DISABLED') return 'the rule is disabled';
  if (rule.regions && !rule.regions.includes(event.event.region)) {
    return `recorded in a region where the rule does not exist (it is in ${rule.regions.join(', ')})`;
  }
  if (event.event.detail?.readOnly === true && rule.state !== ALL_MANAGEMENT_EVENTS) {
    return `read-only calls, which reach a rule only in state ${ALL_MANAGEMENT_EVENTS}`;
  }
  return undefined;
}

/** The text a target receives, or undefined for a forwarding target (it receives the event itself). */
function render(rule: SynthesizedRule, target: RuleTarget, event: SampleEvent): string | undefined {
  if (target.forwardsToBus || target.unrenderable) return undefined;
  // CloudFormation names a rule without a Name at deployment: its logical id stands in for it.
  const context = { ruleName: rule.name ?? rule.logicalId };
  const transformer = target.inputTransformer ?? { inputTemplate: '<aws.events.event.json>' };
  return patterns.InputTransformerRenderer.render(transformer, event.json, context);
}
