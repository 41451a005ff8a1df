/**
 * The whole statement: where the records come from (a dialect's table, or DuckDB's `read_json`
 * over CloudTrail's files), the EventBridge envelope of each record, one condition per pattern,
 * and one output row per record and pattern that matches it (`pattern_name` says which).
 *
 * The envelope follows src/cli/cloudtrail-envelope.ts (`envelopeForRecord`, `principalOf`,
 * `isReadOnlyManagementEvent`): the SQL and the native backtest must agree on it exactly.
 */
import { ATHENA_COLUMNS, CLOUDTRAIL_LAKE_RECORD_COLUMN, duckDbReadRecords, SqlField } from './cloudtrail-tables';
import { EnvelopeSql, PatternConditionBuilder, RecordPaths } from './pattern-condition';
import { DuckDbDialect, SqlDialect, sqlString, TrinoDialect } from './sql-dialect';
import { ValuePattern } from '../../engine/value-patterns';

export type DialectName = 'athena' | 'cloudtrail-lake' | 'duckdb';

/**
 * How long a statement each dialect's service takes (DuckDB: any length), how to measure it, and
 * its name in messages. CloudTrail Lake: StartQuery's `QueryStatement` holds at most 10,000
 * characters (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_StartQuery.html).
 * Athena: StartQueryExecution's `QueryString` at most 262,144 bytes
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html).
 */
export const STATEMENT_LIMITS: Readonly<Record<DialectName, {
  readonly max: number;
  readonly size: (sql: string) => number;
  readonly description: string;
} | undefined>> = {
  'cloudtrail-lake': { max: 10_000, size: (sql) => sql.length, description: "CloudTrail Lake's StartQuery limit of 10,000 characters" },
  'athena': { max: 262_144, size: (sql) => Buffer.byteLength(sql, 'utf8'), description: "Athena's StartQueryExecution limit of 262,144 bytes" },
  'duckdb': undefined,
};

/** A pattern with the name its rows carry. */
export interface NamedPattern {
  readonly name: string;
  readonly pattern: string;
}

/** What to read, and which part of it. */
export interface StatementOptions {
  readonly dialect: DialectName;
  /** Athena: table name; CloudTrail Lake: event data store id; DuckDB: files (paths or globs). */
  readonly source: string | readonly string[];
  /** Inclusive, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly since?: string;
  /** Exclusive, `YYYY-MM-DDTHH:MM:SSZ`. */
  readonly until?: string;
  readonly accounts?: readonly string[];
  readonly regions?: readonly string[];
  /**
   * DuckDB only: instead of a row per match, the counts a backtest report is built from (see
   * `BACKTEST_COLUMNS`), by file.
   */
  readonly backtest?: boolean;
}

/**
 * Columns of the backtest form: `kind` `file` rows give per file the entries and the CloudTrail
 * records (`n`) read and their first and last day; `match` rows count (`n`) the matches of a
 * pattern by event name, principal, day and read-only flag.
 */
export const BACKTEST_COLUMNS = ['kind', 'filename', 'entries', 'pattern_name', 'eventname', 'principal', 'day', 'read_only', 'n', 'first_day', 'last_day'] as const;

/** The statement, and per pattern why it may not be exact. */
export interface Statement {
  readonly sql: string;
  /** `<pattern name>: <reason>`, one entry per distinct reason. */
  readonly inexactReasons: string[];
}

/** Result columns, in order. */
export const RESULT_COLUMNS = ['eventid', 'pattern_name', 'eventtime', 'eventname', 'account', 'region', 'principal', 'read_only'] as const;

const ZERO_ID = '00000000-0000-0000-0000-000000000000';
const UNKNOWN_ACCOUNT = '000000000000';
const API_CALL = 'AWS API Call via CloudTrail';
const SIGN_IN = 'AWS Console Sign In via CloudTrail';
const SERVICE_EVENT = 'AWS Service Event via CloudTrail';
const CONSOLE_ACTION = 'AWS Console Action via CloudTrail';
/** Services whose events reach EventBridge only in us-east-1 (cloudtrail-envelope.ts). */
const GLOBAL_EVENT_SOURCES = ['iam.amazonaws.com', 'organizations.amazonaws.com'];


