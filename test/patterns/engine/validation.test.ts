/**
 * What EventBridge rejects: event-ruler's grammar (its error texts, which AWS passes on) and the
 * service limits event-ruler does not enforce; and the warnings for valid but suspicious patterns.
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';

function errorsOf(pattern: string, maxPatternLength?: number): string {
  const result = EventPatternMatcher.check(pattern, maxPatternLength === undefined ? undefined : { maxPatternLength });
  expect(result.valid).toBe(false);
  return result.errors.join('\n');
}

describe('grammar (event-ruler JsonRuleCompiler)', () => {
  test.each([
    ['malformed JSON', '{"a": ["x"', 'Unexpected end-of-input: expected close marker for Array'],
    ['missing comma', '{"a": ["x" "y"]}', "Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries"],
    ['unquoted name', '{a: ["x"]}', 'was expecting double-quote to start field name'],
    ['not an object', '["x"]', 'Filter is not an object'],
    ['empty text', '', 'Filter is not an object'],
    ['empty pattern', '{}', 'Empty objects are not allowed'],
    ['leaf not an array', '{"source": "aws.iam"}', '"source" must be an object or an array'],
    ['empty array', '{"a": []}', 'Empty arrays are not allowed'],
    ['nested array', '{"a": [["x"]]}', 'Match value must be String, number, true, false, or null'],
    ['unknown operator', '{"a": [{"contains": "x"}]}', 'Unrecognized match type contains'],
    ['two keys in one operator', '{"a": [{"prefix": "x", "suffix": "y"}]}', 'Only one key allowed in match expression'],
    ['prefix not a string', '{"a": [{"prefix": 3}]}', 'prefix match pattern must be a string'],
    ['wildcard with two stars in a row', '{"a": [{"wildcard": "a**b"}]}', 'Consecutive wildcard characters at pos 2'],
    ['wildcard with a bad escape', '{"a": [{"wildcard": "a\\\\xb"}]}', 'Invalid escape character at pos 2'],
    ['numeric bounds reversed', '{"a": [{"numeric": [">", 5, "<", 1]}]}', 'Bottom must be less than top'],
    ['numeric unknown operator', '{"a": [{"numeric": ["==", 1]}]}', 'Unrecognized numeric range operator: =='],
    ['numeric value not a number', '{"a": [{"numeric": [">", "1"]}]}', 'Value of > must be numeric'],
    ['numeric value not exact as a double', '{"a": [{"numeric": [">", 0.30000000000000001]}]}', 'Cannot compare number : 0.30000000000000001'],
    ['anything-but mixing strings and numbers', '{"a": [{"anything-but": ["x", 1]}]}', 'Inside anything but list, either all values are number or string, mixed type is not supported'],
    ['anything-but empty prefix', '{"a": [{"anything-but": {"prefix": ""}}]}', 'Null prefix/suffix not allowed'],
    ['anything-but unknown form', '{"a": [{"anything-but": {"contains": "x"}}]}', 'Unsupported anything-but pattern: contains'],
    ['exists not boolean', '{"a": [{"exists": "yes"}]}', 'exists match pattern must be either true or false.'],
    ['cidr without mask', '{"a": [{"cidr": "10.0.0.1"}]}', "Malformed CIDR, one '/' required"],
    ['cidr IPv4 /32', '{"a": [{"cidr": "10.0.0.1/32"}]}', 'IPv4 mask bits must be < 32'],
    ['$or with one branch', '{"$or": [{"a": ["x"]}]}', 'There must have at least 2 Objects in $or relationship.'],
    ['$or not an array', '{"$or": {"a": ["x"]}}', 'It must be an Array followed with $or.'],
    ['operator name as a field inside $or', '{"$or": [{"a": ["x"]}, {"prefix": ["y"]}]}', 'prefix is Ruler reserved fieldName which cannot be used inside $or.'],
  ])('%s', (_name, pattern, reason) => {
    expect(errorsOf(pattern)).toContain(reason);
  });

  test('the first problem in reading order is reported (semantic before a later syntax error)', () => {
    expect(errorsOf('{"a": [{"prefix": [1, 2 3]}]}')).toContain('prefix match pattern must be a string');
  });

  test('errors name the field path', () => {
    expect(errorsOf('{"detail": {"eventName": [{"prefix": 3}]}}')).toContain('field "detail.eventName"');
  });

  test('errors give line and column', () => {
    expect(errorsOf('{\n"a": []}')).toContain('(line 2, column 8)');
  });

  test('errors give a fix', () => {
    expect(errorsOf('{"a": "x"}')).toMatch(/Fix: Put the value in an array/);
  });

  test('fromJson throws with the same message', () => {
    expect(() => EventPatternMatcher.fromJson('{"a": []}')).toThrow(/Empty arrays are not allowed/);
  });

  test('check never throws, even for a non-string', () => {
    expect(EventPatternMatcher.check(undefined as unknown as string).valid).toBe(false);
  });
});

describe('service limits', () => {
  test('pattern longer than the default 2,048 characters', () => {
    const pattern = JSON.stringify({ a: ['x'.repeat(2100)] });
    expect(errorsOf(pattern)).toContain('the limit is 2048');
  });

  test('pattern length limit can be raised', () => {
    const pattern = JSON.stringify({ a: ['x'.repeat(2100)] });
    expect(EventPatternMatcher.check(pattern, { maxPatternLength: 4096 }).valid).toBe(true);
  });

  test('invalid maxPatternLength is reported, not thrown', () => {
    expect(errorsOf('{"a":["x"]}', 0)).toContain('maxPatternLength must be a positive whole number');
  });

  const orOf = (n: number) => ({ $or: Array.from({ length: n }, (_, i) => ({ [`f${i}`]: ['x'] })) });

  test('1,000 $or combinations are allowed', () => {
    const pattern = JSON.stringify({ ...orOf(10), b: orOf(10), c: orOf(10) });
    expect(EventPatternMatcher.check(pattern, { maxPatternLength: 100000 }).valid).toBe(true);
  });

  test('more than 1,000 $or combinations are rejected', () => {
    const pattern = JSON.stringify({ ...orOf(10), b: orOf(10), c: orOf(11) });
    expect(errorsOf(pattern, 100000)).toContain('expand to 1100 combinations; EventBridge allows at most 1000');
  });

  test('a combinatorial explosion of $or is rejected quickly', () => {
    const nest = (depth: number): object => (depth === 0 ? { a: ['x'] } : { $or: [nest(depth - 1), nest(depth - 1), { b: ['y'] }] });
    const levels = Array.from({ length: 40 }, (_, i) => [`k${i}`, orOf(3)]);
    const pattern = JSON.stringify({ ...Object.fromEntries(levels), x: nest(3) });
    expect(errorsOf(pattern, 1000000)).toContain('combinations; EventBridge allows at most 1000');
  });

  test('wildcard complexity AWS accepted (7) passes', () => {
    expect(EventPatternMatcher.check('{"a":[{"wildcard":"*a*a*a*"}]}').valid).toBe(true);
  });

  test('wildcard complexity AWS rejected (11) is an error', () => {
    expect(errorsOf('{"a":[{"wildcard":"*a*a*a*a*a*"}]}')).toContain('too complex (complexity 11');
  });

  test('wildcard complexity between (8 to 10) is a warning', () => {
    const result = EventPatternMatcher.check('{"a":[{"wildcard":"*a*b*c*d*e*f*g*h*"}]}');
    expect(result.valid).toBe(true);
    expect(result.warnings.join('\n')).toContain('complexity 10');
  });
});

describe('warnings', () => {
  test('a plain string with a star suggests prefix', () => {
    const m = EventPatternMatcher.fromJson('{"detail":{"eventName":["Add*"]}}');
    expect(m.warnings).toEqual([
      'Field "detail.eventName": "Add*" is an exact match; EventBridge does not treat * as a wildcard in a plain string, so this matches only the literal text. To match a pattern use [{"prefix": "Add"}] or [{"wildcard": "Add*"}].',
    ]);
  });

  test('a plain string with a leading star suggests suffix', () => {
    expect(EventPatternMatcher.fromJson('{"a":["*Policy"]}').warnings.join()).toContain('[{"suffix": "Policy"}]');
  });

  test('a plain string with inner stars suggests wildcard', () => {
    expect(EventPatternMatcher.fromJson('{"a":["Put*Policy"]}').warnings.join()).toContain('[{"wildcard": "Put*Policy"}]');
  });

  test('a pattern that matches every event', () => {
    expect(EventPatternMatcher.fromJson('{"a":[{"exists":true},{"exists":false}]}').warnings.join()).toContain('matches every event');
  });

  test('text after the pattern', () => {
    expect(EventPatternMatcher.fromJson('{"a":["x"]} extra').warnings.join()).toContain('text after its closing brace');
  });

  test('a clean pattern has no warnings', () => {
    expect(EventPatternMatcher.fromJson('{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Add"}]}}').warnings).toEqual([]);
  });
});
