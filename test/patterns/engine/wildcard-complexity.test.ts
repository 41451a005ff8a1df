/**
 * Wildcard complexity scores. Expected values were recorded from event-ruler 2.1.0
 * (`Machine.evaluateComplexity(new MachineComplexityEvaluator(100))`) for these patterns.
 */
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

  test('an anything-but wildcard list is never scored lower than event-ruler does', () => {
    // event-ruler scores this 4: one Patterns object for the whole list.
    expect(score({ a: [{ 'anything-but': { wildcard: ['*a*', '*b*'] } }] })).toBeGreaterThanOrEqual(4);
  });
});
