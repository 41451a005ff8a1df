import type { IConstruct } from 'constructs';

/**
 * The error thrown for input a construct cannot work with.
 *
 * Every message names the construct path (so the user finds the call in a large app), the
 * offending value, and how to fix it.
 */
export function invalidInput(scope: IConstruct, problem: string, fix: string): Error {
  return new Error(`${scope.node.path}: ${problem} Fix: ${fix}`);
}
