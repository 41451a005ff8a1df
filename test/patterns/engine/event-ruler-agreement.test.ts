/**
 * Disagreements the differential run (test/differential) found between the engine and event-ruler
 * 2.1.0, minimized. Every expectation is event-ruler's own answer for the same pattern and event text
 * (tools/event-ruler harness), which is what EventBridge runs.
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';

function matches(pattern: string, event: string): boolean {
  return EventPatternMatcher.fromJson(pattern).matches(event);
}

describe('a key repeated in one event object: event-ruler uses every occurrence', () => {
  test('the first of two values matches', () => {
    expect(matches('{"a":["x"]}', '{"a":"x","a":"y"}')).toBe(true);
  });

  test('a nested field under the first occurrence matches', () => {
    expect(matches('{"a":{"b":["x"]}}', '{"a":{"b":"x"},"a":"y"}')).toBe(true);
  });

  test('a nested field under the first occurrence exists', () => {
    expect(matches('{"a":{"b":[{"exists":false}]}}', '{"a":{"b":"x"},"a":"y"}')).toBe(false);
  });

  test('repeated in a nested object, with whitespace before the colon', () => {
    expect(matches('{"d":{"n":["x"]}}', '{"d": {"n" : "x", "n"\n: "y"}}')).toBe(true);
  });

  test('matchesEvent sees the object JSON.parse made, which keeps only the last value', () => {
    expect(EventPatternMatcher.fromJson('{"a":["x"]}').matchesEvent(JSON.parse('{"a":"x","a":"y"}'))).toBe(false);
  });
});

describe('empty keys and empty dotted-path segments, as event-ruler names and reads them', () => {
  test('{"e":{"":[..]}} names the field "e.", and event-ruler never reads an empty event key for it', () => {
    expect(matches('{"e":{"":["x"]}}', '{"e":{"":"x"}}')).toBe(false);
  });

  test('{"e":{"":[..]}} matches the dotted event key "e."', () => {
    expect(matches('{"e":{"":["x"]}}', '{"e.":"x"}')).toBe(true);
  });

  test('{"":{"e":[..]}} names the field "e" (no dot after an empty path)', () => {
    expect(matches('{"":{"e":["x"]}}', '{"e":"x"}')).toBe(true);
  });

  test('exists: false under an empty key holds, since that key is never read', () => {
    expect(matches('{"a":{"é":{"":[{"exists":false}]}}}', '{"a":{"é":{"":false}}}')).toBe(true);
  });

  test('a field named "" reads the empty key', () => {
    expect(matches('{"":["x"]}', '{"":"x"}')).toBe(true);
  });

  test('a field named "a..b" reads the empty key between a and b', () => {
    expect(matches('{"a..b":["y"]}', '{"a":{"":{"b":"y"}}}')).toBe(true);
  });

  test('the same through matchesEvent', () => {
    expect(EventPatternMatcher.fromJson('{"e":{"":["x"]}}').matchesEvent({ e: { '': 'x' } })).toBe(false);
  });
});

describe('array consistency as event-ruler 2 (StructuredFinder) decides it', () => {
  test('once an array element is chosen, a field\'s values outside that array are not considered', () => {
    const pattern = '{"detail":{"arr":[{"wildcard":""}],"b":{"b":[10]}}}';
    const event = '{"detail":[{"b":{"b":null}},{"arr":""}],"detail.b":{"b":10}}';
    expect(matches(pattern, event)).toBe(false);
  });

  test('with two constrained arrays, the field is narrowed by the first in the membership table (array 0)', () => {
    // Arrays 0 and 1 come from the repeated key "a"; "e" has values in both; event-ruler looks only
    // in array 0's chosen element.
    const event = '{"a":[{"c":1,"e":1}],"a":[{"d":2,"e":2}]}';
    expect(matches('{"a":{"c":[1],"d":[2],"e":[1]}}', event)).toBe(true);
  });

  test('so the value in the other array does not match, though it is consistent', () => {
    const event = '{"a":[{"c":1,"e":1}],"a":[{"d":2,"e":2}]}';
    expect(matches('{"a":{"c":[1],"d":[2],"e":[2]}}', event)).toBe(false);
  });

  test('a value outside arrays still matches when the field has no value in the chosen array', () => {
    const event = '{"x":[{"a":"1"}],"b":"2"}';
    expect(matches('{"x":{"a":["1"]},"b":["2"]}', event)).toBe(true);
  });
});

describe('CIDR blocks and numbers', () => {
  test('a number spelled with an exponent is not in 0.0.0.0/0 (e is not a hex digit)', () => {
    expect(matches('{"b":[{"cidr":"0.0.0.0/0"}]}', '{"b":0e-0}')).toBe(false);
  });

  test('nor in ::/0', () => {
    expect(matches('{"b":[{"cidr":"::/0"}]}', '{"b":0e-0}')).toBe(false);
  });
});

describe('byte machines shared between $or branches', () => {
  test('a numeric test in another branch on the same field keeps a number from reaching an address range by its digits', () => {
    const pattern = '{"arr":{"$or":[{"a":[{"cidr":"0.0.0.0/0"}]},{"a":[{"numeric":["=",5]}]}]}}';
    expect(matches(pattern, '{"arr":{"a":5.000001}}')).toBe(false);
  });

  test('branches that reach the field through a wildcard with text after its star do not share the machine', () => {
    // Adding such a wildcard again builds a new match with its own next state.
    const pattern = '{"$or":[{"arr":{"e":[{"wildcard":"*x"}]},"b":{"arr":[{"cidr":"0.0.0.0/0"}],"c":[1]}},'
      + '{"arr":{"e":[{"wildcard":"*x"}]},"b":{"arr":[5],"detail":["q"],"c":[1]}}]}';
    expect(matches(pattern, '{"b":{"arr":5,"c":1},"arr":{"e":"ax"}}')).toBe(true);
  });

  test('through a wildcard ending in its star they do', () => {
    const pattern = '{"$or":[{"arr":{"e":[{"wildcard":"a*"}]},"b":{"arr":[{"cidr":"0.0.0.0/0"}],"c":[1]}},'
      + '{"arr":{"e":[{"wildcard":"a*"}]},"b":{"arr":[5],"detail":["q"],"c":[1]}}]}';
    expect(matches(pattern, '{"b":{"arr":5,"c":1},"arr":{"e":"ax"}}')).toBe(false);
  });

  test('without it, the digits do reach the range', () => {
    expect(matches('{"arr":{"a":[{"cidr":"0.0.0.0/0"}]}}', '{"arr":{"a":5.000001}}')).toBe(true);
  });
});

describe('empty anything-but lists', () => {
  test('leading a field\'s list, the pattern cannot be run: event-ruler\'s Machine throws adding it', () => {
    const result = EventPatternMatcher.check('{"a":[{"anything-but":{"wildcard":[]}}]}');
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual([expect.stringContaining('cannot be run at field "a": an empty anything-but list leads the field\'s list')]);
  });

  test('a field given again later in the pattern replaces the list, and with it the empty anything-but', () => {
    expect(EventPatternMatcher.check('{"x":[{"anything-but":{"prefix":[]}}],"x":[{"cidr":"5.1.9.1/4"}]}').valid).toBe(true);
  });

  test('after another test, the empty list matches nothing', () => {
    expect(matches('{"a":["q",{"anything-but":{"prefix":[]}}]}', '{"a":"x"}')).toBe(false);
  });
});
