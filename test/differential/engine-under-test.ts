/**
 * The TypeScript engine's answers in the same shape as event-ruler's, with the checks of its own
 * consistency (check() against fromJson(), matches(text) against matchesEvent(parsed)).
 */
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';

export interface CompiledPattern {
  readonly valid: boolean;
  readonly errors: string[];
  readonly matcher?: EventPatternMatcher;
  /** Set when check() and fromJson() disagree on whether the pattern is valid. */
  readonly inconsistency?: string;
}

export interface EngineAnswer {
  readonly valid: boolean;
  readonly errors: string[];
  readonly match?: boolean;
  /** matches(text) threw: the message. */
  readonly threw?: string;
  /** matchesEvent(JSON.parse(text)), when the text survives JSON.parse unchanged in meaning. */
  readonly matchParsed?: boolean;
  readonly inconsistency?: string;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function compilePattern(patternText: string): CompiledPattern {
  let checked: { valid: boolean; errors: string[] };
  try {
    checked = EventPatternMatcher.check(patternText);
  } catch (e) {
    return { valid: false, errors: [], inconsistency: `check() threw instead of reporting: ${messageOf(e)}` };
  }
  let matcher: EventPatternMatcher | undefined;
  let thrown: string | undefined;
  try {
    matcher = EventPatternMatcher.fromJson(patternText);
  } catch (e) {
    thrown = messageOf(e);
  }
  const inconsistency = checked.valid === (matcher !== undefined) ? undefined
    : checked.valid ? `check() says valid but fromJson() threw: ${thrown}`
      : `check() says invalid (${checked.errors.join('; ')}) but fromJson() accepted it`;
  return { valid: checked.valid, errors: checked.valid ? [] : checked.errors.length > 0 ? checked.errors : [thrown ?? ''], matcher, inconsistency };
}

/** Compiles each distinct pattern text once. */
export class EngineUnderTest {
  private readonly compiled = new Map<string, CompiledPattern>();

  compile(patternText: string): CompiledPattern {
    let c = this.compiled.get(patternText);
    if (!c) {
      c = compilePattern(patternText);
      this.compiled.set(patternText, c);
    }
    return c;
  }

  /** `parsedEvent` is JSON.parse of the event text, or undefined to skip that comparison. */
  answer(patternText: string, eventText: string, parsedEvent?: unknown): EngineAnswer {
    const c = this.compile(patternText);
    if (!c.matcher || !c.valid) {
      return { valid: c.valid, errors: c.errors, inconsistency: c.inconsistency };
    }
    let match: boolean | undefined;
    let threw: string | undefined;
    try {
      match = c.matcher.matches(eventText);
    } catch (e) {
      threw = messageOf(e);
    }
    let matchParsed: boolean | undefined;
    if (parsedEvent !== undefined && threw === undefined) {
      try {
        matchParsed = c.matcher.matchesEvent(parsedEvent);
      } catch (e) {
        threw = `matchesEvent: ${messageOf(e)}`;
      }
    }
    return { valid: true, errors: [], match, threw, matchParsed, inconsistency: c.inconsistency };
  }
}
