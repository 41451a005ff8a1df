/**
 * Patterns matched together answer exactly as each pattern's own matcher, however patterns are
 * added, replaced and removed.
 */
import * as fc from 'fast-check';
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';
import { EventPatternSet } from '../../../src/patterns/engine/event-pattern-set';
import { generatePairs } from '../../differential/pattern-generators';

/** One pattern per kind of key the set files sub-rules under, and the shapes that defeat keys. */
const EDGE_PATTERNS = [
  '{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Create"}]}}',
  '{"source":["aws.iam"],"detail":{"eventName":["CreateUser","DeleteUser"]}}',
  '{"detail":{"userIdentity":{"type":["Root"]}}}',
  '{"detail":{"eventName":[{"exists":false}]}}',
  '{"detail.eventName":[{"suffix":"User"}]}',
  '{"detail":{"eventName":[{"prefix":"Create\\""}]}}',
  '{"detail":{"eventName":[{"suffix":"\\"User"}]}}',
  '{"detail":{"eventName":[{"wildcard":"Put*Policy"}]}}',
  '{"detail":{"eventName":[{"wildcard":"*MFADevice"}]}}',
  '{"detail":{"eventName":[{"wildcard":"*User*"}]}}',
  '{"detail":{"eventName":[{"wildcard":"Create\\\\*User"}]}}',
  '{"detail":{"readOnly":[false],"errorCode":[null]}}',
  '{"detail":{"errorCode":[{"exists":true}]}}',
  '{"detail":{"eventName":[{"prefix":""}]}}',
  '{"detail":{"eventName":[{"equals-ignore-case":"createuser"}]}}',
  '{"detail":{"eventName":[{"anything-but":["CreateUser"]}]}}',
  '{"detail":{"n":[{"numeric":[">",10]}]}}',
  '{"detail":{"n":[1e300, "1e300"]}}',
  '{"detail":{"ip":[{"cidr":"10.0.0.0/8"}]}}',
  '{"detail":{"constructor":["x"],"toString":[{"prefix":"a"}]}}',
  '{"$or":[{"source":["aws.iam"]},{"detail":{"eventName":[{"suffix":"Role"}]}}]}',
  '{"detail":{"eventName":["CreateUser"],"userIdentity":{"type":["Root",{"prefix":"IAM"}]}}}',
  '{"detail":{"items":{"name":["a"],"value":["1"]}}}',
  '{"":["empty key"]}',
];

const EDGE_EVENTS = [
  '{"source":"aws.iam","detail":{"eventName":"CreateUser","userIdentity":{"type":"Root"}}}',
  '{"source":"aws.s3","detail":{"eventName":"DeleteUser"}}',
  '{"source":"aws.iam","detail":{"eventName":"GetUser"},"detail.eventName":"CreateRole"}',
  '{"source":"aws.iam","source":"aws.s3","detail":{"eventName":"DeleteUser"}}',
  '{"detail":[{"eventName":"CreateUser"},{"userIdentity":{"type":"Root"}}]}',
  '{"detail":{"eventName":["PutRolePolicy","CreateUser"],"readOnly":false,"errorCode":null}}',
  '{"detail":{"eventName":"Create\\"","userIdentity":{"type":"IAMUser"}}}',
  '{"detail":{"eventName":"Create*User","errorCode":"AccessDenied"}}',
  '{"detail":{"eventName":"EnableMFADevice","readOnly":"false"}}',
  '{"detail":{"eventName":"createUSER","n":11}}',
  '{"detail":{"n":1e300,"ip":"10.1.2.3"}}',
  '{"detail":{"n":1.0000000000000001e300,"ip":10}}',
  '{"detail":{"constructor":"x","toString":"abc"}}',
  '{"detail":{"eventName":{"nested":"CreateUser"}}}',
  '{"detail":{"items":[{"name":"a","value":"2"},{"name":"b","value":"1"}]}}',
  '{"detail":{"items":[{"name":"a","value":"1"}]}}',
  '{"":"empty key","source":"aws.iam"}',
  '{"detail":{"eventName":[]}}',
  '{"detail":{"eventName":"Create"}}',
  '{"detail":{"eventName":"User"}}',
  '{}',
];

/** Valid patterns and events near them from the differential run's generator (every operator), and the edge cases. */
function pools(): { patterns: string[]; events: string[] } {
  const generated = generatePairs(20240801, 1200).filter((p) => p.group === 'generated');
  const patterns = [...new Set([...EDGE_PATTERNS, ...generated.map((p) => p.pattern)])].filter((p) => EventPatternMatcher.check(p).valid);
  const events = [...new Set([...EDGE_EVENTS, ...generated.map((p) => p.event)])];
  return { patterns, events };
}

const POOLS = pools();
const MATCHERS = new Map(POOLS.patterns.map((p) => [p, EventPatternMatcher.fromJson(p)]));

