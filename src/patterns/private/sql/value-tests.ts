/**
 * A field's value tests (`ValuePattern`s) as one SQL condition on one value, with the engine's
 * semantics (src/patterns/engine/value-patterns.ts `compileValuePredicate`, the reference): a value
 * passes when any test passes; a string test sees only strings, a numeric test only numbers, each
 * `anything-but` passes every value of another type.
 */
import { sqlAnd as and, SqlDialect, sqlOr as or, sqlString } from './sql-dialect';
import { HexRange } from '../../engine/ip-address';
import { ValuePattern } from '../../engine/value-patterns';
import { parseWildcard } from '../../engine/wildcard';

/**
 * One value, as SQL: a JSON value (`json`), or a value known to be a string (`text`: the envelope's
 * `source`, `region`, ...).
 */
export type SqlValue = { readonly json: string } | { readonly text: string };

/** The SQL of each question a test asks of a value. */
interface ValueParts {
  readonly isString: string;
  readonly str: string;
  readonly isNumber: string;
  readonly num: string;
  readonly numText: string;
  readonly isTrue: string;
  readonly isFalse: string;
  readonly isNull: string;
}

function partsOf(d: SqlDialect, value: SqlValue): ValueParts {
  if ('text' in value) {
    return { isString: 'TRUE', str: value.text, isNumber: 'FALSE', num: 'NULL', numText: 'NULL', isTrue: 'FALSE', isFalse: 'FALSE', isNull: 'FALSE' };
  }
  const j = value.json;
  return {
    isString: d.isString(j),
    str: d.stringOf(j),
    isNumber: d.isNumber(j),
    num: d.numberOf(j),
    numText: d.numberText(j),
    isTrue: d.isTrue(j),
    isFalse: `(${d.isBoolean(j)} AND NOT ${d.isTrue(j)})`,
    isNull: d.isNullLiteral(j),
  };
}

/** Escapes text for LIKE with `\` as the escape character. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A regular-expression literal for text (RE2 and Java agree on backslash-escaped punctuation). */
function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

/**
 * The case alternatives of each UTF-16 unit, as the engine's `caseAlternatives` (Java's per-char
 * `toLowerCase`/`toUpperCase` with `Locale.ROOT`; a lone surrogate half becomes `?`).
 */
function caseAlternatives(text: string): string[][] {
  const result: string[][] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      result.push(['?']);
      continue;
    }
    const ch = text[i];
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    result.push(lower === upper ? [lower] : [lower, upper]);
  }
  return result;
}

function isAscii(text: string): boolean {
  return /^[\x00-\x7f]*$/.test(text);
}

/**
 * A regular expression for the text with case ignored as the engine ignores it: for ASCII text,
 * ASCII letters either case and everything else as itself; otherwise Java's per-character case
 * alternatives.
 */
function ignoreCaseRegex(text: string): string {
  if (isAscii(text)) {
    return Array.from(text).map((ch) => (/[A-Za-z]/.test(ch) ? `[${ch.toLowerCase()}${ch.toUpperCase()}]` : regexLiteral(ch))).join('');
  }
  return caseAlternatives(text)
    .map((alts) => (alts.length === 1 ? regexLiteral(alts[0]) : `(?:${alts.map(regexLiteral).join('|')})`))
    .join('');
}

type Anchor = 'equals' | 'prefix' | 'suffix';

/** A string test with case ignored. */
function ignoreCaseTest(d: SqlDialect, str: string, text: string, anchor: Anchor): string {
  const re = ignoreCaseRegex(text);
  return d.fullMatch(str, anchor === 'equals' ? re : anchor === 'prefix' ? `${re}[\\s\\S]*` : `[\\s\\S]*${re}`);
}

/** A plain prefix or suffix test. */
function plainTest(d: SqlDialect, str: string, text: string, anchor: 'prefix' | 'suffix', ignoreCase: boolean): string {
  if (ignoreCase) return ignoreCaseTest(d, str, text, anchor);
  return d.like(str, anchor === 'prefix' ? `${likeLiteral(text)}%` : `%${likeLiteral(text)}`);
}

/**
 * event-ruler compares strings with their quotes: a prefix ending in `"` also matches the value's
 * closing quote, a suffix starting with `"` its opening quote (value-patterns.ts `prefixTest`).
 */
