import { TemplateValues, UnresolvedUse } from './cfn-values';
import { isJsonObject, JsonObject } from './cloudtrail-envelope';
import { addEventBusNames, RuleEvaluation, sameBus, TargetInputKind } from './private/rule-evaluation';
import { LoadedTemplate } from './template-files';
import { EventPatternSet } from '../patterns/engine/event-pattern-set';

/** An event to preview, with a label saying where it came from. */
export interface PreviewEvent {
  readonly event: JsonObject;
  readonly label: string;
  /** The rule that forwarded it to the bus it is offered on (`<template> <logical id>`), if forwarded. */
  readonly via?: string;
}


/** One target of a rule. */
export interface TargetSummary {
  readonly id: string;
  /** The target ARN, or the intrinsic that gives it (`Ref AlertTopic (AWS::SNS::Topic)`). */
  readonly destination: string;
  readonly input: TargetInputKind;
  /** Whether the target is an event bus: the event is forwarded unchanged, for rules there to match. */
  readonly eventBus: boolean;
  /** Why EventBridge would reject the target's input (its messages are then not rendered). */
  readonly problems: string[];
}

/** What one target receives for one event. */
export interface TargetMessage {
  readonly targetId: string;
  /** The exact text EventBridge sends to the target. */
  readonly text?: string;
  /** Why no text is shown. */
  readonly error?: string;
}

/** One event that matches a rule's pattern. */
export interface MatchPreview {
  readonly label: string;
  /** `CreateUser by arn:… at 2024-08-01T13:33:28Z` */
  readonly summary: string;
  /** Whether EventBridge would deliver it to the rule's targets (state, read-only events, region). */
  readonly delivered: boolean;
  /** Why it is not delivered. */
  readonly notDeliveredBecause?: string;
  /** The rule that forwarded it to this rule's bus, when it was forwarded. */
  readonly via?: string;
  readonly messages: TargetMessage[];
}

/** Whether the rule's `Condition` holds. */
export interface RuleCondition {
  readonly name: string;
  /** true, false, or undefined when it depends on values unknown offline. */
  readonly holds?: boolean;
  readonly dependsOn?: string;
  /** For a StackSet member rule whose condition depends on the region: the StackSet's regions where it holds. */
  readonly holdsIn?: string[];
}

/** The preview of one `AWS::Events::Rule`. */
export interface RulePreview {
  readonly template: string;
  readonly logicalId: string;
  /** The rule's `Name`, when the template sets one. */
  readonly ruleName?: string;
  readonly description?: string;
  /** `ENABLED`, `DISABLED` or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS` (ENABLED when the template leaves it out). */
  readonly state: string;
  /** `default`, or the custom bus (name, ARN or intrinsic). */
  readonly eventBus: string;
  /** The stack's region, when the cloud assembly names it. */
  readonly region?: string;
  /** The regions a StackSet member rule exists in (the StackSet's regions where its condition holds). */
  readonly regions?: string[];
  readonly condition?: RuleCondition;
  /**
   * The rules whose event-bus targets put events on this rule's bus (`<template> <logical id>`).
   * Empty when the rule receives the given events directly: on the default bus, or on a custom bus
   * no given rule forwards to (its senders are deployed elsewhere).
   */
  readonly receivesFrom: string[];
  /** The event pattern as evaluated, unresolved values written as `[unresolved: …]`. */
  readonly pattern?: string;
  /** Values of the pattern and targets that cannot be known offline. */
  readonly unresolved: UnresolvedUse[];
  /** What EventBridge would reject (invalid pattern, invalid input transformer). */
  readonly problems: string[];
  /** What to know when reading the result. */
  readonly notes: string[];
  readonly targets: TargetSummary[];
  readonly eventsChecked: number;
  readonly matched: number;
  readonly delivered: number;
  /** Delivered events by event name (or detail-type), most frequent first. */
  readonly deliveredByEventName: Record<string, number>;
  readonly matches: MatchPreview[];
}

/** Options for `previewRules`. */
export interface PreviewOptions {
  /** Values for intrinsics, by name (see `TemplateValueSources.given`). */
  readonly given?: ReadonlyMap<string, string>;
  /** Only rules whose logical id or name contains this text. */
  readonly ruleFilter?: string;
}


/**
 * Previews every `AWS::Events::Rule` of the templates against the events: which events match,
 * whether EventBridge delivers them, and the exact input each target receives (the engine's
 * matcher and input-transformer renderer). Rules on the default bus receive the events. A rule
 * whose target is a custom event bus of another given rule forwards what it is delivered there,
 * once per target: the rules on that bus receive those copies (so an event two forwarders deliver
 * reaches them twice, as in AWS). A custom bus no given rule forwards to receives the events.
 */