/** Per-record columns of path values, registered as the conditions ask for them. */
abstract class PathColumns implements RecordPaths {
  protected readonly columns = new Map<string, { name: string; path: readonly string[] }>();
  private readonly valueColumns = new Map<string, { n: number; path: readonly string[] }>();
  private readonly instanceColumns = new Map<string, { n: number; path: readonly string[] }>();

  constructor(protected readonly d: SqlDialect) {}

  public column(path: readonly string[]): string {
    const k = JSON.stringify(path);
    let c = this.columns.get(k);
    if (c === undefined) {
      // A path's parent is bound before it: a dialect reads a member from its parent's column.
      if (path.length > 1) this.column(path.slice(0, -1));
      const n = this.columns.size + 1;
      c = { name: `p${n}`, path };
      this.columns.set(k, c);
      this.d.registerColumn(c.name, `t${n}`, `s${n}`);
    }
    return c.name;
  }

  /** The column bound to a path's parent (the record for a top-level key). */
  protected parentColumn(path: readonly string[]): string {
    return path.length === 1 ? 'rec' : this.column(path.slice(0, -1));
  }

  public values(path: readonly string[]): { fast: string; leaf: string; list: string } {
    const n = this.listNumber(this.valueColumns, path);
    return { fast: `f${n}`, leaf: this.column(path), list: `l${n}` };
  }

  public instances(path: readonly string[]): string {
    return `i${this.listNumber(this.instanceColumns, path)}`;
  }

  /** The number of a path's list column in `lists`, registering it (and the path's columns) on first use. */
  private listNumber(lists: Map<string, { n: number; path: readonly string[] }>, path: readonly string[]): number {
    const k = JSON.stringify(path);
    let c = lists.get(k);
    if (c === undefined) {
      c = { n: lists.size + 1, path };
      lists.set(k, c);
      // Registers the path's prefixes too, parents first.
      this.column(path);
    }
    return c.n;
  }

  /**
   * Walks a path with the per-record columns of its prefixes: while they are objects the next
   * column is read; at an array the rest of the path is walked through its elements.
   */
  private walk(path: readonly string[], atArray: (list: string, rest: readonly string[]) => string,
    atEnd: (leaf: string) => string, otherwise: string): string {
    const d = this.d;
    const branches: string[] = [];
    for (let j = 0; j < path.length - 1; j++) {
      const p = this.column(path.slice(0, j + 1));
      branches.push(`WHEN ${d.isArray(p)} THEN ${atArray(d.openArrays(d.list([p])), path.slice(j + 1))}`);
      branches.push(`WHEN NOT ${d.isObject(p)} THEN ${otherwise}`);
    }
    const end = atEnd(this.column(path));
    return branches.length === 0 ? end : `CASE ${branches.join(' ')} ELSE ${end} END`;
  }

  /** The value and instance list columns (`fN`, `lN`, `iN`), over the path and type columns. */
  public listDefinitions(): string[] {
    const d = this.d;
    const empty = d.emptyJsonList();
    const out: string[] = [];
    // A path without arrays on it (the usual case) is read from its columns alone: `fN` says so,
    // and the lists (`lN`, `iN`) are only built for records where it does not hold.
    const noArrays = (path: readonly string[]) => path.map((_, j) => `NOT ${d.isArray(this.column(path.slice(0, j + 1)))}`).join(' AND ');
    for (const { n, path } of this.valueColumns.values()) {
      const list = this.walk(path,
        (l, rest) => d.scalars(d.steps(l, rest)),
        (leaf) => `CASE WHEN ${d.isArray(leaf)} THEN ${d.scalars(d.openArrays(d.list([leaf])))} ELSE ${empty} END`,
        empty);
      out.push(`${noArrays(path)} AS f${n}`, `CASE WHEN ${noArrays(path)} THEN NULL ELSE ${list} END AS l${n}`);
    }
    for (const { n, path } of this.instanceColumns.values()) {
      const leaf = this.column(path);
      out.push(`CASE WHEN ${noArrays(path)} THEN CASE WHEN ${d.isObject(leaf)} THEN ${d.list([leaf])} ELSE ${empty} END ELSE ${this.walk(path,
        (l, rest) => d.objects(d.steps(l, rest)),
        (x) => `CASE WHEN ${d.isArray(x)} THEN ${d.objects(d.openArrays(d.list([x])))} WHEN ${d.isObject(x)} THEN ${d.list([x])} ELSE ${empty} END`,
        empty)} END AS i${n}`);
    }
    return out;
  }

