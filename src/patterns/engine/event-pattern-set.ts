import { newStamp } from './event-matcher';
import { EventPatternMatcher, PatternCheckOptions, PatternCheckResult } from './event-pattern-matcher';
import { readEventText } from './event-text-check';
import { IndexedPattern, IndexVisit, MATCHED, PatternIndex, UNSEEN } from './pattern-index';
import { RulerEvent, UsedSteps } from './ruler-event';
import { invalidInput } from '../../private/invalid-input';

/** A pattern of the set, with the index's per-event state. */
interface Slot extends IndexedPattern {
  readonly name: string;
  readonly matcher: EventPatternMatcher;
}

const NO_STEPS = new UsedSteps([]);
const NO_NAMES: ReadonlySet<string> = new Set();
/** Up to this many matches of one event are put in order by insertion. */
const SORT_IN_PLACE = 16;

/**
 * Named event patterns matched together, as an EventBridge bus matches its rules: an event's
 * fields are looked at once, whatever the number of patterns, and patterns can be added and
 * removed at any time.
 *
 * The names given for an event are exactly those whose own `EventPatternMatcher` matches it.
 *
 * @example
 * const rules = new patterns.EventPatternSet();
 * rules.add('iam-creates', '{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Create"}]}}');
 * rules.add('root', '{"detail":{"userIdentity":{"type":["Root"]}}}');
 * rules.matchingNames('{"source":"aws.iam","detail":{"eventName":"CreateUser"}}'); // ['iam-creates']
 */
export class EventPatternSet {
  private readonly options?: PatternCheckOptions;
  private readonly slots = new Map<string, Slot>();
  private readonly index = new PatternIndex();
  private nextOrder = 0;
  /** The slots by their order (holes where a pattern was removed). */
  private readonly byOrder: Array<Slot | undefined> = [];
  /** Reused from call to call. */
  private readonly visit = new IndexVisit();
  private orders = new Int32Array(64);

  /**
   * @param options limits every added pattern must keep (as for `EventPatternMatcher.fromJson`)
   */
  constructor(options?: PatternCheckOptions) {
    this.options = options;
  }

  /** The names of the patterns, in the order they were first added. */
  public get names(): string[] {
    return Array.from(this.slots.keys());
  }

  /** How many patterns the set holds. */
  public get size(): number {
    return this.slots.size;
  }

  /**
   * Check a pattern as `add` would, without adding it: the same result as
   * `EventPatternMatcher.check` with this set's options.
   *
   * @param patternJson the pattern as JSON text
   */
  public check(patternJson: string): PatternCheckResult {
    return EventPatternMatcher.check(patternJson, this.options);
  }

  /**
   * Add a pattern under a name. A name already in the set gets the new pattern in its place, as
   * EventBridge's PutRule replaces the pattern of an existing rule.
   *
   * @param name the pattern's name (any text but the empty string)
   * @param patternJson the pattern as JSON text
   * @throws Error giving EventBridge's reasons (event-ruler's texts), where, and the fix, when the
   *   pattern is not valid (the set is then unchanged)
   * @see https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
   */
  public add(name: string, patternJson: string): void {
    if (typeof name !== 'string' || name === '') {
      throw invalidInput('EventPatternSet.add', `the name is ${JSON.stringify(name) ?? String(name)}.`,
        'give each pattern a non-empty name (the names matchingNames() returns).');
    }
    const matcher = EventPatternMatcher._compile(patternJson, this.options, 'EventPatternSet.add',
      `the pattern named ${JSON.stringify(name)} is not valid: `);
    const old = this.slots.get(name);
    if (old !== undefined) {
      this.index.remove(old);
      this.visit.release();
    }
    const slot: Slot = {
      name,
      matcher,
      order: old?.order ?? this.nextOrder++,
      rules: matcher._rules,
      numberSpelling: matcher._numberSpelling,
      visit: 0,
      state: UNSEEN,
    };
    this.slots.set(name, slot);
    this.byOrder[slot.order] = slot;
    this.index.add(slot);
  }

