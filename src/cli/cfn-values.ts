import { isJsonObject, JsonObject } from './cloudtrail-envelope';
import { partitionOfRegion, urlSuffixOfPartition } from '../identifiers/regions';

/**
 * Evaluating CloudFormation intrinsic functions offline, as far as a synthesized template allows.
 *
 * Resolved offline: `Ref` to a parameter (its `Default`, or a value given), to a pseudo parameter
 * whose value is known (`AWS::Region`, `AWS::AccountId` from the cloud assembly's environment,
 * `AWS::Partition` and `AWS::URLSuffix` from the region, `AWS::StackName`), `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap`, `Fn::If` and the condition functions
 * over resolved values, and any `Ref` or `Fn::GetAtt` given a value by the user (`--resolve`).
 *
 * Everything else (`Fn::GetAtt` of a resource, `Ref` of a resource, `Fn::ImportValue`, values
 * known only per deployment) is unresolved: it becomes an `UnresolvedValue`, and
 * `withPlaceholders` writes it as the text `[unresolved: …]` so that the rest can still be
 * evaluated, and says where each one was.
 */

/** A value that cannot be known offline, with the intrinsic that produces it. */
export class UnresolvedValue {
  constructor(public readonly description: string) {}
}

/** A string built from known text and unresolved values (`Fn::Join`, `Fn::Sub`). */
export class PartialString {
  constructor(public readonly parts: ReadonlyArray<string | UnresolvedValue>) {}

  public describe(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : `{${p.description}}`)).join('');
  }
}

/** `AWS::NoValue`: the property is left out. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Where a template's values come from. */
export interface TemplateValueSources {
  /** The template (its `Parameters`, `Mappings`, `Conditions` and `Resources` are used). */
  readonly template: JsonObject;
  /** The stack's account, when the cloud assembly names it. */
  readonly account?: string;
  /** The stack's region, when the cloud assembly names it. */
  readonly region?: string;
  readonly stackName?: string;
  /**
   * Values given by the user, by name: a parameter or pseudo parameter (`AWS::Region`), a logical
   * id (the value of its `Ref`), `LogicalId.Attribute` (`Fn::GetAtt`), or a condition name
   * (`true`/`false`). They take precedence over everything else.
   */
  readonly given?: ReadonlyMap<string, unknown>;
}

/** One unresolved value met while writing placeholders: where it was, and what it is. */
export interface UnresolvedUse {
  readonly path: string;
  readonly description: string;
}

/** The text that stands for an unresolved value in patterns and messages. */
export function placeholderFor(description: string): string {
  return `[unresolved: ${description}]`;
}

/** Resolves the intrinsic functions of one template. */
export class TemplateValues {
  private readonly parameters: JsonObject;
  private readonly resources: JsonObject;
  private readonly mappings: JsonObject;
  private readonly conditions: JsonObject;
  private readonly conditionCache = new Map<string, boolean | UnresolvedValue>();

  constructor(private readonly sources: TemplateValueSources) {
    const t = sources.template;
    this.parameters = isJsonObject(t.Parameters) ? t.Parameters : {};
    this.resources = isJsonObject(t.Resources) ? t.Resources : {};
    this.mappings = isJsonObject(t.Mappings) ? t.Mappings : {};
    this.conditions = isJsonObject(t.Conditions) ? t.Conditions : {};
  }

  /** The resource type of a logical id, if the template has that resource. */
  public resourceType(logicalId: string): string | undefined {
    const resource = this.resources[logicalId];
    return isJsonObject(resource) && typeof resource.Type === 'string' ? resource.Type : undefined;
  }

  /**
   * The value with every intrinsic function evaluated where possible. Unresolved parts are
   * `UnresolvedValue` or, inside strings, `PartialString`; `AWS::NoValue` drops the property.
   */
  public resolve(value: unknown): unknown {
    const resolved = this.evaluate(value);
    return resolved === NO_VALUE ? undefined : resolved;
  }

