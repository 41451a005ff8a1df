/**
 * Strings as event-ruler 2.1.0 compares them: lone UTF-16 surrogates, and case folding from Java 25's
 * tables rather than the running Node.js's. Every expectation is event-ruler's own answer for the same
 * pattern and event text (tools/event-ruler harness on Java 25.0.3).
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';
import { javaLowerUpper } from '../../../src/patterns/engine/private/java-case';
import { JAVA_CASE_MAPPINGS_JAVA_VERSION } from '../../../src/patterns/engine/private/java-case-mappings';

function matches(pattern: object, eventText: string): boolean {
  return EventPatternMatcher.fromJson(JSON.stringify(pattern)).matches(eventText);
}

// JSON texts with \u escapes, so that the lone surrogates reach the engine as event-ruler reads them.
const LONE = '\\ud800';
const OTHER_LONE = '\\udc01';
const PAIR = '\\ud83d\\ude00';

describe('a lone surrogate is "?" on both sides of every test that walks bytes', () => {
  test.each([
    ['equals-ignore-case, the same lone surrogate', { a: [{ 'equals-ignore-case': '\ud800' }] }, `{"a":"${LONE}"}`, true],
    ['equals-ignore-case, another lone surrogate', { a: [{ 'equals-ignore-case': '\ud800' }] }, `{"a":"${OTHER_LONE}"}`, true],
    ['equals-ignore-case, a question mark', { a: [{ 'equals-ignore-case': '\ud800' }] }, '{"a":"?"}', true],
    ['equals-ignore-case of "?", a lone surrogate', { a: [{ 'equals-ignore-case': '?' }] }, `{"a":"${LONE}"}`, true],
    ['prefix equals-ignore-case', { a: [{ prefix: { 'equals-ignore-case': 'x\ud800' } }] }, `{"a":"X${LONE}yz"}`, true],
    ['suffix equals-ignore-case', { a: [{ suffix: { 'equals-ignore-case': '\ud800x' } }] }, `{"a":"yz${LONE}X"}`, true],
    ['anything-but equals-ignore-case excludes the same string', { a: [{ 'anything-but': { 'equals-ignore-case': '\ud800' } }] }, `{"a":"${LONE}"}`, false],
    ['anything-but equals-ignore-case excludes "?"', { a: [{ 'anything-but': { 'equals-ignore-case': '\ud800' } }] }, '{"a":"?"}', false],
    ['prefix', { a: [{ prefix: '\ud800' }] }, '{"a":"?x"}', true],
    ['wildcard', { a: [{ wildcard: '*\ud800' }] }, '{"a":"x?"}', true],
    ['anything-but', { a: [{ 'anything-but': '\ud800' }] }, '{"a":"?"}', false],
  ])('%s', (_, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  test('equals-ignore-case folds each half of a pair alone, so a pair in the pattern is "??"', () => {
    const pattern = { a: [{ 'equals-ignore-case': '\ud83d\ude00' }] };
    expect(matches(pattern, `{"a":"${PAIR}"}`)).toBe(false);
    expect(matches(pattern, '{"a":"??"}')).toBe(true);
    expect(matches(pattern, `{"a":"${LONE}${LONE}"}`)).toBe(true);
  });

  test('exact strings compare as Java strings: only the same lone surrogate', () => {
    const pattern = { a: ['\ud800'] };
    expect(matches(pattern, `{"a":"${LONE}"}`)).toBe(true);
    expect(matches(pattern, '{"a":"?"}')).toBe(false);
    expect(matches(pattern, `{"a":"${OTHER_LONE}"}`)).toBe(false);
  });

  test('a wildcard error after a lone surrogate counts it as one byte', () => {
    const checked = EventPatternMatcher.check('{"a":[{"wildcard":"\\ud800\\\\x"}]}');
    expect(checked.errors.join()).toContain('Invalid escape character at pos 2');
  });
});

describe('case folding follows Java 25, not the running Node.js', () => {
  test('the table is pinned to Java 25', () => {
    expect(JAVA_CASE_MAPPINGS_JAVA_VERSION.split('.')[0]).toBe('25');
  });

  // Unicode 17 (Node.js 20's ICU 78) made these case pairs; Java 25 (Unicode 16.0) has them caseless.
  test.each([[0xa7ce], [0xa7cf], [0xa7d2], [0xa7d3], [0xa7d4], [0xa7d5]])('U+%s has no case in Java 25', (unit) => {
    const self = String.fromCharCode(unit);
    expect(javaLowerUpper(unit)).toEqual([self, self]);
  });

  test.each([
    [0xa7ce, 0xa7cf], [0xa7cf, 0xa7ce], [0xa7d2, 0xa7d3], [0xa7d3, 0xa7d2], [0xa7d4, 0xa7d5], [0xa7d5, 0xa7d4],
  ])('equals-ignore-case U+%s does not match U+%s', (patternUnit, eventUnit) => {
    const pattern = { a: [{ 'equals-ignore-case': String.fromCharCode(patternUnit) }] };
    expect(matches(pattern, JSON.stringify({ a: String.fromCharCode(eventUnit) }))).toBe(false);
    expect(matches(pattern, JSON.stringify({ a: String.fromCharCode(patternUnit) }))).toBe(true);
  });

  test.each([
    // [unit, Java's lower case, Java's upper case]
    [0x41, 'a', 'A'],
    [0xdf, '\u00df', 'SS'],
    [0x130, 'i\u0307', '\u0130'],
    [0x212a, 'k', '\u212a'],
    [0xa7cb, '\u0264', '\ua7cb'],
    [0xa7dc, '\u019b', '\ua7dc'],
    [0x1c89, '\u1c8a', '\u1c89'],
    [0x1c5, '\u01c6', '\u01c4'],
  ])('U+%s folds to Java\'s alternatives', (unit, lower, upper) => {
    expect(javaLowerUpper(unit)).toEqual([lower, upper]);
  });

  test('a titlecase letter matches its lower and upper case, not itself (as event-ruler)', () => {
    const pattern = { a: [{ 'equals-ignore-case': '\u01c5' }] };
    expect(matches(pattern, JSON.stringify({ a: '\u01c6' }))).toBe(true);
    expect(matches(pattern, JSON.stringify({ a: '\u01c4' }))).toBe(true);
    expect(matches(pattern, JSON.stringify({ a: '\u01c5' }))).toBe(false);
  });

  test('ß matches SS, Java\'s upper case of it', () => {
    expect(matches({ a: [{ 'equals-ignore-case': '\u00df' }] }, '{"a":"SS"}')).toBe(true);
  });
});
