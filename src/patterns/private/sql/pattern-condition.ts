/**
 * One event pattern as one SQL condition over a CloudTrail record, with the semantics of the
 * engine's `matchesEvent` on the EventBridge envelope of the record (src/cli/cloudtrail-envelope.ts).
 *
 * The pattern is compiled by the engine (`checkPatternText`: `$or` expanded into sub-rules, each a
 * map from field name to value tests) and each sub-rule becomes a condition; the pattern matches
 * when one sub-rule does.
 *
 * Values under arrays: the engine chooses, field by field in name order, a value for each field (or
 * its absence, for `exists: false`) such that values drawn from objects inside arrays come from the
 * same array element wherever two fields' paths share that array (event-ruler's array consistency).
 * Two fields' values are consistent exactly when they come from the same object at the deepest
 * path the two share (arrays there opened), so the condition enumerates the objects ("instances")
 * at each such shared path and tests the fields within one instance. An absence is judged, as in
 * the engine, only against the choices of the fields before it in name order.
 */
import { sqlAnd as and, SqlDialect, sqlOr as or } from './sql-dialect';
import { SqlValue, valueTestSql } from './value-tests';
import { checkPatternText } from '../../engine/pattern-check';
import { fieldsInNumericMachines } from '../../engine/shared-byte-machines';
import { ValuePattern } from '../../engine/value-patterns';

/** The envelope fields as SQL (VARCHAR; `time` may be NULL: a record without eventTime has none). */
export interface EnvelopeSql {
  readonly version: string;
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
}

/**
 * The record's values as per-record columns the statement computes once (each dialect decides
 * how: DuckDB reads every path in one multi-path `json_extract`, Trino member by member).
 * Paths are keys under `detail`, at least one.
 */
export interface RecordPaths {
  /**
   * A field's values: `fast` is true when no array lies on the path: then the field has a value
   * only if `leaf` is a scalar (reached through objects); otherwise `list` holds its values.
   */
  values(path: readonly string[]): { fast: string; leaf: string; list: string };
  /** The objects at a path (arrays opened), as a list column. */
  instances(path: readonly string[]): string;
  /** Why the dialect cannot read this path exactly, if it cannot (e.g. no such column in Athena). */
  limitation(path: readonly string[], tests: readonly ValuePattern[]): string | undefined;
}

/** The result for one pattern. */
export interface PatternCondition {
  readonly sql: string;
  /** Why the condition may answer differently than EventBridge (empty when exact). */
  readonly limitations: string[];
}

type Mode = 'value' | 'absent' | 'either';

interface Field {
  readonly name: string;
  /** Keys under `detail`. */
  readonly path: readonly string[];
  readonly tests: readonly ValuePattern[];
  readonly valueTests: readonly ValuePattern[];
  readonly allowsAbsence: boolean;
  readonly numericMachine: boolean;
}

interface PlacedField extends Field {
  readonly mode: 'value' | 'absent';
}

/** Mixed fields (`exists: false` plus value tests) split into both cases at most this many times per sub-rule. */
const MAX_SPLIT_FIELDS = 10;

/**
 * The keys a field name is read through: the name split at every dot, empty parts kept, as the
 * engine's `FieldPath` reads it (`a.` is `a` then the empty key, which no record has).
 */
function splitName(name: string): string[] {
  return name.split('.');
}

/** Compiles a valid pattern into its sub-rules (throws the engine's findings when invalid). */
export function compileSubRules(patternJson: string): { subRules: readonly ReadonlyMap<string, readonly ValuePattern[]>[]; numeric: Set<string>[] } {
  // The length quota is the caller's to check (it is adjustable); any length is translated.
  const outcome = checkPatternText(patternJson, Number.MAX_SAFE_INTEGER);
  if (!outcome.compiled) {
    throw new Error(outcome.errors.join('\n'));
  }
  const subRules = outcome.compiled.subRules;
  return { subRules, numeric: fieldsInNumericMachines(subRules) };
}

/** Builds pattern conditions for one dialect and one record access. */
export class PatternConditionBuilder {
  /**
   * @param share turns a condition on the record into a per-record column (computed once however
   *   many sub-rules and patterns use it) and returns the column's name
   */
  constructor(private readonly d: SqlDialect, private readonly envelope: EnvelopeSql, private readonly paths: RecordPaths,
    private readonly share: (condition: string) => string = (c) => c) {}