/** What an answer is: the names, or the error thrown. */
function outcome(f: () => string[]): string[] | string {
  try {
    return f();
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
}

/** The names a model of the set (name -> pattern, in order) says match, from each pattern's own matcher. */
function expectedNames(model: Map<string, string>, event: string, parsed: boolean): string[] | string {
  return outcome(() => {
    const object: unknown = parsed ? JSON.parse(event) : undefined;
    return [...model].filter(([, pattern]) => {
      const matcher = MATCHERS.get(pattern)!;
      return parsed ? matcher.matchesEvent(object) : matcher.matches(event);
    }).map(([name]) => name);
  });
}

function parses(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function expectSameAsMatchers(set: EventPatternSet, model: Map<string, string>, event: string): void {
  expect({ event, names: outcome(() => set.matchingNames(event)) }).toEqual({ event, names: expectedNames(model, event, false) });
  if (parses(event)) {
    const parsed: unknown = JSON.parse(event);
    expect({ event, parsed: outcome(() => set.matchingNamesOfEvent(parsed)) }).toEqual({ event, parsed: expectedNames(model, event, true) });
  }
}

describe('every answer is each pattern\'s own matcher\'s', () => {
  test(`the edge patterns and ${POOLS.patterns.length} generated ones together, over ${POOLS.events.length} events`, () => {
    const set = new EventPatternSet();
    const model = new Map<string, string>();
    POOLS.patterns.forEach((p, i) => {
      set.add(`p${i}`, p);
      model.set(`p${i}`, p);
    });
    for (const event of POOLS.events) expectSameAsMatchers(set, model, event);
  });

  test('patterns added, replaced and removed at random, between events', () => {
    const names = Array.from({ length: 12 }, (_, i) => `rule-${i}`);
    const op = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), name: fc.constantFrom(...names), pattern: fc.nat(POOLS.patterns.length - 1) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom(...names) }) },
      { weight: 4, arbitrary: fc.record({ kind: fc.constant('match' as const), event: fc.nat(POOLS.events.length - 1) }) },
    );
    fc.assert(fc.property(fc.array(op, { minLength: 1, maxLength: 60 }), (ops) => {
      const set = new EventPatternSet();
      const model = new Map<string, string>();
      for (const o of ops) {
        if (o.kind === 'add') {
          set.add(o.name, POOLS.patterns[o.pattern]);
          model.set(o.name, POOLS.patterns[o.pattern]);
        } else if (o.kind === 'remove') {
          expect(set.remove(o.name)).toBe(model.delete(o.name));
        } else {
          expectSameAsMatchers(set, model, POOLS.events[o.event]);
        }
        expect(set.names).toEqual([...model.keys()]);
      }
      // After everything, and once every pattern is removed again.
      for (const event of EDGE_EVENTS) expectSameAsMatchers(set, model, event);
      for (const name of [...model.keys()]) {
        set.remove(name);
        model.delete(name);
      }
      for (const event of EDGE_EVENTS) expectSameAsMatchers(set, model, event);
    }), { numRuns: 150, seed: 517 });
  });
});

describe('names', () => {
  test('in the order first added; a replaced pattern keeps its place; removed ones are gone', () => {
    const set = new EventPatternSet();
    set.add('b', '{"source":["aws.iam"]}');
    set.add('a', '{"source":["aws.s3"]}');
    set.add('c', '{"source":[{"prefix":"aws."}]}');
    expect(set.names).toEqual(['b', 'a', 'c']);
    expect(set.matchingNames('{"source":"aws.iam"}')).toEqual(['b', 'c']);
    set.add('b', '{"source":["aws.s3"]}');
    expect(set.names).toEqual(['b', 'a', 'c']);
    expect(set.matchingNames('{"source":"aws.s3"}')).toEqual(['b', 'a', 'c']);
    expect(set.matchingNames('{"source":"aws.iam"}')).toEqual(['c']);
    expect(set.remove('a')).toBe(true);
    expect(set.remove('a')).toBe(false);
    expect([set.has('a'), set.has('b'), set.size]).toEqual([false, true, 2]);
    expect(set.matchingNamesOfEvent({ source: 'aws.s3' })).toEqual(['b', 'c']);
    expect(set.matcherFor('b')?.patternJson).toBe('{"source":["aws.s3"]}');
    expect(set.matcherFor('a')).toBeUndefined();
  });

  test('the same text twice, and an object changed between two calls, are each answered afresh', () => {
    const set = new EventPatternSet();
    set.add('creates', '{"detail":{"eventName":[{"prefix":"Create"}]}}');
    const text = '{"detail":{"eventName":"CreateUser"}}';
    expect([set.matchingNames(text), set.matchingNames(text)]).toEqual([['creates'], ['creates']]);
    const event = { detail: { eventName: 'CreateUser' } };
    expect(set.matchingNamesOfEvent(event)).toEqual(['creates']);
    event.detail.eventName = 'GetRole';
    expect(set.matchingNamesOfEvent(event)).toEqual([]);
  });

  test('an empty set matches nothing, but still refuses text event-ruler refuses', () => {
    const set = new EventPatternSet();
    expect(set.matchingNames('{"a":1}')).toEqual([]);
    expect(() => set.matchingNames('{"a":')).toThrow(/Event is not valid JSON/);
    expect(() => set.matchingNames('[1]')).toThrow(/Event must be a JSON object/);
  });
});

