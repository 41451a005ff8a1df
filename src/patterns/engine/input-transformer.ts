import { Token } from 'aws-cdk-lib';
import { evaluateInputPath, parseInputPath, PathSegment } from './input-transformer-path';
import { isFollowedByColon, scanTemplate, TemplatePlaceholder } from './input-transformer-template';
import { partitionOfRegion } from '../../identifiers/regions';
import { invalidInput } from '../../private/invalid-input';

/**
 * An EventBridge input transformer, as it appears on a rule target.
 *
 * The two fields are the CloudFormation `AWS::Events::Rule` `InputTransformer` properties
 * `InputPathsMap` and `InputTemplate` (the EventBridge API's `InputTransformer` data type). Take
 * them from a synthesized template, e.g.
 * `Template.fromStack(stack).toJSON().Resources[id].Properties.Targets[0].InputTransformer`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html
 */
export interface InputTransformerProps {
  /**
   * Map of variable name to the JSON path whose value fills `<name>` in the template
   * (`{ "eventName": "$.detail.eventName" }`).
   *
   * Names match `[A-Za-z0-9_-]+` (1 to 256 characters) and may not start with the reserved
   * prefix `aws.`; paths start with `$` and use dot notation, array indexes and wildcards (at
   * most 256 characters); at most 100 entries (EventBridge API Reference, "InputTransformer").
   *
   * @default - no variables: the template may use only the predefined `<aws.events.*>` ones
   */
  readonly inputPathsMap?: { [name: string]: string };

  /**
   * The `InputTemplate` text exactly as it appears on the rule target (1 to 8,192 characters).
   *
   * For CDK's `RuleTargetInput.fromText` this is a JSON string literal, quotes included
   * (`"User <detail-userIdentity-arn> ..."`); for `fromMultilineText`, one JSON string literal
   * per line; for `fromObject`, a JSON object.
   */
  readonly inputTemplate: string;
}

/**
 * Values for EventBridge's predefined variables that an event does not carry.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html#eb-transform-input-predefined
 */
export interface RenderContext {
  /**
   * Value of `<aws.events.rule-arn>`.
   *
   * @default - `arn:<partition>:events:<event region>:<event account>:rule/<ruleName>`, with the
   * partition derived from the region (`aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else
   * `aws`), and `us-east-1` / `123456789012` when the event has no `region` / `account`
   */
  readonly ruleArn?: string;

  /**
   * Value of `<aws.events.rule-name>`.
   *
   * @default - the part of `ruleArn` after its last `/` when `ruleArn` is given, else `example`
   * (the rule name of the EventBridge user guide's worked examples)
   */
  readonly ruleName?: string;

  /**
   * Value of `<aws.events.event.ingestion-time>`, the ISO 8601 time EventBridge received the
   * event.
   *
   * @default - the event's `time` field (EventBridge sets it to the ingestion time when the
   * sender does not give one; CloudTrail events carry the API call's time, which precedes
   * ingestion by seconds to minutes)
   */
  readonly ingestionTime?: string;
}

/**
 * Renders the text EventBridge delivers to a rule target through an input transformer, so an
 * alert message can be previewed offline from a real event.
 *
 * The output is the exact target input (for an SNS target, the message body and so the email
 * text): a template written as a JSON string, as CDK's `RuleTargetInput.fromText` emits, keeps its
 * surrounding quotes and escapes as typed. Placeholders are filled as the EventBridge User Guide
 * describes: a value inside a JSON string is inserted unescaped, a missing path as an empty string.
 *
 * @example
 * const text = patterns.InputTransformerRenderer.render(
 *   { inputPathsMap: { user: '$.detail.userIdentity.arn' }, inputTemplate: '"<user> changed IAM"' },
 *   '{"detail":{"userIdentity":{"arn":"arn:aws:iam::111111111111:user/alice"}}}',
 * ); // "arn:aws:iam::111111111111:user/alice changed IAM", quotes included
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 */
export class InputTransformerRenderer {
  /**
   * Renders the target input for an event given as JSON text.
   *
   * @param props the rule target's input transformer
   * @param eventJson the event exactly as EventBridge delivers it (the envelope with `detail`)
   * @param context values for the predefined `<aws.events.*>` variables
   * @returns the text EventBridge sends to the target
   * @throws when `eventJson` is not a JSON object or `props` fails `check`
   */
  public static render(props: InputTransformerProps, eventJson: string, context?: RenderContext): string {
    const method = 'InputTransformerRenderer.render';
    let event: unknown;
    try {
      event = JSON.parse(eventJson);
    } catch (e) {
      throw invalidInput(method, `eventJson is not valid JSON (${(e as Error).message}).`,
        'pass the event EventBridge delivers, e.g. {"version":"0","detail-type":"AWS API Call via CloudTrail","source":"aws.iam",...,"detail":{...}}');
    }
    return renderObject(props, event, context, method);
  }