  /** The condition for a pattern (JSON text of a valid pattern). */
  public build(patternJson: string): PatternCondition {
    const { subRules, numeric } = compileSubRules(patternJson);
    const limitations = new Set<string>();
    const rules = subRules.map((rule, r) => {
      const fields: Field[] = [];
      const envelopeTests: string[] = [];
      for (const [name, tests] of rule) {
        const valueTests = tests.filter((p) => !(p.kind === 'exists' && !p.exists));
        const allowsAbsence = valueTests.length < tests.length;
        const parts = splitName(name);
        if (parts.length > 1 && parts[0] === 'detail') {
          const path = parts.slice(1);
          const limitation = this.paths.limitation(path, tests);
          if (limitation !== undefined) limitations.add(limitation);
          fields.push({ name, path, tests, valueTests, allowsAbsence, numericMachine: numeric[r].has(name) });
        } else {
          envelopeTests.push(this.shared(this.envelopeField(parts, valueTests, allowsAbsence, numeric[r].has(name))));
        }
      }
      fields.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      return and([...envelopeTests, this.detailFields(fields)]);
    });
    return { sql: or(rules), limitations: [...limitations] };
  }

  /** A field of the envelope: one string value (or, for `time`, none), never in an array. */
  private envelopeField(parts: readonly string[], valueTests: readonly ValuePattern[], allowsAbsence: boolean, numericMachine: boolean): string {
    const e = this.envelope;
    const scalar = parts.length !== 1 ? undefined
      : parts[0] === 'version' ? e.version : parts[0] === 'id' ? e.id : parts[0] === 'detail-type' ? e.detailType
        : parts[0] === 'source' ? e.source : parts[0] === 'account' ? e.account : parts[0] === 'region' ? e.region
          : parts[0] === 'time' ? e.time : undefined;
    if (scalar === undefined) {
      // No value: `resources` is empty, `detail` an object, any other name absent.
      return allowsAbsence ? 'TRUE' : 'FALSE';
    }
    const value: SqlValue = { text: scalar };
    const test = valueTests.length > 0 ? valueTestSql(this.d, value, valueTests, numericMachine) : 'FALSE';
    if (parts[0] === 'time') {
      return or([allowsAbsence ? `${scalar} IS NULL` : 'FALSE', and([`${scalar} IS NOT NULL`, test])]);
    }
    return test;
  }

  /** The fields under `detail` of one sub-rule (sorted by name). */
  private detailFields(fields: readonly Field[]): string {
    if (fields.length === 0) return 'TRUE';
    const shares = (f: Field) => fields.some((g) => g !== f && commonNodeLength(f.path, g.path) >= 1);
    const split = fields.filter((f) => f.allowsAbsence && f.valueTests.length > 0 && shares(f));
    if (split.length > MAX_SPLIT_FIELDS) {
      throw new Error(`CloudTrailQuery: a sub-rule has ${split.length} fields that allow absence beside value tests and share arrays with other fields; at most ${MAX_SPLIT_FIELDS} are supported.`);
    }
    const cases: string[] = [];
    for (let mask = 0; mask < 2 ** split.length; mask++) {
      const modes = new Map<Field, Mode>();
      for (const f of fields) {
        const s = split.indexOf(f);
        modes.set(f, s >= 0 ? (Math.floor(mask / 2 ** s) % 2 === 1 ? 'value' : 'absent') : f.allowsAbsence ? (f.valueTests.length > 0 ? 'either' : 'absent') : 'value');
      }
      cases.push(this.detailCase(fields, modes));
    }
    return or(cases);
  }

