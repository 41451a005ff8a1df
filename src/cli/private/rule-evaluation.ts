import { partitionOfRegion } from '../../identifiers/regions';
import { EventPatternMatcher } from '../../patterns/engine/event-pattern-matcher';
import { InputTransformerProps, InputTransformerRenderer } from '../../patterns/engine/input-transformer';
import { evaluateInputPath, parseInputPath } from '../../patterns/engine/input-transformer-path';
import { TemplateValues, TemplateValueSources, UnresolvedUse, UnresolvedValue, withPlaceholders } from '../cfn-values';
import { isJsonObject, isReadOnlyManagementEvent, JsonObject, principalOf } from '../cloudtrail-envelope';
import type { MatchPreview, PreviewEvent, RuleCondition, RulePreview, TargetMessage, TargetSummary } from '../rule-preview';
import { LoadedTemplate } from '../template-files';

/**
 * How the preview evaluates one rule of a template: its pattern, state, targets and their input,
 * for the events `previewRules` offers it (rule-preview.ts has the public API and the routing).
 */
/** How a target's input is built. */
export enum TargetInputKind {
  INPUT_TRANSFORMER = 'input transformer',
  CONSTANT = 'constant input',
  INPUT_PATH = 'input path',
  WHOLE_EVENT = 'whole event',
}

const ENABLED = 'ENABLED';
const DISABLED = 'DISABLED';
const ALL_MANAGEMENT_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export interface BusAddress {
  readonly name: string;
  readonly account?: string;
  readonly region?: string;
}

export function sameBus(a: BusAddress, b: BusAddress): boolean {
  const agree = (x?: string, y?: string) => x === undefined || y === undefined || x === y;
  return a.name === b.name && agree(a.account, b.account) && agree(a.region, b.region);
}

/** The bus an event bus ARN names (`arn:aws:events:us-east-1:111122223333:event-bus/central`). */
function busFromArn(arn: string): BusAddress | undefined {
  const match = /^arn:[^:]+:events:([^:]*):([^:]*):event-bus\/(.+)$/.exec(arn);
  if (!match) return undefined;
  return { name: match[3], ...(match[2] ? { account: match[2] } : {}), ...(match[1] ? { region: match[1] } : {}) };
}

