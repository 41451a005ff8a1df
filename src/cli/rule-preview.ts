import { partitionOf, TemplateValues, UnresolvedUse, UnresolvedValue, withPlaceholders } from './cfn-values';
import { isJsonObject, isReadOnlyManagementEvent, JsonObject, principalOf } from './cloudtrail-envelope';
import { LoadedTemplate } from './template-files';
import { EventPatternMatcher } from '../patterns/engine/event-pattern-matcher';
import { InputTransformerProps, InputTransformerRenderer } from '../patterns/engine/input-transformer';
import { evaluateInputPath, parseInputPath } from '../patterns/engine/input-transformer-path';

/** An event to preview, with a label saying where it came from. */
export interface PreviewEvent {
  readonly event: JsonObject;
  readonly label: string;
}

/** How a target's input is built. */
export enum TargetInputKind {
  INPUT_TRANSFORMER = 'input transformer',
  CONSTANT = 'constant input',
  INPUT_PATH = 'input path',
  WHOLE_EVENT = 'whole event',
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
  readonly messages: TargetMessage[];
}

/** Whether the rule's `Condition` holds. */
export interface RuleCondition {
  readonly name: string;
  /** true, false, or undefined when it depends on values unknown offline. */
  readonly holds?: boolean;
  readonly dependsOn?: string;
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
  readonly condition?: RuleCondition;
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
  readonly matches: MatchPreview[];
}

/** Options for `previewRules`. */
export interface PreviewOptions {
  /** Values for intrinsics, by name (see `TemplateValueSources.given`). */
  readonly given?: ReadonlyMap<string, string>;
  /** Only rules whose logical id or name contains this text. */
  readonly ruleFilter?: string;
}

const ENABLED = 'ENABLED';
const DISABLED = 'DISABLED';
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

/**
 * Previews every `AWS::Events::Rule` of the templates against the events: which events match,
 * whether EventBridge delivers them, and the exact input each target receives (the engine's
 * matcher and input-transformer renderer).
 */
export function previewRules(templates: readonly LoadedTemplate[], events: readonly PreviewEvent[], options: PreviewOptions = {}): RulePreview[] {
  const previews: RulePreview[] = [];
  for (const loaded of templates) {
    const given = new Map<string, unknown>(loaded.parameterValues);
    addEventBusNames(loaded.template, given);
    for (const [k, v] of options.given ?? []) given.set(k, v);
    const { template, account, region, stackName } = loaded;
    const values = new TemplateValues({ template, account, region, stackName, given });
    for (const [logicalId, resource] of Object.entries(loaded.template.Resources as JsonObject)) {
      if (!isJsonObject(resource) || resource.Type !== 'AWS::Events::Rule') continue;
      const properties = isJsonObject(resource.Properties) ? resource.Properties : {};
      const name = values.resolve(properties.Name);
      if (options.ruleFilter !== undefined && !logicalId.includes(options.ruleFilter)
        && !(typeof name === 'string' && name.includes(options.ruleFilter))) continue;
      previews.push(new RuleEvaluation(loaded, values, logicalId, resource, properties).run(events));
    }
  }
  return previews;
}

/** A custom bus's `Ref` is its name: known when the bus resource sets `Name`. */
function addEventBusNames(template: JsonObject, given: Map<string, unknown>): void {
  for (const [logicalId, resource] of Object.entries(template.Resources as JsonObject)) {
    if (isJsonObject(resource) && resource.Type === 'AWS::Events::EventBus' && isJsonObject(resource.Properties)
      && typeof resource.Properties.Name === 'string') {
      given.set(logicalId, resource.Properties.Name);
    }
  }
}

interface CompiledTarget {
  readonly summary: TargetSummary;
  readonly render: (event: JsonObject) => TargetMessage;
}

class RuleEvaluation {
  private readonly unresolved: UnresolvedUse[] = [];
  private readonly problems: string[] = [];
  private readonly notes: string[] = [];

