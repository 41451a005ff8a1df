/**
 * Field lookups written out as JavaScript code, one function per path (`compileFind`) and one per
 * set of paths (`compileReader`), made with `new Function` from the paths' keys.
 *
 * Why: a key written in the code (`node["eventName"]`) is a named property load, which V8 answers
 * from its cache of (object shape, name) in about half the time of a load whose key is a variable,
 * as in `FieldPath`'s generic walk (measured on CloudTrail records: 6 against 13 ns per read). The
 * code holds only keys, each written by `JSON.stringify` (a valid JavaScript string literal for any
 * text), and the numbers of the walk; no text of an event reaches it. Where the platform forbids
 * making code from text (`node --disallow-code-generation-from-strings`), both return undefined
 * and the generic walk runs: the answers are the same, only slower.
 *
 * The walk (`FieldPath.find`): from the event, at each level, every used key that can be read there
 * (`detail`, and `detail.eventName` for the name `detail.eventName`) is looked up; two found is
 * UNDECIDED (the name is spelled two ways), none is NOTHING; the one found leads to the next level,
 * where it must be an object (an array holding objects or arrays is UNDECIDED, anything else
 * NOTHING), until the last key, whose value `FieldPath.settle` classifies.
 */
import type { FieldPath } from './event-matcher';

/** What a field's keys lead to in an event, on the quick path. */
export const NOTHING = 0;
export const FOUND = 1;
export const UNDECIDED = 2;

/** Whether an array holds an object or array (whose values would carry array membership). */
export type HoldsContainer = (array: unknown[]) => boolean;

/** One path's lookup: the outcome, with `path.value` set through `settle`. */
export type CompiledFind = (path: FieldPath, event: Record<string, unknown>, hold: HoldsContainer) => number;

/** Many paths' lookups at once: each path's memo (`stamp`, `found`, `value`) set for the event. */
export type CompiledReader = (event: Record<string, unknown>, stamp: number, hold: HoldsContainer) => void;

/**
 * A path of more segments than this keeps the generic walk: its code would grow with the cube of
 * the segments (each level reads every dotted spelling of the rest of the name).
 */
const MAX_FIND_SEGMENTS = 32;
/** Paths with more segments than this are read by their own lookup (the reader's code grows with the ways to split a name). */
const MAX_READER_SEGMENTS = 8;
/** At most this many distinct reads in one reader's code. */
const MAX_READER_READS = 5000;

function literal(key: string): string {
  return JSON.stringify(key);
}

/**
 * The function `body()` writes, or undefined when it cannot be made: code from text forbidden
 * (EvalError), or code too long for a string (RangeError; the callers' limits keep it far shorter).
 */
function make<T>(params: string[], body: () => string): T | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function(...params, `"use strict";\n${body()}`) as T;
  } catch {
    return undefined;
  }
}

/**
 * `FieldPath.find` as code for one path, or undefined (the generic walk then runs): also for a path
 * with a key naming an `Object.prototype` member (`guarded`: the walk reads own properties only,
 * where a read in code would find the prototype's), and for a path of more than
 * MAX_FIND_SEGMENTS segments.
 */
export function compileFind(path: FieldPath): CompiledFind | undefined {
  if (path.guarded || path.segmentCount > MAX_FIND_SEGMENTS) {
    return undefined;
  }
  return make<CompiledFind>(['p', 'e', 'hold'], () => findCode(path));
}

function findCode(path: FieldPath): string {
  const descend = (child: string) => `if (typeof ${child} !== "object" || ${child} === null) return ${NOTHING};\n`
    + `if (Array.isArray(${child})) return hold(${child}) ? ${UNDECIDED} : ${NOTHING};\n`;
  let body: string;
  if (path.primaryPath !== undefined && !path.hasDottedKeys) {
    // One key per level (a name of one segment: a longer one can also be spelled with dots).
    const keys = path.primaryPath;
    body = 'var n0 = e;\n';
    for (let i = 0; i < keys.length - 1; i++) {
      body += `var n${i + 1} = n${i}[${literal(keys[i])}];\n${descend(`n${i + 1}`)}`;
    }
    body += `return p.settle(n${keys.length - 1}[${literal(keys[keys.length - 1])}]);\n`;
  } else {
    // Several keys at some level: the generic walk's loop, each level's reads written out.
    const end = path.segmentCount;
    let cases = '';
    for (let seg = 0; seg < end; seg++) {
      cases += `case ${seg}:\nchild = undefined; next = ${seg + 1};\n`;
      path.levelKeys[seg].forEach((k, c) => {
        cases += `v = node[${literal(k)}];\nif (v !== undefined) { ${c > 0 ? `if (child !== undefined) return ${UNDECIDED}; ` : ''}`
          + `child = v; next = ${path.levelNext[seg][c]}; }\n`;
      });
      cases += 'break;\n';
    }
    body = `var node = e, seg = 0, child, next, v;\nfor (;;) {\nswitch (seg) {\n${cases}}\n`
      + `if (child === undefined || next === ${end}) break;\n${descend('child')}node = child; seg = next;\n}\n`
      + 'return p.settle(child);\n';
  }
  return body;
}

