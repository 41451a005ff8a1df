import type { IConstruct } from 'constructs';

/**
 * Where a checked value came from: a construct, named by its path (so the user finds the call in a
 * large app), or, for a pure builder that has no construct, the builder's class name.
 */
export type ValueSource = IConstruct | string;

/**
 * The error thrown for input the library cannot work with, by the identifier checks of this
 * folder and by every construct's own checks: where the value came from, the problem (naming the
 * offending value), then the fix.
 */
export function invalidInput(where: ValueSource, problem: string, fix: string): Error {
  const source = typeof where === 'string' ? where : where.node.path;
  return new Error(`${source}: ${problem} Fix: ${fix}`);
}