  constructor(
    private readonly loaded: LoadedTemplate,
    private readonly values: TemplateValues,
    private readonly logicalId: string,
    private readonly resource: JsonObject,
    private readonly properties: JsonObject,
  ) {}

  public run(events: readonly PreviewEvent[]): RulePreview {
    const ruleName = this.plain(this.properties.Name, 'Name');
    const description = this.plain(this.properties.Description, 'Description');
    const state = this.plain(this.properties.State, 'State') ?? ENABLED;
    const eventBus = this.eventBus();
    const condition = this.condition();
    const base = {
      template: this.loaded.name,
      logicalId: this.logicalId,
      ...(ruleName !== undefined ? { ruleName } : {}),
      ...(description !== undefined ? { description } : {}),
      state,
      eventBus: eventBus.display,
      ...(this.loaded.region !== undefined ? { region: this.loaded.region } : {}),
      ...(condition !== undefined ? { condition } : {}),
    };
    if (ruleName === undefined) {
      this.notes.push(`CloudFormation names this rule at deployment (${this.loaded.stackName ?? '<stack name>'}-${this.logicalId.slice(0, 64)}-<random suffix>); `
        + `<aws.events.rule-name> is shown as the logical ID ${this.logicalId}.`);
    }
    if (this.loaded.perDeployment) {
      this.notes.push('StackSet member template: its account and region differ per stack instance. Conditions and values that depend on them '
        + 'are unknown unless given, e.g. --resolve AWS::Region=us-east-1 --resolve AWS::AccountId=111122223333.');
    }
    const pattern = this.pattern();
    const targets = this.targets(ruleName ?? this.logicalId, eventBus.name);
    const finish = (matches: MatchPreview[], eventsChecked: number): RulePreview => ({
      ...base,
      ...(pattern.text !== undefined ? { pattern: pattern.text } : {}),
      unresolved: this.unresolved,
      problems: this.problems,
      notes: this.notes,
      targets: targets.map((t) => t.summary),
      eventsChecked,
      matched: matches.length,
      delivered: matches.filter((m) => m.delivered).length,
      matches,
    });
    if (condition?.holds === false) {
      this.notes.unshift(`Not created: its condition ${condition.name} is false${this.loaded.region ? ` in ${this.loaded.region}` : ''}, so no event reaches it.`);
      return finish([], 0);
    }
    if (pattern.matcher === undefined) return finish([], 0);

    const matches: MatchPreview[] = [];
    for (const { event, label } of events) {
      let matched: boolean;
      try {
        matched = pattern.matcher.matchesEvent(event);
      } catch (e) {
        this.problems.push(`${label}: could not be matched (${(e as Error).message})`);
        continue;
      }
      if (!matched) continue;
      const notDelivered = this.notDeliveredBecause(state, eventBus.isDefault, event);
      matches.push({
        label,
        summary: summarize(event),
        delivered: notDelivered === undefined,
        ...(notDelivered !== undefined ? { notDeliveredBecause: notDelivered } : {}),
        messages: targets.map((t) => t.render(event)),
      });
    }
    return finish(matches, events.length);
  }

  /** A property that must be a plain string; an unresolved one is recorded and shown as its placeholder. */
  private plain(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    const text = withPlaceholders(this.values.resolve(value), this.unresolved, where);
    return typeof text === 'string' ? text : JSON.stringify(text);
  }

  private eventBus(): { display: string; name?: string; isDefault: boolean } {
    const raw = this.properties.EventBusName;
    if (raw === undefined) return { display: 'default', isDefault: true };
    const resolved = this.values.resolve(raw);
    if (typeof resolved === 'string') {
      const name = resolved.includes(':event-bus/') ? resolved.slice(resolved.indexOf(':event-bus/') + ':event-bus/'.length) : resolved;
      return { display: resolved, name, isDefault: name === 'default' };
    }
    return { display: String(withPlaceholders(resolved, this.unresolved, 'EventBusName')), isDefault: false };
  }

