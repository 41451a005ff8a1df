/**
 * The value tests of an event pattern (what can appear inside a field's array), and how a field's list
 * of them becomes one predicate over event values.
 *
 * event-ruler compares strings with their JSON quotes around them (`"abc"`), numbers, `true`, `false`
 * and `null` by their text, so a string test never matches a number and the other way round. Strings
 * are compared as UTF-8 bytes; for well-formed text that is the same as comparing characters.
 *
 * Text that is not well-formed (a lone UTF-16 surrogate, which JSON's `\ud800` escape can put in a
 * pattern or an event) is where the bytes matter: Java's `String.getBytes(UTF_8)` writes `?` for each
 * lone surrogate, on both sides, in every test that walks event-ruler's byte machine (all but exact
 * strings, which event-ruler compares as Java strings). So those tests compare `javaBytesView` of the
 * pattern value and of the event value. Case-insensitive values go further: event-ruler folds each
 * UTF-16 unit on its own, so even the two halves of a pair become `??` in the pattern
 * (`caseAlternatives`), while an event's well-formed pair stays a 4-byte character.
 */
import { NumberToken, isComparableDouble } from './comparable-number';
import { HexRange, ipAddressToHex } from './ip-address';
import { javaLowerUpper } from './private/java-case';
import { compileWildcard, parseWildcard } from './wildcard';

/** A scalar from an event: a JS number from `JSON.parse`, or a `NumberToken` when its spelling matters. */
export type EventScalar = string | number | boolean | null | NumberToken;

/** One test from a field's array in a pattern. */
export type ValuePattern =
  | { readonly kind: 'exact-string'; readonly value: string }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  | { readonly kind: 'exact-number'; readonly text: string; readonly comparable: boolean; readonly value: number }
  | { readonly kind: 'address'; readonly text: string; readonly range: HexRange }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly value: string }
  | { readonly kind: 'anything-but'; readonly strings: readonly string[]; readonly numbers: readonly number[] }
  | { readonly kind: 'anything-but-prefix' | 'anything-but-suffix' | 'anything-but-ignore-case' | 'anything-but-wildcard'; readonly values: readonly string[] }
  | { readonly kind: 'numeric'; readonly lower?: number; readonly lowerOpen: boolean; readonly upper?: number; readonly upperOpen: boolean }
  | { readonly kind: 'numeric-equals'; readonly value: number }
  | { readonly kind: 'cidr'; readonly text: string; readonly range: HexRange }
  | { readonly kind: 'exists'; readonly exists: boolean };

type StringTest = (value: string) => boolean;

/**
 * Raised when a test needed the spelling of a number that came from `JSON.parse` (so was lost). The
 * caller can then read the event again keeping number texts. Only CIDR/address ranges need it: event-
 * ruler also walks a number's raw text through an address range, and a number such as `15` then falls
 * inside a block such as `16.0.0.0/4` (hex `1...`).
 */
export const numberSpellingUse = { needed: false };

/** The number event-ruler would compare, or undefined when the value is not a comparable number. */
export function comparableNumberOf(value: EventScalar): number | undefined {
  if (typeof value === 'number') {
    return isComparableDouble(value) ? (value === 0 ? 0 : value) : undefined;
  }
  if (value instanceof NumberToken) {
    return value.comparable ? value.value : undefined;
  }
  return undefined;
}

const LONE_SURROGATE = /[\ud800-\udfff]/u;
const LONE_SURROGATES = /[\ud800-\udfff]/gu;
const hasIsWellFormed = typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === 'function';

/**
 * The text as Java's `String.getBytes(UTF_8)` sees it: each lone surrogate becomes `?` (a pair is a
 * character and stays). UTF-16 length is kept, so positions do not move.
 */
export function javaBytesView(text: string): string {
  const wellFormed = hasIsWellFormed ? (text as unknown as { isWellFormed(): boolean }).isWellFormed() : !LONE_SURROGATE.test(text);
  return wellFormed ? text : text.replace(LONE_SURROGATES, '?');
}

/**
 * Java's per-character case alternatives (`toLowerCase(Locale.ROOT)` / `toUpperCase(Locale.ROOT)` of
 * each UTF-16 unit, as event-ruler's `EqualsIgnoreCaseParser`), from Java 25's tables (see
 * private/java-case.ts). Every surrogate unit, paired or not, is folded alone and encodes to `?`.
 */
function caseAlternatives(text: string): string[][] {
  const result: string[][] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      result.push(['?']);
      continue;
    }
    const [lower, upper] = javaLowerUpper(c);
    result.push(lower === upper ? [lower] : [lower, upper]);
  }
  return result;
}

function isAsciiOnly(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      return false;
    }
  }
  return true;
}