/** Whether `compileReader` reads a path (the others keep their own walk). */
export function readerCanRead(path: FieldPath): boolean {
  return !path.guarded && path.segmentCount <= MAX_READER_SEGMENTS;
}

/**
 * The lookups of many paths as one function, each read of an object by a key made once for all of
 * them (the names of the fields of a set's patterns share their first keys: `detail` is read once,
 * not once per field). Reads are made ahead, but only inside objects that are there: a name
 * spelled two ways has both spellings read, where the walk stops at the second (the same answer
 * for a parsed event; more property reads for an object with getters). Undefined when the code
 * would hold more than MAX_READER_READS reads, or cannot be made.
 *
 * @param paths paths for which `readerCanRead` holds
 */
export function compileReader(paths: readonly FieldPath[]): CompiledReader | undefined {
  // Each distinct read: the object it reads (by the reads leading to it) and a key.
  const reads = new Map<string, number>();
  let prelude = '';
  /** The variable holding a read's value, declared (with what it needs) on first use. */
  const readOf = (parent: number, key: string): number => {
    const id = `${parent}\u0000${key}`;
    let r = reads.get(id);
    if (r === undefined) {
      r = reads.size + 1;
      reads.set(id, r);
      const from = parent === 0 ? 'e' : `o${parent}`;
      prelude += parent === 0 ? `var v${r} = e[${literal(key)}];\n` : `var v${r} = ${from} === undefined ? undefined : ${from}[${literal(key)}];\n`;
    }
    return r;
  };
  /** Reads whose value is looked into: they get an object variable, undefined unless a (non-array) object. */
  const objects = new Set<number>();
  const objectOf = (r: number): string => {
    if (!objects.has(r)) {
      objects.add(r);
      prelude += `var o${r} = typeof v${r} === "object" && v${r} !== null && !Array.isArray(v${r}) ? v${r} : undefined;\n`;
    }
    return `o${r}`;
  };
  let body = '';
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    const end = path.segmentCount;
    // The walk from level `seg` of the object read by `parent` (0: the event); sets f.
    const walk = (seg: number, parent: number): string => {
      const keys = path.levelKeys[seg];
      const alternatives = keys.map((k, c) => ({ r: readOf(parent, k), next: path.levelNext[seg][c] }));
      const follow = (r: number, next: number): string => {
        if (next === end) {
          return `f = P[${i}].settle(v${r});\n`;
        }
        const inner = objectOf(r);
        return `if (${inner} !== undefined) {\n${walk(next, r)}} else if (Array.isArray(v${r})) { f = hold(v${r}) ? ${UNDECIDED} : ${NOTHING}; }\n`
          + `else { f = ${NOTHING}; }\n`;
      };
      if (alternatives.length === 0) {
        return `f = ${NOTHING};\n`;
      }
      let code = '';
      if (alternatives.length > 1) {
        code += `if (${alternatives.map((a) => `(v${a.r} !== undefined ? 1 : 0)`).join(' + ')} > 1) { f = ${UNDECIDED}; }\nelse `;
      }
      alternatives.forEach((a) => {
        code += `if (v${a.r} !== undefined) {\n${follow(a.r, a.next)}} else `;
      });
      return `${code}{ f = ${NOTHING}; }\n`;
    };
    body += `f = ${NOTHING};\n${walk(0, 0)}P[${i}].stamp = s; P[${i}].found = f;\n`;
    if (reads.size > MAX_READER_READS) {
      return undefined;
    }
  }
  const factory = make<(P: readonly FieldPath[]) => CompiledReader>(['P'],
    () => `return function read(e, s, hold) {\nvar f;\n${prelude}${body}};\n`);
  return factory?.(paths);
}