  private condition(): RuleCondition | undefined {
    const name = this.resource.Condition;
    if (typeof name !== 'string') return undefined;
    const holds = this.values.condition(name);
    if (holds instanceof UnresolvedValue) {
      this.notes.push(`Created only where condition ${name} holds, which depends on values unknown offline (${holds.description}); `
        + 'the rule is previewed as if it holds. Give them with --resolve, e.g. --resolve AWS::Region=us-east-1.');
      return { name, dependsOn: holds.description };
    }
    return { name, holds };
  }

  private pattern(): { text?: string; matcher?: EventPatternMatcher } {
    let raw = this.properties.EventPattern;
    if (raw === undefined) {
      this.notes.push(this.properties.ScheduleExpression !== undefined
        ? 'Scheduled rule (ScheduleExpression, no EventPattern): it matches no events.'
        : 'No EventPattern: the rule matches no events.');
      return {};
    }
    if (typeof raw === 'string') {
      try {
        raw = JSON.parse(raw);
      } catch (e) {
        this.problems.push(`EventPattern is a string that is not JSON (${(e as Error).message}).`);
        return {};
      }
    }
    const uses: UnresolvedUse[] = [];
    const resolved = withPlaceholders(this.values.resolve(raw), uses, 'EventPattern');
    const text = JSON.stringify(resolved);
    if (uses.length > 0) {
      this.unresolved.push(...uses);
      this.notes.push('The pattern holds values only known at deployment (listed under "unresolved"). Each is compared as its text '
        + '"[unresolved: …]", which no event carries: a condition that requires such a value never matches, and an anything-but on it '
        + 'excludes nothing. Give real values with --resolve NAME=VALUE (a parameter, a logical ID, or LogicalId.Attribute).');
    }
    const check = EventPatternMatcher.check(text);
    this.notes.push(...check.warnings.map((w) => `Pattern warning: ${w}`));
    if (!check.valid) {
      this.problems.push(...check.errors.map((e) => `EventBridge would reject the pattern: ${e}`));
      return { text };
    }
    return { text, matcher: EventPatternMatcher.fromJson(text) };
  }

  private targets(ruleName: string, busName: string | undefined): CompiledTarget[] {
    const raw = this.values.resolve(this.properties.Targets);
    if (raw === undefined) {
      this.notes.push('No targets: matching events go nowhere.');
      return [];
    }
    if (!Array.isArray(raw)) {
      this.problems.push(`Targets cannot be evaluated offline (${String(withPlaceholders(raw, this.unresolved, 'Targets'))}).`);
      return [];
    }
    return raw.map((target, i) => this.target(target, i, ruleName, busName));
  }