  /**
   * Renders the target input for an event given as a parsed object.
   *
   * @param props the rule target's input transformer
   * @param eventObject the event EventBridge delivers (the envelope with `detail`), as an object
   * @param context values for the predefined `<aws.events.*>` variables
   * @returns the text EventBridge sends to the target
   * @throws when `eventObject` is not a JSON object or `props` fails `check`
   */
  public static renderEvent(props: InputTransformerProps, eventObject: any, context?: RenderContext): string {
    return renderObject(props, eventObject, context, 'InputTransformerRenderer.renderEvent');
  }

  /**
   * Lists what EventBridge would reject in an input transformer, one message per problem.
   *
   * Checks the EventBridge API limits (API Reference, "InputTransformer": at most 100
   * `InputPathsMap` entries; keys match `[A-Za-z0-9_-]+`, 1 to 256 characters, not starting with
   * `aws.`; paths at most 256 characters in the supported JSON path subset; template 1 to 8,192
   * characters) and the template grammar: every placeholder names an `InputPathsMap` key or a
   * predefined variable (EventBridge's PutTargets error: "InputTemplate for target ... contains
   * invalid placeholder ..."); `<aws.events.event>` and `<aws.events.event.json>` are used only as
   * JSON values, not inside a string (user guide, "Predefined variables"); and in a template that
   * is a JSON object, placeholders are not object keys and the template is valid JSON once the
   * placeholders are filled (API Reference restrictions for a JSON-object template).
   *
   * Values that are unresolved CDK tokens are not checked.
   *
   * @param props the rule target's input transformer
   * @returns the problems found; empty when EventBridge would accept the transformer
   */
  public static check(props: InputTransformerProps): string[] {
    const errors: string[] = [];
    const map = props.inputPathsMap ?? {};
    const entries = Object.entries(map);
    if (entries.length > MAX_INPUT_PATHS) {
      errors.push(`InputPathsMap has ${entries.length} entries; EventBridge accepts at most ${MAX_INPUT_PATHS}: remove the variables the template does not need`);
    }
    for (const [name, path] of entries) {
      if (!Token.isUnresolved(name)) errors.push(...checkKey(name));
      if (Token.isUnresolved(path)) continue;
      if (typeof path !== 'string') {
        errors.push(`InputPathsMap "${name}" must map to a JSON path string such as "$.detail.eventName", got ${typeof path}`);
        continue;
      }
      const parsed = parseInputPath(path);
      if (!parsed.ok) errors.push(`InputPathsMap "${name}" has an invalid JSON path "${path}": ${parsed.reason}`);
    }

    const template = props.inputTemplate;
    if (typeof template !== 'string') {
      errors.push(`InputTemplate must be a string, got ${template === null ? 'null' : typeof template}; pass the InputTemplate text of the rule target`);
      return errors;
    }
    if (Token.isUnresolved(template)) return errors;
    if (template.length < 1 || template.length > MAX_TEMPLATE_LENGTH) {
      errors.push(`InputTemplate is ${template.length} characters long; EventBridge accepts 1 to ${MAX_TEMPLATE_LENGTH}`);
      if (template.length < 1) return errors;
    }

    const placeholders = scanTemplate(template).filter((s): s is TemplatePlaceholder => s.kind === 'placeholder');
    const isJsonObject = template.trimStart().startsWith('{');
    const reported = new Set<string>();
    for (const p of placeholders) {
      const known = Object.prototype.hasOwnProperty.call(map, p.name) || PREDEFINED_VARIABLES.includes(p.name);
      if (!known) {
        if (!reported.has(p.name)) {
          errors.push(`InputTemplate contains invalid placeholder <${p.name}>: it is neither an InputPathsMap key nor a predefined variable (${PREDEFINED_VARIABLES.join(', ')}); add "${p.name}" to InputPathsMap or correct the name`);
          reported.add(p.name);
        }
        continue;
      }
      if (p.inString && JSON_ONLY_VARIABLES.includes(p.name)) {
        errors.push(`InputTemplate uses <${p.name}> inside a string at offset ${p.offset}; its content is not escaped, so it can only be the value of a JSON field, e.g. {"event": <${p.name}>}`);
      }
      if (isJsonObject && isFollowedByColon(template, p.contextEnd)) {
        errors.push(`InputTemplate uses <${p.name}> as an object key at offset ${p.offset}; in a JSON-object template a placeholder can only be a value, e.g. {"name": <${p.name}>}`);
      }
    }
    if (isJsonObject) {
      const problem = jsonObjectProblem(template);
      if (problem) errors.push(`InputTemplate starts with "{" but is not valid JSON once its placeholders are filled (${problem}); fix the JSON syntax around the placeholders`);
    }
    return errors;
  }