/** A custom bus's `Ref` is its name: known when the bus resource sets `Name`. */
export function addEventBusNames(template: JsonObject, given: Map<string, unknown>): void {
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

export class RuleEvaluation {
  private readonly unresolved: UnresolvedUse[] = [];
  private readonly problems: string[] = [];
  private readonly notes: string[] = [];
  private readonly ruleName?: string;
  private readonly state: string;
  private readonly bus: { display: string; name?: string; isDefault: boolean; address?: BusAddress };
  private readonly ruleCondition?: RuleCondition;
  /** The regions the rule exists in, when known: the stack's, or those of a StackSet where its condition holds. */
  private readonly regions?: string[];
  private readonly compiledPattern: { text?: string; valid?: boolean };
  private readonly compiledTargets: CompiledTarget[];
  /** The custom buses the rule's targets put events on. */
  public readonly eventBusTargets: BusAddress[] = [];

  constructor(
    private readonly loaded: LoadedTemplate,
    private readonly sources: TemplateValueSources,
    private readonly values: TemplateValues,
    private readonly logicalId: string,
    private readonly resource: JsonObject,
    private readonly properties: JsonObject,
  ) {
    this.ruleName = this.plain(this.properties.Name, 'Name');
    this.state = this.plain(this.properties.State, 'State') ?? ENABLED;
    this.bus = this.eventBus();
    this.ruleCondition = this.condition();
    this.regions = this.deployedRegions();
    if (this.ruleName === undefined) {
      this.notes.push(`CloudFormation names this rule at deployment (${this.loaded.stackName ?? '<stack name>'}-${this.logicalId.slice(0, 64)}-<random suffix>); `
        + `<aws.events.rule-name> is shown as the logical ID ${this.logicalId}.`);
    }
    if (this.loaded.perDeployment) {
      this.notes.push('StackSet member template: its account and region differ per stack instance. Conditions and values that depend on them '
        + 'are unknown unless given, e.g. --resolve AWS::Region=us-east-1 --resolve AWS::AccountId=111122223333.');
    }
    this.compiledPattern = this.pattern();
    this.compiledTargets = this.targets(this.ruleName ?? this.logicalId, this.bus.name);
  }

  /** How other rules name this one: `<template> <logical id>`. */
  public get id(): string {
    return `${this.loaded.name} ${this.logicalId}`;
  }

  /** The custom bus the rule is on; undefined for the default bus or a bus unknown offline. */
  public get busAddress(): BusAddress | undefined {
    return this.bus.address;
  }

  /** The rule's pattern as evaluated, when EventBridge would accept it. */
  public get validPattern(): string | undefined {
    return this.compiledPattern.valid ? this.compiledPattern.text : undefined;
  }

  /**
   * Offers the events to the rule. `receivesFrom` names the rules that forwarded them (empty
   * for the given events), `loop` says that some of those rules forward to each other; `isMatch`
   * says whether an event matches the rule's pattern (throwing when it cannot be matched).
   */
  public run(events: readonly PreviewEvent[], receivesFrom: string[], loop: boolean,
    isMatch: (event: JsonObject) => boolean): { preview: RulePreview; delivered: PreviewEvent[] } {
    const description = this.plain(this.properties.Description, 'Description');
    const condition = this.ruleCondition;
    const pattern = this.compiledPattern;
    const delivered: PreviewEvent[] = [];
    if (loop) this.notes.push('Its bus is fed by rules that forward to each other in a loop: only the events forwarded from outside the loop are previewed.');
    const finish = (matches: MatchPreview[], eventsChecked: number) => ({
      delivered,
      preview: {
        template: this.loaded.name,
        logicalId: this.logicalId,
        ...(this.ruleName !== undefined ? { ruleName: this.ruleName } : {}),
        ...(description !== undefined ? { description } : {}),
        state: this.state,
        eventBus: this.bus.display,
        ...(this.loaded.region !== undefined ? { region: this.loaded.region } : {}),
        ...(this.regions !== undefined && this.loaded.region === undefined ? { regions: this.regions } : {}),
        ...(condition !== undefined ? { condition } : {}),
        receivesFrom,
        ...(pattern.text !== undefined ? { pattern: pattern.text } : {}),
        unresolved: this.unresolved,
        problems: this.problems,
        notes: this.notes,
        targets: this.compiledTargets.map((t) => t.summary),
        eventsChecked,
        matched: matches.length,
        delivered: delivered.length,
        deliveredByEventName: countByEventName(delivered),
        matches,
      },
    });
    if (condition?.holds === false || this.regions?.length === 0) {
      const where = this.loaded.region ? ` in ${this.loaded.region}` : this.loaded.deploymentRegions ? ` in any of the StackSet's regions (${this.loaded.deploymentRegions.join(', ')})` : '';
      this.notes.unshift(`Not created: its condition ${condition?.name} is false${where}, so no event reaches it.`);
      return finish([], 0);
    }
    if (!pattern.valid) return finish([], 0);

    const matches: MatchPreview[] = [];
    for (const offered of events) {
      const { event, label } = offered;
      let matched: boolean;
      try {
        matched = isMatch(event);
      } catch (e) {
        this.problems.push(`${label}: could not be matched (${(e as Error).message})`);
        continue;
      }
      if (!matched) continue;
      const notDelivered = this.notDeliveredBecause(event);
      if (notDelivered === undefined) delivered.push(offered);
      matches.push({
        label,
        summary: summarize(event),
        delivered: notDelivered === undefined,
        ...(notDelivered !== undefined ? { notDeliveredBecause: notDelivered } : {}),
        ...(offered.via !== undefined ? { via: offered.via } : {}),
        messages: this.compiledTargets.map((t) => t.render(event)),
      });
    }
    return finish(matches, events.length);
  }

  /**
   * The regions the rule exists in: the stack's, the one given with --resolve, or for a StackSet
   * member template the StackSet's regions where the rule's condition may hold.
   */
  private deployedRegions(): string[] | undefined {
    const given = this.sources.given?.get('AWS::Region');
    if (typeof given === 'string') return [given];
    if (this.loaded.region !== undefined) return [this.loaded.region];
    const regions = this.loaded.deploymentRegions;
    if (regions === undefined) return undefined;
    const condition = this.ruleCondition;
    if (condition === undefined || condition.holds !== undefined) return regions;
    const inEachRegion = regions.map((region) => {
      const inRegion = new Map(this.sources.given ?? []);
      inRegion.set('AWS::Region', region);
      return new TemplateValues({ ...this.sources, given: inRegion }).condition(condition.name);
    });
    // Where the condition depends on more than the region, the rule is previewed as if it holds there.
    const holdsIn = regions.filter((_, i) => inEachRegion[i] !== false);
    (condition as { holdsIn?: string[] }).holdsIn = holdsIn;
    const dependsOnRegionOnly = inEachRegion.every((holds) => !(holds instanceof UnresolvedValue));
    if (dependsOnRegionOnly) {
      // The note of condition() said the region is unknown: the StackSet's regions decide it.
      this.notes.splice(this.notes.findIndex((n) => n.startsWith(`Created only where condition ${condition.name} holds`)), 1,
        `Created only where condition ${condition.name} holds: of the StackSet's regions (${regions.join(', ')}), in `
        + `${holdsIn.length > 0 ? holdsIn.join(', ') : 'none'}. Events recorded elsewhere do not reach it.`);
    }
    return holdsIn;
  }

  /** A property that must be a plain string; an unresolved one is recorded and shown as its placeholder. */
  private plain(value: unknown, where: string): string | undefined {
    if (value === undefined) return undefined;
    const text = withPlaceholders(this.values.resolve(value), this.unresolved, where);
    return typeof text === 'string' ? text : JSON.stringify(text);
  }

  private eventBus(): { display: string; name?: string; isDefault: boolean; address?: BusAddress } {
    const raw = this.properties.EventBusName;
    if (raw === undefined) return { display: 'default', isDefault: true };
    const resolved = this.values.resolve(raw);
    if (typeof resolved === 'string') {
      const address = busFromArn(resolved) ?? { name: resolved, ...this.accountAndRegion() };
      const isDefault = address.name === 'default';
      return { display: resolved, name: address.name, isDefault, ...(isDefault ? {} : { address }) };
    }
    return { display: String(withPlaceholders(resolved, this.unresolved, 'EventBusName')), isDefault: false };
  }

  /** The account and region the template is deployed in, as far as they are known. */
  private accountAndRegion(): { account?: string; region?: string } {
    const account = this.values.resolve({ Ref: 'AWS::AccountId' });
    const region = this.values.resolve({ Ref: 'AWS::Region' });
    return { ...(typeof account === 'string' ? { account } : {}), ...(typeof region === 'string' ? { region } : {}) };
  }

  /**
   * The custom bus a target puts events on: an event bus ARN, or a bus of the same template
   * (whose ARN is known only at deployment, but whose name is written in it).
   */
  private targetBus(arn: unknown): BusAddress | undefined {
    const raw = isJsonObject(arn) ? arn : {};
    const getAtt = raw['Fn::GetAtt'];
    const local = typeof raw.Ref === 'string' ? raw.Ref : Array.isArray(getAtt) && getAtt[1] === 'Arn' ? getAtt[0]
      : typeof getAtt === 'string' && getAtt.endsWith('.Arn') ? getAtt.slice(0, -'.Arn'.length) : undefined;
    if (typeof local === 'string' && this.values.resourceType(local) === 'AWS::Events::EventBus') {
      const name = this.values.resolve({ Ref: local });
      return typeof name === 'string' ? { name, ...this.accountAndRegion() } : undefined;
    }
    const resolved = this.values.resolve(arn);
    const address = typeof resolved === 'string' ? busFromArn(resolved) : undefined;
    return address?.name === 'default' ? undefined : address;
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

  private pattern(): { text?: string; valid?: boolean } {
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
    return { text, valid: true };
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
    const written = Array.isArray(this.properties.Targets) && this.properties.Targets.length === raw.length ? this.properties.Targets : [];
    return raw.map((target, i) => this.target(target, i, ruleName, busName, isJsonObject(written[i]) ? written[i].Arn : undefined));
  }

  private target(target: unknown, index: number, ruleName: string, busName: string | undefined, writtenArn: unknown): CompiledTarget {
    const t = isJsonObject(target) ? target : {};
    const id = typeof t.Id === 'string' ? t.Id : `#${index}`;
    const where = `Targets.${id}`;
    const destinationValue = t.Arn;
    const destinationUses: UnresolvedUse[] = [];
    const destination = String(withPlaceholders(destinationValue, destinationUses, `${where}.Arn`)).replace(/^\[unresolved: (.*)\]$/, '$1');
    const eventBus = /:event-bus\//.test(destination) || destination.includes('AWS::Events::EventBus');
    const bus = this.targetBus(writtenArn ?? destinationValue);
    if (bus !== undefined) this.eventBusTargets.push(bus);
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
    return `arn:${partitionOfRegion(region)}:events:${region}:${account}:rule/${bus}${ruleName}`;
  }

  private notDeliveredBecause(event: JsonObject): string | undefined {
    const state = this.state;
    if (state === DISABLED) return 'the rule is DISABLED';
    if (state !== ALL_MANAGEMENT_EVENTS && isReadOnlyManagementEvent(event)) {
      return `read-only management event: it reaches the rule only with State ${ALL_MANAGEMENT_EVENTS} (the rule is ${state})`;
    }
    const regions = this.regions;
    if (this.bus.isDefault && regions !== undefined && typeof event.region === 'string' && !regions.includes(event.region)) {
      const iam = event.source === 'aws.iam' ? ' (IAM events reach EventBridge only in us-east-1)' : '';
      return regions.length === 1
        ? `the event is from ${event.region}; a rule on the default bus of ${regions[0]} sees only events of ${regions[0]}${iam}`
        : `the event is from ${event.region}; the rule exists only in ${regions.join(', ')}, and a rule on the default bus sees only events of its region${iam}`;
    }
    return undefined;
  }
}

/** Delivered events by event name (the detail-type for events that are no CloudTrail record), most frequent first. */
function countByEventName(events: readonly PreviewEvent[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const { event } of events) {
    const detail = isJsonObject(event.detail) ? event.detail : {};
    const name = typeof detail.eventName === 'string' ? detail.eventName : String(event['detail-type']);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])));
}

/** `CreateUser by arn:… at 2024-08-01T13:33:28Z`, or the detail-type for events that are no CloudTrail record. */
export function summarize(event: JsonObject): string {
  const detail = isJsonObject(event.detail) ? event.detail : {};
  const what = typeof detail.eventName === 'string' ? detail.eventName : String(event['detail-type']);
  const who = isJsonObject(detail.userIdentity) ? ` by ${principalOf(detail)}` : '';
  const when = typeof event.time === 'string' ? ` at ${event.time}` : '';
  return `${what}${who}${when}`;
}
