/**
 * Numbers as event-ruler compares them.
 *
 * event-ruler (`ComparableNumber.generate`) parses a number's text as a Java `BigDecimal`, converts it
 * to a `double`, and accepts it for numeric comparison only when that double is *exactly* the decimal
 * written: `BigDecimal.valueOf(double).compareTo(parsed) == 0`. So `300`, `3e2` and `300.0` compare
 * equal, while `0.30000000000000001`, `1e400` and `5e-324` are not numbers to it at all (they still
 * match by exact spelling). `BigDecimal` has no negative zero, so `-0` is the number 0.
 *
 * `BigDecimal.valueOf(d)` is `new BigDecimal(Double.toString(d))`. We follow the `Double.toString`
 * specification of Java 19 and later (shortest decimal that rounds to the double, at least two digits).
 * Java 17 and earlier printed some doubles between 1e16 and 1e26 with needless extra digits, which made
 * event-ruler refuse numbers such as `2e23` there; we do not reproduce that defect.
 */

/** What event-ruler makes of a JSON number's text. */
export interface RulerNumber {
  /** The nearest double (negative zero folded to zero). */
  readonly value: number;
  /** Whether event-ruler accepts it for numeric comparison (the double is exactly the decimal written). */
  readonly comparable: boolean;
}

interface Decimal {
  /** Significant digits without leading or trailing zeros; '' for zero. */
  readonly digits: string;
  /** Decimal exponent of the first digit: value = 0.digits x 10^exponent. */
  readonly exponent: number;
}

/** Normalise the text of a JSON number (or a JS `toExponential()` result) into digits and exponent. */
function normaliseDecimal(text: string): Decimal {
  let i = 0;
  if (text.charCodeAt(0) === 0x2d) {
    i = 1;
  }
  let intDigits = '';
  let fracDigits = '';
  let exp = 0;
  const len = text.length;
  let start = i;
  while (i < len && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
    i++;
  }
  intDigits = text.substring(start, i);
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    start = i;
    while (i < len && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) {
      i++;
    }
    fracDigits = text.substring(start, i);
  }
  if (i < len && (text.charCodeAt(i) === 0x65 || text.charCodeAt(i) === 0x45)) {
    // Exponents beyond any double's reach are clamped: the value is then 0 or infinite anyway.
    const e = Number(text.substring(i + 1));
    exp = Number.isFinite(e) ? Math.max(-1e9, Math.min(1e9, e)) : e > 0 ? 1e9 : -1e9;
  }
  const all = intDigits + fracDigits;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 0x30) {
    first++;
  }
  if (first === all.length) {
    return { digits: '', exponent: 0 };
  }
  let last = all.length;
  while (last > first && all.charCodeAt(last - 1) === 0x30) {
    last--;
  }
  return { digits: all.substring(first, last), exponent: intDigits.length - first + exp };
}

/** The decimal `Double.toString(d)` denotes (Java 19+: shortest, but never fewer than two digits). */
function javaDoubleDecimal(d: number): Decimal {
  const abs = Math.abs(d);
  if (abs === 0) {
    return { digits: '', exponent: 0 };
  }
  let repr = abs.toExponential();
  // One significant digit: Java prints two, choosing the two-digit decimal closest to the double.
  if (repr.indexOf('.') < 0) {
    repr = abs.toExponential(1);
  }
  return normaliseDecimal(repr);
}

/** Interpret the text of a JSON number the way event-ruler does. */
export function rulerNumberFromText(text: string): RulerNumber {
  let value = Number(text);
  if (value === 0) {
    value = 0;
  }
  if (!Number.isFinite(value)) {
    return { value, comparable: false };
  }
  const written = normaliseDecimal(text);
  const printed = javaDoubleDecimal(value);
  return { value, comparable: written.digits === printed.digits && written.exponent === printed.exponent };
}

/** Whether a JS number (from an already-parsed event) is one event-ruler would compare numerically. */
export function isComparableDouble(value: number): boolean {
  if (Number.isSafeInteger(value)) {
    // The usual number in an event: exact, and printed by Java as the same decimal.
    return true;
  }
  if (!Number.isFinite(value)) {
    return false;
  }
  // A double read from its own shortest spelling is exact unless Java's two-digit rule prints a different
  // decimal (only for the least precise subnormals).
  const shortest = normaliseDecimal(Math.abs(value).toExponential());
  const printed = javaDoubleDecimal(value);
  return shortest.digits === printed.digits && shortest.exponent === printed.exponent;
}

/**
 * Whether JSON text may hold a number whose spelling matters to event-ruler: one with 16 or more
 * significant digits, or an exponent of three digits. Numbers without either are always exactly their
 * double (15 significant digits round-trip), so `JSON.parse` loses nothing for them. False positives
 * (such digit runs inside strings) only cost the careful parse.
 */
export const SPELLING_SENSITIVE_NUMBER = /\d(?:\.?\d){15}|\d[eE][+-]?\d{3}/;

/**
 * A number from event JSON whose spelling had to be kept (see `SPELLING_SENSITIVE_NUMBER`): event-ruler
 * matches plain numbers in a pattern against the exact text too, and refuses inexact ones for numeric
 * comparison.
 */
export class NumberToken implements RulerNumber {
  public readonly value: number;
  public readonly comparable: boolean;
  constructor(public readonly text: string) {
    const parsed = rulerNumberFromText(text);
    this.value = parsed.value;
    this.comparable = parsed.comparable;
  }
}
