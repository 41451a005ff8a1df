/**
 * Wildcard complexity scores. Expected values were recorded from event-ruler 2.1.0
 * (`Machine.evaluateComplexity(new MachineComplexityEvaluator(100))` of a machine holding the
 * pattern: the harness's `complexity` mode) for these patterns.
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';
import { compilePattern } from '../../../src/patterns/engine/pattern-compiler';
import { scorePattern } from '../../../src/patterns/engine/wildcard-complexity';

function score(pattern: object): number {
  return scorePattern(compilePattern(JSON.stringify(pattern), 1000).subRules);
}

describe('wildcard complexity', () => {
  test.each([
    ['*', 2], ['a*', 2], ['*a', 2], ['a*b', 2], ['*a*', 3], ['a*b*c', 3], ['*a*b*c*', 5], ['ab*cd', 2],
    ['a*a*a', 4], ['*a*a*a*', 7], ['*a*a*a*a*a*', 11], ['a*b*c*d*e*f', 6], ['*ab*cd*ef*', 5], ['*a*b*c*d*e*f*g*h*', 10],
  ])('single wildcard %s scores %d', (wildcard, expected) => {
    expect(score({ a: [{ wildcard }] })).toBe(expected);
  });

  test.each([
    [['a*', 'b*'], 2], [['*a', '*b'], 4], [['*a*', '*b*'], 6], [['*a*', '*b*', '*c*'], 9], [['*a*', '*ab*', '*abc*'], 9],
  ])('wildcards %j on one field score %d', (wildcards, expected) => {
    expect(score({ a: wildcards.map((wildcard) => ({ wildcard })) })).toBe(expected);
  });

  test('wildcards on different fields are scored separately', () => {
    expect(score({ a: [{ wildcard: '*a*' }], b: [{ wildcard: '*b*' }] })).toBe(3);
  });

  test('$or branches on the same field share its machine', () => {
    expect(score({ $or: [{ a: [{ wildcard: '*a*' }] }, { a: [{ wildcard: '*b*' }] }] })).toBe(6);
  });

  test('other operators add nothing', () => {
    expect(score({ a: [{ wildcard: '*a*' }, 'x', { prefix: 'q' }] })).toBe(3);
  });

  test('an anything-but wildcard list counts as one pattern', () => {
    expect(score({ a: [{ 'anything-but': { wildcard: ['*a*', '*b*'] } }] })).toBe(4);
    expect(score({ a: [{ 'anything-but': { wildcard: ['*ab', '*'] } }] })).toBe(2);
    // The earlier per-wildcard count made this 11 (rejected); event-ruler scores it 9.
    expect(score({ f: [{ 'anything-but': { wildcard: ['a*', 'a*b', '*a*b*b'] } }, { wildcard: '*a*' }] })).toBe(9);
  });

  test('the same wildcard listed twice builds its states twice', () => {
    expect(score({ a: [{ wildcard: '*a' }, { wildcard: '*a' }] })).toBe(3);
    expect(score({ a: [{ wildcard: '*bab' }, { wildcard: '*bab' }] })).toBe(5);
  });

  test.each([[1, 3], [2, 5], [3, 7], [4, 9], [5, 11], [6, 13]])(
    'a wildcard beside an $or of %d branches is added once per branch: %d', (branches, expected) => {
      const pattern = branches === 1
        ? { f: [{ wildcard: '*a*b' }], g: ['0'] }
        : { f: [{ wildcard: '*a*b' }], $or: Array.from({ length: branches }, (_, i) => ({ g: [String(i)] })) };
      expect(score(pattern)).toBe(expected);
    });

  test('$or branches share a field\'s machine only when they reach it through the same name state', () => {
    expect(score({ $or: [{ a: ['1'], b: [{ wildcard: '*a*a*' }] }, { a: ['2'], b: [{ wildcard: '*b*b*' }] }] })).toBe(5);
    expect(score({ $or: [{ a: ['1'], b: [{ wildcard: '*a*a*' }] }, { a: ['1'], b: [{ wildcard: '*b*b*' }] }] })).toBe(8);
  });
});

describe('wildcard complexity limits in check()', () => {
  test('a wildcard beside five $or branches is rejected, as EventBridge would', () => {
    const pattern = { f: [{ wildcard: '*a*b' }], $or: Array.from({ length: 5 }, (_, i) => ({ g: [String(i)] })) };
    const checked = EventPatternMatcher.check(JSON.stringify(pattern));
    expect(checked.valid).toBe(false);
    expect(checked.errors.join()).toContain('complexity 11');
  });

  test('an anything-but wildcard list event-ruler scores 9 is accepted, with the warning', () => {
    const pattern = { f: [{ 'anything-but': { wildcard: ['a*', 'a*b', '*a*b*b'] } }, { wildcard: '*a*' }] };
    const checked = EventPatternMatcher.check(JSON.stringify(pattern));
    expect(checked.valid).toBe(true);
    expect(checked.warnings.join()).toContain('complexity 9');
  });
});
