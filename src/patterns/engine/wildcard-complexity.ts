/**
 * How "complex" a pattern's wildcards are, in the units of event-ruler's `MachineComplexityEvaluator`.
 *
 * EventBridge rejects a pattern whose wildcards are too complex. The check is event-ruler's evaluator:
 * for the byte machine of each field it finds the input byte that makes the most wildcard matching
 * work at once, counting, over the transitions that byte takes from the set of states a worst-case
 * input can reach, the wildcard patterns still reachable from each (plus the self-loop of a star state
 * entered by that byte). One `*a*a*a*` scores 7; `*a*a*a*a*a*` scores 11.
 *
 * We simulate that on an idealised machine per field: each wildcard (and each value of an
 * `anything-but` wildcard list) is its own chain of states, a star being a self-loop, with event-ruler's
 * quotes around the value. Checked against event-ruler 2.1.0 on random sets of one to three wildcards
 * per field, this gives event-ruler's number every time; for an `anything-but` wildcard list (which
 * event-ruler counts as one pattern) it can be one or two higher, never lower.
 */
import { SubRule } from './pattern-compiler';
import { parseWildcard } from './wildcard';

/** Stop exploring once a score reaches this (the answer is then "at least this"). */
const SCORE_CEILING = 100;
/** Bound on explored machine states, so a large set of wildcards cannot make the check slow. */
const MAX_EXPLORED_STATES = 20000;

interface ChainState {
  /** Character that leads to the next state. */
  readonly char: string;
  readonly loops: boolean;
}

/** States of `"value"`: state i consumes chain[i].char to reach i+1; the state after the last is the match. */
function chainFor(wildcard: string): ChainState[] {
  const { segments } = parseWildcard(wildcard);
  const chars: string[] = ['"'];
  const loops: boolean[] = [false];
  segments.forEach((segment, s) => {
    if (s > 0) {
      // A star: the state reached so far loops on every byte.
      loops[chars.length] = true;
    }
    for (const ch of segment) {
      chars.push(ch);
    }
  });
  chars.push('"');
  return chars.map((char, i) => ({ char, loops: loops[i] === true }));
}

/** Score one field's wildcards. */
export function scoreWildcards(wildcards: readonly string[]): number {
  if (wildcards.length === 0) {
    return 0;
  }
  const chains = wildcards.map(chainFor);
  // Global state ids: offset of each chain's states.
  const offsets: number[] = [];
  let total = 0;
  for (const chain of chains) {
    offsets.push(total);
    total += chain.length + 1;
  }
  const owner: number[] = new Array(total);
  const position: number[] = new Array(total);
  chains.forEach((chain, c) => {
    for (let i = 0; i <= chain.length; i++) {
      owner[offsets[c] + i] = c;
      position[offsets[c] + i] = i;
    }
  });
  const loops = (state: number): boolean => {
    const chain = chains[owner[state]];
    const i = position[state];
    return i < chain.length && chain[i].loops;
  };
  const charOf = (state: number): string | undefined => {
    const chain = chains[owner[state]];
    const i = position[state];
    return i < chain.length ? chain[i].char : undefined;
  };
  const isFinal = (state: number): boolean => position[state] === chains[owner[state]].length;

  const alphabet = new Set<string>(['"', '\u0000']);
  for (const chain of chains) {
    for (const st of chain) {
      alphabet.add(st.char);
    }
  }
  const start = offsets.slice();
  const seen = new Set<string>([start.join(',')]);
  const queue: number[][] = [start];
  let best = 0;
  while (queue.length > 0 && seen.size <= MAX_EXPLORED_STATES) {
    const current = queue.shift()!;
    const inCurrent = new Set(current);
    for (const byte of alphabet) {
      let score = 0;
      const next = new Set<number>();
      for (const s of current) {
        if (loops(s)) {
          score++;
          next.add(s);
        }
        if (charOf(s) === byte) {
          score++;
          const target = s + 1;
          if (!isFinal(target)) {
            next.add(target);
            if (loops(target) && !inCurrent.has(target)) {
              score++;
            }
          }
        }
      }
      if (score > best) {
        best = score;
        if (best >= SCORE_CEILING) {
          return SCORE_CEILING;
        }
      }
      if (next.size > 0) {
        const key = Array.from(next).sort((a, b) => a - b).join(',');
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(Array.from(next));
        }
      }
    }
  }
  return best;
}

/**
 * The pattern's score: the highest over its fields. Wildcards of one field are scored together across
 * all sub-rules (event-ruler shares a field's machine between `$or` branches that reach it alike).
 */
export function scorePattern(subRules: readonly SubRule[]): number {
  const byField = new Map<string, Set<string>>();
  for (const rule of subRules) {
    for (const [field, patterns] of rule) {
      for (const p of patterns) {
        const values = p.kind === 'wildcard' ? [p.value] : p.kind === 'anything-but-wildcard' ? p.values : [];
        for (const v of values) {
          let set = byField.get(field);
          if (!set) {
            set = new Set();
            byField.set(field, set);
          }
          set.add(v);
        }
      }
    }
  }
  let best = 0;
  for (const set of byField.values()) {
    best = Math.max(best, scoreWildcards(Array.from(set)));
  }
  return best;
}
