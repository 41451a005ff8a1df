/**
 * The SQL each dialect writes for the few operations the generated query needs: reading JSON values
 * (object members, array elements, the JSON type of a value), lists with lambdas, and string tests.
 *
 * Two families: DuckDB (its `json` extension: JSON Pointer paths, `json_type`) and Trino (Amazon
 * Athena engine version 3 and CloudTrail Lake run Trino SQL: `json_extract`, `json_format`,
 * `CAST(... AS ARRAY(JSON))`, `any_match`). Every value read from a record is a JSON value; a test
 * asks its JSON type first, so a string test never matches a number, as in EventBridge.
 *
 * @see https://duckdb.org/docs/stable/data/json/json_functions
 * @see https://trino.io/docs/current/functions/json.html
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-limitations.html (CloudTrail Lake: all Trino functions)
 */

/** A SQL string literal. */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Conditions joined with OR; constant TRUE and FALSE parts are folded away. */
export function sqlOr(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== 'FALSE');
  if (kept.includes('TRUE')) return 'TRUE';
  if (kept.length === 0) return 'FALSE';
  return kept.length === 1 ? kept[0] : `(${kept.join(' OR ')})`;
}

/** Conditions joined with AND; constant TRUE and FALSE parts are folded away. */
export function sqlAnd(parts: readonly string[]): string {
  const kept = parts.filter((p) => p !== 'TRUE');
  if (kept.includes('FALSE')) return 'FALSE';
  if (kept.length === 0) return 'TRUE';
  return kept.length === 1 ? kept[0] : `(${kept.join(' AND ')})`;
}

/** How deep arrays nested directly in arrays are opened (`[[["x"]]]` is 3). */
export const ARRAY_NESTING_OPENED = 4;

export abstract class SqlDialect {
  /** Whether this is the Trino family (Athena, CloudTrail Lake). */
  public abstract readonly trino: boolean;
  /**
   * Per-record columns holding the JSON type code and string of a path column (`typeCode`,
   * `stringValue` computed once per record rather than in each test).
   */
  private readonly known = new Map<string, { type: string; text: string }>();
  /** The type and string columns the SQL written so far reads. */
  private readonly read = new Set<string>();
  private lambdaCount = 0;

  /** Notes that `json` (a column) has its type code in column `type` and its string in `text`. */
  public registerColumn(json: string, type: string, text: string): void {
    this.known.set(json, { type, text });
  }

  /** The type code column of a registered column (noted as read), else undefined. */
  protected typeColumn(json: string): string | undefined {
    const column = this.known.get(json)?.type;
    if (column !== undefined) this.read.add(column);
    return column;
  }

  /** The string column of a registered column (noted as read), else undefined. */
  protected textColumn(json: string): string | undefined {
    const column = this.known.get(json)?.text;
    if (column !== undefined) this.read.add(column);
    return column;
  }

  /** Whether SQL written so far reads this type or string column (only those are computed). */
  public isRead(column: string): boolean {
    return this.read.has(column);
  }

  /** The SQL of the type code of a JSON value (see `typeIs`); never NULL. */
  public abstract typeCode(json: string): string;

  /** The string of a JSON string value, else NULL. */
  public abstract stringValue(json: string): string;

  /** A fresh lambda variable name. */
  public variable(): string {
    this.lambdaCount++;
    return `x${this.lambdaCount}`;
  }

  /** `lambda v: body` / `v -> body`. */
  public abstract lambda(v: string, body: string): string;

  /** Whether some element of a list satisfies `test(v)`. */
  public abstract anyMatch(list: string, test: (v: string) => string): string;

  /** Whether a list is empty. */
  public abstract isEmpty(list: string): string;

  /** `[a, b]`. */
  public abstract list(items: readonly string[]): string;

  /** An empty list of JSON. */
  public abstract emptyJsonList(): string;

  /** Each element mapped. */
  public abstract transform(list: string, map: (v: string) => string): string;

  /** The elements that satisfy `test`. */
  public abstract filter(list: string, test: (v: string) => string): string;

  /** A list of lists, concatenated. */
  public abstract flatten(list: string): string;

  /** The number of elements of a list. */
  public abstract listLength(list: string): string;

  /** A text split at each `separator` (a list of texts). */
  public abstract split(text: string, separator: string): string;

  /** A list of texts concatenated. */
  public abstract concat(list: string): string;

  /** The JSON type tests of a JSON value (false for SQL NULL). */
  public abstract isObject(json: string): string;
  public abstract isArray(json: string): string;
  public abstract isString(json: string): string;
  public abstract isNumber(json: string): string;
  public abstract isBoolean(json: string): string;
  public abstract isNullLiteral(json: string): string;
  /** Whether a JSON value is `true` (a JSON boolean). */
  public abstract isTrue(json: string): string;

  /** The text of a JSON string value (only meaningful when `isString`). */
  public abstract stringOf(json: string): string;
  /** A JSON number as DOUBLE (only meaningful when `isNumber`). */
  public abstract numberOf(json: string): string;
  /** The JSON text of a number (what an address test walks). */
  public abstract numberText(json: string): string;

