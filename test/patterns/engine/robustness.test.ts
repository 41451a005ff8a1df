/**
 * Hostile or unusual input gives a clear error or a correct answer: never a hang, a stack overflow
 * or a crash. (No timing assertions: a hang would fail the test by jest's timeout.)
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';

const iam = EventPatternMatcher.fromJson(JSON.stringify({ source: ['aws.iam'], detail: { eventName: [{ prefix: 'Create' }] } }));

describe('malformed events', () => {
  test('invalid JSON gives Jackson\'s reason', () => {
    expect(() => iam.matches('{"source": "aws.iam",')).toThrow(/Event is not valid JSON: Unexpected end-of-input/);
  });

  test('a JSON array is not an event', () => {
    expect(() => iam.matches('[1, 2]')).toThrow('Event must be a JSON object');
  });

  test('matchesEvent refuses null', () => {
    expect(() => iam.matchesEvent(null)).toThrow('EventPatternMatcher.matchesEvent: the event is null, not a JSON object. Fix: pass the event as an object');
  });

  test('text after the event object is ignored, as event-ruler ignores it', () => {
    expect(iam.matches('{"source":"aws.iam","detail":{"eventName":"CreateUser"}} trailing')).toBe(true);
  });
});

describe('deep nesting', () => {
  test('a pattern nested past Jackson\'s depth limit is rejected with its message', () => {
    const pattern = '{"a":'.repeat(1200) + '["x"]' + '}'.repeat(1200);
    const result = EventPatternMatcher.check(pattern, { maxPatternLength: 100000 });
    expect(result.errors.join()).toContain('Document nesting depth (1001) exceeds the maximum allowed (1000');
  });

  test('a pattern nested 900 deep compiles and matches', () => {
    const pattern = '{"a":'.repeat(900) + '["x"]' + '}'.repeat(900);
    const event = '{"a":'.repeat(900) + '"x"' + '}'.repeat(900);
    expect(EventPatternMatcher.fromJson(pattern, { maxPatternLength: 100000 }).matches(event)).toBe(true);
  });

  // event-ruler reads event text with Jackson, which refuses nesting deeper than 1,000 (anywhere in
  // the event, the root object counting 1): checked with event-ruler 2.1.0.
  const depthError = /Document nesting depth \(1001\) exceeds the maximum allowed \(1000/;

  test('event text nested deeper than 1,000 outside the pattern\'s paths is refused, as event-ruler refuses it', () => {
    const event = '{"source":"aws.iam","detail":{"eventName":"CreateUser"},"deep":' + '['.repeat(100000) + ']'.repeat(100000) + '}';
    expect(() => iam.matches(event)).toThrow(depthError);
  });

  test('event text nested 1,000 deep (999 arrays in the root object) still matches', () => {
    const m = EventPatternMatcher.fromJson('{"a":["x"]}');
    expect(m.matches('{"a":' + '['.repeat(999) + '"x"' + ']'.repeat(999) + '}')).toBe(true);
  });

  test('event text nested 1,001 deep on the pattern\'s path is refused', () => {
    const m = EventPatternMatcher.fromJson('{"a":["x"]}');
    expect(() => m.matches('{"a":' + '['.repeat(1000) + '"x"' + ']'.repeat(1000) + '}')).toThrow(depthError);
  });

  test('an already-parsed event with arrays nested 5,000 deep on the pattern\'s path matches', () => {
    const m = EventPatternMatcher.fromJson('{"a":["x"]}');
    expect(m.matchesEvent(JSON.parse('{"a":' + '['.repeat(5000) + '"x"' + ']'.repeat(5000) + '}'))).toBe(true);
  });

  test('an already-parsed event with arrays nested 100,000 deep on the pattern\'s path is reported', () => {
    const m = EventPatternMatcher.fromJson('{"a":["x"]}');
    const event: unknown = JSON.parse('{"a":' + '['.repeat(100000) + '"x"' + ']'.repeat(100000) + '}');
    expect(() => m.matchesEvent(event)).toThrow(/nested more than 10000 deep/);
  });

  test('a cyclic array in an already-parsed event is reported, not followed forever', () => {
    const m = EventPatternMatcher.fromJson('{"a":["x"]}');
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(() => m.matchesEvent({ a: cyclic })).toThrow(/cyclic/);
  });

  test('a cyclic object off the pattern\'s paths is harmless', () => {
    const event: Record<string, unknown> = { source: 'aws.iam', detail: { eventName: 'CreateUser' } };
    event.self = event;
    expect(iam.matchesEvent(event)).toBe(true);
  });
});

describe('size', () => {
  test('a 1 MB event', () => {
    const detail = { eventName: 'CreateUser', blob: 'x'.repeat(1024 * 1024) };
    expect(iam.matches(JSON.stringify({ source: 'aws.iam', detail }))).toBe(true);
  });

  test('a 1 MB string tested by a wildcard', () => {
    const m = EventPatternMatcher.fromJson('{"a":[{"wildcard":"*a*b*c*"}]}');
    expect(m.matches(JSON.stringify({ a: 'a'.repeat(1024 * 1024) + 'bc' }))).toBe(true);
    expect(m.matches(JSON.stringify({ a: 'a'.repeat(1024 * 1024) }))).toBe(false);
  });

  test('an array of 10,000 values', () => {
    const values = Array.from({ length: 10000 }, (_, i) => `User${i}`);
    const m = EventPatternMatcher.fromJson('{"a":["User9999"]}');
    expect(m.matches(JSON.stringify({ a: values }))).toBe(true);
  });

  test('two fields over 10,000 elements each, consistent only in one element', () => {
    const x = Array.from({ length: 10000 }, (_, i) => ({ a: i === 5000 ? 'hit' : 'miss', b: [i === 5000 ? 'hit' : 'miss'] }));
    const m = EventPatternMatcher.fromJson('{"x":{"a":["hit"],"b":["hit"],"c":[{"exists":false}]}}');
    expect(m.matches(JSON.stringify({ x }))).toBe(true);
  });

  test('many independent arrays with a final field that never matches', () => {
    const event: Record<string, unknown> = {};
    const pattern: Record<string, unknown> = {};
    for (let k = 0; k < 8; k++) {
      event[`f${k}`] = Array.from({ length: 50 }, () => ({ v: '1' }));
      pattern[`f${k}`] = { v: ['1'] };
    }
    pattern.z = ['never'];
    expect(EventPatternMatcher.fromJson(JSON.stringify(pattern)).matches(JSON.stringify(event))).toBe(false);
  });
});

describe('numbers whose spelling matters', () => {
  const numeric = EventPatternMatcher.fromJson('{"a":[{"numeric":[">",0]}]}');

  test('a huge integer is read with its spelling', () => {
    expect(numeric.matches('{"a":123456789012345678901234567890}')).toBe(false);
  });

  test('an exponent beyond the double range', () => {
    expect(numeric.matches('{"a":1e400}')).toBe(false);
  });

  test('a 1,000-digit number', () => {
    expect(numeric.matches(`{"a":${'9'.repeat(1000)}}`)).toBe(false);
  });

  test('an ordinary number elsewhere in an event with a huge one', () => {
    expect(numeric.matches('{"a":5,"b":123456789012345678901234567890}')).toBe(true);
  });

  test('a key repeated in the event counts with every value when read carefully', () => {
    // The careful reader runs here because of the 16-digit number; event-ruler sees both values of "a".
    expect(numeric.matches('{"a":5,"a":"x","n":1234567890123456789}')).toBe(true);
  });
});