function prefixTest(d: SqlDialect, str: string, text: string, ignoreCase: boolean): string {
  const plain = plainTest(d, str, text, 'prefix', ignoreCase);
  return text.endsWith('"') ? or([plain, plainTest(d, `(${str} || '"')`, text, 'prefix', ignoreCase)]) : plain;
}

function suffixTest(d: SqlDialect, str: string, text: string, ignoreCase: boolean): string {
  const plain = plainTest(d, str, text, 'suffix', ignoreCase);
  return text.startsWith('"') ? or([plain, plainTest(d, `('"' || ${str})`, text, 'suffix', ignoreCase)]) : plain;
}

function wildcardTest(d: SqlDialect, str: string, pattern: string): string {
  const { segments } = parseWildcard(pattern);
  if (segments.length === 1) return `${str} = ${sqlString(segments[0])}`;
  return d.like(str, segments.map(likeLiteral).join('%'));
}

const HEX_DIGITS = '0123456789ABCDEF';

/** event-ruler's IPv4 shape (a dotted quad of decimal digits). */
const IPV4_SHAPE = '[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+';

/**
 * `HexRange.contains` (ip-address.ts) as SQL over hex text: the walk accepts a text that starts
 * with one of a few prefixes and then has a digit in a set, or starts with a whole bound. Only
 * upper-case hex digits move the walk. `hexLength`: the text is known to be that many hex digits,
 * so alternatives that need a longer text are left out (an IPv4 address against an IPv6 block).
 */
function hexRangeTest(hex: string, range: HexRange, hexLength?: number): string {
  const b = range.bottom;
  if (hexLength === b.length) {
    // Text as long as the bounds, all hex digits: the walk is a plain comparison.
    return `(${hex} ${range.openBottom ? '>' : '>='} ${sqlString(b)} AND ${hex} ${range.openTop ? '<' : '<='} ${sqlString(range.top)})`;
  }
  const t = range.top;
  const last = b.length - 1;
  let p = 0;
  while (p <= last && b[p] === t[p]) p++;
  if (p > last) return 'FALSE';
  const common = b.slice(0, p);
  const alternatives: string[] = [];
  const reachable = (length: number) => hexLength === undefined || length <= hexLength;
  const startsWith = (prefix: string) => (prefix === '' ? 'TRUE' : !reachable(prefix.length) ? 'FALSE'
    : `substr(${hex}, 1, ${prefix.length}) = ${sqlString(prefix)}`);
  const digitAt = (position: number, digits: string) => (digits === '' || !reachable(position + 1) ? 'FALSE'
    : digits.length === 1 ? `substr(${hex}, ${position + 1}, 1) = ${sqlString(digits)}`
      : `substr(${hex}, ${position + 1}, 1) IN (${Array.from(digits).map(sqlString).join(', ')})`);
  const between = HEX_DIGITS.slice(HEX_DIGITS.indexOf(b[p]) + 1, HEX_DIGITS.indexOf(t[p]));
  alternatives.push(and([startsWith(common), digitAt(p, between)]));
  if (p === last) {
    const edge = (range.openBottom ? '' : b[p]) + (range.openTop ? '' : t[p]);
    alternatives.push(and([startsWith(common), digitAt(p, edge)]));
  } else {
    for (const [bound, isBottom, open] of [[b, true, range.openBottom], [t, false, range.openTop]] as const) {
      for (let i = p + 1; i <= last; i++) {
        const at = HEX_DIGITS.indexOf(bound[i]);
        const beyond = isBottom ? HEX_DIGITS.slice(at + 1) : HEX_DIGITS.slice(0, at);
        alternatives.push(and([startsWith(bound.slice(0, i)), digitAt(i, beyond)]));
      }
      if (!open) alternatives.push(startsWith(bound));
    }
  }
  return or(alternatives.filter((a) => a !== 'FALSE'));
}

/**
 * The upper-case hex of an IPv4 address string as event-ruler spells it (8 digits), or NULL: only
 * dotted-quad text of at most 15 characters, each part 0-255 (`parseIpv4`).
 */