function asciiEqualsIgnoreCase(value: string, offset: number, pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern.charCodeAt(i);
    const v = value.charCodeAt(offset + i);
    if (v !== p) {
      const pl = p | 0x20;
      if (pl < 0x61 || pl > 0x7a || (v | 0x20) !== pl) {
        return false;
      }
    }
  }
  return true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function caseInsensitiveRegExpSource(text: string): string {
  return caseAlternatives(text)
    .map((alts) => alts.length === 1 ? escapeRegExp(alts[0]) : `(?:${alts.map(escapeRegExp).join('|')})`)
    .join('');
}

/** Build the string test for a case-insensitive equals / prefix / suffix (of an event value's `javaBytesView`). */
function ignoreCaseTest(pattern: string, anchor: 'equals' | 'prefix' | 'suffix'): StringTest {
  if (isAsciiOnly(pattern)) {
    const n = pattern.length;
    switch (anchor) {
      case 'equals': return (v) => v.length === n && asciiEqualsIgnoreCase(v, 0, pattern);
      case 'prefix': return (v) => v.length >= n && asciiEqualsIgnoreCase(v, 0, pattern);
      case 'suffix': return (v) => v.length >= n && asciiEqualsIgnoreCase(v, v.length - n, pattern);
    }
  }
  const source = caseInsensitiveRegExpSource(pattern);
  const re = new RegExp(anchor === 'equals' ? `^${source}$` : anchor === 'prefix' ? `^${source}` : `${source}$`);
  return (v) => re.test(v);
}

/**
 * event-ruler keeps a string's opening quote in front of it when testing a suffix (`abc"` against
 * `"xabc"`) and its closing quote behind it when testing a prefix, so a suffix that itself starts with
 * a quote can match the value's opening quote. The quote-aware forms below reproduce that.
 */
function prefixTest(value: string, ignoreCase: boolean): StringTest {
  const pattern = javaBytesView(value);
  const plain: StringTest = ignoreCase ? ignoreCaseTest(value, 'prefix') : (v) => v.startsWith(pattern);
  if (!pattern.endsWith('"')) {
    return plain;
  }
  return (v) => plain(v) || plain(v + '"');
}

function suffixTest(value: string, ignoreCase: boolean): StringTest {
  const pattern = javaBytesView(value);
  const plain: StringTest = ignoreCase ? ignoreCaseTest(value, 'suffix') : (v) => v.endsWith(pattern);
  if (!pattern.startsWith('"')) {
    return plain;
  }
  return (v) => plain(v) || plain('"' + v);
}

function anyOf(tests: StringTest[]): StringTest {
  if (tests.length === 1) {
    return tests[0];
  }
  return (v) => {
    for (let i = 0; i < tests.length; i++) {
      if (tests[i](v)) {
        return true;
      }
    }
    return false;
  };
}

/** A compiled predicate over one event value, for all the value tests of a field. */
export type ValuePredicate = (value: EventScalar) => boolean;

/**
 * Combine a field's value tests (everything but `exists: false`) into one predicate. Exact strings and
 * numbers become set lookups; other tests run in order only for values of the type they can match.
 * `inNumericMachine`: event-ruler tests the field in a byte machine that holds a numeric test (see
 * shared-byte-machines.ts).
 */