  /** Whether a condition of the template holds: true, false, or unresolved. */
  public condition(name: string): boolean | UnresolvedValue {
    const given = this.sources.given?.get(name);
    if (given !== undefined) return given === true || given === 'true';
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.conditions)) return new UnresolvedValue(`Condition ${name} (not in the template)`);
    // Guard against a cycle while this one is evaluated.
    this.conditionCache.set(name, new UnresolvedValue(`Condition ${name}`));
    const result = this.evaluateCondition(this.conditions[name]);
    const value = result instanceof UnresolvedValue ? new UnresolvedValue(`Condition ${name}: ${result.description}`) : result;
    this.conditionCache.set(name, value);
    return value;
  }

  private evaluate(value: unknown): unknown {
    if (Array.isArray(value)) {
      return value.map((v) => this.evaluate(v)).filter((v) => v !== NO_VALUE);
    }
    if (!isJsonObject(value)) return value;
    const keys = Object.keys(value);
    if (keys.length === 1 && isIntrinsicName(keys[0])) {
      return this.intrinsic(keys[0], value[keys[0]]);
    }
    const out: JsonObject = {};
    for (const key of keys) {
      const v = this.evaluate(value[key]);
      if (v !== NO_VALUE) out[key] = v;
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref': return typeof arg === 'string' ? this.ref(arg) : new UnresolvedValue(`Ref ${JSON.stringify(arg)}`);
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Join': return this.join(arg);
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::Select': return this.select(arg);
      case 'Fn::Split': return this.split(arg);
      case 'Fn::FindInMap': return this.findInMap(arg);
      case 'Fn::If': return this.ifThen(arg);
      default: return new UnresolvedValue(`${name} ${shortJson(arg)}`);
    }
  }

  private ref(name: string): unknown {
    const given = this.sources.given?.get(name);
    if (given !== undefined) return given;
    switch (name) {
      case 'AWS::NoValue': return NO_VALUE;
      case 'AWS::Region': return this.sources.region ?? new UnresolvedValue('Ref AWS::Region');
      case 'AWS::AccountId': return this.sources.account ?? new UnresolvedValue('Ref AWS::AccountId');
      case 'AWS::StackName': return this.sources.stackName ?? new UnresolvedValue('Ref AWS::StackName');
      case 'AWS::Partition': {
        const region = this.regionValue();
        return region === undefined ? new UnresolvedValue('Ref AWS::Partition') : partitionOfRegion(region);
      }
      case 'AWS::URLSuffix': {
        const region = this.regionValue();
        const suffix = region === undefined ? undefined : urlSuffixOfPartition(partitionOfRegion(region));
        return suffix ?? new UnresolvedValue('Ref AWS::URLSuffix');
      }
      default: break;
    }
    if (name.startsWith('AWS::')) return new UnresolvedValue(`Ref ${name}`);
    const parameter = this.parameters[name];
    if (isJsonObject(parameter)) {
      return parameter.Default !== undefined ? parameter.Default : new UnresolvedValue(`Ref ${name} (parameter without a default)`);
    }
    const type = this.resourceType(name);
    return new UnresolvedValue(type ? `Ref ${name} (${type})` : `Ref ${name}`);
  }

  private regionValue(): string | undefined {
    const given = this.sources.given?.get('AWS::Region');
    if (typeof given === 'string') return given;
    return this.sources.region;
  }

  private getAtt(arg: unknown): unknown {
    let logicalId: unknown;
    let attribute: unknown;
    if (typeof arg === 'string') {
      const dot = arg.indexOf('.');
      [logicalId, attribute] = dot < 0 ? [arg, ''] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else if (Array.isArray(arg) && arg.length === 2) {
      logicalId = arg[0];
      attribute = this.evaluate(arg[1]);
    }
    if (typeof logicalId !== 'string' || typeof attribute !== 'string') return new UnresolvedValue(`Fn::GetAtt ${shortJson(arg)}`);
    const given = this.sources.given?.get(`${logicalId}.${attribute}`);
    if (given !== undefined) return given;
    const type = this.resourceType(logicalId);
    return new UnresolvedValue(`Fn::GetAtt ${logicalId}.${attribute}${type ? ` (${type})` : ''}`);
  }

  private join(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return new UnresolvedValue(`Fn::Join ${shortJson(arg)}`);
    const separator = this.evaluate(arg[0]);
    const list = this.evaluate(arg[1]);
    if (typeof separator !== 'string') return new UnresolvedValue(`Fn::Join ${shortJson(arg)}`);
    if (!Array.isArray(list)) {
      return list instanceof UnresolvedValue ? new UnresolvedValue(`Fn::Join over ${list.description}`) : new UnresolvedValue(`Fn::Join ${shortJson(arg)}`);
    }
    const parts: Array<string | UnresolvedValue> = [];
    list.forEach((item, i) => {
      if (i > 0) parts.push(separator);
      parts.push(...stringParts(item));
    });
    return partialOrString(parts);
  }

  private sub(arg: unknown): unknown {
    let text: unknown;
    let variables: JsonObject = {};
    if (typeof arg === 'string') {
      text = arg;
    } else if (Array.isArray(arg) && arg.length === 2 && isJsonObject(arg[1])) {
      text = arg[0];
      variables = arg[1];
    }
    if (typeof text !== 'string') return new UnresolvedValue(`Fn::Sub ${shortJson(arg)}`);
    const parts: Array<string | UnresolvedValue> = [];
    const placeholder = /\$\{([^}]*)\}/g;
    let last = 0;
    for (let m = placeholder.exec(text); m !== null; m = placeholder.exec(text)) {
      parts.push(text.slice(last, m.index));
      last = m.index + m[0].length;
      const name = m[1];
      if (name.startsWith('!')) {
        // ${!Literal} writes ${Literal}.
        parts.push('${' + name.slice(1) + '}');
      } else if (name in variables) {
        parts.push(...stringParts(this.evaluate(variables[name])));
      } else if (name.includes('.') && !name.startsWith('AWS::')) {
        parts.push(...stringParts(this.getAtt(name)));
      } else {
        parts.push(...stringParts(this.ref(name)));
      }
    }
    parts.push(text.slice(last));
    return partialOrString(parts);
  }

  private select(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return new UnresolvedValue(`Fn::Select ${shortJson(arg)}`);
    const index = Number(this.evaluate(arg[0]));
    const list = this.evaluate(arg[1]);
    if (Array.isArray(list) && Number.isInteger(index) && index >= 0 && index < list.length) return list[index];
    const over = list instanceof UnresolvedValue ? list.description : shortJson(arg[1]);
    return new UnresolvedValue(`Fn::Select ${arg[0]} of ${over}`);
  }

  private split(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 2) return new UnresolvedValue(`Fn::Split ${shortJson(arg)}`);
    const delimiter = this.evaluate(arg[0]);
    const source = this.evaluate(arg[1]);
    if (typeof delimiter === 'string' && typeof source === 'string') return source.split(delimiter);
    const of = source instanceof UnresolvedValue ? source.description : source instanceof PartialString ? source.describe() : shortJson(arg[1]);
    return new UnresolvedValue(`Fn::Split "${String(delimiter)}" of ${of}`);
  }

  private findInMap(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length < 3) return new UnresolvedValue(`Fn::FindInMap ${shortJson(arg)}`);
    const [map, top, second] = arg.slice(0, 3).map((a) => this.evaluate(a));
    const mapping = typeof map === 'string' ? this.mappings[map] : undefined;
    if (isJsonObject(mapping) && typeof top === 'string' && typeof second === 'string') {
      const level = mapping[top];
      if (isJsonObject(level) && level[second] !== undefined) return level[second];
    }
    return new UnresolvedValue(`Fn::FindInMap ${shortJson(arg)}`);
  }

  private ifThen(arg: unknown): unknown {
    if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string') return new UnresolvedValue(`Fn::If ${shortJson(arg)}`);
    const holds = this.condition(arg[0]);
    if (holds instanceof UnresolvedValue) return new UnresolvedValue(`Fn::If ${arg[0]} (${holds.description})`);
    return this.evaluate(holds ? arg[1] : arg[2]);
  }

  private evaluateCondition(expression: unknown): boolean | UnresolvedValue {
    if (!isJsonObject(expression)) return new UnresolvedValue(shortJson(expression));
    const [name] = Object.keys(expression);
    const arg = expression[name];
    switch (name) {
      case 'Condition': return typeof arg === 'string' ? this.condition(arg) : new UnresolvedValue(shortJson(expression));
      case 'Fn::Equals': {
        if (!Array.isArray(arg) || arg.length !== 2) return new UnresolvedValue(shortJson(expression));
        const [a, b] = arg.map((v) => this.evaluate(v));
        const unknown = [a, b].find((v) => v instanceof UnresolvedValue || v instanceof PartialString);
        if (unknown !== undefined) return new UnresolvedValue(`depends on ${describeUnknown(unknown)}`);
        return JSON.stringify(a) === JSON.stringify(b) || String(a) === String(b);
      }
      case 'Fn::Not': {
        const inner = Array.isArray(arg) ? this.evaluateCondition(arg[0]) : new UnresolvedValue(shortJson(expression));
        return inner instanceof UnresolvedValue ? inner : !inner;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        if (!Array.isArray(arg)) return new UnresolvedValue(shortJson(expression));
        const results = arg.map((c) => this.evaluateCondition(c));
        const decisive = name === 'Fn::And' ? false : true;
        if (results.some((r) => r === decisive)) return decisive;
        const unknown = results.find((r): r is UnresolvedValue => r instanceof UnresolvedValue);
        return unknown ?? !decisive;
      }
      default: return new UnresolvedValue(shortJson(expression));
    }
  }
}