test('patterns sharing prefixes and suffixes, removed in any order, leave the others found', () => {
  const affixes = ['', 'C', 'Cr', 'Create', 'CreateUser', 'D', 'r', 'er', 'User', 'CreateUser'];
  const patterns = affixes.flatMap((a, i) => [
    [`prefix-${i}`, JSON.stringify({ detail: { eventName: [{ prefix: a }] } })],
    [`suffix-${i}`, JSON.stringify({ detail: { eventName: [{ suffix: a }] } })],
  ]);
  const events = ['C', 'Cr', 'CreateUser', 'CreateRole', 'DeleteUser', 'r', 'x', ''].map((n) => JSON.stringify({ detail: { eventName: n } }));
  const orders = [patterns, [...patterns].reverse(), patterns.filter((_, i) => i % 3 === 0).concat(patterns.filter((_, i) => i % 3 !== 0))];
  // Added in every order too: a longer key added first has its edge split by a shorter one.
  for (const [adding, order] of orders.flatMap((a) => orders.map((o) => [a, o]))) {
    const set = new EventPatternSet();
    const model = new Map<string, string>();
    for (const [name, pattern] of adding) {
      set.add(name, pattern);
      model.set(name, pattern);
    }
    for (const [name] of order) {
      set.remove(name);
      model.delete(name);
      for (const event of events) {
        const expected = [...model].filter(([, p]) => EventPatternMatcher.fromJson(p).matches(event)).map(([n]) => n);
        expect({ removed: name, event, names: set.matchingNames(event) }).toEqual({ removed: name, event, names: expected });
      }
    }
  }
});

describe('validation', () => {
  test('check() gives the findings of EventPatternMatcher.check with the set\'s options', () => {
    const set = new EventPatternSet({ maxPatternLength: 30 });
    for (const pattern of ['{"a":["x"]}', '{"a":"x"}', `{"a":["${'x'.repeat(40)}"]}`, '{"a":["Add*"]}', 'not json']) {
      expect(set.check(pattern)).toEqual(EventPatternMatcher.check(pattern, { maxPatternLength: 30 }));
    }
  });

  test('an invalid pattern is refused with its name and EventBridge\'s reason, and leaves the set as it was', () => {
    const set = new EventPatternSet();
    set.add('x', '{"a":["x"]}');
    expect(() => set.add('x', '{"a":"x"}'))
      .toThrow(/^EventPatternSet\.add: the pattern named "x" is not valid: Event pattern is not valid at field "a".* Fix: /s);
    expect(set.matchingNames('{"a":"x"}')).toEqual(['x']);
  });

  test('the set\'s length limit applies to every pattern added', () => {
    const set = new EventPatternSet({ maxPatternLength: 20 });
    expect(() => set.add('long', '{"source":["aws.iam.long"]}')).toThrow(/limit is 20/);
  });

  test('an empty name is refused', () => {
    expect(() => new EventPatternSet().add('', '{"a":["x"]}')).toThrow(/^EventPatternSet\.add: the name is "".* Fix: give each pattern a non-empty name/);
  });

  test('an event that is no object is refused, naming the method called', () => {
    expect(() => new EventPatternSet().matchingNamesOfEvent([]))
      .toThrow(/^EventPatternSet\.matchingNamesOfEvent: the event is an array, not a JSON object\. Fix: .*matchingNames\(\)/);
  });
});

describe('lone surrogates, which event-ruler reads as "?" in byte-walking tests', () => {
  test.each([
    ['{"a":[{"prefix":"\\ud800"}]}', '{"a":"?x"}'],
    ['{"a":[{"prefix":"?"}]}', '{"a":"\\ud800x"}'],
    ['{"a":[{"suffix":"\\udc00"}]}', '{"a":"x?"}'],
    ['{"a":[{"wildcard":"?"}]}', '{"a":"\\ud800"}'],
    ['{"a":[{"wildcard":"\\ud800*"}]}', '{"a":"?b"}'],
  ])('%s against %s: the set answers as the pattern\'s own matcher', (pattern, event) => {
    const set = new EventPatternSet();
    set.add('p', pattern);
    const own = EventPatternMatcher.fromJson(pattern).matches(event);
    expect(own).toBe(true);
    expect(set.matchingNames(event)).toEqual(['p']);
  });
});
