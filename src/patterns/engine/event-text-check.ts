/**
 * Whether `JSON.parse` reads event text the way event-ruler does, decided cheaply enough to run on every
 * event: one pass over the text that jumps from quote to quote (so strings cost one `indexOf`), and a
 * count of the keys in the parsed object.
 *
 * `JSON.parse` keeps only the last value of a key repeated in one object, where event-ruler sees every
 * value; it also accepts what Jackson (event-ruler's JSON reader) refuses: nesting deeper than 1,000,
 * names longer than 50,000 characters, numbers longer than 1,000 characters. And a number's double
 * loses its spelling, which event-ruler matches on when the number has 16 or more digits or an
 * exponent of three digits. A repeated key shows as more keys in the text than in the parsed object:
 * the text count is exact for the keys (a string followed by a colon), and can only be too high (never
 * too low), so equal counts prove that no key repeats.
 */
import { JACKSON_MAX_NAME_LENGTH, JACKSON_MAX_NESTING_DEPTH, JACKSON_MAX_NUMBER_LENGTH } from './json-token-reader';

/** What the text holds that `JSON.parse` would hide. */
export interface EventTextFacts {
  /** Keys in the text (a string followed by a colon). */
  readonly keys: number;
  /** Deepest nesting of objects and arrays, the root counting 1 (Jackson's count). */
  readonly depth: number;
  /** A name or number beyond Jackson's length limits (names counted before unescaping: an upper bound). */
  readonly overLimit: boolean;
  /** A number with 16 or more digits or an exponent of three or more digits. */
  readonly spellingSensitiveNumber: boolean;
  /** Whether some key has a dot in it (so a field may sit under a dotted key). */
  readonly dottedKeys: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Scan text that `JSON.parse` accepted. Returns undefined if the text is not shaped as expected (it
 * always is for text `JSON.parse` accepted; undefined makes the caller read the text carefully).
 */
export function scanEventText(text: string): EventTextFacts | undefined {
  const n = text.length;
  let keys = 0;
  let depth = 0;
  let maxDepth = 0;
  let overLimit = false;
  let spelling = false;
  let dottedKeys = false;
  // The next dot and backslash at or after a string's start (-1: none left), to tell dotted keys cheaply
  // (a key with an escape may spell a dot as \u002e: counted as dotted).
  let nextDot = text.indexOf('.');
  let nextBackslash = text.indexOf('\\');
  let p = 0;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) {
      if (nextDot >= 0 && nextDot < p) {
        nextDot = text.indexOf('.', p);
      }
      if (nextBackslash >= 0 && nextBackslash < p) {
        nextBackslash = text.indexOf('\\', p);
      }
      let q = text.indexOf('"', p + 1);
      // A quote preceded by an odd number of backslashes is escaped and does not end the string.
      while (q > 0 && text.charCodeAt(q - 1) === BACKSLASH) {
        let b = q - 2;
        while (text.charCodeAt(b) === BACKSLASH) {
          b--;
        }
        if (((q - 1 - b) & 1) === 0) {
          break;
        }
        q = text.indexOf('"', q + 1);
      }
      if (q < 0) {
        return undefined;
      }
      const length = q - p - 1;
      p = q + 1;
      while (p < n && isJsonWhitespace(text.charCodeAt(p))) {
        p++;
      }
      if (text.charCodeAt(p) === 0x3a /* : */) {
        keys++;
        if (length > JACKSON_MAX_NAME_LENGTH) {
          overLimit = true;
        }
        if ((nextDot >= 0 && nextDot < q) || (nextBackslash >= 0 && nextBackslash < q)) {
          dottedKeys = true;
        }
        p++;
      }
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) {
        maxDepth = depth;
      }
      p++;
      continue;
    }
    if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
      p++;
      continue;
    }
    if (c === 0x2d /* - */ || isDigit(c)) {
      const start = p;
      if (c === 0x2d) {
        p++;
      }
      let digits = 0;
      while (p < n && isDigit(text.charCodeAt(p))) {
        digits++;
        p++;
      }
      if (text.charCodeAt(p) === 0x2e /* . */) {
        p++;
        while (p < n && isDigit(text.charCodeAt(p))) {
          digits++;
          p++;
        }
      }
      const e = text.charCodeAt(p);
      if (e === 0x65 || e === 0x45) {
        p++;
        const sign = text.charCodeAt(p);
        if (sign === 0x2b || sign === 0x2d) {
          p++;
        }
        let exponentDigits = 0;
        while (p < n && isDigit(text.charCodeAt(p))) {
          exponentDigits++;
          p++;
        }
        if (exponentDigits >= 3) {
          spelling = true;
        }
      }
      if (digits >= 16) {
        spelling = true;
      }
      if (p - start > JACKSON_MAX_NUMBER_LENGTH) {
        overLimit = true;
      }
      continue;
    }
    p++;
  }
  return { keys, depth: maxDepth, overLimit, spellingSensitiveNumber: spelling, dottedKeys };
}

/** Keys of every object in a parsed JSON value (recursive: call only for nesting Jackson accepts). */
export function countParsedKeys(value: unknown): number {
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const element = value[i];
      if (typeof element === 'object' && element !== null) {
        count += countParsedKeys(element);
      }
    }
    return count;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    count++;
    const child = object[key];
    if (typeof child === 'object' && child !== null) {
      count += countParsedKeys(child);
    }
  }
  return count;
}

/**
 * Whether `JSON.parse(text)` (already computed: `parsed`) reads the text as event-ruler does, apart from
 * number spellings (reported separately, since only numeric tests need them).
 */
export function parseIsFaithful(facts: EventTextFacts | undefined, parsed: unknown): boolean {
  return facts !== undefined && facts.depth <= JACKSON_MAX_NESTING_DEPTH && !facts.overLimit
    && facts.keys === countParsedKeys(parsed);
}