  /** The type code and string columns (`tN`, `sN`) of path columns that the SQL reads. */
  protected typeDefinitions(columns: readonly { name: string }[], part: 'type' | 'text' | 'both' = 'both'): string[] {
    return columns.flatMap((c) => {
      const n = c.name.slice(1);
      const out: string[] = [];
      if (part !== 'text' && this.d.isRead(`t${n}`)) out.push(`${this.d.typeCode(c.name)} AS t${n}`);
      if (part !== 'type' && this.d.isRead(`s${n}`)) out.push(`${this.d.stringValue(c.name)} AS s${n}`);
      return out;
    });
  }

  public limitation(_path: readonly string[], _tests: readonly ValuePattern[]): string | undefined {
    return undefined;
  }

  /**
   * The path columns and their type and string columns, as SELECT lists of successive layers: a
   * layer reads only the record and the columns of the layers before it, so that each path is
   * bound once and a member is read from its parent's column rather than from the record again.
   */
  public abstract layers(): string[][];
}

/**
 * Trino: one path depth per layer, each member read from its parent's column (whose type is
 * known by then), then the type and string columns of that depth.
 */
abstract class TrinoPaths extends PathColumns {
  public layers(): string[][] {
    const all = [...this.columns.values()];
    const depth = Math.max(0, ...all.map((c) => c.path.length));
    // Written first, so that the type columns they read are known to be read.
    const strings = this.typeDefinitions(all, 'text');
    const members = all.map((c) => `${c.path.length === 1 ? this.topLevel(c.path[0]) : this.d.member(this.parentColumn(c.path), c.path[c.path.length - 1])} AS ${c.name}`);
    const out: string[][] = [];
    for (let n = 1; n <= depth; n++) {
      const level = all.filter((c) => c.path.length === n);
      out.push(members.filter((_, i) => all[i].path.length === n));
      out.push(this.typeDefinitions(level, 'type'));
    }
    // A string column reads its type column: after all of them.
    out.push(strings);
    return out.filter((layer) => layer.length > 0);
  }

  /** A top-level key of the record, as JSON. */
  protected abstract topLevel(key: string): string;
}