  private constructor() {}
}

/**
 * `renderEvent`, for the public method the user called (`method`, named in errors).
 */
function renderObject(props: InputTransformerProps, eventObject: unknown, context: RenderContext | undefined, method: string): string {
  if (typeof eventObject !== 'object' || eventObject === null || Array.isArray(eventObject)) {
    const got = eventObject === null || eventObject === undefined ? String(eventObject)
      : Array.isArray(eventObject) ? 'an array' : `a ${typeof eventObject}`;
    throw invalidInput(method, `the event is ${got}, not a JSON object.`,
      'pass the event EventBridge delivers: an object, the envelope with "detail".');
  }
  const event = eventObject as Record<string, unknown>;
  const unresolved = describeUnresolved(props);
  if (unresolved) {
    throw invalidInput(method, `the input transformer holds unresolved CDK tokens (${unresolved}), which cannot be rendered.`,
      'render the values of the synthesized template, e.g. from Template.fromStack(stack).toJSON().');
  }
  const errors = InputTransformerRenderer.check(props);
  if (errors.length > 0) {
    throw invalidInput(method, `the input transformer is not valid: ${errors.join('; ')}.`,
      'correct each problem as its message says; InputTransformerRenderer.check() lists them without throwing.');
  }

  const paths = new Map<string, readonly PathSegment[]>();
  for (const [name, path] of Object.entries(props.inputPathsMap ?? {})) {
    const parsed = parseInputPath(path);
    if (parsed.ok) paths.set(name, parsed.segments);
  }
  const predefined = new PredefinedValues(event, context ?? {}, method);

  let out = '';
  for (const segment of scanTemplate(props.inputTemplate)) {
    if (segment.kind === 'text') {
      out += segment.text;
      continue;
    }
    const segments = paths.get(segment.name);
    const result = segments ? evaluateInputPath(segments, event) : predefined.lookup(segment.name);
    // A missing path behaves as an empty string (see the class documentation).
    const value = result.found ? result.value : '';
    out += segment.inString ? insertIntoString(value) : JSON.stringify(value);
  }
  return out;
}

/** At most this many `InputPathsMap` entries (API Reference, `TransformerPaths`). */
const MAX_INPUT_PATHS = 100;
/** Longest `InputTemplate` (API Reference, `TransformerInput`). */
const MAX_TEMPLATE_LENGTH = 8192;
/** Longest `InputPathsMap` key (API Reference, `InputTransformerPathKey`). */
const MAX_KEY_LENGTH = 256;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

const RULE_ARN = 'aws.events.rule-arn';
const RULE_NAME = 'aws.events.rule-name';
const INGESTION_TIME = 'aws.events.event.ingestion-time';
const EVENT = 'aws.events.event';
const EVENT_JSON = 'aws.events.event.json';
const PREDEFINED_VARIABLES = [RULE_ARN, RULE_NAME, INGESTION_TIME, EVENT, EVENT_JSON];
const JSON_ONLY_VARIABLES = [EVENT, EVENT_JSON];

/** Field order of `<aws.events.event>` in AWS-recorded deliveries. */
const EVENT_FIELD_ORDER = ['id', 'account', 'detail-type', 'time', 'source', 'region', 'resources', 'version'];

