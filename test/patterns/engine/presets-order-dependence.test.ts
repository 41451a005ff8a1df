/**
 * No pattern the library renders has a shape for which event-ruler's answer depends on the order of
 * `$or` branches or values (private/order-dependence.ts): every IamEventPattern preset, alone and
 * with every refinement, and with every ordered pair of refinements.
 */
import { checkPatternText } from '../../../src/patterns/engine/pattern-check';
import { OVERLAPPING_OR_BRANCHES_ID, TEST_THROUGH_WILDCARD_ID } from '../../../src/patterns/engine/private/order-dependence';
import { IamEventPattern } from '../../../src/patterns/iam-event-pattern';
import { IAM_PATTERN_CASES } from '../../differential/providers/iam-presets';

/** Arguments for the factories and refinements that take some. */
const ARGUMENTS: Record<string, string[][]> = {
  eventNames: [['CreateUser', 'Put*Policy', '*Provider', 'Update*Profile'], ['CreateUser', 'DeleteUser'], ['Create*', 'CreateUser']],
  eventNamesNotInCatalog: [['CreateWidget', 'DeleteWidget']],
  excludingEventNames: [['CreateServiceLinkedRole', 'DeleteGroupPolicy'], ['*Policy'], ['Get*', 'List*']],
  onlyPrincipals: [['arn:aws:iam::123456789012:role/tester'], ['arn:aws:iam::123456789012:user/tester', 'arn:aws:iam::*:role/admin-*']],
  exceptPrincipals: [['arn:aws:iam::123456789012:role/IdentityCFNServiceRole'], ['arn:aws:sts::*:assumed-role/AWSReservedSSO_*', 'arn:aws:iam::*:root']],
  onlyAccounts: [['123456789012'], ['123456789012', '493859302102']],
};

/** Own public methods (not getters, which the prototype cannot run). */
function publicMethods(target: object): string[] {
  return Object.getOwnPropertyNames(target).filter((name) =>
    !name.startsWith('_') && name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(target, name)?.value === 'function');
}

/** Every static factory of IamEventPattern that returns a pattern, with its arguments. */
function factories(): Array<[string, () => IamEventPattern]> {
  const out: Array<[string, () => IamEventPattern]> = [];
  for (const name of publicMethods(IamEventPattern)) {
    const fn = (IamEventPattern as unknown as Record<string, (...args: string[]) => unknown>)[name];
    for (const args of ARGUMENTS[name] ?? [[]]) {
      let made: unknown;
      try {
        made = fn.apply(IamEventPattern, args);
      } catch {
        continue;
      }
      if (made instanceof IamEventPattern) {
        out.push([`${name}(${args.join(',')})`, () => fn.apply(IamEventPattern, args) as IamEventPattern]);
      }
    }
  }
  return out;
}

/** Every refinement (a method returning another pattern), with its arguments. */
function refinements(): Array<[string, (p: IamEventPattern) => IamEventPattern]> {
  const sample = IamEventPattern.changes() as unknown as Record<string, (...args: string[]) => unknown>;
  const out: Array<[string, (p: IamEventPattern) => IamEventPattern]> = [];
  for (const name of publicMethods(IamEventPattern.prototype)) {
    for (const args of ARGUMENTS[name] ?? [[]]) {
      let made: unknown;
      try {
        made = sample[name](...args);
      } catch {
        made = undefined;
      }
      if (made instanceof IamEventPattern || ARGUMENTS[name] !== undefined) {
        out.push([`${name}(${args.join(',')})`, (p) => (p as unknown as Record<string, (...a: string[]) => IamEventPattern>)[name](...args)]);
      }
    }
  }
  return out.filter(([label]) => !label.startsWith('to'));
}

/** Presets, each refinement of each, and each ordered pair of refinements (combinations the library refuses are left out). */
function allPatterns(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const refine = refinements();
  const attempt = (label: string, build: () => IamEventPattern) => {
    try {
      out.push([label, build().toJson()]);
    } catch {
      // A combination the library refuses, with its own error: not a pattern.
    }
  };
  for (const [name, make] of factories()) {
    attempt(name, make);
    for (const [r1, f1] of refine) {
      attempt(`${name}.${r1}`, () => f1(make()));
      for (const [r2, f2] of refine) {
        attempt(`${name}.${r1}.${r2}`, () => f2(f1(make())));
      }
    }
  }
  for (const c of IAM_PATTERN_CASES) {
    attempt(c.id, c.build);
  }
  return out;
}

describe('IamEventPattern presets and refinements', () => {
  const patterns = allPatterns();

  test('the enumeration reaches every preset and refinement the differential provider lists', () => {
    const names = new Set(patterns.map(([label]) => label.split('(')[0]));
    for (const c of IAM_PATTERN_CASES) {
      expect(names.has(c.calls[0][0])).toBe(true);
    }
    const refinementNames = new Set(refinements().map(([label]) => label.split('(')[0]));
    for (const c of IAM_PATTERN_CASES) {
      for (const [refinement] of c.calls.slice(1)) {
        expect(refinementNames.has(refinement)).toBe(true);
      }
    }
    expect(patterns.length).toBeGreaterThan(1000);
  });

  test('none has an order-dependent shape', () => {
    const flagged = patterns.flatMap(([label, json]) => {
      const outcome = checkPatternText(json, Number.MAX_SAFE_INTEGER);
      const ids = [...(outcome.orderDependence ?? []).map((o) => o.id),
        ...outcome.warnings.filter((w) => w.includes(OVERLAPPING_OR_BRANCHES_ID) || w.includes(TEST_THROUGH_WILDCARD_ID))];
      return ids.length > 0 ? [`${label}: ${ids.join(', ')}`] : [];
    });
    expect(flagged).toEqual([]);
  });
});