export function compileValuePredicate(patterns: readonly ValuePattern[], inNumericMachine = false): ValuePredicate {
  let anyValue = false;
  const exactStrings = new Set<string>();
  const stringTests: StringTest[] = [];
  const addressRanges: HexRange[] = [];
  const literals = new Set<boolean | null>();
  const exactNumbers = new Set<number>();
  const exactNumberTexts = new Set<string>();
  const numberTests: Array<(n: number) => boolean> = [];
  // Each anything-but is its own alternative: a value passes if it passes any one of them.
  const anythingBut: ValuePredicate[] = [];
  // event-ruler converts a value to its comparable-number form, and then tries nothing else, when the
  // byte machine testing the field holds a numeric test (numeric equality from a number, a range, or an
  // anything-but of numbers): this list's own, or another $or branch's sharing the machine.
  let numericField = inNumericMachine;

  for (const p of patterns) {
    switch (p.kind) {
      case 'exists':
        if (p.exists) {
          anyValue = true;
        }
        break;
      case 'exact-string':
        exactStrings.add(p.value);
        break;
      case 'exact-literal':
        literals.add(p.value);
        break;
      case 'exact-number':
        exactNumberTexts.add(p.text);
        if (p.comparable) {
          exactNumbers.add(p.value);
          numericField = true;
        }
        break;
      case 'numeric-equals':
        exactNumbers.add(p.value);
        numericField = true;
        break;
      case 'address':
      case 'cidr':
        addressRanges.push(p.range);
        break;
      case 'prefix':
        stringTests.push(prefixTest(p.value, p.ignoreCase));
        break;
      case 'suffix':
        stringTests.push(suffixTest(p.value, p.ignoreCase));
        break;
      case 'equals-ignore-case':
        stringTests.push(ignoreCaseTest(p.value, 'equals'));
        break;
      case 'wildcard':
        stringTests.push(compileWildcard(parseWildcard(javaBytesView(p.value))));
        break;
      case 'numeric': {
        numericField = true;
        const { lower, lowerOpen, upper, upperOpen } = p;
        numberTests.push((n) =>
          (lower === undefined || (lowerOpen ? n > lower : n >= lower))
          && (upper === undefined || (upperOpen ? n < upper : n <= upper)));
        break;
      }
      case 'anything-but': {
        if (p.numbers.length > 0) {
          numericField = true;
          const excluded = new Set(p.numbers);
          anythingBut.push((v) => {
            const n = comparableNumberOf(v);
            return n === undefined || !excluded.has(n);
          });
        } else {
          const excluded = new Set(p.strings.map(javaBytesView));
          anythingBut.push((v) => typeof v !== 'string' || !excluded.has(javaBytesView(v)));
        }
        break;
      }
      case 'anything-but-prefix':
      case 'anything-but-suffix':
      case 'anything-but-ignore-case':
      case 'anything-but-wildcard': {
        if (p.values.length === 0) {
          // event-ruler adds no transition for an empty list, so it matches nothing (leading a field's
          // list it cannot even be added: pattern-compiler reports that).
          break;
        }
        const tests = p.values.map((value): StringTest => {
          switch (p.kind) {
            case 'anything-but-prefix': return prefixTest(value, false);
            case 'anything-but-suffix': return suffixTest(value, false);
            case 'anything-but-ignore-case': return ignoreCaseTest(value, 'equals');
            default: return compileWildcard(parseWildcard(javaBytesView(value)));
          }
        });
        const excludedBy = anyOf(tests);
        anythingBut.push((v) => typeof v !== 'string' || !excludedBy(javaBytesView(v)));
        break;
      }
    }
  }

  if (anyValue) {
    return () => true;
  }
  // The usual IAM case, a short list of exact strings: compare directly.
  if (exactStrings.size > 0 && exactStrings.size <= 8 && stringTests.length === 0 && addressRanges.length === 0
    && literals.size === 0 && exactNumbers.size === 0 && exactNumberTexts.size === 0 && numberTests.length === 0
    && anythingBut.length === 0) {
    const list = Array.from(exactStrings);
    if (list.length === 1) {
      const only = list[0];
      return (v) => v === only;
    }
    return (v) => typeof v === 'string' && list.includes(v);
  }
  const hasStringTests = stringTests.length > 0;
  const stringTest = hasStringTests ? anyOf(stringTests) : undefined;
  const hasAddresses = addressRanges.length > 0;
  const hasNumbers = exactNumbers.size > 0 || numberTests.length > 0;
  const hasNumberTexts = exactNumberTexts.size > 0;
  const hasLiterals = literals.size > 0;
  const hasAnythingBut = anythingBut.length > 0;

  return (v) => {
    if (typeof v === 'string') {
      // Exact strings compare as Java strings (event-ruler's shortcut transition); the other tests
      // walk bytes, where a lone surrogate is `?`.
      if (exactStrings.has(v) || (hasStringTests && stringTest!(javaBytesView(v)))) {
        return true;
      }
      if (hasAddresses) {
        const hex = ipAddressToHex(v);
        if (hex !== undefined) {
          for (let i = 0; i < addressRanges.length; i++) {
            if (addressRanges[i].contains(hex)) {
              return true;
            }
          }
        }
      }
    } else if (typeof v === 'number' || v instanceof NumberToken) {
      if (hasNumbers) {
        const n = comparableNumberOf(v);
        if (n !== undefined) {
          if (exactNumbers.has(n)) {
            return true;
          }
          for (let i = 0; i < numberTests.length; i++) {
            if (numberTests[i](n)) {
              return true;
            }
          }
        }
      }
      if (hasNumberTexts && v instanceof NumberToken && exactNumberTexts.has(v.text)) {
        return true;
      }
      if (hasAddresses && !(numericField && comparableNumberOf(v) !== undefined)) {
        let text: string;
        if (v instanceof NumberToken) {
          text = v.text;
        } else {
          numberSpellingUse.needed = true;
          text = String(v);
        }
        for (let i = 0; i < addressRanges.length; i++) {
          if (addressRanges[i].contains(text)) {
            return true;
          }
        }
      }
    } else if (hasLiterals && literals.has(v)) {
      return true;
    }
    if (hasAnythingBut) {
      for (let i = 0; i < anythingBut.length; i++) {
        if (anythingBut[i](v)) {
          return true;
        }
      }
    }
    return false;
  };
}

/** Whether matching these tests can depend on how an event spells a number (not just its value). */
export function dependsOnNumberSpelling(patterns: readonly ValuePattern[]): boolean {
  return patterns.some((p) => p.kind === 'exact-number' || p.kind === 'numeric' || p.kind === 'numeric-equals'
    || (p.kind === 'anything-but' && p.numbers.length > 0));
}
