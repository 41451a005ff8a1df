import { newStamp } from './event-matcher';
import { EventPatternMatcher, PatternCheckOptions } from './event-pattern-matcher';

/**
 * Several event patterns matched together, the way one EventBridge bus holds its rules: each event is
 * read once for all of them, and a field that several patterns test (`source`, `detail.eventName`) is
 * looked up once.
 *
 * Every pattern answers exactly as its own `EventPatternMatcher` does (as an event-ruler machine
 * holding that pattern alone).
 *
 * @example
 * const rules = patterns.EventPatternSet.fromJson([
 *   '{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Create"}]}}',
 *   '{"detail":{"userIdentity":{"type":["Root"]}}}',
 * ]);
 * rules.matchingIndexes(eventJson); // e.g. [0]
 */
export class EventPatternSet {
  /**
   * Validate and compile patterns.
   *
   * @param patternJsons the patterns as JSON text
   * @param options limits to apply to each
   * @throws Error naming the first invalid pattern's index, with EventBridge's reason
   */
  public static fromJson(patternJsons: string[], options?: PatternCheckOptions): EventPatternSet {
    const matchers = patternJsons.map((json, index) =>
      EventPatternMatcher._compile(json, options, 'EventPatternSet.fromJson', `pattern ${index} (counting from 0) is not valid: `));
    return new EventPatternSet(matchers);
  }

  /** The compiled patterns, in the order given. */
  public readonly matchers: EventPatternMatcher[];

  private constructor(matchers: EventPatternMatcher[]) {
    this.matchers = matchers;
  }

  /**
   * The indexes of the patterns an event, given as JSON text, matches, in ascending order.
   *
   * @param eventJson the event as JSON text (a JSON object)
   * @throws Error if event-ruler would refuse the text (see `EventPatternMatcher.matches`)
   */
  public matchingIndexes(eventJson: string): number[] {
    const out: number[] = [];
    const matchers = this.matchers;
    for (let i = 0; i < matchers.length; i++) {
      // matches() shares what it reads of one text across matchers.
      if (matchers[i].matches(eventJson)) {
        out.push(i);
      }
    }
    return out;
  }

  /**
   * The indexes of the patterns an already-parsed event matches, in ascending order. The event is read
   * once for all patterns within this call.
   *
   * @param event the event object (as from `JSON.parse`)
   * @throws Error if the event is not an object (see `EventPatternMatcher.matchesEvent`)
   */
  public matchingIndexesOfEvent(event: any): number[] {
    const out: number[] = [];
    const matchers = this.matchers;
    // One stamp for the call: what is read of the object is shared by the patterns, within this call only.
    const stamp = newStamp();
    for (let i = 0; i < matchers.length; i++) {
      // The first call checks that the event is an object.
      if (matchers[i]._matchesEventAt(event, stamp, i === 0 ? 'EventPatternSet.matchingIndexesOfEvent' : undefined)) {
        out.push(i);
      }
    }
    return out;
  }
}