/**
 * The resolved value as plain JSON, each unresolved part written as `[unresolved: …]`; `uses`
 * receives the path and description of each.
 */
export function withPlaceholders(value: unknown, uses: UnresolvedUse[], path = ''): unknown {
  if (value instanceof UnresolvedValue) {
    uses.push({ path, description: value.description });
    return placeholderFor(value.description);
  }
  if (value instanceof PartialString) {
    return value.parts.map((p) => {
      if (typeof p === 'string') return p;
      uses.push({ path, description: p.description });
      return placeholderFor(p.description);
    }).join('');
  }
  if (Array.isArray(value)) return value.map((v, i) => withPlaceholders(v, uses, `${path}[${i}]`));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = withPlaceholders(v, uses, path === '' ? k : `${path}.${k}`);
    return out;
  }
  return value;
}

/** The partition of a region (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ...): `partitionOfRegion`. */

function isIntrinsicName(key: string): boolean {
  return key === 'Ref' || key.startsWith('Fn::');
}

function stringParts(value: unknown): Array<string | UnresolvedValue> {
  if (value instanceof PartialString) return [...value.parts];
  if (value instanceof UnresolvedValue) return [value];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [new UnresolvedValue(`a ${Array.isArray(value) ? 'list' : typeof value} used as text: ${shortJson(value)}`)];
}

function partialOrString(parts: Array<string | UnresolvedValue>): string | PartialString {
  const merged: Array<string | UnresolvedValue> = [];
  for (const p of parts) {
    const last = merged[merged.length - 1];
    if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
    else if (p !== '') merged.push(p);
  }
  if (merged.every((p) => typeof p === 'string')) return merged.join('');
  return new PartialString(merged);
}

function describeUnknown(value: unknown): string {
  if (value instanceof UnresolvedValue) return value.description;
  if (value instanceof PartialString) return value.describe();
  return shortJson(value);
}

function shortJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
