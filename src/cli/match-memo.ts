import { isJsonObject, JsonObject } from './cloudtrail-envelope';

/**
 * Remembers which rules an event matched, keyed by the event's values at the fields the rules'
 * patterns name: events that agree on those values get the same answer from every rule, so a
 * log of millions of events, which repeat a few thousand combinations of event name, source,
 * identity type and error code, is matched a few thousand times.
 *
 * The key is exact, or there is none and the event is matched directly:
 * - it holds one value per field, read as the engine reads it: the scalar at the field's path,
 *   or absent (nothing there, or an object, which holds no value at that path for event-ruler);
 * - an event with a dotted key that could also spell a field (`{"detail.eventName": …}`, which
 *   event-ruler joins like nested keys) gets no key;
 * - an array on a field's path gets no key (event-ruler matches each element, with its array
 *   consistency rule), unless it is empty, which holds no value; so only scalars and absence
 *   enter a key;
 * - values keep their type (a Map compares `"1"` and `1` as different keys; -0 is kept apart).
 *
 * Keys are paths in a tree of Maps, one level per field, so that finding an answer costs one Map
 * lookup per field and builds no string.
 */
export class MatchMemo<T> {
  /**
   * A memo for these patterns, or undefined when a field name is an `Object.prototype` member
   * (`constructor`), which plain property reads cannot tell apart from absence.
   */
  public static forPatterns<T>(patternJsons: readonly string[]): MatchMemo<T> | undefined {
    const root = new FieldNode();
    for (const json of patternJsons) {
      for (const segments of patternFields(JSON.parse(json))) {
        if (segments.some((s) => s in Object.prototype)) return undefined;
        root.add(segments);
      }
    }
    root.prepare();
    return new MatchMemo<T>(root.compile());
  }

  private tree = new Map<unknown, unknown>();
  private nodes = 0;
  private lookups = 0;
  private hits = 0;
  private disabled = false;
  /** Field values of the last event looked up (reused, to allocate nothing per event). */
  private readonly values: unknown[] = [];
  private lastRememberable = false;

  private constructor(private readonly collect: Collector) {}

  /**
   * The answer remembered for events that agree with this one on every field, or undefined:
   * then match it directly and `remember` the answer (which does nothing when the event could not
   * have a key).
   */
  public lookup(event: JsonObject): T | undefined {
    this.lastRememberable = false;
    if (this.disabled) return undefined;
    this.values.length = 0;
    if (!this.collect(event, this.values)) return undefined;
    this.lastRememberable = true;
    this.lookups++;
    let level: Map<unknown, unknown> | undefined = this.tree;
    const last = this.values.length - 1;
    for (let i = 0; i < last && level !== undefined; i++) level = level.get(this.values[i]) as Map<unknown, unknown> | undefined;
    const answer = level?.get(this.values[last]) as T | undefined;
    if (answer !== undefined) {
      this.hits++;
    } else if (this.lookups === CHECK_AFTER && this.hits < this.lookups * MIN_HIT_RATE) {
      // The fields vary with nearly every event (an exclusion on userIdentity.arn sees each
      // session name): lookups cost more than they save, so stop.
      this.disabled = true;
      this.lastRememberable = false;
      this.tree = new Map();
    }
    return answer;
  }

  /** Remembers the answer for the event of the last `lookup`. */
  public remember(answer: T): void {
    if (!this.lastRememberable) return;
    if (this.nodes >= MAX_NODES) {
      this.tree = new Map();
      this.nodes = 0;
    }
    let level = this.tree;
    const last = this.values.length - 1;
    for (let i = 0; i < last; i++) {
      let next = level.get(this.values[i]) as Map<unknown, unknown> | undefined;
      if (next === undefined) {
        next = new Map();
        level.set(this.values[i], next);
        this.nodes++;
      }
      level = next;
    }
    level.set(this.values[last], answer);
    this.nodes++;
  }
}

const MAX_NODES = 500000;
const CHECK_AFTER = 20000;
const MIN_HIT_RATE = 0.5;
/** Stands for -0, which a Map does not tell from 0. */
const NEGATIVE_ZERO = Symbol('-0');