  private detailCase(fields: readonly Field[], modes: Map<Field, Mode>): string {
    const standalone: string[] = [];
    const placed: PlacedField[] = [];
    for (const f of fields) {
      const mode = modes.get(f)!;
      if (mode === 'either') {
        // Shares no object with another field: its absence and its values are independent.
        standalone.push(this.shared(or([this.rootNoValue(f.path), this.rootHasValue(f)])));
      } else {
        placed.push({ ...f, mode });
      }
    }
    // Paths whose objects must be enumerated: the deepest shared node of a value field and another field.
    const nodes = new Map<string, readonly string[]>();
    for (const f of placed) {
      if (f.mode !== 'value') continue;
      for (const g of placed) {
        if (g === f) continue;
        const c = commonNodeLength(f.path, g.path);
        if (c >= 1) nodes.set(key(f.path.slice(0, c)), f.path.slice(0, c));
      }
    }
    const nodeList = [...nodes.values()];
    const parentOf = (path: readonly string[]) => deepestPrefix(nodeList, path, path.length - 1);
    // Value fields sit in their deepest enumerated node; an absence in the deepest node it shares
    // with a value field before it in name order.
    const at = new Map<string, { values: PlacedField[]; absences: PlacedField[] }>();
    const slot = (node: readonly string[] | undefined) => {
      const k = node === undefined ? '' : key(node);
      let s = at.get(k);
      if (s === undefined) {
        s = { values: [], absences: [] };
        at.set(k, s);
      }
      return s;
    };
    placed.forEach((f, i) => {
      if (f.mode === 'value') {
        slot(deepestPrefix(nodeList, f.path, f.path.length - 1)).values.push(f);
      } else {
        let scope: readonly string[] | undefined;
        for (const g of placed.slice(0, i)) {
          if (g.mode !== 'value') continue;
          const c = commonNodeLength(f.path, g.path);
          if (c >= 1 && (scope === undefined || c > scope.length)) scope = f.path.slice(0, c);
        }
        slot(scope).absences.push(f);
      }
    });
    const children = (node: readonly string[] | undefined) =>
      nodeList.filter((n) => (node === undefined ? parentOf(n) === undefined : parentOf(n) !== undefined && key(parentOf(n)!) === key(node)));
    const within = (node: readonly string[], instance: string): string => {
      const s = slot(node);
      const parts: string[] = [
        ...s.values.map((f) => this.d.anyMatch(this.valuesUnder(instance, f.path.slice(node.length)), (v) => this.test(f, v))),
        ...s.absences.map((f) => this.d.isEmpty(this.valuesUnder(instance, f.path.slice(node.length)))),
        ...children(node).map((c) => this.d.anyMatch(this.instancesUnder(instance, c.slice(node.length)), (j) => within(c, j))),
      ];
      return and(parts);
    };
    // Without arrays on any path below a node (the usual record), each node is one object: the
    // fields are tested on the record's columns directly, no instance enumerated.
    const below = (node: readonly string[]): PlacedField[] => {
      const s = slot(node);
      return [...s.values, ...s.absences, ...children(node).flatMap(below)];
    };
    const flat = (node: readonly string[]): string => {
      const inside = below(node);
      const noArrays = and(inside.map((f) => this.paths.values(f.path).fast));
      const tests = and(inside.map((f) => {
        const v = this.paths.values(f.path);
        return f.mode === 'value' ? `(${this.scalarTest(f, v.leaf)})` : `NOT (${this.d.isScalar(v.leaf)})`;
      }));
      return `CASE WHEN ${noArrays} THEN ${tests} ELSE ${this.d.anyMatch(this.rootInstances(node), (j) => within(node, j))} END`;
    };
    const root = slot(undefined);
    return and([
      ...standalone,
      ...root.values.map((f) => this.shared(this.rootHasValue(f))),
      ...root.absences.map((f) => this.shared(this.rootNoValue(f.path))),
      ...children(undefined).map((c) => this.shared(flat(c))),
    ]);
  }

  /** A condition as a shared column, unless it is a constant. */
  private shared(condition: string): string {
    return condition === 'TRUE' || condition === 'FALSE' ? condition : this.share(condition);
  }

  /**
   * Whether a path's leaf column is a scalar that passes the field's tests. A test that asks the
   * value's JSON type (string, number, true, false, null) passes only scalars by itself; only an
   * `anything-but` (which passes values of other types) and `exists` need the scalar check.
   */
  private scalarTest(f: Field, leaf: string): string {
    const typed = f.valueTests.every((p) => !p.kind.startsWith('anything-but') && p.kind !== 'exists');
    return typed ? this.test(f, leaf) : `${this.d.isScalar(leaf)} AND ${this.test(f, leaf)}`;
  }

  private test(f: Field, v: string): string {
    return valueTestSql(this.d, { json: v }, f.valueTests, f.numericMachine);
  }

  /** Whether some value of the field (from the record) passes its tests. */
  private rootHasValue(f: Field): string {
    const v = this.paths.values(f.path);
    return `CASE WHEN ${v.fast} THEN ${this.scalarTest(f, v.leaf)} ELSE ${this.d.anyMatch(v.list, (x) => this.test(f, x))} END`;
  }

  /** Whether the field has no value in the record. */
  private rootNoValue(path: readonly string[]): string {
    const v = this.paths.values(path);
    return `CASE WHEN ${v.fast} THEN NOT (${this.d.isScalar(v.leaf)}) ELSE ${this.d.isEmpty(v.list)} END`;
  }

  /** The objects at a path of the record (arrays opened). */
  private rootInstances(path: readonly string[]): string {
    return this.paths.instances(path);
  }

  private valuesUnder(instance: string, path: readonly string[]): string {
    return this.d.scalars(this.d.steps(this.d.list([instance]), path));
  }

  private instancesUnder(instance: string, path: readonly string[]): string {
    return this.d.objects(this.d.steps(this.d.list([instance]), path));
  }
}

/** Length of the deepest path both fields' values lie strictly below. */
function commonNodeLength(a: readonly string[], b: readonly string[]): number {
  let c = 0;
  while (c < a.length && c < b.length && a[c] === b[c]) c++;
  return Math.min(c, a.length - 1, b.length - 1);
}

/** The longest node of the list that is a prefix of `path` no longer than `maxLength`. */
function deepestPrefix(nodes: readonly (readonly string[])[], path: readonly string[], maxLength: number): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  for (const n of nodes) {
    if (n.length <= maxLength && n.length < path.length + 1 && n.every((k, i) => path[i] === k) && (best === undefined || n.length > best.length)) {
      best = n;
    }
  }
  return best;
}

function key(path: readonly string[]): string {
  return JSON.stringify(path);
}
