/**
 * The pattern conformance corpus (test/fixtures/pattern-conformance.json): 932 cases whose expected
 * outcomes come from aws/event-ruler (its unit tests, its rule compiler, and correctness cases run on
 * event-ruler 2.0.1) and from quamina's wildcard cases taken from event-ruler. Every case goes through
 * the public API with the exact pattern and event texts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';

interface ConformanceCase {
  readonly id: string;
  readonly kind: 'match' | 'validity';
  readonly expected: 'match' | 'no-match' | 'valid' | 'invalid';
  readonly pattern_json: string;
  readonly event_json: string;
  readonly event_ruler_error?: string;
}

const cases: ConformanceCase[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'pattern-conformance.json'), 'utf8'));

describe('pattern conformance corpus', () => {
  test('holds all 932 cases', () => {
    expect(cases).toHaveLength(932);
  });

  describe.each(cases.filter((c) => c.kind === 'match').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    test(`${c.expected}`, () => {
      const matcher = EventPatternMatcher.fromJson(c.pattern_json);
      expect(matcher.matches(c.event_json)).toBe(c.expected === 'match');
    });
  });

  describe.each(cases.filter((c) => c.kind === 'validity').map((c) => [c.id, c] as const))('%s', (_id, c) => {
    test(`${c.expected}`, () => {
      const result = EventPatternMatcher.check(c.pattern_json);
      if (c.expected === 'valid') {
        expect(result.errors).toEqual([]);
        expect(result.valid).toBe(true);
      } else {
        expect(result.valid).toBe(false);
        expect(result.errors.join('\n')).toContain(c.event_ruler_error);
      }
    });
  });
});
