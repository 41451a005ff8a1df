/**
 * How event-ruler 2.1.0 builds its machine for one pattern: a port of the adding side of
 * `GenericMachine.addStep` (name states and sub-rule bookkeeping) and of `ByteMachine.addPattern` for
 * the string tests (byte states, shortcut, composite and compound transitions, the star states of
 * wildcards, the case alternatives of `equals-ignore-case`), and of `MachineComplexityEvaluator`.
 *
 * The engine does not match with this: it answers with the OR of a field's tests that AWS documents
 * (value-patterns.ts, event-matcher.ts). This exists for what only event-ruler's structure decides:
 *
 * - the wildcard complexity EventBridge limits, which `MachineComplexityEvaluator` measures on the
 *   machine holding the whole pattern (every `$or` branch, an `anything-but` wildcard list counted as
 *   one pattern);
 * - the places where event-ruler's answer depends on the order of `$or` branches or listed values
 *   (pattern-check.ts warns about them): a sub-rule `addStep` takes for one it added before and never
 *   adds, and a case-insensitive value whose path `canReuseNextByteState` lays through a wildcard's
 *   star state.
 *
 * Numbers (numeric equality, ranges, `anything-but` numbers) and address ranges are kept only as the
 * name states they lead to: their byte paths use event-ruler's base-128 number digits, which the
 * engine does not generate, and they hold no wildcard. Where Java iterates a `HashSet` of objects
 * hashed by identity (the order then varies from run to run), this port takes insertion order.
 */
import { ValuePattern, javaBytesView } from '../value-patterns';
import { javaLowerUpper } from './java-case';

// ---- patterns, as event-ruler's `Patterns` objects ----

export type MatchType =
  | 'EXACT' | 'NUMERIC_EQ' | 'PREFIX' | 'PREFIX_EQUALS_IGNORE_CASE' | 'SUFFIX' | 'SUFFIX_EQUALS_IGNORE_CASE'
  | 'EQUALS_IGNORE_CASE' | 'WILDCARD' | 'ANYTHING_BUT' | 'ANYTHING_BUT_IGNORE_CASE' | 'ANYTHING_BUT_PREFIX'
  | 'ANYTHING_BUT_SUFFIX' | 'ANYTHING_BUT_WILDCARD' | 'NUMERIC_RANGE' | 'EXISTS' | 'ABSENT';

/** One event-ruler `Patterns` object as `JsonRuleCompiler` makes it from a test of the pattern. */
export interface RulerPattern {
  readonly type: MatchType;
  /** Identity under `Patterns.equals` (type and value, or type and set of values). */
  readonly key: string;
  /**
   * The strings added to the byte machine, in the order event-ruler adds them (a `HashSet`'s order for
   * the `anything-but` forms); undefined for the tests kept only as name states (numbers, ranges).
   */
  readonly values?: readonly string[];
  /** The engine's test it comes from. */
  readonly source: ValuePattern;
  /**
   * A numeric range with no double strictly inside: `addRangePattern` inserts no match for it, so the
   * name state it returns is reached from nowhere.
   */
  readonly matchesNothing?: boolean;
}