function ipv4Hex(d: SqlDialect, str: string): string {
  // TRY_CAST: the parts are read beside the length test, which SQL need not evaluate first.
  const part = (i: number) => `TRY_CAST(split_part(${str}, '.', ${i}) AS BIGINT)`;
  const ok = `(${d.fullMatch(str, IPV4_SHAPE)} AND ${d.length(str)} <= 15 AND ${[1, 2, 3, 4].map((i) => `${part(i)} <= 255`).join(' AND ')})`;
  const hex = `${d.trino ? 'format' : 'printf'}('%02X%02X%02X%02X', ${[1, 2, 3, 4].map(part).join(', ')})`;
  return `CASE WHEN ${ok} THEN ${hex} END`;
}

/** A group of an IPv6 address as Java reads it: hex digits of value at most FFFF (leading zeros any number). */
const IPV6_GROUP = '0*[0-9a-fA-F]{1,4}';

/**
 * The upper-case hex of an IPv6 address string (32 digits), or NULL, as Java's
 * `IPAddressUtil.textToNumericFormatV6` reads text without dots or zone ids (`parseIpv6`): eight
 * groups, or fewer around one `::` standing for at least one zero group.
 */
function ipv6Hex(d: SqlDialect, str: string): string {
  const full = `${IPV6_GROUP}(?::${IPV6_GROUP}){7}`;
  const side = `(?:${IPV6_GROUP}(?::${IPV6_GROUP}){0,6})?`;
  const groups = (text: string) => d.filter(d.split(text, ':'), (g) => `${g} <> ''`);
  const padded = (text: string) => d.concat(d.transform(groups(text), (g) => `lpad(upper(regexp_replace(${g}, '^0+', '')), 4, '0')`));
  const left = `split_part(${str}, '::', 1)`;
  const right = `split_part(${str}, '::', 2)`;
  const compressed = `(${d.fullMatch(str, `${side}::${side}`)} AND ${d.listLength(groups(str))} <= 7)`;
  return `CASE WHEN ${d.fullMatch(str, full)} THEN ${padded(str)} `
    + `WHEN ${compressed} THEN ${padded(left)} || lpad('', CAST(4 * (8 - ${d.listLength(groups(str))}) AS INTEGER), '0') || ${padded(right)} END`;
}

/**
 * Whether a string is an address in one of the ranges, as the engine tests it (`ipAddressToHex`
 * then `HexRange.contains`): an IPv4 text is 8 hex digits, an IPv6 text 32, an IPv4-mapped IPv6
 * address its IPv4 address.
 */
function addressTest(d: SqlDialect, str: string, ranges: readonly HexRange[]): string {
  return d.anyMatch(d.list([str]), (s) => {
    const hex = `CASE WHEN ${d.fullMatch(s, IPV4_SHAPE)} THEN ${ipv4Hex(d, s)} ELSE ${ipv6Hex(d, s)} END`;
    return d.anyMatch(d.list([hex]), (h) => {
      const unmapped = `CASE WHEN substr(${h}, 1, 24) = '00000000000000000000FFFF' THEN substr(${h}, 25) ELSE ${h} END`;
      return d.anyMatch(d.list([unmapped]), (x) => `${x} IS NOT NULL AND CASE WHEN ${d.length(x)} = 8 `
        + `THEN ${or(ranges.map((r) => hexRangeTest(x, r, 8)))} ELSE ${or(ranges.map((r) => hexRangeTest(x, r, 32)))} END`);
    });
  });
}

/**
 * The SQL condition: the value passes one of the tests. `exists: false` is not a value test (the
 * caller handles absence). `numericMachine`: the field is tested in a byte machine holding a
 * numeric test (shared-byte-machines.ts), so a number is never walked through an address range.
 */
