/**
 * Whether `JSON.parse` reads event text the way event-ruler does, decided cheaply enough to run on every
 * event: one pass over the text that jumps from quote to quote (so strings cost one `indexOf`), and one
 * walk of the parsed object (its keys, nesting and name lengths).
 *
 * `JSON.parse` keeps only the last value of a key repeated in one object, where event-ruler sees every
 * value; it also accepts what Jackson (event-ruler's JSON reader) refuses: nesting deeper than 1,000,
 * names longer than 50,000 characters, numbers longer than 1,000 characters. And a number's double
 * loses its spelling, which event-ruler matches on when the number has 16 or more digits or an
 * exponent of three digits. A repeated key shows as more keys in the text than in the parsed object:
 * the text count is exact for the keys (a string followed by a colon), and can only be too high (never
 * too low), so equal counts prove that no key repeats.
 */
import { newStamp } from './event-matcher';
import { JACKSON_MAX_NAME_LENGTH, JACKSON_MAX_NESTING_DEPTH, JACKSON_MAX_NUMBER_LENGTH } from './json-token-reader';
import { EventReadError } from './ruler-event';

/** What the text holds that `JSON.parse` would hide. */
export interface EventTextFacts {
  /** Keys in the text (a string followed by a colon). */
  readonly keys: number;
  /** A number over Jackson's 1,000-character limit. */
  readonly longNumber: boolean;
  /** A number with 16 or more digits or an exponent of three or more digits. */
  readonly spellingSensitiveNumber: boolean;
}

/** What the parsed object holds, read in one walk. */
export interface ParsedEventFacts {
  /** Keys of every object. */
  readonly keys: number;
  /** Whether the nesting (the root counting 1) stays within Jackson's 1,000. */
  readonly withinDepth: boolean;
  /** A name over Jackson's 50,000-character limit. */
  readonly longName: boolean;
}

const BACKSLASH = 0x5c;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * Scan text that `JSON.parse` accepted: strings are skipped with one `indexOf` each and counted as keys
 * when a colon follows; numbers are measured. Returns undefined if the text is not shaped as expected
 * (it always is for text `JSON.parse` accepted; undefined makes the caller read the text carefully).
 */
export function scanEventText(text: string): EventTextFacts | undefined {
  const n = text.length;
  let keys = 0;
  let longNumber = false;
  let spelling = false;
  let p = 0;
  while (p < n) {
    const c = text.charCodeAt(p);
    if (c === 0x22 /* " */) {
      // A quote preceded by an odd number of backslashes is escaped and does not end the string.
      let q = text.indexOf('"', p + 1);
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
      p = q + 1;
      let d = text.charCodeAt(p);
      while (isJsonWhitespace(d)) {
        d = text.charCodeAt(++p);
      }
      if (d === 0x3a /* : */) {
        keys++;
        p++;
      }
      continue;
    }
    if (c !== 0x2d /* - */ && !isDigit(c)) {
      p++;
      continue;
    }
    const start = p++;
    let digits = c === 0x2d ? 0 : 1;
    let exponentDigits = -1;
    for (; p < n; p++) {
      const d = text.charCodeAt(p);
      if (isDigit(d)) {
        if (exponentDigits >= 0) {
          exponentDigits++;
        } else {
          digits++;
        }
      } else if (d === 0x65 || d === 0x45) {
        exponentDigits = 0;
      } else if (d !== 0x2e && d !== 0x2b && d !== 0x2d) {
        break;
      }
    }
    if (digits >= 16 || exponentDigits >= 3) {
      spelling = true;
    }
    if (p - start > JACKSON_MAX_NUMBER_LENGTH) {
      longNumber = true;
    }
  }
  return { keys, longNumber, spellingSensitiveNumber: spelling };
}

// The walk's tallies (module-level: the walk is synchronous and never re-entered).
let walkedKeys = 0;
let walkedLongName = false;

/** Walk one object or array; false when nested deeper than Jackson allows. */
function walkParsed(value: unknown, depth: number): boolean {
  if (depth > JACKSON_MAX_NESTING_DEPTH) {
    return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      if (typeof element === 'object' && element !== null && !walkParsed(element, depth + 1)) {
        return false;
      }
    }
    return true;
  }
  const object = value as Record<string, unknown>;
  for (const key in object) {
    walkedKeys++;
    if (key.length > JACKSON_MAX_NAME_LENGTH) {
      walkedLongName = true;
    }
    const child = object[key];
    if (typeof child === 'object' && child !== null && !walkParsed(child, depth + 1)) {
      return false;
    }
  }
  return true;
}

/** Walk a parsed JSON object (recursively, but never deeper than Jackson's limit). */
export function inspectParsed(value: unknown): ParsedEventFacts {
  walkedKeys = 0;
  walkedLongName = false;
  const withinDepth = walkParsed(value, 1);
  return { keys: walkedKeys, withinDepth, longName: walkedLongName };
}

/**
 * Whether `JSON.parse` read the text as event-ruler does, apart from number spellings (reported
 * separately, since only numeric tests need them): no key repeated within an object (the text has no
 * more keys than the parsed object), and nothing beyond Jackson's limits.
 */
export function parseIsFaithful(text: EventTextFacts | undefined, parsed: ParsedEventFacts): boolean {
  return text !== undefined && parsed.withinDepth && !parsed.longName && !text.longNumber && text.keys === parsed.keys;
}

/** What one event text reads as, kept while the same text is matched by several patterns. */
export interface TextReading {
  /** `JSON.parse` of the text, undefined when it threw. */
  readonly parsed: unknown;
  /** Whether `parsed` is the event as event-ruler reads it, apart from number spellings. */
  readonly faithful: boolean;
  /** Whether a number's spelling may matter (see `EventTextFacts.spellingSensitiveNumber`). */
  readonly spellingSensitiveNumber: boolean;
  /** The quick path's memo stamp for this text (its outcomes are shared by every pattern). */
  readonly stamp: number;
}

/**
 * The last event text read, so that the usual case (every rule of a bus sees each event) parses and
 * checks it once. The parsed object never leaves the engine and is never changed, so reusing it is
 * safe.
 */
let lastText: string | undefined;
let lastReading: TextReading | undefined;

/**
 * Read an event text for matching: `JSON.parse`, and whether that lost anything event-ruler looks at.
 *
 * @throws EventReadError when the text parses to something other than an object
 */
export function readEventText(text: string): TextReading {
  if (text === lastText && lastReading) {
    return lastReading;
  }
  let parsed: unknown;
  let reading: TextReading;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Jackson may still read it (it ignores text after the object); the exact path decides.
    parsed = undefined;
  }
  if (parsed === undefined) {
    reading = { parsed, faithful: false, spellingSensitiveNumber: true, stamp: 0 };
  } else {
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new EventReadError('Event must be a JSON object');
    }
    const textFacts = scanEventText(text);
    const parsedFacts = inspectParsed(parsed);
    reading = {
      parsed,
      faithful: parseIsFaithful(textFacts, parsedFacts),
      spellingSensitiveNumber: textFacts === undefined || textFacts.spellingSensitiveNumber,
      stamp: newStamp(),
    };
  }
  lastText = text;
  lastReading = reading;
  return reading;
}