  /**
   * The member `key` of a JSON value that is an object, else NULL. `isObject`: the value is known
   * to be an object (a CloudTrail record), so its type is not asked.
   */
  public abstract member(json: string, key: string, isObject?: boolean): string;

  /** The elements of a JSON array (only meaningful when `isArray`). */
  public abstract elements(json: string): string;

  /** `text LIKE pattern ESCAPE '\'` (the pattern already escaped). */
  public like(text: string, pattern: string): string {
    return `${text} LIKE ${sqlString(pattern)} ESCAPE '\\'`;
  }

  /** Whether the whole text matches an RE2/Java-compatible regular expression. */
  public abstract fullMatch(text: string, regex: string): string;

  /** The length of a string in UTF-16 units is what the engine compares; both engines count code points. */
  public abstract length(text: string): string;

  /** A list's arrays opened (each element that is a JSON array replaced by its elements), `ARRAY_NESTING_OPENED` times. */
  public openArrays(list: string): string {
    let result = list;
    for (let i = 0; i < ARRAY_NESTING_OPENED; i++) {
      result = this.flatten(this.transform(result, (v) => this.elementsOrSelf(v)));
    }
    return result;
  }

  /** A JSON array's elements, any other value as a list of itself. */
  protected elementsOrSelf(v: string): string {
    return `CASE WHEN ${this.isArray(v)} THEN ${this.elements(v)} ELSE ${this.list([v])} END`;
  }

  /** The members `key` of the objects of a list, arrays among them opened. */
  public step(list: string, key: string): string {
    return this.openArrays(this.filter(this.transform(list, (v) => this.member(v, key)), (v) => `${v} IS NOT NULL`));
  }

  /** `step` for each key of a path. */
  public steps(list: string, path: readonly string[]): string {
    let result = list;
    for (const k of path) result = this.step(result, k);
    return result;
  }

  /** The scalars of a list (strings, numbers, booleans, null): the values a field has. */
  public scalars(list: string): string {
    return this.filter(list, (v) => `NOT ${this.isObject(v)} AND NOT ${this.isArray(v)}`);
  }

  /** The objects of a list. */
  public objects(list: string): string {
    return this.filter(list, (v) => this.isObject(v));
  }

  /** Whether a JSON value is present and a scalar. */
  public isScalar(json: string): string {
    return `NOT ${this.isObject(json)} AND NOT ${this.isArray(json)} AND ${json} IS NOT NULL`;
  }
}

/** DuckDB 1.x with its bundled `json` extension. */
export class DuckDbDialect extends SqlDialect {
  public readonly trino = false;

  public lambda(v: string, body: string): string {
    return `lambda ${v}: ${body}`;
  }

  public anyMatch(list: string, test: (v: string) => string): string {
    const v = this.variable();
    return `len(list_filter(${list}, ${this.lambda(v, test(v))})) > 0`;
  }

  public isEmpty(list: string): string {
    return `len(${list}) = 0`;
  }

  public list(items: readonly string[]): string {
    return `[${items.join(', ')}]`;
  }

  public emptyJsonList(): string {
    return '[]::JSON[]';
  }

  public transform(list: string, map: (v: string) => string): string {
    const v = this.variable();
    return `list_transform(${list}, ${this.lambda(v, map(v))})`;
  }

  public filter(list: string, test: (v: string) => string): string {
    const v = this.variable();
    return `list_filter(${list}, ${this.lambda(v, test(v))})`;
  }

  public flatten(list: string): string {
    return `flatten(${list})`;
  }

  public listLength(list: string): string {
    return `len(${list})`;
  }

  public split(text: string, separator: string): string {
    return `string_split(${text}, ${sqlString(separator)})`;
  }

  public concat(list: string): string {
    return `array_to_string(${list}, '')`;
  }

  public typeCode(json: string): string {
    return `coalesce(json_type(${json}), '')`;
  }

  public stringValue(json: string): string {
    return `CASE WHEN json_type(${json}) = 'VARCHAR' THEN json_extract_string(${json}, '$') END`;
  }

  private typeIs(json: string, types: readonly string[]): string {
    const column = this.typeColumn(json);
    const list = types.map((t) => `'${t}'`).join(', ');
    if (column !== undefined) return types.length === 1 ? `${column} = ${list}` : `${column} IN (${list})`;
    return `coalesce(json_type(${json}) ${types.length === 1 ? `= ${list}` : `IN (${list})`}, false)`;
  }

  public isObject(json: string): string {
    return this.typeIs(json, ['OBJECT']);
  }

  public isArray(json: string): string {
    return this.typeIs(json, ['ARRAY']);
  }

  public isString(json: string): string {
    return this.typeIs(json, ['VARCHAR']);
  }

  public isNumber(json: string): string {
    return this.typeIs(json, ['BIGINT', 'UBIGINT', 'DOUBLE']);
  }

  public isBoolean(json: string): string {
    return this.typeIs(json, ['BOOLEAN']);
  }

  public isNullLiteral(json: string): string {
    return this.typeIs(json, ['NULL']);
  }

  public isTrue(json: string): string {
    return `(${this.typeIs(json, ['BOOLEAN'])} AND CAST(${json} AS VARCHAR) = 'true')`;
  }