  /**
   * Remove a pattern.
   *
   * @param name the pattern's name
   * @returns whether the set held a pattern of that name
   */
  public remove(name: string): boolean {
    const slot = this.slots.get(name);
    if (slot === undefined) {
      return false;
    }
    this.index.remove(slot);
    this.visit.release();
    this.slots.delete(name);
    this.byOrder[slot.order] = undefined;
    return true;
  }

  /**
   * Whether the set holds a pattern of this name.
   *
   * @param name the pattern's name
   */
  public has(name: string): boolean {
    return this.slots.has(name);
  }

  /**
   * The compiled pattern of a name (its JSON text and warnings), or undefined.
   *
   * @param name the pattern's name
   */
  public matcherFor(name: string): EventPatternMatcher | undefined {
    return this.slots.get(name)?.matcher;
  }

  /**
   * The names of the patterns an event, given as JSON text, matches, in the order of `names`.
   *
   * @param eventJson the event as JSON text (a JSON object)
   * @throws Error if event-ruler would refuse the text (see `EventPatternMatcher.matches`)
   */
  public matchingNames(eventJson: string): string[] {
    const reading = readEventText(eventJson);
    if (!reading.faithful) {
      // JSON.parse lost or refused something event-ruler reads: each pattern reads the text exactly.
      if (this.slots.size === 0) {
        RulerEvent.fromText(eventJson, NO_STEPS, NO_NAMES);
        return [];
      }
      const out: string[] = [];
      this.slots.forEach((slot) => {
        if (slot.matcher.matches(eventJson)) {
          out.push(slot.name);
        }
      });
      return out;
    }
    const event = reading.parsed as Record<string, unknown>;
    return this.collect(event, reading.stamp, eventJson, reading.spellingSensitiveNumber);
  }

  /**
   * The names of the patterns an already-parsed event matches, in the order of `names`.
   *
   * @param event the event object (as from `JSON.parse`)
   * @throws Error if the event is not an object (see `EventPatternMatcher.matchesEvent`)
   */
  public matchingNamesOfEvent(event: any): string[] {
    EventPatternMatcher._checkEventObject(event, 'EventPatternSet.matchingNamesOfEvent', 'matchingNames()');
    // A stamp of its own: the object may have changed since any earlier call.
    const stamp = newStamp();
    return this.collect(event, stamp, undefined, false);
  }

  /**
   * The quick answers of the index, the undecided ones from each pattern's matcher, in order.
   *
   * @param text the event's text when the event was read from it (its matchers then read the text
   *   exactly), undefined for an event given as an object
   */
  private collect(event: Record<string, unknown>, stamp: number, text: string | undefined, spellingSensitive: boolean): string[] {
    const visit = this.visit;
    const matched = visit.matched as Slot[];
    const undecided = visit.undecided as Slot[];
    // Emptied here, not after: an exception leaves them for the next call to empty.
    visit.clear();
    this.index.visit(event, stamp, text !== undefined, spellingSensitive, visit);
    for (let i = 0; i < visit.undecidedCount; i++) {
      const slot = undecided[i];
      if (slot.state !== MATCHED && (text !== undefined ? slot.matcher.matches(text) : slot.matcher._matchesEventAt(event, stamp, undefined))) {
        matched[visit.matchedCount++] = slot;
      }
    }
    const n = visit.matchedCount;
    if (n <= 1) {
      return n === 0 ? [] : [matched[0].name];
    }
    const out = new Array<string>(n);
    if (n <= SORT_IN_PLACE) {
      // In order: a few matches are sorted where they are (no allocation, no comparison calls).
      for (let i = 1; i < n; i++) {
        const slot = matched[i];
        let j = i - 1;
        while (j >= 0 && matched[j].order > slot.order) {
          matched[j + 1] = matched[j];
          j--;
        }
        matched[j + 1] = slot;
      }
      for (let i = 0; i < n; i++) {
        out[i] = matched[i].name;
      }
      return out;
    }
    // Many: a typed array sorts numbers natively.
    if (this.orders.length < n) {
      this.orders = new Int32Array(2 * n);
    }
    const orders = this.orders;
    for (let i = 0; i < n; i++) {
      orders[i] = matched[i].order;
    }
    const sorted = orders.subarray(0, n).sort();
    for (let i = 0; i < n; i++) {
      out[i] = this.byOrder[sorted[i]]!.name;
    }
    return out;
  }
}
