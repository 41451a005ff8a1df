/**
 * How "complex" a pattern's wildcards are, in the units of event-ruler's `MachineComplexityEvaluator`.
 *
 * EventBridge rejects a pattern whose wildcards are too complex. The measure is event-ruler's: on the
 * machine holding the whole pattern (every `$or` branch), for each field's byte machine, the most
 * wildcard patterns a worst-case value can have in progress at once, counting an `anything-but`
 * wildcard list as one pattern. One `*a*a*a*` scores 7; `*a*a*a*a*a*` scores 11.
 *
 * The machine is built as event-ruler 2.1.0 builds it (private/ruler-machine.ts, a port of its adding
 * code and of the evaluator), because the score depends on how the states of a field's tests are
 * shared: the same wildcard listed twice scores more than once, `$or` branches share the byte machine
 * of a field only when they reach it through the same name state. The differential run compares the
 * score with event-ruler's on every generated pattern with a wildcard.
 */
import { SubRule } from './pattern-compiler';
import { RulerMachine } from './private/ruler-machine';

/** Stop counting once a score reaches this (the answer is then "at least this"). */
export const SCORE_CEILING = 100;

/**
 * The pattern's score: `Machine.evaluateComplexity(new MachineComplexityEvaluator(cap))` of a machine
 * holding all its sub-rules (so `cap` when the score is `cap` or more; a lower cap explores less).
 */
export function scorePattern(subRules: readonly SubRule[], machine = new RulerMachine(subRules), cap = SCORE_CEILING): number {
  return machine.complexity(cap);
}
