/**
 * One behaviour per test for each operator EventBridge supports on event buses, as event-ruler
 * matches it. Expectations were checked against event-ruler 2.1.0 (Machine.rulesForJSONEvent).
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';

function matches(pattern: unknown, event: string | object): boolean {
  const text = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
  const eventText = typeof event === 'string' ? event : JSON.stringify(event);
  return EventPatternMatcher.fromJson(text).matches(eventText);
}

describe('exact values', () => {
  test.each([
    ['string equals', { a: ['x'] }, { a: 'x' }, true],
    ['string differs', { a: ['x'] }, { a: 'X' }, false],
    ['star in a plain string is literal', { a: ['Add*'] }, { a: 'AddUser' }, false],
    ['star in a plain string matches the literal star', { a: ['Add*'] }, { a: 'Add*' }, true],
    ['any listed value', { a: ['x', 'y'] }, { a: 'y' }, true],
    ['empty string', { a: [''] }, { a: '' }, true],
    ['null', { a: [null] }, { a: null }, true],
    ['null does not match a missing field', { a: [null] }, { b: 1 }, false],
    ['true', { a: [true] }, { a: true }, true],
    ['string "true" is not the literal', { a: ['true'] }, { a: true }, false],
    ['string pattern does not match a number', { a: ['300'] }, { a: 300 }, false],
    ['number pattern does not match a string', { a: [300] }, { a: '300' }, false],
    ['event array: any element', { a: ['x'] }, { a: ['y', 'x'] }, true],
    ['event array of arrays', { a: ['x'] }, { a: [['y'], ['x']] }, true],
  ])('%s', (_name, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });

  test.each([
    ['300.0', true], ['3e2', true], ['3.0e2', true], ['300.000001', false], ['"300"', false],
  ])('number 300 against event spelling %s', (spelling, expected) => {
    expect(matches('{"a":[300]}', `{"a":${spelling}}`)).toBe(expected);
  });

  test('a number too precise for a double matches only its own spelling', () => {
    expect(matches('{"a":[0.30000000000000001]}', '{"a":0.30000000000000001}')).toBe(true);
    expect(matches('{"a":[0.30000000000000001]}', '{"a":0.3}')).toBe(false);
  });

  test('a large account-number-like integer matches by spelling', () => {
    expect(matches('{"a":[12345678901234567890]}', '{"a":12345678901234567890}')).toBe(true);
    expect(matches('{"a":[12345678901234567890]}', '{"a":12345678901234567891}')).toBe(false);
  });

  test('minus zero is zero', () => {
    expect(matches('{"a":[0]}', '{"a":-0}')).toBe(true);
  });

  test('an IP address string matches other spellings of the same address', () => {
    expect(matches({ a: ['10.0.0.1'] }, { a: '10.000.0.1' })).toBe(true);
    expect(matches({ a: ['::1'] }, { a: '0:0:0:0:0:0:0:1' })).toBe(true);
  });

  test('exactly operator', () => {
    expect(matches({ a: [{ exactly: 'x' }] }, { a: 'x' })).toBe(true);
  });
});

describe('prefix and suffix', () => {
  test.each([
    ['prefix', { a: [{ prefix: 'Create' }] }, { a: 'CreateUser' }, true],
    ['prefix is case-sensitive', { a: [{ prefix: 'create' }] }, { a: 'CreateUser' }, false],
    ['empty prefix matches any string', { a: [{ prefix: '' }] }, { a: '' }, true],
    ['prefix never matches a number', { a: [{ prefix: '' }] }, { a: 5 }, false],
    ['prefix equals-ignore-case', { a: [{ prefix: { 'equals-ignore-case': 'CREATE' } }] }, { a: 'createUser' }, true],
    ['suffix', { a: [{ suffix: '.png' }] }, { a: 'photo.png' }, true],
    ['suffix differs', { a: [{ suffix: '.png' }] }, { a: 'photo.PNG' }, false],
    ['suffix equals-ignore-case', { a: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { a: 'photo.PNG' }, true],
    // event-ruler keeps the quotes of a string when testing: a suffix starting with a quote can match it.
    ['suffix starting with a quote matches the whole string', { a: [{ suffix: '"abc' }] }, { a: 'abc' }, true],
    ['prefix ending with a quote matches the whole string', { a: [{ prefix: 'abc"' }] }, { a: 'abc' }, true],
  ])('%s', (_name, pattern, event, expected) => {
    expect(matches(pattern, event)).toBe(expected);
  });
});

describe('equals-ignore-case', () => {
  test.each([
    ['ASCII letters', 'AbC', 'aBc', true],
    ['different text', 'abc', 'abd', false],
    ['sharp s matches SS (Java upper-case)', 'ß', 'SS', true],
    ['Kelvin sign matches k', '\u212a', 'k', true],
    ['k does not match the Kelvin sign', 'k', '\u212a', false],
    ['title-case letter matches only its lower and upper forms', 'ǅ', 'ǅ', false],
  ])('%s', (_name, pattern, value, expected) => {
    expect(matches({ a: [{ 'equals-ignore-case': pattern }] }, { a: value })).toBe(expected);
  });
});

describe('wildcard', () => {
  test.each([
    ['star in the middle', 'Put*Policy', 'PutRolePolicy', true],
    ['star matches nothing', 'Put*Policy', 'PutPolicy', true],
    ['literal parts must appear in order', 'a*b*c', 'acb', false],
    ['leading star', '*Policy', 'PutUserPolicy', true],
    ['trailing star', 'Put*', 'Pu', false],
    ['escaped star is literal', 'a\\*b', 'a*b', true],
    ['escaped star does not match other text', 'a\\*b', 'axb', false],
    ['escaped backslash', 'a\\\\b', 'a\\b', true],
    ['lone star matches the empty string', '*', '', true],
  ])('%s', (_name, pattern, value, expected) => {
    expect(matches({ a: [{ wildcard: pattern }] }, { a: value })).toBe(expected);
  });

  test('wildcard never matches a number', () => {
    expect(matches({ a: [{ wildcard: '*' }] }, { a: 5 })).toBe(false);
  });
});

describe('anything-but', () => {
  test.each([
    ['single string excluded', { 'anything-but': 'x' }, { a: 'x' }, false],
    ['single string, other value', { 'anything-but': 'x' }, { a: 'y' }, true],
    ['string list', { 'anything-but': ['x', 'y'] }, { a: 'y' }, false],
    ['strings do not exclude numbers', { 'anything-but': 'x' }, { a: 5 }, true],
    ['number excluded by value', { 'anything-but': 5 }, { a: 5.0 }, false],
    ['numbers do not exclude strings', { 'anything-but': 5 }, { a: '5' }, true],
    ['number list', { 'anything-but': [1, 2] }, { a: 2 }, false],
    ['prefix', { 'anything-but': { prefix: 'us-' } }, { a: 'eu-west-1' }, true],
    ['prefix excluded', { 'anything-but': { prefix: 'us-' } }, { a: 'us-east-1' }, false],
    ['prefix never excludes a number', { 'anything-but': { prefix: 'x' } }, { a: 5 }, true],
    ['suffix excluded', { 'anything-but': { suffix: '.png' } }, { a: 'a.png' }, false],
    ['wildcard excluded', { 'anything-but': { wildcard: '*/lib/*' } }, { a: 'dir/lib/x' }, false],
    ['wildcard, other value', { 'anything-but': { wildcard: '*/lib/*' } }, { a: 'dir/bin/x' }, true],
    ['equals-ignore-case excluded', { 'anything-but': { 'equals-ignore-case': 'Init' } }, { a: 'INIT' }, false],
    ['equals-ignore-case list', { 'anything-but': { 'equals-ignore-case': ['a', 'b'] } }, { a: 'B' }, false],
    ['an array matches when some element is not excluded', { 'anything-but': 'x' }, { a: ['x', 'y'] }, true],
    ['an array of only excluded values', { 'anything-but': 'x' }, { a: ['x'] }, false],
    ['a missing field is not "anything but"', { 'anything-but': 'x' }, { b: 'y' }, false],
    ['an object is not a value', { 'anything-but': 'x' }, { a: { b: 1 } }, false],
  ])('%s', (_name, operator, event, expected) => {
    expect(matches({ a: [operator] }, event)).toBe(expected);
  });
});

describe('numeric', () => {
  test.each([
    ['greater than', ['>', 0], 1, true],
    ['greater than, equal', ['>', 0], 0, false],
    ['greater or equal', ['>=', 0], 0, true],
    ['less than', ['<', 10], 9.5, true],
    ['less or equal', ['<=', 10], 10, true],
    ['equals', ['=', 300], 3e2, true],
    ['range', ['>', 0, '<=', 5], 5, true],
    ['range, above', ['>', 0, '<=', 5], 5.000001, false],
    ['minus zero is not below zero', ['<', 0], -0, false],
    ['largest double', ['<=', 1.7976931348623157e308], 1.7976931348623157e308, true],
  ])('%s', (_name, range, value, expected) => {
    expect(matches({ a: [{ numeric: range }] }, `{"a":${JSON.stringify(value)}}`)).toBe(expected);
  });

  test('numeric never matches a string', () => {
    expect(matches({ a: [{ numeric: ['>', 0] }] }, { a: '5' })).toBe(false);
  });

  test('a number too precise for a double is not compared numerically', () => {
    expect(matches({ a: [{ numeric: ['>', 0] }] }, '{"a":0.30000000000000001}')).toBe(false);
  });

  test('the least precise subnormal spelled 5e-324 is not comparable, 4.9e-324 is', () => {
    expect(matches({ a: [{ numeric: ['>', 0] }] }, '{"a":5e-324}')).toBe(false);
    expect(matches({ a: [{ numeric: ['>', 0] }] }, '{"a":4.9e-324}')).toBe(true);
  });

  test('any element of an array may satisfy the range', () => {
    expect(matches({ a: [{ numeric: ['>', 0, '<', 5] }] }, { a: [7, 3] })).toBe(true);
  });
});

describe('exists', () => {
  test.each([
    ['true: present', true, { a: 'x' }, true],
    ['true: null counts as present', true, { a: null }, true],
    ['true: an object is not a value', true, { a: { b: 1 } }, false],
    ['true: an empty array holds no value', true, { a: [] }, false],
    ['false: missing', false, { b: 1 }, true],
    ['false: null is present', false, { a: null }, false],
    ['false: an empty array holds no value', false, { a: [] }, true],
    ['false: an object is not a value', false, { a: { b: 1 } }, true],
  ])('%s', (_name, exists, event, expected) => {
    expect(matches({ a: [{ exists }] }, event)).toBe(expected);
  });
});

describe('cidr', () => {
  test.each([
    ['IPv4 inside', '10.0.0.0/8', '10.1.2.3', true],
    ['IPv4 outside', '10.0.0.0/8', '11.0.0.1', false],
    ['host bits in the block are ignored', '10.0.0.5/24', '10.0.0.1', true],
    ['IPv6 inside', '2001:db8::/32', '2001:DB8:0:0:1::1', true],
    ['IPv6 outside', '2001:db8::/32', '2001:db9::1', false],
    ['not an address', '10.0.0.0/8', 'ten', false],
  ])('%s', (_name, block, value, expected) => {
    expect(matches({ a: [{ cidr: block }] }, { a: value })).toBe(expected);
  });

  test('event-ruler walks a number\'s text through an address range', () => {
    // 16.0.0.0/4 is hex 10000000..1FFFFFFF; the text "15" falls inside at its second digit.
    expect(matches({ a: [{ cidr: '16.0.0.0/4' }] }, '{"a":15}')).toBe(true);
    expect(matches({ a: [{ cidr: '16.0.0.0/4' }] }, '{"a":1.5e1}')).toBe(false);
  });
});

describe('$or', () => {
  const pattern = { source: ['aws.iam'], $or: [{ detail: { eventName: ['CreateUser'] } }, { detail: { errorCode: [{ exists: true }] } }] };

  test('first branch', () => {
    expect(matches(pattern, { source: 'aws.iam', detail: { eventName: 'CreateUser' } })).toBe(true);
  });

  test('second branch', () => {
    expect(matches(pattern, { source: 'aws.iam', detail: { eventName: 'X', errorCode: 'AccessDenied' } })).toBe(true);
  });

  test('no branch', () => {
    expect(matches(pattern, { source: 'aws.iam', detail: { eventName: 'X' } })).toBe(false);
  });

  test('fields outside $or still apply', () => {
    expect(matches(pattern, { source: 'aws.s3', detail: { eventName: 'CreateUser' } })).toBe(false);
  });

  test('nested $or', () => {
    const nested = { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: ['3'] }] }] };
    expect(matches(nested, { c: '3' })).toBe(true);
  });
});

describe('field names', () => {
  test('nested objects', () => {
    expect(matches({ detail: { userIdentity: { type: ['Root'] } } }, { detail: { userIdentity: { type: 'Root' } } })).toBe(true);
  });

  test('a dotted key matches nested objects', () => {
    expect(matches({ 'a.b': [1] }, { a: { b: 1 } })).toBe(true);
  });

  test('a dotted key matches a dotted event key', () => {
    expect(matches({ 'a.b': [1] }, { 'a.b': 1 })).toBe(true);
  });

  test('nested pattern matches a dotted event key', () => {
    expect(matches({ a: { 'b.c': [1] } }, { 'a.b': { c: 1 } })).toBe(true);
  });

  test('a repeated field in the pattern keeps its last value list', () => {
    expect(matches('{"a":["x"],"a":["y"]}', { a: 'y' })).toBe(true);
    expect(matches('{"a":["x"],"a":["y"]}', { a: 'x' })).toBe(false);
  });

  test('a repeated object in the pattern merges its fields', () => {
    expect(matches('{"a":{"b":["1"]},"a":{"c":["2"]}}', { a: { b: '1', c: '2' } })).toBe(true);
  });

  test('names of Object.prototype members are ordinary keys', () => {
    expect(matches({ constructor: ['x'] }, { constructor: 'x' })).toBe(true);
    expect(matches({ constructor: [{ exists: false }] }, { a: 1 })).toBe(true);
  });
});

describe('array consistency', () => {
  const event = { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }] };

  test('fields from the same element match', () => {
    expect(matches({ employees: { firstName: ['Anna'], lastName: ['Smith'] } }, event)).toBe(true);
  });

  test('fields from different elements do not', () => {
    expect(matches({ employees: { firstName: ['John'], lastName: ['Smith'] } }, event)).toBe(false);
  });

  test('separate arrays are independent', () => {
    expect(matches({ x: { a: ['1'] }, y: { b: ['2'] } }, { x: [{ a: '1' }], y: [{ b: '2' }] })).toBe(true);
  });

  test('scalars in an array belong to the enclosing element', () => {
    expect(matches({ x: { a: ['1'], b: ['2'] } }, { x: [{ a: ['1', '3'], b: ['2'] }] })).toBe(true);
  });

  test('exists:false looks only at elements consistent with fields matched before it (name order)', () => {
    // "a" sorts before "b": b's absence is judged in the element where a matched.
    expect(matches({ x: { a: ['1'], b: [{ exists: false }] } }, { x: [{ a: '1', b: '2' }, { a: '1' }] })).toBe(true);
  });

  test('exists:false checked before any value is matched sees every element', () => {
    // "a" sorts before "b": a's absence is judged against the whole array.
    expect(matches({ x: { a: [{ exists: false }], b: ['1'] } }, { x: [{ a: '1', b: '2' }, { b: '1' }] })).toBe(false);
  });

  test('ten thousand elements with the match in the last', () => {
    const x = Array.from({ length: 10000 }, (_, i) => ({ a: '1', b: i === 9999 ? '2' : '3' }));
    expect(matches({ x: { a: ['1'], b: ['2'] } }, { x })).toBe(true);
  });

  test('ten thousand elements without a consistent pair', () => {
    const x = Array.from({ length: 10000 }, (_, i) => (i % 2 === 0 ? { a: '1' } : { b: '2' }));
    expect(matches({ x: { a: ['1'], b: ['2'] } }, { x })).toBe(false);
  });
});

describe('already-parsed events', () => {
  const matcher = EventPatternMatcher.fromJson(JSON.stringify({ source: ['aws.iam'], detail: { eventName: [{ prefix: 'Create' }] } }));

  test('matchesEvent takes an object', () => {
    expect(matcher.matchesEvent({ source: 'aws.iam', detail: { eventName: 'CreateUser' } })).toBe(true);
  });

  test('matchesEvent and matches agree', () => {
    const event = { source: 'aws.iam', detail: { eventName: 'DeleteUser' } };
    expect(matcher.matchesEvent(event)).toBe(matcher.matches(JSON.stringify(event)));
  });

  test('values JSON cannot hold are ignored', () => {
    const m = EventPatternMatcher.fromJson('{"a":[{"anything-but":"x"}]}');
    expect(m.matchesEvent({ a: () => 1 })).toBe(false);
    expect(m.matchesEvent({ a: [undefined] })).toBe(false);
  });
});