  private target(target: unknown, index: number, ruleName: string, busName: string | undefined): CompiledTarget {
    const t = isJsonObject(target) ? target : {};
    const id = typeof t.Id === 'string' ? t.Id : `#${index}`;
    const where = `Targets.${id}`;
    const destinationValue = t.Arn;
    const destinationUses: UnresolvedUse[] = [];
    const destination = String(withPlaceholders(destinationValue, destinationUses, `${where}.Arn`)).replace(/^\[unresolved: (.*)\]$/, '$1');
    const eventBus = /:event-bus\//.test(destination) || destination.includes('AWS::Events::EventBus');
    const problems: string[] = [];
    const summary = (input: TargetInputKind): TargetSummary => ({ id, destination, input, eventBus, problems });

    if (t.InputTransformer !== undefined) {
      const transformer = withPlaceholders(t.InputTransformer, this.unresolved, `${where}.InputTransformer`);
      const fields = isJsonObject(transformer) ? transformer : {};
      // check() reports a missing or non-string template; the casts only let it see what the template holds.
      const props: InputTransformerProps = {
        inputPathsMap: isJsonObject(fields.InputPathsMap) ? fields.InputPathsMap as Record<string, string> : undefined,
        inputTemplate: fields.InputTemplate as string,
      };
      problems.push(...InputTransformerRenderer.check(props).map((e) => `EventBridge would reject the input transformer: ${e}`));
      this.problems.push(...problems.map((p) => `Target ${id}: ${p}`));
      return {
        summary: summary(TargetInputKind.INPUT_TRANSFORMER),
        render: (event) => {
          if (problems.length > 0) return { targetId: id, error: 'not rendered: the input transformer is invalid' };
          try {
            const ruleArn = this.ruleArn(event, ruleName, busName);
            return { targetId: id, text: InputTransformerRenderer.renderEvent(props, event, { ruleName, ruleArn }) };
          } catch (e) {
            return { targetId: id, error: (e as Error).message };
          }
        },
      };
    }
    if (t.Input !== undefined) {
      const input = withPlaceholders(t.Input, this.unresolved, `${where}.Input`);
      const text = typeof input === 'string' ? input : JSON.stringify(input);
      return { summary: summary(TargetInputKind.CONSTANT), render: () => ({ targetId: id, text }) };
    }
    if (t.InputPath !== undefined) {
      const path = withPlaceholders(t.InputPath, this.unresolved, `${where}.InputPath`);
      const parsed = typeof path === 'string' ? parseInputPath(path) : { ok: false as const, reason: 'not a string' };
      if (!parsed.ok) problems.push(`EventBridge would reject the InputPath ${JSON.stringify(path)}: ${parsed.reason}`);
      this.problems.push(...problems.map((p) => `Target ${id}: ${p}`));
      return {
        summary: summary(TargetInputKind.INPUT_PATH),
        render: (event) => {
          if (!parsed.ok) return { targetId: id, error: 'not rendered: the InputPath is invalid' };
          const selected = evaluateInputPath(parsed.segments, event);
          return selected.found
            ? { targetId: id, text: JSON.stringify(selected.value) }
            : { targetId: id, error: `the InputPath ${String(path)} selects nothing in this event` };
        },
      };
    }
    return { summary: summary(TargetInputKind.WHOLE_EVENT), render: (event) => ({ targetId: id, text: JSON.stringify(event) }) };
  }

  /** The rule's ARN as EventBridge gives it in `<aws.events.rule-arn>` (custom-bus rules include the bus name). */
  private ruleArn(event: JsonObject, ruleName: string, busName: string | undefined): string {
    const region = this.loaded.region ?? (typeof event.region === 'string' ? event.region : 'us-east-1');
    const account = this.loaded.account ?? (typeof event.account === 'string' ? event.account : '123456789012');
    const bus = busName !== undefined && busName !== 'default' ? `${busName}/` : '';
    return `arn:${partitionOf(region)}:events:${region}:${account}:rule/${bus}${ruleName}`;
  }

  private notDeliveredBecause(state: string, defaultBus: boolean, event: JsonObject): string | undefined {
    if (state === DISABLED) return 'the rule is DISABLED';
    if (state !== ALL_MANAGEMENT_EVENTS && isReadOnlyManagementEvent(event)) {
      return `read-only management event: it reaches the rule only with State ${ALL_MANAGEMENT_EVENTS} (the rule is ${state})`;
    }
    const region = this.loaded.region;
    if (defaultBus && region !== undefined && typeof event.region === 'string' && event.region !== region) {
      const iam = event.source === 'aws.iam' ? ' (IAM events reach EventBridge only in us-east-1)' : '';
      return `the event is from ${event.region}; a rule on the default bus of ${region} sees only events of ${region}${iam}`;
    }
    return undefined;
  }
}

/** `CreateUser by arn:… at 2024-08-01T13:33:28Z`, or the detail-type for events that are no CloudTrail record. */
export function summarize(event: JsonObject): string {
  const detail = isJsonObject(event.detail) ? event.detail : {};
  const what = typeof detail.eventName === 'string' ? detail.eventName : String(event['detail-type']);
  const who = isJsonObject(detail.userIdentity) ? ` by ${principalOf(detail)}` : '';
  const when = typeof event.time === 'string' ? ` at ${event.time}` : '';
  return `${what}${who}${when}`;
}