  public stringOf(json: string): string {
    return this.textColumn(json) ?? `json_extract_string(${json}, '$')`;
  }

  public numberOf(json: string): string {
    return `TRY_CAST(${json} AS DOUBLE)`;
  }

  public numberText(json: string): string {
    return `CAST(${json} AS VARCHAR)`;
  }

  public member(json: string, key: string, isObject = false): string {
    // A JSON Pointer (RFC 6901) names any key; `~` and `/` are escaped. Read only from objects: on
    // an array a pointer would index it.
    const pointer = '/' + key.replace(/~/g, '~0').replace(/\//g, '~1');
    const read = `json_extract(${json}, ${sqlString(pointer)})`;
    return isObject ? read : `CASE WHEN ${this.isObject(json)} THEN ${read} END`;
  }

  public elements(json: string): string {
    return `json_extract(${json}, '$[*]')`;
  }

  public fullMatch(text: string, regex: string): string {
    return `regexp_full_match(${text}, ${sqlString(regex)})`;
  }

  public length(text: string): string {
    return `length(${text})`;
  }
}

/** Trino SQL, as Amazon Athena (engine version 3) and CloudTrail Lake run it. */
export class TrinoDialect extends SqlDialect {
  public readonly trino = true;

  public lambda(v: string, body: string): string {
    return `${v} -> ${body}`;
  }

  public anyMatch(list: string, test: (v: string) => string): string {
    const v = this.variable();
    return `coalesce(any_match(${list}, ${this.lambda(v, test(v))}), false)`;
  }

  public isEmpty(list: string): string {
    return `cardinality(${list}) = 0`;
  }

  public list(items: readonly string[]): string {
    return `ARRAY[${items.join(', ')}]`;
  }

  public emptyJsonList(): string {
    return 'CAST(ARRAY[] AS ARRAY(JSON))';
  }

  public transform(list: string, map: (v: string) => string): string {
    const v = this.variable();
    return `transform(${list}, ${this.lambda(v, map(v))})`;
  }

  public filter(list: string, test: (v: string) => string): string {
    const v = this.variable();
    return `filter(${list}, ${this.lambda(v, test(v))})`;
  }

  public flatten(list: string): string {
    return `flatten(${list})`;
  }

  public listLength(list: string): string {
    return `cardinality(${list})`;
  }

  public split(text: string, separator: string): string {
    return `split(${text}, ${sqlString(separator)})`;
  }

  public concat(list: string): string {
    return `array_join(${list}, '')`;
  }

  /** A JSON array's elements, any other value as a list of itself (a cast to ARRAY(JSON) succeeds exactly for arrays). */
  protected elementsOrSelf(v: string): string {
    return `coalesce(TRY_CAST(${v} AS ARRAY(JSON)), ARRAY[${v}])`;
  }

  /** `json_format` gives a value's JSON text; its first character tells the type. */
  public typeCode(json: string): string {
    return `coalesce(substr(json_format(${json}), 1, 1), '')`;
  }

  public stringValue(json: string): string {
    return `CASE WHEN ${this.isString(json)} THEN json_extract_scalar(${json}, '$') END`;
  }

  private first(json: string): string {
    return this.typeColumn(json) ?? this.typeCode(json);
  }

  public isObject(json: string): string {
    return `${this.first(json)} = '{'`;
  }

  public isArray(json: string): string {
    return `${this.first(json)} = '['`;
  }

  public isString(json: string): string {
    return `${this.first(json)} = '"'`;
  }

  public isNumber(json: string): string {
    return `${this.first(json)} IN ('-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9')`;
  }

  public isBoolean(json: string): string {
    return `${this.first(json)} IN ('t', 'f')`;
  }

  public isNullLiteral(json: string): string {
    return `${this.first(json)} = 'n'`;
  }

  public isTrue(json: string): string {
    return `${this.first(json)} = 't'`;
  }

  public stringOf(json: string): string {
    return this.textColumn(json) ?? `json_extract_scalar(${json}, '$')`;
  }

  public numberOf(json: string): string {
    return `TRY_CAST(json_format(${json}) AS DOUBLE)`;
  }

  public numberText(json: string): string {
    return `json_format(${json})`;
  }

  public member(json: string, key: string, isObject = false): string {
    // A plain name reads with a JSON path; any other key through the object cast to a map.
    const read = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
      ? `json_extract(${json}, ${sqlString(`$.${key}`)})`
      : `element_at(TRY_CAST(${json} AS MAP(VARCHAR, JSON)), ${sqlString(key)})`;
    return isObject ? read : `CASE WHEN ${this.isObject(json)} THEN ${read} END`;
  }

  public elements(json: string): string {
    return `CAST(${json} AS ARRAY(JSON))`;
  }

  public fullMatch(text: string, regex: string): string {
    // \A and \z: the whole text. `$` would also match before a final line break (Trino's regex
    // library, as Java's), so `^(?:x)$` matches "x\n".
    return `regexp_like(${text}, ${sqlString(`\\A(?:${regex})\\z`)})`;
  }

  public length(text: string): string {
    return `length(${text})`;
  }
}