/** The next double above `x` (finite `x`). */
function nextUp(x: number): number {
  if (x === 0) {
    return Number.MIN_VALUE;
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  view.setBigInt64(0, x > 0 ? bits + BigInt(1) : bits - BigInt(1));
  return view.getFloat64(0);
}

/** `String.hashCode`. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  }
  return h;
}

/**
 * The iteration order of a `java.util.HashSet<String>` the strings were added to in this order: by
 * bucket of the final table (16 slots, doubled past three quarters full), then in insertion order.
 */
export function javaHashSetOrder(strings: readonly string[]): string[] {
  const unique: string[] = [];
  const seen = new Set<string>();
  let capacity = 16;
  for (const s of strings) {
    if (!seen.has(s)) {
      seen.add(s);
      unique.push(s);
      if (unique.length > capacity * 0.75) {
        capacity *= 2;
      }
    }
  }
  const bucket = (s: string) => {
    const h = javaStringHash(s);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique.map((s, i) => ({ s, i, b: bucket(s) })).sort((x, y) => x.b - y.b || x.i - y.i).map((e) => e.s);
}

/** `StringBuilder.reverse` for well-formed text (a surrogate pair stays in order). */
function reverseText(text: string): string {
  return Array.from(text).reverse().join('');
}

const quoted = (s: string) => `"${s}"`;

function valuesPattern(type: MatchType, values: readonly string[], source: ValuePattern): RulerPattern {
  const ordered = javaHashSetOrder(values);
  return { type, key: `${type}:${JSON.stringify([...ordered].sort())}`, values: ordered, source };
}

function valuePattern(type: MatchType, value: string, source: ValuePattern): RulerPattern {
  return { type, key: `${type}:${value}`, values: [value], source };
}

/** The `Patterns` event-ruler makes of one test, in the order `JsonRuleCompiler.writeRules` lists them. */
export function rulerPatterns(p: ValuePattern): RulerPattern[] {
  switch (p.kind) {
    case 'exact-string': return [valuePattern('EXACT', quoted(p.value), p)];
    case 'exact-literal': return [valuePattern('EXACT', String(p.value), p)];
    case 'exact-number':
      // A comparable number is also a numeric equality, listed first.
      return [
        ...(p.comparable ? [{ type: 'NUMERIC_EQ' as const, key: `NUMERIC_EQ:${p.value}`, source: p }] : []),
        valuePattern('EXACT', p.text, p),
      ];
    case 'numeric-equals': return [{ type: 'NUMERIC_EQ', key: `NUMERIC_EQ:${p.value}`, source: p }];
    case 'numeric': {
      // event-ruler's numbers cover every double, in order: an open range between neighbours is empty.
      const empty = p.lower !== undefined && p.upper !== undefined && p.lowerOpen && p.upperOpen && nextUp(p.lower) >= p.upper;
      return [{ type: 'NUMERIC_RANGE', key: `RANGE:${p.lower},${p.lowerOpen},${p.upper},${p.upperOpen}`, source: p, matchesNothing: empty }];
    }
    case 'address':
    case 'cidr':
      return [{ type: 'NUMERIC_RANGE', key: `CIDR:${p.range.bottom},${p.range.openBottom},${p.range.top},${p.range.openTop}`, source: p }];
    case 'prefix': return [valuePattern(p.ignoreCase ? 'PREFIX_EQUALS_IGNORE_CASE' : 'PREFIX', '"' + p.value, p)];
    case 'suffix': return [valuePattern(p.ignoreCase ? 'SUFFIX_EQUALS_IGNORE_CASE' : 'SUFFIX', reverseText(p.value + '"'), p)];
    case 'equals-ignore-case': return [valuePattern('EQUALS_IGNORE_CASE', quoted(p.value), p)];
    case 'wildcard': return [valuePattern('WILDCARD', quoted(p.value), p)];
    case 'anything-but':
      return p.numbers.length > 0
        ? [{ type: 'ANYTHING_BUT', key: `ANYTHING_BUT:numbers:${JSON.stringify([...new Set(p.numbers)].sort((a, b) => a - b))}`, source: p }]
        : [valuesPattern('ANYTHING_BUT', p.strings.map(quoted), p)];
    case 'anything-but-prefix': return [valuesPattern('ANYTHING_BUT_PREFIX', p.values.map((v) => '"' + v), p)];
    case 'anything-but-suffix':
      // Patterns.anythingButSuffix reverses each value of the compiler's set into a new set.
      return [valuesPattern('ANYTHING_BUT_SUFFIX', javaHashSetOrder(p.values.map((v) => v + '"')).map(reverseText), p)];
    case 'anything-but-ignore-case': return [valuesPattern('ANYTHING_BUT_IGNORE_CASE', p.values.map(quoted), p)];
    case 'anything-but-wildcard': return [valuesPattern('ANYTHING_BUT_WILDCARD', p.values.map(quoted), p)];
    case 'exists': return [p.exists ? valuePattern('EXISTS', 'N', p) : { type: 'ABSENT', key: 'ABSENT', source: p }];
  }
}

// ---- input characters (event-ruler's input package) ----

const BYTE = 0;
const WILDCARD = 1;
const MULTI_BYTE_SET = 2;

type InputCharacter =
  | { readonly type: typeof BYTE; readonly byte: number }
  | { readonly type: typeof WILDCARD }
  | { readonly type: typeof MULTI_BYTE_SET; readonly multiBytes: readonly (readonly number[])[]; readonly key: string };

const STAR: InputCharacter = { type: WILDCARD };
const inputByte = (byte: number): InputCharacter => ({ type: BYTE, byte });

function sameCharacter(a: InputCharacter, b: InputCharacter): boolean {
  if (a.type !== b.type) {
    return false;
  }
  if (a.type === BYTE) {
    return a.byte === (b as { byte: number }).byte;
  }
  return a.type === WILDCARD || a.key === (b as { key: string }).key;
}

/** `String.getBytes(UTF_8)`: a lone surrogate is `?`. */
function utf8(text: string): number[] {
  return Array.from(Buffer.from(javaBytesView(text), 'utf8'));
}

function multiByteSet(variants: readonly (readonly number[])[]): InputCharacter {
  const keys = variants.map((v) => v.join(',')).sort();
  return { type: MULTI_BYTE_SET, multiBytes: variants, key: keys.join('|') };
}

/** `EqualsIgnoreCaseParser.parse`: each UTF-16 unit's lower and upper case as bytes (reversed for a suffix). */
function parseIgnoreCase(value: string, reverse: boolean): InputCharacter[] {
  const out: InputCharacter[] = [];
  for (let i = 0; i < value.length; i++) {
    const [lower, upper] = javaLowerUpper(value.charCodeAt(i));
    let lowerBytes = utf8(lower);
    let upperBytes = utf8(upper);
    if (reverse) {
      lowerBytes = lowerBytes.reverse();
      upperBytes = upperBytes.reverse();
    }
    if (lowerBytes.join(',') === upperBytes.join(',')) {
      out.push(...lowerBytes.map(inputByte));
    } else {
      out.push(multiByteSet([lowerBytes, upperBytes]));
    }
  }
  return out;
}

/** `WildcardParser.parse` (the value was validated when the pattern was read). */
function parseWildcardValue(value: string): InputCharacter[] {
  const bytes = utf8(value);
  const out: InputCharacter[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x2a) {
      out.push(STAR);
    } else if (b === 0x5c && (bytes[i + 1] === 0x2a || bytes[i + 1] === 0x5c)) {
      out.push(inputByte(bytes[i + 1]));
      i++;
    } else {
      out.push(inputByte(b));
    }
  }
  return out;
}

/** `DefaultParser.parse(type, value)`. */
function parse(type: MatchType, value: string): InputCharacter[] {
  switch (type) {
    case 'WILDCARD':
    case 'ANYTHING_BUT_WILDCARD':
      return parseWildcardValue(value);
    case 'EQUALS_IGNORE_CASE':
    case 'ANYTHING_BUT_IGNORE_CASE':
    case 'PREFIX_EQUALS_IGNORE_CASE':
      return parseIgnoreCase(value, false);
    case 'SUFFIX':
    case 'ANYTHING_BUT_SUFFIX':
      // SuffixParser: the bytes of the value reversed back, in reverse order.
      return utf8(reverseText(value)).reverse().map(inputByte);
    case 'SUFFIX_EQUALS_IGNORE_CASE':
      return parseIgnoreCase(value, true);
    default:
      return utf8(value).map(inputByte);
  }
}

// ---- transitions (ByteTransition and its subclasses) ----

let nextId = 1;

/** Keys of `ByteMatch`es: equal (same pattern, same next name state) matches share one (negative) key. */
const matchKeys = new Map<string, number>();

abstract class Transition {
  readonly id = nextId++;
  /**
   * Identity under Java's `equals` in the sets of transitions: the object itself for most, the
   * pattern and next name state for a `ByteMatch`, the set of transitions for a compound.
   */
  get key(): number | string {
    return this.id;
  }
  abstract getNextByteState(): ByteState | undefined;
  /** The transitions this stands for (`expand`). */
  abstract expand(): Single[];
  abstract getTransition(byte: number): Transition | undefined;
  abstract getTransitions(): Transition[];
  abstract getTransitionForNextByteStates(): Transition | undefined;
  abstract getMatches(): ByteMatch[];
  abstract getShortcuts(): Shortcut[];
  isShortcut(): boolean {
    return false;
  }
  isMatchTransition(): boolean {
    return false;
  }
  isEmpty(): boolean {
    return this.getMatches().length === 0 && this.getNextByteState() === undefined;
  }
  hasIndeterminatePrefix(): boolean {
    return false;
  }
}

abstract class Single extends Transition {
  abstract getMatch(): ByteMatch | undefined;
  abstract setMatch(match: ByteMatch | undefined): Single | undefined;
  abstract setNextByteState(state: ByteState | undefined): Single | undefined;
  abstract getTransitionForAllBytes(): Transition | undefined;
  abstract clone(): Single;
  expand(): Single[] {
    return [this];
  }
  getMatches(): ByteMatch[] {
    const m = this.getMatch();
    return m ? [m] : [];
  }
  getTransitionForNextByteStates(): Transition | undefined {
    return this.getNextByteState();
  }
}

/** A set of single transitions under Java's equality, in insertion order. */
class SingleSet {
  private readonly map = new Map<number | string, Single>();
  constructor(items: Iterable<Single> = []) {
    for (const t of items) {
      this.add(t);
    }
  }
  add(t: Single): void {
    if (!this.map.has(t.key)) {
      this.map.set(t.key, t);
    }
  }
  remove(t: Single): void {
    this.map.delete(t.key);
  }
  has(t: Single): boolean {
    return this.map.has(t.key);
  }
  get size(): number {
    return this.map.size;
  }
  values(): Single[] {
    return Array.from(this.map.values());
  }
  retain(other: SingleSet): void {
    for (const k of Array.from(this.map.keys())) {
      if (!other.map.has(k)) {
        this.map.delete(k);
      }
    }
  }
  sameAs(other: SingleSet): boolean {
    if (this.size !== other.size) {
      return false;
    }
    for (const k of this.map.keys()) {
      if (!other.map.has(k)) {
        return false;
      }
    }
    return true;
  }
  keyOf(): string {
    return (Array.from(this.map.keys()) as number[]).sort((a, b) => a - b).join(',');
  }
}

const EMPTY_SET: readonly Single[] = [];

/** `CompoundByteTransition.coalesce`: nothing, the one transition, or a compound of several. */
function coalesce(singles: SingleSet | readonly Single[]): Transition | undefined {
  const set = singles instanceof SingleSet ? singles : new SingleSet(singles);
  if (set.size === 0) {
    return undefined;
  }
  if (set.size === 1) {
    return set.values()[0];
  }
  return new Compound(set);
}

function expandOf(t: Transition | undefined | null): readonly Single[] {
  return t ? t.expand() : EMPTY_SET;
}

class EmptyTransition extends Single {
  getNextByteState(): ByteState | undefined {
    return undefined;
  }
  setNextByteState(state: ByteState | undefined): Single | undefined {
    return state;
  }
  getTransition(): Transition | undefined {
    return undefined;
  }
  getTransitionForAllBytes(): Transition | undefined {
    return undefined;
  }
  getTransitions(): Transition[] {
    return [];
  }
  getMatch(): ByteMatch | undefined {
    return undefined;
  }
  setMatch(match: ByteMatch | undefined): Single | undefined {
    return match;
  }
  getShortcuts(): Shortcut[] {
    return [];
  }
  clone(): Single {
    return this;
  }
}

const EMPTY = new EmptyTransition();

export class ByteMatch extends Single {
  private readonly matchKey: number;
  constructor(readonly pattern: RulerPattern, readonly nextNameState: NameState) {
    super();
    const name = `${pattern.key}\u0000${nextNameState.id}`;
    let key = matchKeys.get(name);
    if (key === undefined) {
      key = -(matchKeys.size + 1);
      matchKeys.set(name, key);
    }
    this.matchKey = key;
  }
  get key(): number {
    return this.matchKey;
  }
  getNextByteState(): ByteState | undefined {
    return undefined;
  }
  setNextByteState(state: ByteState | undefined): Single | undefined {
    return state ? new Composite(state, this) : this;
  }
  getTransition(): Transition | undefined {
    return undefined;
  }
  getTransitionForAllBytes(): Transition | undefined {
    return undefined;
  }
  getTransitions(): Transition[] {
    return [];
  }
  getMatch(): ByteMatch | undefined {
    return this;
  }
  setMatch(match: ByteMatch | undefined): Single | undefined {
    return match;
  }
  getShortcuts(): Shortcut[] {
    return [];
  }
  isMatchTransition(): boolean {
    return true;
  }
  clone(): Single {
    return new ByteMatch(this.pattern, this.nextNameState);
  }
}

class Composite extends Single {
  constructor(private nextState: ByteState, private match: ByteMatch) {
    super();
  }
  getNextByteState(): ByteState | undefined {
    return this.nextState;
  }
  setNextByteState(state: ByteState | undefined): Single | undefined {
    if (!state) {
      return this.match;
    }
    this.nextState = state;
    return this;
  }
  getTransition(): Transition | undefined {
    return undefined;
  }
  getTransitionForAllBytes(): Transition | undefined {
    return undefined;
  }
  getTransitions(): Transition[] {
    return [];
  }
  getMatch(): ByteMatch | undefined {
    return this.match;
  }
  setMatch(match: ByteMatch | undefined): Single | undefined {
    if (!match) {
      return this.nextState;
    }
    this.match = match;
    return this;
  }
  getShortcuts(): Shortcut[] {
    return [];
  }
  hasIndeterminatePrefix(): boolean {
    return this.nextState.hasIndeterminatePrefix();
  }
  isMatchTransition(): boolean {
    return true;
  }
  clone(): Single {
    return new Composite(this.nextState, this.match);
  }
}

class Shortcut extends Single {
  private match: ByteMatch | undefined;
  getNextByteState(): ByteState | undefined {
    return undefined;
  }
  setNextByteState(state: ByteState | undefined): Single | undefined {
    return state;
  }
  getTransition(): Transition | undefined {
    return undefined;
  }
  getTransitionForAllBytes(): Transition | undefined {
    return undefined;
  }
  getTransitions(): Transition[] {
    return [];
  }
  getMatch(): ByteMatch | undefined {
    return this.match;
  }
  setMatch(match: ByteMatch | undefined): Single | undefined {
    this.match = match;
    return this;
  }
  getShortcuts(): Shortcut[] {
    return [this];
  }
  isShortcut(): boolean {
    return true;
  }
  clone(): Single {
    const copy = new Shortcut();
    copy.match = this.match;
    return copy;
  }
}

class Compound extends Transition {
  private forNextByteStates: Transition | undefined | null = null;
  private setKey: string | undefined;
  constructor(private readonly singles: SingleSet) {
    super();
  }
  get key(): string {
    this.setKey ??= `c${this.singles.keyOf()}`;
    return this.setKey;
  }
  getNextByteState(): ByteState | undefined {
    let firstNonNull: ByteState | undefined;
    for (const t of this.singles.values()) {
      const next = t.getNextByteState();
      if (next) {
        if (!next.hasIndeterminatePrefix()) {
          return next;
        }
        firstNonNull ??= next;
      }
    }
    return firstNonNull;
  }
  expand(): Single[] {
    return this.singles.values();
  }
  getTransitionForNextByteStates(): Transition | undefined {
    if (this.forNextByteStates === null) {
      const nextStates = new SingleSet();
      for (const t of this.singles.values()) {
        const next = t.getNextByteState();
        if (next) {
          nextStates.add(next);
        }
      }
      this.forNextByteStates = nextStates.sameAs(this.singles) ? this : coalesce(nextStates);
    }
    return this.forNextByteStates;
  }
  getMatches(): ByteMatch[] {
    const out = new SingleSet();
    for (const t of this.singles.values()) {
      if (t.isMatchTransition()) {
        t.getMatches().forEach((m) => out.add(m));
      }
    }
    return out.values() as ByteMatch[];
  }
  getShortcuts(): Shortcut[] {
    return this.singles.values().filter((t) => t.isShortcut()) as Shortcut[];
  }
  getTransition(byte: number): Transition | undefined {
    const out = new SingleSet();
    for (const t of this.singles.values()) {
      expandOf(t.getTransition(byte)).forEach((s) => out.add(s));
    }
    return coalesce(out);
  }
  getTransitions(): Transition[] {
    // For each ceiling of the next states' maps, the transitions of the byte below it (one sweep
    // over the sorted maps rather than a lookup per ceiling and transition).
    const singles = this.singles.values();
    const ceilingSet = new Set<number>();
    for (const t of singles) {
      t.getNextByteState()?.getCeilings().forEach((c) => ceilingSet.add(c));
    }
    const ceilings = Array.from(ceilingSet).sort((a, b) => a - b);
    const maps = singles.map((t) => (t instanceof ByteState ? t.mapEntries() : undefined));
    const at = maps.map(() => 0);
    const result = new Map<number | string, Transition>();
    // Ceilings at which every map is at an entry seen together before give the same transitions.
    const seen = new Set<string>();
    for (const ceiling of ceilings) {
      const byte = ceiling - 1;
      maps.forEach((entries, i) => {
        if (entries) {
          while (entries[at[i]][0] <= byte) {
            at[i]++;
          }
        }
      });
      const signature = at.join(',');
      if (seen.has(signature)) {
        continue;
      }
      seen.add(signature);
      const out = new SingleSet();
      maps.forEach((entries, i) => {
        if (entries) {
          expandOf(entries[at[i]][1]).forEach((t) => out.add(t));
        }
      });
      const c = coalesce(out);
      if (c && !result.has(c.key)) {
        result.set(c.key, c);
      }
    }
    return Array.from(result.values());
  }
}

// ---- byte states and their maps (ByteState, ByteMap) ----

/** `ByteMap`: ceilings (exclusive upper bytes) to the transition of the bytes below them. */
class ByteMap {
  private entryList: Array<[number, Transition | undefined]> = [[256, undefined]];
  /** `getTransitionForAllBytes`, kept until the map changes. */
  private forAll: Transition | undefined;

  private get entries(): Array<[number, Transition | undefined]> {
    return this.entryList;
  }
  private set entries(value: Array<[number, Transition | undefined]>) {
    this.entryList = value;
    this.forAll = undefined;
  }
  /** The ceilings and transitions, ascending (read only). */
  list(): ReadonlyArray<readonly [number, Transition | undefined]> {
    return this.entryList;
  }

  private higher(index: number): number {
    return this.entries.findIndex(([ceiling]) => ceiling > index);
  }

  private update(byte: number, transition: Single, op: 'put' | 'add' | 'remove'): void {
    const at = this.higher(byte);
    const target = this.entries[at][1];
    let coalesced: Transition | undefined;
    if (op === 'put') {
      coalesced = coalesce([transition]);
    } else {
      const current = expandOf(target);
      if (current.length === 0) {
        coalesced = op === 'add' ? coalesce([transition]) : undefined;
      } else {
        const singles = new SingleSet(current);
        if (op === 'add') {
          singles.add(transition);
        } else {
          singles.remove(transition);
        }
        coalesced = coalesce(singles);
      }
    }
    const map = new Map<number, Transition | undefined>(this.entries);
    if (!(byte === 0 || map.has(byte))) {
      map.set(byte, target);
    }
    map.set(byte + 1, coalesced);
    const sorted = Array.from(map.entries()).sort((a, b) => a[0] - b[0]);
    // Merge adjacent mappings with the same transitions.
    this.entries = sorted.filter((entry, i) => i + 1 >= sorted.length || !sameTransitions(entry[1], sorted[i + 1][1]));
  }

  putTransition(byte: number, t: Single): void {
    this.update(byte, t, 'put');
  }
  addTransition(byte: number, t: Single): void {
    this.update(byte, t, 'add');
  }
  removeTransition(byte: number, t: Single): void {
    this.update(byte, t, 'remove');
  }
  putTransitionForAllBytes(t: Single): void {
    this.entries = [[256, t]];
  }
  addTransitionForAllBytes(t: Single): void {
    this.entries = this.entries.map(([ceiling, stored]) => {
      const singles = new SingleSet(expandOf(stored));
      singles.add(t);
      return [ceiling, coalesce(singles)];
    });
  }
  removeTransitionForAllBytes(t: Single): void {
    this.entries = this.entries.map(([ceiling, stored]) => {
      const singles = new SingleSet(expandOf(stored));
      singles.remove(t);
      return [ceiling, coalesce(singles)];
    });
  }
  getTransition(byte: number): Transition | undefined {
    return this.entries[this.higher(byte)][1];
  }
  getTransitionForAllBytes(): Transition {
    this.forAll ??= this.computeTransitionForAllBytes();
    return this.forAll;
  }
  private computeTransitionForAllBytes(): Transition {
    let candidates: SingleSet | undefined;
    for (const [, t] of this.entries) {
      if (!t) {
        return EMPTY;
      }
      const here = new SingleSet(t.expand());
      if (!candidates) {
        candidates = here;
      } else {
        candidates.retain(here);
      }
      if (candidates.size === 0) {
        return EMPTY;
      }
    }
    return coalesce(candidates!) ?? EMPTY;
  }
  getTransitions(): Transition[] {
    const result = new Map<number | string, Transition>();
    for (const [, t] of this.entries) {
      if (t && !result.has(t.key)) {
        result.set(t.key, t);
      }
    }
    return Array.from(result.values());
  }
  allSingles(): SingleSet {
    const out = new SingleSet();
    for (const [, t] of this.entries) {
      expandOf(t).forEach((s) => out.add(s));
    }
    return out;
  }
  ceilings(): number[] {
    return this.entries.map(([c]) => c);
  }
}

function sameTransitions(a: Transition | undefined, b: Transition | undefined): boolean {
  if (!a || !b) {
    return !a && !b;
  }
  if (a instanceof Compound !== b instanceof Compound) {
    return false;
  }
  return a.key === b.key;
}

class ByteState extends Single {
  private map: ByteMap | undefined;
  private indeterminatePrefix = false;
  /** Set on the state that loops on every byte for a wildcard's star: the wildcard. */
  starOf: RulerPattern | undefined;

  getNextByteState(): ByteState | undefined {
    return this;
  }
  setNextByteState(state: ByteState | undefined): Single | undefined {
    return state;
  }
  getMatch(): ByteMatch | undefined {
    return undefined;
  }
  setMatch(match: ByteMatch | undefined): Single | undefined {
    return match ? new Composite(this, match) : this;
  }
  getShortcuts(): Shortcut[] {
    return [];
  }
  clone(): Single {
    // Only ever cloned to be replaced by setNextByteState, which returns its argument.
    return this;
  }
  hasNoTransitions(): boolean {
    return !this.map || this.map.allSingles().size === 0;
  }
  getTransition(byte: number): Transition | undefined {
    return this.map?.getTransition(byte);
  }
  getTransitionForAllBytes(): Transition {
    return this.map ? this.map.getTransitionForAllBytes() : EMPTY;
  }
  getTransitions(): Transition[] {
    return this.map ? this.map.getTransitions() : [];
  }
  private ensureMap(): ByteMap {
    this.map ??= new ByteMap();
    return this.map;
  }
  putTransition(byte: number, t: Single): void {
    this.ensureMap().putTransition(byte, t);
  }
  addTransition(byte: number, t: Single): void {
    this.ensureMap().addTransition(byte, t);
  }
  removeTransition(byte: number, t: Single): void {
    if (this.map) {
      this.map.removeTransition(byte, t);
      if (this.map.allSingles().size === 0) {
        this.map = undefined;
      }
    }
  }
  putTransitionForAllBytes(t: Single): void {
    this.ensureMap().putTransitionForAllBytes(t);
  }
  addTransitionForAllBytes(t: Single): void {
    this.ensureMap().addTransitionForAllBytes(t);
  }
  removeTransitionForAllBytes(t: Single): void {
    if (this.map) {
      this.map.removeTransitionForAllBytes(t);
      if (this.map.allSingles().size === 0) {
        this.map = undefined;
      }
    }
  }
  hasIndeterminatePrefix(): boolean {
    return this.indeterminatePrefix;
  }
  setIndeterminatePrefix(value: boolean): void {
    this.indeterminatePrefix = value;
  }
  hasOnlySelfReferentialTransition(): boolean {
    if (!this.map) {
      return false;
    }
    const all = this.map.allSingles();
    return all.size === 1 && all.has(this);
  }
  getCeilings(): number[] {
    return this.map ? this.map.ceilings() : [];
  }
  /** The map's ceilings and transitions, or undefined without transitions. */
  mapEntries(): ReadonlyArray<readonly [number, Transition | undefined]> | undefined {
    return this.map?.list();
  }
}

// ---- the byte machine of one field at one name state ----

/** A case-insensitive value whose path event-ruler lays through a wildcard's star state. */
export interface StarReuse {
  readonly pattern: RulerPattern;
  /** The wildcard whose star it is. */
  readonly star: RulerPattern;
  /** False when another state was reused here, and Java's HashSet order may pick the star instead. */
  readonly certain: boolean;
  /** The sub-rule being added. */
  readonly subRule: number;
  /** The value's input characters up to and including the one the star state absorbs, and after it. */
  readonly before: readonly InputCharacterView[];
  readonly after: readonly InputCharacterView[];
  /**
   * What the test's path now also accepts: the characters before the one that lands in the star, at
   * least one byte of anything, the characters after (and, for a prefix or suffix, anything then). A
   * regular expression over the value's bytes as Latin-1 (quotes included, reversed for a suffix).
   */
  readonly language: RegExp;
}

/** Types whose match is reached before the end of the value (prefix, suffix: read backwards). */
const OPEN_ENDED = new Set<MatchType>(['PREFIX', 'PREFIX_EQUALS_IGNORE_CASE', 'ANYTHING_BUT_PREFIX', 'SUFFIX', 'SUFFIX_EQUALS_IGNORE_CASE', 'ANYTHING_BUT_SUFFIX']);
/** Types whose path is the value's bytes read from the end. */
export const READ_BACKWARDS = new Set<MatchType>(['SUFFIX', 'SUFFIX_EQUALS_IGNORE_CASE', 'ANYTHING_BUT_SUFFIX']);

function byteRegex(bytes: readonly number[]): string {
  return bytes.map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
}

function characterRegex(c: InputCharacter): string {
  switch (c.type) {
    case BYTE: return byteRegex([c.byte]);
    case WILDCARD: return '[\\s\\S]*';
    default: return `(?:${c.multiBytes.map(byteRegex).join('|')})`;
  }
}

function damagedLanguage(type: MatchType, characters: readonly InputCharacter[], landing: number): RegExp {
  const before = characters.slice(0, landing).map(characterRegex).join('');
  const after = characters.slice(landing + 1).map(characterRegex).join('');
  return new RegExp(`^${before}[\\s\\S]+${after}${OPEN_ENDED.has(type) ? '' : '$'}`);
}

/** The bytes a value's path walks for a test of this type, as Latin-1, for `StarReuse.language`. */
export function pathText(type: MatchType, value: string): string {
  const bytes = utf8(`"${value}"`);
  return Buffer.from(READ_BACKWARDS.has(type) ? bytes.reverse() : bytes).toString('latin1');
}

/** An input character as bytes: one choice of its alternatives, or undefined for a star. */
export type InputCharacterView = readonly number[] | undefined;

function viewOf(c: InputCharacter): InputCharacterView {
  return c.type === BYTE ? [c.byte] : c.type === WILDCARD ? undefined : c.multiBytes[0];
}

function transitionOn(trans: Single, c: InputCharacter): Transition {
  switch (c.type) {
    case WILDCARD: return trans.getTransitionForAllBytes() ?? EMPTY;
    case MULTI_BYTE_SET: return transitionForMultiBytes(trans, c.multiBytes);
    default: return trans.getTransition(c.byte) ?? EMPTY;
  }
}

function transitionForMultiBytes(trans: Single, multiBytes: readonly (readonly number[])[]): Transition {
  let candidates: SingleSet | undefined;
  for (const bytes of multiBytes) {
    let current: Transition = trans;
    for (const b of bytes) {
      const next = current.getTransition(b);
      if (!next) {
        return EMPTY;
      }
      current = next;
    }
    const here = new SingleSet(current.expand());
    if (!candidates) {
      candidates = here;
    } else {
      candidates.retain(here);
      if (candidates.size === 0) {
        return EMPTY;
      }
    }
  }
  return candidates ? coalesce(candidates) ?? EMPTY : EMPTY;
}

const isFirstByte = (b: number) => b < 0x80 || b >= 0xc0;
const isContinuation = (b: number) => b >= 0x80 && b <= 0xbf;

function decodeUtf8(bytes: readonly number[]): string {
  return Buffer.from(bytes).toString('utf8');
}

/** Patterns kept only as the name state they lead to (numbers and ranges). */
const NAME_STATE_ONLY = new Set<MatchType>(['NUMERIC_EQ', 'NUMERIC_RANGE']);

export class ByteMachine {
  private readonly startState = new ByteState();
  private startStateMatch: ByteMatch | undefined;
  private hasSuffix = 0;
  /** Name states of the patterns without a modelled byte path. */
  private readonly nameStateOnly = new Map<string, ByteMatch>();
  /** Every match added, for the name states it leads to. */
  readonly starReuses: StarReuse[] = [];

  /** The sub-rule being added (set by RulerMachine). */
  currentSubRule = -1;
  /**
   * @param modelBytes whether to build byte states (see `RulerMachine.byteFields`). Without, each
   * test leads to the name state of an equal test added before, as event-ruler's byte paths do when
   * every state is determinate.
   * @param chooseLast asked where Java's HashSet order decides between candidates: true to take the
   * last (in insertion order) rather than the first
   */
  constructor(readonly field: string, private readonly modelBytes = true, private readonly chooseLast: () => boolean = () => false) {}

  /** `ByteMachine.addPattern(pattern, nameState)`. */
  addPattern(pattern: RulerPattern, nameState: NameState | undefined): NameState {
    if (pattern.matchesNothing) {
      return nameState ?? new NameState();
    }
    if (!this.modelBytes || NAME_STATE_ONLY.has(pattern.type) || pattern.values === undefined) {
      const existing = this.nameStateOnly.get(pattern.key);
      if (existing) {
        return existing.nextNameState;
      }
      const match = new ByteMatch(pattern, nameState ?? new NameState());
      this.nameStateOnly.set(pattern.key, match);
      return match.nextNameState;
    }
    // addMatchPattern for one value; addAnythingBut(ValuesSet)Pattern chains the values of a set.
    let result = nameState;
    for (const value of pattern.values!) {
      result = this.addMatchValue(pattern, value, result);
    }
    return result!;
  }

  private addMatchValue(pattern: RulerPattern, value: string, nameStateToBeReturned: NameState | undefined): NameState {
    const characters = parse(pattern.type, value);
    let byteState = this.startState;
    let prevByteState: ByteState | undefined;
    let i = 0;
    for (; i < characters.length - 1; i++) {
      const trans = transitionOn(byteState, characters[i]);
      if (trans.isEmpty()) {
        break;
      }
      // Java takes the first state it may reuse in a HashSet's (identity) order: this port the first
      // or the last in insertion order, as `chooseLast` says.
      const reusable: ByteState[] = [];
      for (const single of trans.expand()) {
        const next = single.getNextByteState();
        if (this.canReuseNextByteState(byteState, next, characters, i) && !reusable.includes(next)) {
          reusable.push(next);
        }
      }
      if (reusable.length === 0) {
        break;
      }
      const stateToReuse = reusable.length > 1 && this.chooseLast() ? reusable[reusable.length - 1] : reusable[0];
      const star = characters[i].type === WILDCARD ? undefined : reusable.find((r) => r.starOf)?.starOf;
      if (star) {
        // A character of the value lands (or, in another HashSet order, could land) in a wildcard's star
        // state, which loops on every byte: the rest of the value then hangs off that loop.
        // doMultipleTransitionsConvergeForInputByte lets it when the character has case alternatives:
        // both reach the star through `byteState`'s transition for all bytes.
        this.starReuses.push({
          pattern,
          star,
          subRule: this.currentSubRule,
          certain: stateToReuse.starOf !== undefined,
          before: characters.slice(0, i + 1).map(viewOf),
          after: characters.slice(i + 1).map(viewOf),
          language: damagedLanguage(pattern.type, characters, i),
        });
      }
      prevByteState = byteState;
      byteState = stateToReuse;
    }
    return this.addEndOfMatch(byteState, prevByteState, characters, i, pattern, nameStateToBeReturned);
  }

  private canReuseNextByteState(byteState: ByteState, next: ByteState | undefined, characters: InputCharacter[], i: number): next is ByteState {
    if (!next || next === byteState) {
      return false;
    }
    if (!next.hasIndeterminatePrefix()) {
      return !(i === characters.length - 2 && characters[i + 1].type === WILDCARD);
    }
    return !this.doMultipleTransitionsConverge(byteState, characters, i);
  }

  private doMultipleTransitionsConverge(byteState: ByteState, characters: InputCharacter[], i: number): boolean {
    const c = characters[i];
    if (c.type !== BYTE) {
      return false;
    }
    const forSuffix = this.isFirstContinuationByteForSuffix(characters, i);
    if (!isFirstByte(c.byte) && !forSuffix) {
      return false;
    }
    const forAll = byteState.getTransitionForAllBytes();
    if (!forAll.isEmpty() && forAll !== byteState) {
      return true;
    }
    const value = isFirstByte(c.byte) ? this.forwardCharacter(characters, i) : this.backwardCharacter(characters, i);
    const alternatives = parse(forSuffix ? 'SUFFIX_EQUALS_IGNORE_CASE' : 'EQUALS_IGNORE_CASE', value);
    return alternatives[0]?.type === MULTI_BYTE_SET;
  }

  private isFirstContinuationByteForSuffix(characters: InputCharacter[], i: number): boolean {
    if (this.hasSuffix <= 0) {
      return false;
    }
    return this.isContinuationAt(characters, i) && !this.isContinuationAt(characters, i - 1);
  }

  private isContinuationAt(characters: InputCharacter[], i: number): boolean {
    if (i < 0 || i >= characters.length) {
      return false;
    }
    const c = characters[i];
    return c.type === BYTE && isContinuation(c.byte);
  }

  private forwardCharacter(characters: InputCharacter[], i: number): string {
    const first = (characters[i] as { byte: number }).byte;
    const byteAt = (k: number) => {
      const c = characters[k];
      return c && c.type === BYTE ? c.byte : undefined;
    };
    if (first <= 0x7f) {
      return decodeUtf8([first]);
    }
    const n = first >= 0xc2 && first <= 0xdf ? 2 : 3;
    const bytes = [first];
    for (let k = 1; k < n; k++) {
      const b = byteAt(i + k);
      if (b === undefined) {
        break;
      }
      bytes.push(b);
    }
    return decodeUtf8(bytes);
  }

  private backwardCharacter(characters: InputCharacter[], i: number): string {
    const bytes: number[] = [];
    for (let k = i; k < characters.length; k++) {
      const c = characters[k];
      if (c.type !== BYTE) {
        break;
      }
      bytes.push(c.byte);
      if (!isContinuation(c.byte)) {
        break;
      }
    }
    return decodeUtf8(bytes.reverse());
  }

  private addEndOfMatch(state: ByteState, prevState: ByteState | undefined, characters: InputCharacter[], charIndex: number,
    pattern: RulerPattern, nameStateCandidate: NameState | undefined): NameState {
    const length = characters.length;
    const nameState = nameStateCandidate ?? new NameState();
    if (length === 1 && characters[0].type === WILDCARD) {
      this.startStateMatch = new ByteMatch(pattern, nameState);
      return nameState;
    }
    let trans: Transition = transitionOn(state, characters[charIndex]);
    if (!trans.isEmpty() && trans.isShortcut()) {
      const shortcut = trans as Shortcut;
      const match = shortcut.getMatch()!;
      if (match.pattern.key === pattern.key) {
        return match.nextNameState;
      }
      const current = parse(match.pattern.type, match.pattern.values![0]);
      let m = charIndex;
      for (; m < current.length && m < length; m++) {
        if (!sameCharacter(current[m], characters[m])) {
          break;
        }
      }
      let firstNewState: ByteState | undefined;
      let currentState = state;
      for (let k = charIndex; k < m; k++) {
        if (k !== current.length - 1) {
          const newState = new ByteState();
          newState.setIndeterminatePrefix(currentState.hasIndeterminatePrefix());
          if (k !== charIndex) {
            putTransitionNextState(currentState, current[k], shortcut, newState);
          } else {
            firstNewState = newState;
          }
          currentState = newState;
        }
      }
      const shortcutNeeded = m < current.length - 1;
      const indexToChange = shortcutNeeded ? m : current.length - 1;
      putTransitionMatch(currentState, current[indexToChange], shortcutNeeded ? new Shortcut() : EMPTY, match);
      removeTransition(currentState, current[indexToChange], shortcut);
      putTransitionNextState(state, characters[charIndex], shortcut, firstNewState);
    }

    let eligibleForShortcut = true;
    let j = charIndex;
    for (; j < length - 1; j++) {
      if (j === length - 2 && characters[j + 1].type === WILDCARD) {
        break;
      }
      trans = transitionOn(state, characters[j]);
      if (trans.isEmpty()) {
        break;
      }
      const next = trans.getNextByteState();
      if (next) {
        if (next.hasIndeterminatePrefix()) {
          eligibleForShortcut = false;
          break;
        }
        prevState = state;
        state = next;
      } else {
        const newState = new ByteState();
        newState.setIndeterminatePrefix(state.hasIndeterminatePrefix());
        putTransitionNextState(state, characters[j], trans.expand()[0], newState);
        prevState = state;
        state = newState;
      }
    }

    if (pattern.type === 'EXACT') {
      if (j === length - 1) {
        return this.insertMatch(characters, j, state, nameState, pattern, prevState);
      } else if (eligibleForShortcut) {
        const byteMatch = new ByteMatch(pattern, nameState);
        addTransition(state, characters[j], new Shortcut().setMatch(byteMatch)!);
        this.addMatchReferences(byteMatch);
        return nameState;
      }
    }

    for (; j < length - 1; j++) {
      const next = this.findOrMakeNextByteState(state, prevState, characters, j, pattern, nameState);
      prevState = state;
      state = next;
    }
    return this.insertMatch(characters, length - 1, state, nameState, pattern, prevState);
  }

  private extendShortcutTransition(state: ByteState, trans: Transition, character: InputCharacter, currentIndex: number): Transition {
    if (!trans.isShortcut()) {
      return trans;
    }
    const shortcut = trans as Shortcut;
    const match = shortcut.getMatch()!;
    const current = parse(match.pattern.type, match.pattern.values![0]);
    let firstNewState: ByteState | undefined;
    let currentState = state;
    for (let k = currentIndex; k < current.length - 1; k++) {
      const newState = new ByteState();
      newState.setIndeterminatePrefix(currentState.hasIndeterminatePrefix());
      if (k !== currentIndex) {
        putTransitionNextState(currentState, current[k], shortcut, newState);
      } else {
        firstNewState = newState;
      }
      currentState = newState;
    }
    putTransitionMatch(currentState, current[current.length - 1], EMPTY, match);
    removeTransition(currentState, current[current.length - 1], shortcut);
    putTransitionNextState(state, character, shortcut, firstNewState);
    return transitionOn(state, character);
  }

  private findOrMakeNextByteState(state: ByteState, prevState: ByteState | undefined, characters: InputCharacter[], currentIndex: number,
    pattern: RulerPattern, nameState: NameState): ByteState {
    const character = characters[currentIndex];
    let trans = transitionOn(state, character);
    trans = this.extendShortcutTransition(state, trans, character, currentIndex);
    let next = trans.getNextByteState();
    if (!next || next.hasIndeterminatePrefix() || (currentIndex === characters.length - 2 && characters[currentIndex + 1].type === WILDCARD)) {
      next = new ByteState();
      next.setIndeterminatePrefix(state.hasIndeterminatePrefix());
      this.addTransitionNextState(state, character, characters, currentIndex, prevState, pattern, next, nameState);
    }
    return next;
  }

  private addTransitionNextState(state: ByteState, character: InputCharacter, characters: InputCharacter[], currentIndex: number,
    prevState: ByteState | undefined, pattern: RulerPattern, nextState: ByteState, nameState: NameState): void {
    if (character.type === WILDCARD) {
      nextState.addTransitionForAllBytes(nextState);
      nextState.setIndeterminatePrefix(true);
      nextState.starOf = pattern;
      state.addTransitionForAllBytes(nextState);
      return;
    }
    let single: Single = nextState;
    if (characters[characters.length - 1].type === WILDCARD && currentIndex === characters.length - 2) {
      const match = new ByteMatch(pattern, nameState);
      single = nextState.setMatch(match)!;
      nextState.setIndeterminatePrefix(true);
    } else if (character.type === MULTI_BYTE_SET) {
      nextState.setIndeterminatePrefix(true);
    }
    addTransition(state, character, single);
    if (prevState && characters[currentIndex - 1]?.type === WILDCARD) {
      addTransition(prevState, character, single);
    }
  }

  private insertMatch(characters: InputCharacter[], currentIndex: number, state: ByteState, nextNameState: NameState,
    pattern: RulerPattern, prevState: ByteState | undefined): NameState {
    const character = characters[currentIndex];
    const existing = transitionOn(state, character).getMatches().find((m) => m.pattern.key === pattern.key);
    if (existing) {
      return existing.nextNameState;
    }
    const match = new ByteMatch(pattern, nextNameState);
    this.addMatchReferences(match);
    if (character.type === WILDCARD) {
      let composite: Single | undefined;
      if (prevState) {
        composite = transitionOn(prevState, characters[currentIndex - 1]).expand().find((t) => t.getNextByteState() === state);
      } else {
        composite = new ByteState().setMatch(match);
      }
      const nextState = composite!.getNextByteState()!;
      nextState.addTransitionForAllBytes(composite!.clone());
      nextState.setIndeterminatePrefix(true);
      nextState.starOf ??= pattern;
    } else {
      addTransition(state, character, match);
      if (prevState && currentIndex === characters.length - 1 && characters[characters.length - 2]?.type === WILDCARD) {
        addTransition(prevState, character, match);
      }
    }
    return nextNameState;
  }

  private addMatchReferences(match: ByteMatch): void {
    const type = match.pattern.type;
    if (type === 'SUFFIX' || type === 'SUFFIX_EQUALS_IGNORE_CASE' || type === 'ANYTHING_BUT_SUFFIX') {
      this.hasSuffix++;
    }
  }

  /** `ByteMachine.evaluateComplexity`. */
  evaluateComplexity(evaluator: ComplexityEvaluator): number {
    return (this.startStateMatch ? 1 : 0) + evaluator.evaluate(this.startState, this.nameStateOnly.values());
  }
}

function addTransition(state: ByteState, character: InputCharacter, transition: Single): void {
  if (character.type === WILDCARD) {
    state.putTransitionForAllBytes(transition);
  } else if (character.type === MULTI_BYTE_SET) {
    for (const bytes of character.multiBytes) {
      let current = state;
      for (let i = 0; i < bytes.length - 1; i++) {
        const next = new ByteState();
        next.setIndeterminatePrefix(true);
        current.addTransition(bytes[i], next);
        current = next;
      }
      current.addTransition(bytes[bytes.length - 1], transition);
    }
  } else {
    state.addTransition(character.byte, transition);
  }
}

function removeTransition(state: ByteState, character: InputCharacter, transition: Single): void {
  if (character.type === WILDCARD) {
    state.removeTransitionForAllBytes(transition);
  } else if (character.type === MULTI_BYTE_SET) {
    for (const bytes of character.multiBytes) {
      removeTransitionForBytes(state, bytes, 0, transition);
    }
  } else {
    state.removeTransition(character.byte, transition);
  }
}

function removeTransitionForBytes(state: ByteState, bytes: readonly number[], index: number, transition: Single): void {
  if (index === bytes.length - 1) {
    state.removeTransition(bytes[index], transition);
    return;
  }
  for (const single of expandOf(state.getTransition(bytes[index]))) {
    const next = single.getNextByteState();
    if (next) {
      removeTransitionForBytes(next, bytes, index + 1, transition);
      if (next.hasNoTransitions() || next.hasOnlySelfReferentialTransition()) {
        state.removeTransition(bytes[index], single);
      }
    }
  }
}

function putTransitionNextState(state: ByteState, character: InputCharacter, transition: Single, nextState: ByteState | undefined): void {
  const single = transition.clone().setNextByteState(nextState);
  if (single && !single.isEmpty() && single !== transition) {
    addTransition(state, character, single);
  }
  removeTransition(state, character, transition);
}

function putTransitionMatch(state: ByteState, character: InputCharacter, transition: Single, match: ByteMatch): void {
  const single = transition.clone().setMatch(match);
  if (single && !single.isEmpty() && single !== transition) {
    addTransition(state, character, single);
  }
  removeTransition(state, character, transition);
}

// ---- name states and sub-rules (NameState, GenericMachine.addStep) ----

let nextNameStateId = 0;

export class NameState {
  readonly id = nextNameStateId++;
  readonly valueTransitions = new Map<string, ByteMachine>();
  readonly mustNotExist = new Map<string, NameState>();
  private readonly terminal = new Map<string, Set<number>>();
  private readonly nonTerminal = new Map<string, Set<number>>();

  terminalSubRules(pattern: RulerPattern): Set<number> | undefined {
    return this.terminal.get(pattern.key);
  }
  nonTerminalSubRules(pattern: RulerPattern): Set<number> | undefined {
    return this.nonTerminal.get(pattern.key);
  }
  addSubRule(subRule: number, pattern: RulerPattern, isTerminal: boolean): void {
    const map = isTerminal ? this.terminal : this.nonTerminal;
    let set = map.get(pattern.key);
    if (!set) {
      set = new Set();
      map.set(pattern.key, set);
    }
    set.add(subRule);
  }
}

/** A sub-rule event-ruler takes for sub-rules it added before, and so never adds. */
export interface SkippedSubRule {
  /** Index of the sub-rule in the pattern's expansion. */
  readonly index: number;
  /** The sub-rules added before that `addStep` found it to repeat. */
  readonly takenFor: readonly number[];
  /** Whether it is skipped whatever order Java's `HashSet` of name states takes (else only in some orders). */
  readonly certain: boolean;
}

/** One rule's machine, built as event-ruler's `Machine.addPatternRule` builds it for each sub-rule in turn. */
export class RulerMachine {
  readonly root = new NameState();
  readonly skipped: SkippedSubRule[] = [];
  /** Index of each added sub-rule's context (added sub-rules only). */
  readonly added: number[] = [];
  private readonly byteMachines: ByteMachine[] = [];

  /**
   * Fields with a wildcard or a case-insensitive test somewhere in the pattern: their byte machines
   * get byte states. Without those, every path is determinate and an equal test added again always
   * finds its match; with them it may not (a wildcard with text after a star, or an exact string
   * whose shortcut an `equals-ignore-case` state now shadows gets a match, and name state, of its own).
   */
  private readonly byteFields = new Set<string>();

  /** Times Java's HashSet order decided something (name states to visit, a state to reuse). */
  private choices = 0;
  /** The sub-rule being added. */
  private currentSubRule = -1;

  /**
   * @param decisions where Java's HashSet order decides, the k-th time: 1 to take the other end of
   * insertion order, 0 (or absent) to keep it. Building again with other decisions tries other orders.
   */
  constructor(subRules: ReadonlyArray<ReadonlyMap<string, readonly ValuePattern[]>>, private readonly decisions: readonly number[] = []) {
    for (const rule of subRules) {
      for (const [field, tests] of rule) {
        if (tests.some((t) => t.kind === 'wildcard' || t.kind === 'anything-but-wildcard' || t.kind === 'equals-ignore-case'
          || t.kind === 'anything-but-ignore-case' || ((t.kind === 'prefix' || t.kind === 'suffix') && t.ignoreCase))) {
          this.byteFields.add(field);
        }
      }
    }
    subRules.forEach((rule, index) => this.addSubRule(index, rule));
  }

  /** How many times Java's HashSet order decided something while building (another order may build otherwise). */
  get orderDecisions(): number {
    return this.choices;
  }

  private chooseLast(): boolean {
    return this.decisions[this.choices++] === 1;
  }

  /** Case-insensitive values laid through a wildcard's star, in the order they were added. */
  get starReuses(): ReadonlyArray<StarReuse & { readonly field: string }> {
    return this.byteMachines.flatMap((m) => m.starReuses.map((r) => ({ ...r, field: m.field })));
  }

  private addSubRule(index: number, rule: ReadonlyMap<string, readonly ValuePattern[]>): void {
    this.currentSubRule = index;
    const keys = Array.from(rule.keys()).sort();
    const patterns = new Map(keys.map((k) => [k, rule.get(k)!.flatMap(rulerPatterns)]));
    const nameStates: Array<Set<NameState>> = keys.map(() => new Set());
    const outcome = this.addStep(this.root, keys, 0, patterns, nameStates);
    if (outcome.candidates.size === 0) {
      this.added.push(index);
      keys.forEach((key, i) => {
        const terminal = i + 1 === keys.length;
        for (const pattern of patterns.get(key)!) {
          for (const ns of nameStates[i]) {
            ns.addSubRule(index, pattern, terminal);
          }
        }
      });
    } else {
      this.skipped.push({ index, takenFor: Array.from(outcome.candidates).sort((a, b) => a - b), certain: outcome.certain });
      return;
    }
    if (outcome.uncertainAdd) {
      // Added when Java visits the name states in this order; skipped in another.
      this.skipped.push({ index, takenFor: outcome.possibleCandidates, certain: false });
    }
  }

  /**
   * `GenericMachine.addStep`: the sub-rules added before that used the same patterns for these keys.
   * Java iterates the name states a key's patterns lead to as a `HashSet` (identity order); the
   * answer then comes from whichever it visits last. This port visits them in insertion order and
   * says whether another order could give another answer.
   */
  private addStep(state: NameState, keys: readonly string[], keyIndex: number, patterns: ReadonlyMap<string, readonly RulerPattern[]>,
    nameStatesForEachKey: Array<Set<NameState>>): { candidates: Set<number>; certain: boolean; uncertainAdd: boolean; possibleCandidates: number[] } {
    const key = keys[keyIndex];
    const list = patterns.get(key)!;
    let byteMachine = state.valueTransitions.get(key);
    if (!byteMachine && list.some((p) => p.type !== 'ABSENT')) {
      byteMachine = new ByteMachine(key, this.byteFields.has(key), () => this.chooseLast());
      state.valueTransitions.set(key, byteMachine);
      this.byteMachines.push(byteMachine);
    }
    if (byteMachine) {
      byteMachine.currentSubRule = this.currentSubRule;
    }
    let lastNextState: NameState | undefined;
    const nameStates = new Set<NameState>();
    for (const pattern of list) {
      if (pattern.type === 'ABSENT') {
        let next = state.mustNotExist.get(key);
        if (!next) {
          next = lastNextState ?? new NameState();
          state.mustNotExist.set(key, next);
        }
        lastNextState = next;
      } else {
        lastNextState = byteMachine!.addPattern(pattern, lastNextState);
      }
      nameStates.add(lastNextState);
      nameStatesForEachKey[keyIndex].add(lastNextState);
    }

    const isTerminal = keyIndex + 1 === keys.length;
    // What the loop over name states leaves when each one is the last visited.
    const perState: Array<Set<number>> = [];
    let certain = true;
    let uncertainAdd = false;
    const possible = new Set<number>();
    for (const ns of nameStates.size > 1 && this.chooseLast() ? Array.from(nameStates).reverse() : nameStates) {
      let candidates: Set<number>;
      if (isTerminal) {
        candidates = new Set();
        for (const p of list) {
          this.terminalIdsOf(ns, p).forEach((id) => candidates.add(id));
        }
      } else {
        const deeper = this.addStep(ns, keys, keyIndex + 1, patterns, nameStatesForEachKey);
        certain = certain && deeper.certain;
        uncertainAdd = uncertainAdd || deeper.uncertainAdd;
        deeper.possibleCandidates.forEach((id) => possible.add(id));
        candidates = new Set(deeper.candidates);
        if (candidates.size > 0) {
          const forThisKey = new Set<number>();
          for (const p of list) {
            ns.nonTerminalSubRules(p)?.forEach((id) => forThisKey.add(id));
          }
          candidates = new Set(Array.from(candidates).filter((id) => forThisKey.has(id)));
        }
      }
      perState.push(candidates);
    }
    const last = perState[perState.length - 1] ?? new Set<number>();
    const anyNonEmpty = perState.filter((s) => s.size > 0);
    perState.forEach((s) => s.forEach((id) => possible.add(id)));
    if (last.size > 0 && anyNonEmpty.length < perState.length) {
      certain = false;
    }
    if (last.size === 0 && anyNonEmpty.length > 0) {
      uncertainAdd = true;
    }
    return { candidates: last, certain, uncertainAdd, possibleCandidates: Array.from(possible).sort((a, b) => a - b) };
  }

  private terminalIdsOf(ns: NameState, pattern: RulerPattern): Set<number> {
    return ns.terminalSubRules(pattern) ?? new Set();
  }

  /** `Machine.evaluateComplexity(new MachineComplexityEvaluator(cap))`. */
  complexity(cap: number): number {
    return new ComplexityEvaluator(cap).nameState(this.root);
  }
}

// ---- MachineComplexityEvaluator ----

const COMPLEXITY_TYPES = new Set<MatchType>(['WILDCARD', 'ANYTHING_BUT_WILDCARD']);

class ComplexityEvaluator {
  private readonly memo = new Map<NameState, number>();
  /** Transitions out of a transition's next states, once per distinct set (the machine no longer changes). */
  private readonly transitionsCache = new Map<number | string, Transition[]>();
  constructor(private readonly cap: number) {}

  nameState(state: NameState): number {
    const known = this.memo.get(state);
    if (known !== undefined) {
      return known;
    }
    let complexity = 0;
    for (const machine of state.valueTransitions.values()) {
      complexity = Math.max(complexity, machine.evaluateComplexity(this));
      if (complexity >= this.cap) {
        complexity = this.cap;
        break;
      }
    }
    if (complexity < this.cap) {
      for (const next of state.mustNotExist.values()) {
        complexity = Math.max(complexity, this.nameState(next));
        if (complexity >= this.cap) {
          complexity = this.cap;
          break;
        }
      }
    }
    this.memo.set(state, complexity);
    return complexity;
  }

  private transitionsOf(t: Transition): Transition[] {
    let out = this.transitionsCache.get(t.key);
    if (!out) {
      out = t.getTransitions();
      this.transitionsCache.set(t.key, out);
    }
    return out;
  }

  /** `evaluate(startState)`, with the name states of the patterns kept without byte paths. */
  evaluate(start: ByteState, nameStateOnly: Iterable<ByteMatch>): number {
    const accessible = this.matchesAccessibleFromEachTransition(start);
    const counts = new Map<number | string, number>();
    const countOf = (t: Single) => {
      let n = counts.get(t.key);
      if (n === undefined) {
        n = this.withComplexity(accessible.get(t.key));
        counts.set(t.key, n);
      }
      return n;
    };
    const visited = new Set<number | string>([start.key]);
    let maxSize = 0;
    const queue: Transition[] = [...this.transitionsOf(start)];
    for (let head = 0; head < queue.length; head++) {
      const transition = queue[head];
      if (visited.has(transition.key)) {
        continue;
      }
      visited.add(transition.key);
      const singles = transition.expand();
      const here = singles.length > 1 ? new SingleSet(singles) : undefined;
      let size = 0;
      for (const single of singles) {
        size += countOf(single);
        const next = single.getNextByteState();
        if (next) {
          for (const forAll of next.getTransitionForAllBytes().expand()) {
            if (!(forAll instanceof EmptyTransition) && !(here ? here.has(forAll) : forAll.key === single.key)) {
              size += countOf(forAll);
            }
          }
        }
      }
      if (size >= this.cap) {
        return this.cap;
      }
      maxSize = Math.max(maxSize, size);
      const next = transition.getTransitionForNextByteStates();
      if (next) {
        for (const t of this.transitionsOf(next)) {
          if (!visited.has(t.key)) {
            queue.push(t);
          }
        }
      }
    }
    const nextNameStates = new Set<NameState>();
    for (const matches of accessible.values()) {
      for (const m of matches.values()) {
        nextNameStates.add(m.nextNameState);
      }
    }
    for (const m of nameStateOnly) {
      nextNameStates.add(m.nextNameState);
    }
    let fromNext = 0;
    for (const ns of nextNameStates) {
      fromNext = Math.max(fromNext, this.nameState(ns));
      if (fromNext >= this.cap) {
        break;
      }
    }
    return Math.max(maxSize, fromNext);
  }

  private withComplexity(matches: Map<number | string, ByteMatch> | undefined): number {
    if (!matches) {
      return 0;
    }
    const patterns = new Set<string>();
    for (const m of matches.values()) {
      if (COMPLEXITY_TYPES.has(m.pattern.type)) {
        patterns.add(m.pattern.key);
      }
    }
    return patterns.size;
  }

  private matchesAccessibleFromEachTransition(start: ByteState): Map<number | string, Map<number | string, ByteMatch>> {
    const result = new Map<number | string, Map<number | string, ByteMatch>>();
    const visited = new Set<number | string>();
    const stack: Single[] = [start];
    while (stack.length > 0) {
      const transition = stack[stack.length - 1];
      let matches = result.get(transition.key);
      if (!matches) {
        matches = new Map<number | string, ByteMatch>();
        result.set(transition.key, matches);
      }
      if (visited.has(transition.key)) {
        const next = transition.getNextByteState();
        if (next) {
          for (const each of next.getTransitions()) {
            for (const single of each.expand()) {
              result.get(single.key)?.forEach((m, k) => matches!.set(k, m));
            }
          }
        }
        stack.pop();
        continue;
      }
      visited.add(transition.key);
      for (const m of transition.getMatches()) {
        matches.set(m.key, m);
      }
      const next = transition.getNextByteState();
      if (next) {
        for (const each of next.getTransitions()) {
          for (const single of each.expand()) {
            if (!visited.has(single.key)) {
              stack.push(single);
            }
          }
        }
      }
    }
    return result;
  }
}