function checkKey(name: string): string[] {
  if (name.toLowerCase().startsWith('aws.')) {
    return [`InputPathsMap key "${name}" uses the reserved prefix "aws."; predefined variables such as <aws.events.rule-name> need no entry, and your own variables need another name, e.g. "${name.slice(4).replace(/[^A-Za-z0-9_-]/g, '-') || 'value'}"`];
  }
  if (name.length < 1 || name.length > MAX_KEY_LENGTH) {
    return [`InputPathsMap key "${name}" is ${name.length} characters long; EventBridge accepts 1 to ${MAX_KEY_LENGTH}`];
  }
  if (!KEY_PATTERN.test(name)) {
    return [`InputPathsMap key "${name}" may contain only letters, digits, "_" and "-" (EventBridge key pattern [A-Za-z0-9_-]+), e.g. "${name.replace(/[^A-Za-z0-9_-]/g, '-')}"`];
  }
  return [];
}

/**
 * The text a value becomes inside a JSON string literal: strings unescaped, objects and arrays
 * as JSON without their double quotes (user guide, "Common Issues with transforming input").
 */
function insertIntoString(value: unknown): string {
  if (typeof value === 'string') return value;
  const json = JSON.stringify(value);
  return typeof value === 'object' && value !== null ? json.replace(/"/g, '') : json;
}

/**
 * Probes a JSON-object template by filling every placeholder with a neutral value (`""` outside
 * a string, nothing inside one) and parsing the result; returns the parser's complaint. `""` is
 * also a valid key, so a placeholder used as a key is reported once, by its own message.
 */
function jsonObjectProblem(template: string): string | undefined {
  let probe = '';
  for (const s of scanTemplate(template)) {
    probe += s.kind === 'text' ? s.text : s.inString ? '' : '""';
  }
  try {
    JSON.parse(probe);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function describeUnresolved(props: InputTransformerProps): string | undefined {
  if (Token.isUnresolved(props.inputTemplate)) return 'InputTemplate';
  for (const [name, path] of Object.entries(props.inputPathsMap ?? {})) {
    if (Token.isUnresolved(name) || Token.isUnresolved(path)) return `InputPathsMap "${name}"`;
  }
  return undefined;
}

/** The values of EventBridge's predefined variables for one event. */
class PredefinedValues {
  /** @param method the public method rendering, named in errors */
  constructor(private readonly event: Record<string, unknown>, private readonly context: RenderContext, private readonly method: string) {}

  public lookup(name: string): { found: boolean; value?: unknown } {
    switch (name) {
      case RULE_ARN: return { found: true, value: this.ruleArn() };
      case RULE_NAME: return { found: true, value: this.ruleName() };
      case INGESTION_TIME: return { found: true, value: this.ingestionTime() };
      case EVENT: return { found: true, value: this.eventWithoutDetail() };
      case EVENT_JSON: return { found: true, value: this.event };
      default: return { found: false };
    }
  }

  private ruleName(): string {
    if (this.context.ruleName !== undefined) return this.context.ruleName;
    if (this.context.ruleArn !== undefined) return this.context.ruleArn.slice(this.context.ruleArn.lastIndexOf('/') + 1);
    return 'example';
  }

  private ruleArn(): string {
    if (this.context.ruleArn !== undefined) return this.context.ruleArn;
    const region = typeof this.event.region === 'string' ? this.event.region : 'us-east-1';
    const account = typeof this.event.account === 'string' ? this.event.account : '123456789012';
    return `arn:${partitionOfRegion(region)}:events:${region}:${account}:rule/${this.ruleName()}`;
  }

  private ingestionTime(): string {
    if (this.context.ingestionTime !== undefined) return this.context.ingestionTime;
    if (typeof this.event.time === 'string') return this.event.time;
    throw invalidInput(this.method, 'the template uses <aws.events.event.ingestion-time> but the event has no "time" field.',
      'pass RenderContext.ingestionTime, e.g. "2024-08-01T13:33:30Z".');
  }

  /** The event minus `detail`, `detail-type` renamed `detailType`, in EventBridge's field order. */
  private eventWithoutDetail(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    const rename = (key: string) => (key === 'detail-type' ? 'detailType' : key);
    for (const key of EVENT_FIELD_ORDER) {
      if (Object.prototype.hasOwnProperty.call(this.event, key)) result[rename(key)] = this.event[key];
    }
    for (const [key, value] of Object.entries(this.event)) {
      if (key !== 'detail' && !EVENT_FIELD_ORDER.includes(key)) result[key] = value;
    }
    return result;
  }
}
