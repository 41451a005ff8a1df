import type { IConstruct } from 'constructs';

/**
 * Where a checked value came from: a construct, named by its path (so the user finds the call in a
 * large app), or, for a pure builder that has no construct, the builder's class and method
 * (`IamEventPattern.eventNames`).
 */
export type ValueSource = IConstruct | string;

function sourceName(where: ValueSource): string {
  return typeof where === 'string' ? where : where.node.path;
}

/**
 * The error thrown for input the library cannot work with, by the identifier checks of this
 * folder, by every construct's own checks and by the pure builders of `patterns`: where the value
 * came from, the problem (naming the offending value), then the fix.
 */
export function invalidInput(where: ValueSource, problem: string, fix: string): Error {
  return new Error(`${sourceName(where)}: ${problem} Fix: ${fix}`);
}

/**
 * The same error for input a check has already described in findings that each read
 * `<problem> Fix: <fix>` (the event-pattern check, whose problems quote aws/event-ruler's own
 * reasons and so cannot be reworded): `<where>: <lead><finding>`, one finding a line.
 */
export function invalidInputFindings(where: ValueSource, lead: string, findings: readonly string[]): Error {
  return new Error(`${sourceName(where)}: ${lead}${findings.join('\n')}`);
}