export function valueTestSql(d: SqlDialect, value: SqlValue, patterns: readonly ValuePattern[], numericMachine: boolean): string {
  const tests = patterns.filter((p) => !(p.kind === 'exists' && !p.exists));
  if (tests.some((p) => p.kind === 'exists' && p.exists)) return 'TRUE';
  const v = partsOf(d, value);
  const stringTests: string[] = [];
  const exactStrings: string[] = [];
  const numberTests: string[] = [];
  const exactNumbers: number[] = [];
  const ranges: HexRange[] = [];
  const literalTests: string[] = [];
  const anythingBut: string[] = [];
  let numericField = numericMachine;
  for (const p of tests) {
    switch (p.kind) {
      case 'exact-string': exactStrings.push(p.value); break;
      case 'exact-literal': literalTests.push(p.value === true ? v.isTrue : p.value === false ? v.isFalse : v.isNull); break;
      case 'exact-number':
        // A number that is not comparable matches only the same spelling, which a parsed event
        // (the reference here) never keeps.
        if (p.comparable) {
          exactNumbers.push(p.value);
          numericField = true;
        }
        break;
      case 'numeric-equals':
        exactNumbers.push(p.value);
        numericField = true;
        break;
      case 'address':
      case 'cidr': ranges.push(p.range); break;
      case 'prefix': stringTests.push(prefixTest(d, v.str, p.value, p.ignoreCase)); break;
      case 'suffix': stringTests.push(suffixTest(d, v.str, p.value, p.ignoreCase)); break;
      case 'equals-ignore-case': stringTests.push(ignoreCaseTest(d, v.str, p.value, 'equals')); break;
      case 'wildcard': stringTests.push(wildcardTest(d, v.str, p.value)); break;
      case 'numeric': {
        numericField = true;
        const bounds: string[] = [];
        if (p.lower !== undefined) bounds.push(`${v.num} ${p.lowerOpen ? '>' : '>='} ${numberLiteral(p.lower)}`);
        if (p.upper !== undefined) bounds.push(`${v.num} ${p.upperOpen ? '<' : '<='} ${numberLiteral(p.upper)}`);
        numberTests.push(and(bounds));
        break;
      }
      case 'anything-but':
        if (p.numbers.length > 0) {
          numericField = true;
          anythingBut.push(`(NOT ${v.isNumber} OR ${v.num} NOT IN (${p.numbers.map(numberLiteral).join(', ')}))`);
        } else {
          anythingBut.push(p.strings.length === 0 ? 'TRUE' : `(NOT ${v.isString} OR ${v.str} NOT IN (${p.strings.map(sqlString).join(', ')}))`);
        }
        break;
      case 'anything-but-prefix':
      case 'anything-but-suffix':
      case 'anything-but-ignore-case':
      case 'anything-but-wildcard': {
        if (p.values.length === 0) break;
        const excluded = p.values.map((text) => {
          switch (p.kind) {
            case 'anything-but-prefix': return prefixTest(d, v.str, text, false);
            case 'anything-but-suffix': return suffixTest(d, v.str, text, false);
            case 'anything-but-ignore-case': return ignoreCaseTest(d, v.str, text, 'equals');
            default: return wildcardTest(d, v.str, text);
          }
        });
        anythingBut.push(`(NOT ${v.isString} OR NOT ${or(excluded)})`);
        break;
      }
    }
  }
  const alternatives: string[] = [];
  const stringSide: string[] = [];
  if (exactStrings.length > 0) stringSide.push(`${v.str} IN (${[...new Set(exactStrings)].map(sqlString).join(', ')})`);
  stringSide.push(...stringTests);
  if (ranges.length > 0) stringSide.push(addressTest(d, v.str, ranges));
  if (stringSide.length > 0) alternatives.push(and([v.isString, or(stringSide)]));
  const numberSide: string[] = [];
  if (exactNumbers.length > 0) numberSide.push(`${v.num} IN (${[...new Set(exactNumbers)].map(numberLiteral).join(', ')})`);
  numberSide.push(...numberTests);
  // Every JSON number is comparable (finite), so a numeric field never walks a number's text.
  if (ranges.length > 0 && !numericField) {
    numberSide.push(d.anyMatch(d.list([v.numText]), (text) => or(ranges.map((r) => hexRangeTest(text, r)))));
  }
  if (numberSide.length > 0) alternatives.push(and([v.isNumber, or(numberSide)]));
  alternatives.push(...literalTests, ...anythingBut);
  return or(alternatives.filter((a) => a !== 'FALSE'));
}

/** A DOUBLE literal. */
function numberLiteral(n: number): string {
  if (Object.is(n, -0)) return 'CAST(0 AS DOUBLE)';
  return `CAST(${sqlString(String(n))} AS DOUBLE)`;
}