export function previewRules(templates: readonly LoadedTemplate[], events: readonly PreviewEvent[], options: PreviewOptions = {}): RulePreview[] {
  const evaluations: RuleEvaluation[] = [];
  for (const loaded of templates) {
    const given = new Map<string, unknown>(loaded.parameterValues);
    addEventBusNames(loaded.template, given);
    for (const [k, v] of options.given ?? []) given.set(k, v);
    const { template, account, region, stackName } = loaded;
    const sources = { template, account, region, stackName, given };
    const values = new TemplateValues(sources);
    for (const [logicalId, resource] of Object.entries(loaded.template.Resources as JsonObject)) {
      if (!isJsonObject(resource) || resource.Type !== 'AWS::Events::Rule') continue;
      const properties = isJsonObject(resource.Properties) ? resource.Properties : {};
      evaluations.push(new RuleEvaluation(loaded, sources, values, logicalId, resource, properties));
    }
  }
  const previews = routeEvents(evaluations, events, new RuleMatches(evaluations));
  return evaluations.map((evaluation) => previews.get(evaluation)!).filter((preview) => options.ruleFilter === undefined
    || preview.logicalId.includes(options.ruleFilter) || (preview.ruleName ?? '').includes(options.ruleFilter));
}

/**
 * Offers the events to each rule in the order EventBridge delivers them: first the rules that
 * receive the given events, then each rule on a bus once every rule forwarding to it is done.
 */
function routeEvents(evaluations: readonly RuleEvaluation[], events: readonly PreviewEvent[],
  matching: RuleMatches): Map<RuleEvaluation, RulePreview> {
  const feeders = new Map<RuleEvaluation, Array<{ rule: RuleEvaluation; targets: number }>>();
  for (const rule of evaluations) {
    const bus = rule.busAddress;
    if (bus === undefined) continue;
    const feeding = evaluations
      .map((other) => ({ rule: other, targets: other.eventBusTargets.filter((target) => sameBus(target, bus)).length }))
      .filter((f) => f.rule !== rule && f.targets > 0);
    if (feeding.length > 0) feeders.set(rule, feeding);
  }
  const done = new Map<RuleEvaluation, { preview: RulePreview; delivered: PreviewEvent[] }>();
  const offer = (rule: RuleEvaluation, loop: boolean) => {
    const feeding = feeders.get(rule);
    const input = feeding === undefined ? events : feeding.flatMap(({ rule: feeder, targets }) =>
      (done.get(feeder)?.delivered ?? []).flatMap((e) => Array<PreviewEvent>(targets).fill({ ...e, via: feeder.id })));
    done.set(rule, rule.run(input, feeding?.map((f) => f.rule.id) ?? [], loop, (event) => matching.matches(event, rule)));
  };
  let pending = [...evaluations];
  while (pending.length > 0) {
    const ready = pending.filter((rule) => (feeders.get(rule) ?? []).every((f) => done.has(f.rule)));
    // Rules that forward to each other in a loop: each is offered what the rules outside the loop forwarded.
    const next = ready.length > 0 ? ready : [pending[0]];
    next.forEach((rule) => offer(rule, ready.length === 0));
    pending = pending.filter((rule) => !done.has(rule));
  }
  return new Map([...done].map(([rule, result]) => [rule, result.preview]));
}

/**
 * Which rules each event matches: the rules' patterns as one `EventPatternSet`, asked once per
 * event for all rules, however many rules (or forwarded copies) the event is offered to.
 */
class RuleMatches {
  private readonly set = new EventPatternSet();
  private readonly names = new Map<RuleEvaluation, string>();
  private readonly answers = new WeakMap<JsonObject, ReadonlySet<string> | Error>();

  constructor(evaluations: readonly RuleEvaluation[]) {
    evaluations.forEach((rule, i) => {
      const pattern = rule.validPattern;
      if (pattern !== undefined) {
        this.set.add(String(i), pattern);
        this.names.set(rule, String(i));
      }
    });
  }

  /** Whether the event matches the rule's pattern; throws when the event cannot be matched. */
  public matches(event: JsonObject, rule: RuleEvaluation): boolean {
    let answer = this.answers.get(event);
    if (answer === undefined) {
      try {
        answer = new Set(this.set.matchingNamesOfEvent(event));
      } catch (e) {
        answer = e as Error;
      }
      this.answers.set(event, answer);
    }
    if (answer instanceof Error) throw answer;
    const name = this.names.get(rule);
    return name !== undefined && answer.has(name);
  }
}

export { summarize, TargetInputKind } from './private/rule-evaluation';
