/**
 * Patterns matched together answer exactly as each pattern's own matcher.
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';
import { EventPatternSet } from '../../../src/patterns/engine/event-pattern-set';

const PATTERNS = [
  '{"source":["aws.iam"],"detail":{"eventName":[{"prefix":"Create"}]}}',
  '{"source":["aws.iam"],"detail":{"eventName":["CreateUser","DeleteUser"]}}',
  '{"detail":{"userIdentity":{"type":["Root"]}}}',
  '{"detail":{"eventName":[{"exists":false}]}}',
  '{"detail.eventName":[{"suffix":"User"}]}',
];

const EVENTS = [
  '{"source":"aws.iam","detail":{"eventName":"CreateUser","userIdentity":{"type":"Root"}}}',
  '{"source":"aws.s3","detail":{"eventName":"DeleteUser"}}',
  '{"source":"aws.iam","detail":{"eventName":"GetUser"},"detail.eventName":"CreateRole"}',
  '{"source":"aws.iam","source":"aws.s3","detail":{"eventName":"DeleteUser"}}',
  '{"detail":[{"eventName":"CreateUser"},{"userIdentity":{"type":"Root"}}]}',
  '{"source":"x"}',
];

const set = EventPatternSet.fromJson(PATTERNS);
const one = PATTERNS.map((p) => EventPatternMatcher.fromJson(p));

describe('event text', () => {
  test.each(EVENTS)('%s', (event) => {
    const expected = one.flatMap((m, i) => (m.matches(event) ? [i] : []));
    expect(set.matchingIndexes(event)).toEqual(expected);
  });
});

describe('parsed events', () => {
  test.each(EVENTS)('%s', (event) => {
    const parsed: unknown = JSON.parse(event);
    const expected = one.flatMap((m, i) => (m.matchesEvent(parsed) ? [i] : []));
    expect(set.matchingIndexesOfEvent(parsed)).toEqual(expected);
  });

  test('an object changed between two calls is read afresh', () => {
    const event = { source: 'aws.iam', detail: { eventName: 'CreateUser' } };
    expect(set.matchingIndexesOfEvent(event)).toEqual([0, 1, 4]);
    event.detail.eventName = 'GetRole';
    expect(set.matchingIndexesOfEvent(event)).toEqual([]);
  });
});

test('an invalid pattern is named by its index', () => {
  expect(() => EventPatternSet.fromJson(['{"a":["x"]}', '{"a":"x"}']))
    .toThrow(/^EventPatternSet\.fromJson: pattern 1 \(counting from 0\) is not valid: Event pattern is not valid at field "a".* Fix: /s);
});
