import { SPELLING_SENSITIVE_NUMBER } from './comparable-number';
import { readEventCarefully } from './event-reader';
import { CompiledSubRule, matchAny } from './event-matcher';
import { DEFAULT_MAX_PATTERN_LENGTH, checkPatternText } from './pattern-check';
import { dependsOnNumberSpelling, numberSpellingUse } from './value-patterns';

/**
 * Options for checking an event pattern.
 */
export interface PatternCheckOptions {
  /**
   * Maximum pattern length in characters.
   *
   * EventBridge's default quota for an event pattern is 2,048 characters; the quota is adjustable
   * (up to what your account has been granted), and the TestEventPattern API takes up to 4,096.
   *
   * @default 2048 (EventBridge's default quota)
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html
   */
  readonly maxPatternLength?: number;
}

/**
 * The result of checking an event pattern.
 */
export interface PatternCheckResult {
  /** Whether EventBridge would accept the pattern. */
  readonly valid: boolean;
  /**
   * Why EventBridge would reject it: each message says what is wrong, where (field path, line and
   * column) and how to fix it, and contains event-ruler's own reason text where event-ruler is the
   * one rejecting. Empty when valid.
   */
  readonly errors: string[];
  /** Things that are valid but almost certainly not meant (for example `["Add*"]`). */
  readonly warnings: string[];
}

function isEventObject(event: unknown): event is Record<string, unknown> {
  return typeof event === 'object' && event !== null && !Array.isArray(event);
}

/**
 * The last event text read, kept so that several matchers asked about the same event (the usual
 * case: every rule of a bus sees each event) parse it once. The parsed objects never leave this
 * module and are never changed, so reusing them is safe.
 */
class ParsedEventCache {
  private quickText: string | undefined;
  private quickEvent: Record<string, unknown> | undefined;
  private carefulText: string | undefined;
  private carefulEvent: Record<string, unknown> | undefined;

  /** `JSON.parse`, falling back to the careful reader (Jackson ignores text after the object). */
  public quick(text: string): Record<string, unknown> {
    if (text === this.quickText && this.quickEvent) {
      return this.quickEvent;
    }
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      event = this.careful(text);
    }
    if (!isEventObject(event)) {
      throw new Error('Event must be a JSON object');
    }
    this.quickText = text;
    this.quickEvent = event;
    return event;
  }

  /** The careful reader, keeping number spellings and repeated keys. */
  public careful(text: string): Record<string, unknown> {
    if (text === this.carefulText && this.carefulEvent) {
      return this.carefulEvent;
    }
    const event = readEventCarefully(text);
    this.carefulText = text;
    this.carefulEvent = event;
    return event;
  }
}

const parsedEvents = new ParsedEventCache();

/**
 * An EventBridge event pattern, validated and compiled, that tells whether events match it.
 *
 * It reproduces how EventBridge matches (aws/event-ruler, the engine behind EventBridge, with its
 * array-consistent matching) and what it rejects, with event-ruler's own error texts, plus the
 * service limits: pattern length, 1,000 `$or` combinations and wildcard complexity.
 *
 * Numbers: `matches()` reads event JSON with `JSON.parse` unless the pattern compares numbers and
 * the event holds a number whose spelling could matter (16 or more significant digits, or a
 * three-digit exponent); then it keeps every number's text, because event-ruler compares numbers
 * only when the double is exactly the decimal written and also matches a pattern number by its
 * spelling. `matchesEvent()` takes numbers as the JS numbers they are. A key repeated in one event
 * object counts with all its values in event-ruler; `JSON.parse` keeps only the last, so for such
 * (non-AWS) events `matches()` follows `JSON.parse` unless it had to read the event carefully.
 *
 * @example
 * const matcher = patterns.EventPatternMatcher.fromJson(JSON.stringify({
 *   source: ['aws.iam'],
 *   detail: { eventName: [{ prefix: 'Create' }] },
 * }));
 * matcher.matches('{"source":"aws.iam","detail":{"eventName":"CreateUser"}}'); // true
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
 */
export class EventPatternMatcher {
  /**
   * Validate and compile a pattern.
   *
   * @param patternJson the pattern as JSON text
   * @param options limits to apply
   * @throws Error whose message gives EventBridge's reason (event-ruler's text), where, and the fix
   */
  public static fromJson(patternJson: string, options?: PatternCheckOptions): EventPatternMatcher {
    const outcome = checkPatternText(patternJson, options?.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH);
    if (!outcome.compiled) {
      throw new Error(outcome.errors.join('\n'));
    }
    const rules = outcome.compiled.subRules.map((rule) => new CompiledSubRule(rule));
    const numberSpelling = outcome.compiled.subRules.some((rule) =>
      Array.from(rule.values()).some(dependsOnNumberSpelling));
    return new EventPatternMatcher(patternJson, outcome.warnings, rules, numberSpelling);
  }

  /**
   * Check a pattern without throwing.
   *
   * @param patternJson the pattern as JSON text
   * @param options limits to apply
   */
  public static check(patternJson: string, options?: PatternCheckOptions): PatternCheckResult {
    try {
      const outcome = checkPatternText(patternJson, options?.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH);
      return { valid: outcome.errors.length === 0, errors: outcome.errors, warnings: outcome.warnings };
    } catch (e) {
      return { valid: false, errors: [`Event pattern could not be checked: ${(e as Error).message}`], warnings: [] };
    }
  }

  /** The pattern, as given. */
  public readonly patternJson: string;

  /** Warnings about the pattern (valid, but probably not what was meant). */
  public readonly warnings: string[];

  private readonly rules: readonly CompiledSubRule[];
  private readonly numberSpelling: boolean;

  private constructor(patternJson: string, warnings: string[], rules: readonly CompiledSubRule[], numberSpelling: boolean) {
    this.patternJson = patternJson;
    this.warnings = warnings;
    this.rules = rules;
    this.numberSpelling = numberSpelling;
  }

  /**
   * Whether an event, given as JSON text, matches the pattern.
   *
   * @param eventJson the event as JSON text (a JSON object)
   * @throws Error if the text is not a JSON object
   */
  public matches(eventJson: string): boolean {
    if (this.numberSpelling && SPELLING_SENSITIVE_NUMBER.test(eventJson)) {
      return matchAny(this.rules, parsedEvents.careful(eventJson));
    }
    const event = parsedEvents.quick(eventJson);
    numberSpellingUse.needed = false;
    const matched = matchAny(this.rules, event);
    if (numberSpellingUse.needed) {
      // An address range met a number whose spelling JSON.parse dropped: decide on the exact text.
      return matchAny(this.rules, parsedEvents.careful(eventJson));
    }
    return matched;
  }

  /**
   * Whether an already-parsed event matches the pattern.
   *
   * @param event the event object (as from `JSON.parse`)
   * @throws Error if the event is not an object
   */
  public matchesEvent(event: any): boolean {
    if (!isEventObject(event)) {
      throw new Error(`Event must be a JSON object, got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`);
    }
    return matchAny(this.rules, event);
  }
}
