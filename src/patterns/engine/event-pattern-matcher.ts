import { CompiledRules, newStamp } from './event-matcher';
import { readEventText } from './event-text-check';
import { DEFAULT_MAX_PATTERN_LENGTH, checkPatternText } from './pattern-check';
import { RulerEvent } from './ruler-event';
import { dependsOnNumberSpelling } from './value-patterns';
import { invalidInput, invalidInputFindings } from '../../private/invalid-input';

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
  /**
   * Things that are valid but almost certainly not meant (for example `["Add*"]`), and shapes for
   * which EventBridge's answer depends on the order of `$or` branches or values (each names its
   * warning id, such as `cdk-iam-change-alerts:patternOverlappingOrBranches`, and the fix).
   */
  readonly warnings: string[];
}

function isEventObject(event: unknown): event is Record<string, unknown> {
  return typeof event === 'object' && event !== null && !Array.isArray(event);
}

/** What a value that is not an event object is, for errors: `null`, `an array`, `a string`. */
function describeNonObject(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * An EventBridge event pattern, validated and compiled, that tells whether events match it.
 *
 * It accepts, rejects (with event-ruler's own error texts) and matches patterns as EventBridge
 * does (aws/event-ruler, with array-consistent matching), and enforces the service limits: pattern
 * length, 1,000 `$or` combinations, wildcard complexity. `matches()` reads event text as event-ruler
 * does; `matchesEvent()` takes a parsed object, which has lost repeated keys and number spellings.
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
    return EventPatternMatcher._compile(patternJson, options, 'EventPatternMatcher.fromJson', '');
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

  /**
   * `fromJson`, for the public method the user called: an invalid pattern's error reads
   * `<source>: <lead><the check's findings>`.
   *
   * @internal
   */
  public static _compile(patternJson: string, options: PatternCheckOptions | undefined, source: string, lead: string): EventPatternMatcher {
    const outcome = checkPatternText(patternJson, options?.maxPatternLength ?? DEFAULT_MAX_PATTERN_LENGTH);
    if (!outcome.compiled) {
      // The findings are event-ruler's reasons, each with its fix: kept word for word.
      throw invalidInputFindings(source, lead, outcome.errors);
    }
    const rules = new CompiledRules(outcome.compiled.subRules);
    const numberSpelling = outcome.compiled.subRules.some((rule) =>
      Array.from(rule.values()).some(dependsOnNumberSpelling));
    return new EventPatternMatcher(patternJson, outcome.warnings, rules, numberSpelling);
  }

  /**
   * Throws, naming `method` (the public method called), when `event` is not an event object;
   * `forText` names the method that takes the event's JSON text instead.
   *
   * @internal
   */
  public static _checkEventObject(event: unknown, method: string, forText: string): void {
    if (!isEventObject(event)) {
      throw invalidInput(method, `the event is ${describeNonObject(event)}, not a JSON object.`,
        `pass the event as an object (parsed JSON), or its JSON text to ${forText}.`);
    }
  }

  /** The pattern, as given. */
  public readonly patternJson: string;

  /** Warnings about the pattern (valid, but probably not what was meant). */
  public readonly warnings: string[];

  /**
   * The compiled sub-rules (an `EventPatternSet` indexes them).
   *
   * @internal
   */
  public readonly _rules: CompiledRules;
  /**
   * Whether a test may need a number's spelling, which `JSON.parse` loses.
   *
   * @internal
   */
  public readonly _numberSpelling: boolean;
  /** The exact reading of the last text that needed it. */
  private exactText: string | undefined;
  private exactEvent: RulerEvent | undefined;

  private constructor(patternJson: string, warnings: string[], rules: CompiledRules, numberSpelling: boolean) {
    this.patternJson = patternJson;
    this.warnings = warnings;
    this._rules = rules;
    this._numberSpelling = numberSpelling;
  }

  /**
   * Whether an event, given as JSON text, matches the pattern.
   *
   * @param eventJson the event as JSON text (a JSON object)
   * @throws Error if event-ruler would refuse the text: not JSON, not an object, or beyond Jackson's
   *   limits (nesting deeper than 1,000, a name over 50,000 characters, a number over 1,000)
   */
  public matches(eventJson: string): boolean {
    const reading = readEventText(eventJson);
    if (reading.faithful && !(this._numberSpelling && reading.spellingSensitiveNumber)) {
      const quick = this._rules.matchQuickly(reading.parsed as Record<string, unknown>, reading.stamp, true);
      if (quick !== undefined) {
        return quick;
      }
    }
    if (eventJson !== this.exactText || !this.exactEvent) {
      this.exactEvent = RulerEvent.fromText(eventJson, this._rules.used, this._rules.names);
      this.exactText = eventJson;
    }
    return this._rules.matchExactly(this.exactEvent);
  }

  /**
   * Whether an already-parsed event matches the pattern.
   *
   * @param event the event object (as from `JSON.parse`)
   * @throws Error if the event is not an object, or is nested more than 10,000 deep (or cyclic) where
   *   the pattern looks
   */
  public matchesEvent(event: any): boolean {
    // A stamp of its own: the object may have changed since any earlier call.
    return this._matchesEventAt(event, newStamp(), 'EventPatternMatcher.matchesEvent');
  }

  /**
   * `matchesEvent` with the quick path's memo stamp given: calls with the same stamp share what they
   * read of the event, so the caller must not let the event change between them. `checkFor`: the
   * public method to name when the event is not an object; undefined when the caller has made sure
   * it is one.
   *
   * @internal
   */
  public _matchesEventAt(event: any, stamp: number, checkFor: string | undefined): boolean {
    if (checkFor !== undefined) {
      EventPatternMatcher._checkEventObject(event, checkFor, 'matches()');
    }
    const quick = this._rules.matchQuickly(event, stamp, false);
    return quick !== undefined ? quick : this._rules.matchExactly(RulerEvent.fromObject(event, this._rules.used, this._rules.names));
  }
}