/** Appends the event's value of each field to `out`, in a fixed order; false when the event can have no key. */
type Collector = (event: JsonObject, out: unknown[]) => boolean;

/** The flattened field names a pattern filters on, as segment lists (`$or` branches included). */
export function patternFields(pattern: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isJsonObject(pattern)) return out;
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      for (const branch of value) patternFields(branch, prefix, out);
      continue;
    }
    const path = [...prefix, ...key.split('.')];
    if (Array.isArray(value)) out.push(path);
    else if (isJsonObject(value)) patternFields(value, path, out);
  }
  return out;
}

/** One level of the field names: whether a field ends here, and the segments below. */
class FieldNode {
  private readonly children = new Map<string, FieldNode>();
  public leaf = false;
  public childNames: string[] = [];
  public childNodes: FieldNode[] = [];
  /** Keys of two or more segments below this level, which must be absent for plain reads to be exact. */
  public dottedKeys: string[] = [];
  /** Fields at or below this level (the values an absent subtree stands for). */
  public fieldCount = 0;
  private readonly paths: string[][] = [];

  public add(segments: string[]): void {
    this.paths.push(segments);
    if (segments.length === 0) {
      this.leaf = true;
      return;
    }
    let child = this.children.get(segments[0]);
    if (child === undefined) {
      child = new FieldNode();
      this.children.set(segments[0], child);
    }
    child.add(segments.slice(1));
  }

  public prepare(): void {
    this.childNames = [...this.children.keys()].sort();
    this.childNodes = this.childNames.map((n) => this.children.get(n)!);
    const dotted = new Set<string>();
    for (const path of this.paths) {
      for (let j = 2; j <= path.length; j++) dotted.add(path.slice(0, j).join('.'));
    }
    this.dottedKeys = [...dotted];
    this.childNodes.forEach((c) => c.prepare());
    this.fieldCount = (this.leaf ? 1 : 0) + this.childNodes.reduce((sum, c) => sum + c.fieldCount, 0);
  }

  /**
   * The collector, as a function written for these fields. Reading properties by literal names
   * lets the JavaScript engine cache each read, where one loop over names would make every read
   * (and every dotted-key check, mostly of keys that are absent) a slow generic lookup: that was
   * most of the time a backtest spent per event. Names are embedded as JSON string literals.
   */
  public compile(): Collector {
    const lines: string[] = [];
    let counter = 0;
    const emit = (node: FieldNode, object: string) => {
      if (node.dottedKeys.length > 0) {
        lines.push(`if (${node.dottedKeys.map((k) => `${object}[${JSON.stringify(k)}] !== undefined`).join(' || ')}) return false;`);
      }
      node.childNames.forEach((name, i) => {
        const child = node.childNodes[i];
        const v = `v${counter++}`;
        lines.push(`let ${v} = ${object}[${JSON.stringify(name)}];`);
        // An empty array holds no value (EventBridge envelopes carry "resources": [] for CloudTrail events).
        lines.push(`if (Array.isArray(${v})) { if (${v}.length > 0) return false; ${v} = undefined; }`);
        if (child.leaf) {
          lines.push(`out.push(typeof ${v} === 'object' && ${v} !== null ? undefined : ${v} === 0 && Object.is(${v}, -0) ? NEGATIVE_ZERO : ${v});`);
        }
        if (child.childNodes.length === 0) return;
        const absent = child.fieldCount - (child.leaf ? 1 : 0);
        lines.push(`if (typeof ${v} === 'object' && ${v} !== null) {`);
        emit(child, v);
        // Nothing below a scalar or an absent value: every field under it is absent.
        lines.push(`} else { ${'out.push(undefined); '.repeat(absent)}}`);
      });
    };
    emit(this, 'event');
    lines.push('return true;');
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const factory = new Function('NEGATIVE_ZERO', `return function collect(event, out) {\n${lines.join('\n')}\n};`);
    return factory(NEGATIVE_ZERO) as Collector;
  }
}
