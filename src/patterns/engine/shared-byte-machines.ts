/**
 * Which fields event-ruler tests in a byte machine that also holds a numeric pattern.
 *
 * event-ruler's `Machine` keeps one byte machine per (name state, field name), and the sub-rules of a
 * pattern (its `$or` combinations) share name states wherever they add the same patterns in the same
 * places (`GenericMachine.addStep`: a pattern already in a byte machine keeps its next state, and a
 * field's other patterns chain on from it). A byte machine that holds any numeric pattern reads every
 * comparable number as a number only (`ByteMachine.transitionOn`), so a number then never reaches an
 * address range through its digits, even for a sub-rule whose own list has no numeric test. This
 * module replays `addStep` on the pattern's sub-rules to find those machines.
 */
import { ValuePattern } from './value-patterns';
import { parseWildcard } from './wildcard';

/** A pattern as event-ruler adds it: its identity in a byte machine, and what it changes. */
interface MachinePattern {
  readonly key: string;
  readonly numeric: boolean;
  readonly absence: boolean;
  /**
   * Whether adding it again finds the match added before (and so its next state). A wildcard with
   * text after a star does not: `addMatchValue` stops at the star's self-looping state and builds a
   * new path with a new match (seen with event-ruler 2.1.0; `a*` and `*` are found again).
   */
  readonly findsItself: boolean;
}

/** Whether a wildcard has text after one of its (unescaped) stars. */
function textAfterStar(wildcard: string): boolean {
  return parseWildcard(wildcard).segments.slice(1).some((segment) => segment.length > 0);
}

/** The patterns event-ruler's `JsonRuleCompiler` makes of one value test, in the order it adds them. */
function machinePatterns(p: ValuePattern): MachinePattern[] {
  const value = (key: string, numeric = false, findsItself = true): MachinePattern => ({ key, numeric, absence: false, findsItself });
  const sorted = (values: readonly unknown[]) => JSON.stringify([...values].map(String).sort());
  switch (p.kind) {
    case 'exact-string': return [value(`exact "${p.value}"`)];
    case 'exact-literal': return [value(`exact ${String(p.value)}`)];
    case 'exact-number':
      // A number literal adds numeric equality (when comparable) and then its text as an exact match.
      return p.comparable ? [value(`numeric-equals ${p.value}`, true), value(`exact ${p.text}`)] : [value(`exact ${p.text}`)];
    case 'numeric-equals': return [value(`numeric-equals ${p.value}`, true)];
    case 'numeric': return [value(`range ${p.lower}/${p.lowerOpen}/${p.upper}/${p.upperOpen}`, true)];
    case 'address':
    case 'cidr': return [value(`address ${p.range.bottom}/${p.range.openBottom}/${p.range.top}/${p.range.openTop}`)];
    case 'prefix': return [value(`prefix${p.ignoreCase ? '-ignore-case' : ''} ${p.value}`)];
    case 'suffix': return [value(`suffix${p.ignoreCase ? '-ignore-case' : ''} ${p.value}`)];
    case 'equals-ignore-case': return [value(`equals-ignore-case ${p.value}`)];
    case 'wildcard': return [value(`wildcard ${p.value}`, false, !textAfterStar(p.value))];
    case 'anything-but':
      return p.numbers.length > 0 ? [value(`anything-but-numbers ${sorted(p.numbers)}`, true)] : [value(`anything-but ${sorted(p.strings)}`)];
    case 'anything-but-wildcard':
      return [value(`${p.kind} ${sorted(p.values)}`, false, !p.values.some(textAfterStar))];
    case 'anything-but-prefix':
    case 'anything-but-suffix':
    case 'anything-but-ignore-case':
      return [value(`${p.kind} ${sorted(p.values)}`)];
    case 'exists':
      return p.exists ? [value('exists')] : [{ key: 'absent', numeric: false, absence: true, findsItself: true }];
  }
}

class NameState {
  public readonly byteMachines = new Map<string, ByteMachine>();
  public readonly absent = new Map<string, NameState>();
}

class ByteMachine {
  public readonly matches = new Map<string, NameState>();
  public numeric = false;
}

/**
 * For each sub-rule, the names of its fields that event-ruler tests in a byte machine holding a numeric
 * pattern (its own or another sub-rule's).
 */
export function fieldsInNumericMachines(subRules: readonly ReadonlyMap<string, readonly ValuePattern[]>[]): Set<string>[] {
  const start = new NameState();
  const expanded = new Map<readonly ValuePattern[], MachinePattern[]>();
  const patternsOf = (list: readonly ValuePattern[]) => {
    let out = expanded.get(list);
    if (!out) {
      out = list.flatMap(machinePatterns);
      expanded.set(list, out);
    }
    return out;
  };
  // The byte machines each sub-rule's fields are tested in, by field position.
  const machinesByRule = subRules.map((rule) => {
    const keys = Array.from(rule.keys()).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const machines: Set<ByteMachine>[] = keys.map(() => new Set());
    const visited = keys.map(() => new Set<NameState>());
    const pending: Array<[NameState, number]> = [[start, 0]];
    while (pending.length > 0) {
      const [state, i] = pending.pop()!;
      if (visited[i].has(state)) {
        continue;
      }
      visited[i].add(state);
      const key = keys[i];
      const patterns = patternsOf(rule.get(key)!);
      let machine = state.byteMachines.get(key);
      if (!machine && patterns.some((p) => !p.absence)) {
        machine = new ByteMachine();
        state.byteMachines.set(key, machine);
      }
      let last: NameState | undefined;
      const next = new Set<NameState>();
      for (const p of patterns) {
        if (p.absence) {
          let ns = state.absent.get(key);
          if (!ns) {
            ns = last ?? new NameState();
            state.absent.set(key, ns);
          }
          last = ns;
        } else {
          let ns = p.findsItself ? machine!.matches.get(p.key) : undefined;
          if (!ns) {
            ns = last ?? new NameState();
            machine!.matches.set(p.key, ns);
          }
          last = ns;
          machine!.numeric = machine!.numeric || p.numeric;
        }
        next.add(last);
      }
      if (machine) {
        machines[i].add(machine);
      }
      if (i + 1 < keys.length) {
        next.forEach((ns) => pending.push([ns, i + 1]));
      }
    }
    return { keys, machines };
  });
  // Flags are read once every sub-rule is in: matching happens on the finished machine.
  return machinesByRule.map(({ keys, machines }) =>
    new Set(keys.filter((_, i) => Array.from(machines[i]).some((m) => m.numeric))));
}