/** DuckDB: every path of a record read in one `json_extract` with a list of JSON Pointers (one parse). */
class DuckDbPaths extends PathColumns {
  public layers(): string[][] {
    const all = [...this.columns.values()];
    const pointers = all.map((c) => sqlString('/' + c.path.map((k) => k.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')));
    const typed = this.typeDefinitions(all);
    return [[`json_extract(rec, [${pointers.join(', ')}]) AS px`, ...all.map((c, i) => `px[${i + 1}] AS ${c.name}`)], ...(typed.length > 0 ? [typed] : [])];
  }
}

/** Trino over a JSON record (`rec`, an object: CloudTrail Lake's `eventjson` parsed). */
class TrinoJsonPaths extends TrinoPaths {
  protected topLevel(key: string): string {
    return this.d.member('rec', key, true);
  }
}

/**
 * Athena: the record is typed columns; a path starts at the column of its first key, as JSON
 * (structs become objects of the fields the record has, with the record's own key spelling).
 */
class AthenaPaths extends TrinoPaths {
  /** A column as JSON; a key the table has no column for reads as NULL. */
  protected topLevel(key: string): string {
    const top = ATHENA_COLUMNS.find((f) => f.recordKey === key);
    return top === undefined ? 'CAST(NULL AS JSON)' : typedToJson(top, top.name);
  }

  public limitation(path: readonly string[], tests: readonly ValuePattern[]): string | undefined {
    const where = `detail.${path.join('.')}`;
    let fields: readonly SqlField[] = ATHENA_COLUMNS;
    for (let i = 0; i < path.length; i++) {
      const field = fields.find((f) => f.recordKey === path[i]);
      if (field === undefined) {
        return `the Athena CloudTrail table has no column for ${where} (${i === 0 ? 'no such column' : `no field ${path[i]} in ${path.slice(0, i).join('.')}`}), so its values are not read`;
      }
      if (field.storage === 'map') return `${where} is in a map<string,string> column in Athena, which loses the JSON types of its values`;
      if (field.storage === 'json-text') {
        // Below the column, the JSON text is read exactly; at the column itself a JSON null reads as NULL.
        return i === path.length - 1 && tests.some(distinguishesNull)
          ? `${where} is a JSON text column in Athena, where a JSON null and a missing field both read as NULL`
          : undefined;
      }
      if (field.type.kind === 'struct') {
        fields = field.type.fields;
      } else if (field.type.kind === 'array' && field.type.element.kind === 'struct') {
        fields = field.type.element.fields;
      } else {
        return undefined;
      }
    }
    return undefined;
  }
}

/** Tests whose answer differs between a JSON null and a missing field. */
function distinguishesNull(p: ValuePattern): boolean {
  return p.kind === 'exists' || (p.kind === 'exact-literal' && p.value === null) || p.kind.startsWith('anything-but');
}

/** A typed Athena column (or struct field) as JSON, with the record's key spelling; NULL stays NULL. */
function typedToJson(field: SqlField, expr: string): string {
  switch (field.storage) {
    case 'json-text': return `json_parse(${expr})`;
    case 'boolean-text': return `CAST(CAST(${expr} AS BOOLEAN) AS JSON)`;
    case 'map': return `CAST(${expr} AS JSON)`;
    default:
  }
  const type = field.type;
  if (type.kind === 'struct') return structToJson(type.fields, expr);
  if (type.kind === 'array' && type.element.kind === 'struct') {
    const element = type.element;
    return `CAST(transform(${expr}, e -> ${structToJson(element.fields, 'e', true)}) AS JSON)`;
  }
  return `CAST(${expr} AS JSON)`;
}

function structToJson(fields: readonly SqlField[], expr: string, asMap = false): string {
  const keys = fields.map((f) => sqlString(f.recordKey)).join(', ');
  const values = fields.map((f) => typedToJson(f, `${expr}.${f.name}`)).join(', ');
  const object = `CAST(map_filter(MAP(ARRAY[${keys}], ARRAY[${values}]), (k, v) -> v IS NOT NULL) AS JSON)`;
  return asMap ? object : `CASE WHEN ${expr} IS NOT NULL THEN ${object} END`;
}

/** The statement for the patterns. Throws the engine's findings for an invalid pattern. */
export function buildStatement(patterns: readonly NamedPattern[], options: StatementOptions): Statement {
  const d: SqlDialect = options.dialect === 'duckdb' ? new DuckDbDialect() : new TrinoDialect();
  const paths: PathColumns = options.dialect === 'duckdb' ? new DuckDbPaths(d)
    : options.dialect === 'athena' ? new AthenaPaths(d) : new TrinoJsonPaths(d);
  const typed = options.dialect === 'athena';
  // The record fields as SQL values (JSON of a path, or the typed column in Athena).
  const json = (...path: string[]) => paths.column(path);
  const str = (...path: string[]) => (typed ? athenaString(path) : d.stringOf(json(...path)));
  const eventSource = str('eventSource');
  const eventType = str('eventType');
  // The envelope is computed once per record (columns e_*), then tested by every pattern.
  const envelopeSql: EnvelopeSql = {
    version: "'0'",
    id: `coalesce(${str('eventID')}, ${sqlString(ZERO_ID)})`,
    detailType: `CASE ${eventType} WHEN 'AwsApiCall' THEN ${sqlString(API_CALL)} WHEN 'AwsConsoleSignIn' THEN ${sqlString(SIGN_IN)} `
      + `WHEN 'AwsConsoleSignin' THEN ${sqlString(SIGN_IN)} WHEN 'AwsServiceEvent' THEN ${sqlString(SERVICE_EVENT)} `
      + `WHEN 'AwsConsoleAction' THEN ${sqlString(CONSOLE_ACTION)} `
      + `ELSE CASE WHEN ${eventSource} = 'signin.amazonaws.com' THEN ${sqlString(SIGN_IN)} ELSE ${sqlString(API_CALL)} END END`,
    source: `'aws.' || split_part(${eventSource}, '.', 1)`,
    account: typed
      ? `coalesce(recipientaccountid, useridentity.accountid, ${sqlString(UNKNOWN_ACCOUNT)})`
      : `coalesce(${str('recipientAccountId')}, CASE WHEN ${d.isObject(json('userIdentity'))} THEN ${str('userIdentity', 'accountId')} END, ${sqlString(UNKNOWN_ACCOUNT)})`,
    time: str('eventTime'),
    region: `CASE WHEN ${eventSource} IN (${GLOBAL_EVENT_SOURCES.map(sqlString).join(', ')}) THEN 'us-east-1' ELSE coalesce(${str('awsRegion')}, 'us-east-1') END`,
  };
  const envelope: EnvelopeSql = {
    version: "'0'", id: 'e_id', detailType: 'e_detail_type', source: 'e_source', account: 'e_account', time: 'e_time', region: 'e_region',
  };
  // Each distinct condition on a record is one column of the `tests` layer.
  const shared = new Map<string, string>();
  const share = (condition: string) => {
    let column = shared.get(condition);
    if (column === undefined) {
      column = `c${shared.size + 1}`;
      shared.set(condition, column);
    }
    return column;
  };
  const builder = new PatternConditionBuilder(d, envelope, paths, share);
  const reasons: string[] = [];
  const names = new Set<string>();
  const conditions = patterns.map((p) => {
    if (names.has(p.name)) throw new Error(`two patterns are named '${p.name}'`);
    names.add(p.name);
    const condition = builder.build(p.pattern);
    for (const reason of condition.limitations) reasons.push(`${p.name}: ${reason}`);
    return `CASE WHEN ${condition.sql} THEN ${sqlString(p.name)} END`;
  });
  const output = outputColumns(d, typed, str, json, envelope);
  const envelopeColumns = [
    `${envelopeSql.id} AS e_id`, `${envelopeSql.detailType} AS e_detail_type`, `${envelopeSql.source} AS e_source`,
    `${envelopeSql.account} AS e_account`, `${envelopeSql.time} AS e_time`, `${envelopeSql.region} AS e_region`,
  ];
  const recordFilter = typed
    ? ['eventsource IS NOT NULL', 'eventname IS NOT NULL']
    : [`${eventSource} IS NOT NULL`, `${str('eventName')} IS NOT NULL`, `${json('detail-type')} IS NULL`];
  const rowFilters = [...recordFilter, ...rowScope(options, str, envelope)];
  const nameList = d.list(conditions);
  const outputList = RESULT_COLUMNS.filter((c) => c !== 'pattern_name').map((c) => `${output[c]} AS ${c}`);
  // Everything above registered the paths it reads; now the columns can be listed.
  // The list columns read type columns: written before the layers that compute only those read.
  const listColumns = paths.listDefinitions();
  const [pathColumns = [], ...laterColumns] = paths.layers();
  const layers: string[] = [];
  laterColumns.forEach((columns, i) => {
    layers.push(`), fields${i + 2} AS (`, `  SELECT ${['*', ...columns].join(',\n    ')}`, `  FROM fields${i === 0 ? '' : i + 1}`);
  });
  layers.push(
    '), envelope AS (',
    `  SELECT ${['*', ...envelopeColumns, ...listColumns].join(',\n    ')}`,
    `  FROM fields${laterColumns.length === 0 ? '' : laterColumns.length + 1}`,
    '), tests AS (',
    `  SELECT ${['*', ...[...shared].map(([condition, column]) => `${condition} AS ${column}`)].join(',\n    ')}`,
    '  FROM envelope',
  );
  // The path columns over the records (after the columns kept from them), then the later layers.
  const fieldsLines = (kept: readonly string[]) => [
    '), fields AS (', `  SELECT ${[...kept, ...pathColumns].join(',\n    ')}`, '  FROM records', ...layers,
  ];
  // A row per record and pattern it matches; `unnest` opens the list of names in the dialect's words.
  const resultLines = (unnest: string) => [
    '), matched AS (',
    `  SELECT ${outputList.join(',\n    ')},\n    ${nameList} AS pattern_names`,
    '  FROM tests',
    `  WHERE ${rowFilters.join('\n    AND ')}`,
    ')',
    `SELECT ${RESULT_COLUMNS.join(', ')}`,
    unnest,
    'WHERE pattern_name IS NOT NULL',
  ];
  const lines: string[] = [];
  lines.push('-- Generated by cdk-iam-change-alerts: one row per CloudTrail record and event pattern it matches,');
  lines.push('-- read as EventBridge would deliver the record (source, detail-type, account, region, detail).');
  if (options.dialect === 'duckdb' && options.backtest === true) {
    const files = typeof options.source === 'string' ? [options.source] : options.source;
    const isRecord = `coalesce(${recordFilter.join(' AND ')}, false)`;
    const day = "CASE WHEN regexp_matches(eventtime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN substr(eventtime, 1, 10) ELSE 'unknown' END";
    lines.push('WITH files AS (');
    lines.push(`  SELECT filename, Records FROM ${duckDbReadRecords(files, true)}`);
    lines.push('), records AS (');
    // A document without Records gives one NULL entry (not a record), so that its file is read natively.
    lines.push('  SELECT filename, unnest(CASE WHEN Records IS NULL THEN [NULL::JSON] ELSE Records END) AS rec FROM files');
    lines.push(...fieldsLines(['filename', 'rec']));
    lines.push('), matched AS (');
    lines.push(`  SELECT filename, ${isRecord} AS is_record, ${outputList.join(',\n    ')},\n    ${nameList} AS pattern_names`);
    lines.push('  FROM tests');
    lines.push('), counted AS (');
    // One row per entry with no pattern (for the file's totals), and one per pattern it matches.
    lines.push('  SELECT filename, is_record, pattern_name, CASE WHEN pattern_name IS NULL THEN NULL ELSE eventname END AS eventname,');
    lines.push(`    CASE WHEN pattern_name IS NULL THEN NULL ELSE principal END AS principal, ${day} AS day,`);
    lines.push('    CASE WHEN pattern_name IS NULL THEN NULL ELSE read_only END AS read_only');
    lines.push('  FROM (SELECT *, unnest(CASE WHEN is_record THEN list_prepend(NULL, list_filter(pattern_names, lambda x: x IS NOT NULL)) ELSE [NULL] END) AS pattern_name FROM matched)');
    lines.push(')');
    // Matches are counted over all files (the caller runs the query again without a file that is
    // not all CloudTrail records); the per-file rows tell which files those are.
    lines.push("SELECT CASE WHEN pattern_name IS NULL THEN 'file' ELSE 'match' END AS kind, CASE WHEN pattern_name IS NULL THEN filename END AS filename, count(*) AS entries,");
    lines.push('  pattern_name, eventname, principal, CASE WHEN pattern_name IS NULL THEN NULL ELSE day END AS day, read_only,');
    lines.push("  count(*) FILTER (WHERE is_record) AS n, min(day) FILTER (WHERE is_record AND day <> 'unknown') AS first_day,");
    lines.push("  max(day) FILTER (WHERE is_record AND day <> 'unknown') AS last_day");
    lines.push('FROM counted');
    lines.push('GROUP BY CASE WHEN pattern_name IS NULL THEN filename END, pattern_name, eventname, principal, CASE WHEN pattern_name IS NULL THEN NULL ELSE day END, read_only');
  } else if (options.dialect === 'duckdb') {
    const files = typeof options.source === 'string' ? [options.source] : options.source;
    lines.push('WITH files AS (');
    lines.push(`  SELECT Records FROM ${duckDbReadRecords(files)}`);
    lines.push('), records AS (');
    lines.push('  SELECT rec FROM files, unnest(files.Records) AS r(rec)');
    lines.push(...fieldsLines(['rec']), ...resultLines('FROM matched, unnest(matched.pattern_names) AS u(pattern_name)'));
  } else {
    const source = typeof options.source === 'string' ? options.source : options.source.join(', ');
    const partition = options.dialect === 'athena' ? athenaPartitionFilters(options) : lakeFilters(options);
    const base = options.dialect === 'athena' ? '*' : `*, json_parse(${CLOUDTRAIL_LAKE_RECORD_COLUMN}) AS rec`;
    lines.push('WITH records AS (');
    lines.push(`  SELECT ${base}`);
    lines.push(`  FROM ${source}`);
    if (partition.length > 0) lines.push(`  WHERE ${partition.join('\n    AND ')}`);
    lines.push(...fieldsLines(['*']), ...resultLines('FROM matched CROSS JOIN UNNEST(pattern_names) AS u(pattern_name)'));
  }
  return { sql: lines.join('\n') + '\n', inexactReasons: reasons };
}

/** A typed Athena string column for a record path of plain keys. */
function athenaString(path: readonly string[]): string {
  let fields: readonly SqlField[] = ATHENA_COLUMNS;
  const names: string[] = [];
  for (const k of path) {
    const f = fields.find((x) => x.recordKey === k);
    if (f === undefined) return 'CAST(NULL AS VARCHAR)';
    names.push(f.name);
    fields = f.type.kind === 'struct' ? f.type.fields : [];
  }
  return names.join('.');
}

type StringOf = (...path: string[]) => string;

function outputColumns(d: SqlDialect, typed: boolean, str: StringOf, json: StringOf, envelope: EnvelopeSql): Record<string, string> {
  const nonEmpty = (e: string) => `coalesce(${e}, '') <> ''`;
  const hasIdentity = typed ? 'useridentity IS NOT NULL' : d.isObject(json('userIdentity'));
  // principalOf: the role of a role session, else the ARN, else the calling service, else the type.
  const issuerArn = typed ? 'useridentity.sessioncontext.sessionissuer.arn' : str('userIdentity', 'sessionContext', 'sessionIssuer', 'arn');
  const principal = `CASE WHEN NOT (${hasIdentity}) THEN '(no userIdentity)' `
    + `WHEN ${str('userIdentity', 'type')} = 'AssumedRole' AND ${nonEmpty(issuerArn)} THEN ${issuerArn} `
    + `WHEN ${nonEmpty(str('userIdentity', 'arn'))} THEN ${str('userIdentity', 'arn')} `
    + `WHEN ${str('userIdentity', 'invokedBy')} IS NOT NULL THEN ${str('userIdentity', 'invokedBy')} `
    + `WHEN ${str('userIdentity', 'type')} IS NOT NULL THEN '(' || ${str('userIdentity', 'type')} || ')' ELSE '(unknown)' END`;
  // isReadOnlyManagementEvent: readOnly true (or "true"), managementEvent not false. Athena's table
  // has no managementEvent column: eventCategory (Management for management events) stands in.
  const readOnly = typed
    ? "(readonly = 'true' AND coalesce(eventcategory, 'Management') = 'Management')"
    : `((${d.isTrue(json('readOnly'))} OR ${str('readOnly')} = 'true') AND NOT (${d.isBoolean(json('managementEvent'))} AND NOT ${d.isTrue(json('managementEvent'))}))`;
  return {
    eventid: envelope.id,
    eventtime: envelope.time,
    eventname: str('eventName'),
    account: envelope.account,
    region: envelope.region,
    principal,
    read_only: `coalesce(${readOnly}, false)`,
  };
}

/** Filters every dialect applies to the rows: the time range, accounts and regions. */
function rowScope(options: StatementOptions, str: StringOf, envelope: EnvelopeSql): string[] {
  const filters: string[] = [];
  if (options.since !== undefined) filters.push(`${envelope.time} >= ${sqlString(options.since)}`);
  if (options.until !== undefined) filters.push(`${envelope.time} < ${sqlString(options.until)}`);
  if (options.accounts !== undefined && options.accounts.length > 0) filters.push(`${envelope.account} IN (${options.accounts.map(sqlString).join(', ')})`);
  if (options.regions !== undefined && options.regions.length > 0) filters.push(`${str('awsRegion')} IN (${options.regions.map(sqlString).join(', ')})`);
  return filters;
}

/** `YYYY/MM/DD` of a UTC time, for the `timestamp` partition. */
function partitionDay(time: string, plusDays = 0): string {
  const t = new Date(Date.parse(time) + plusDays * 86400000);
  return t.toISOString().slice(0, 10).replace(/-/g, '/');
}

/**
 * The partition projection columns bound the scan: `timestamp` is the day CloudTrail delivered the
 * file (UTC), at most minutes after the event, so the range is widened by a day at its end.
 */
function athenaPartitionFilters(options: StatementOptions): string[] {
  const filters: string[] = [];
  if (options.since !== undefined) filters.push(`"timestamp" >= ${sqlString(partitionDay(options.since))}`);
  if (options.until !== undefined) filters.push(`"timestamp" <= ${sqlString(partitionDay(options.until, 1))}`);
  if (options.accounts !== undefined && options.accounts.length > 0) filters.push(`account IN (${options.accounts.map(sqlString).join(', ')})`);
  if (options.regions !== undefined && options.regions.length > 0) filters.push(`region IN (${options.regions.map(sqlString).join(', ')})`);
  return filters;
}

/** CloudTrail Lake bills and prunes by `eventtime`. */
function lakeFilters(options: StatementOptions): string[] {
  const ts = (t: string) => `TIMESTAMP ${sqlString(t.replace('T', ' ').replace(/Z$/, ''))}`;
  const filters: string[] = [];
  if (options.since !== undefined) filters.push(`eventtime >= ${ts(options.since)}`);
  if (options.until !== undefined) filters.push(`eventtime < ${ts(options.until)}`);
  return filters;
}
