import { EventPatternMatcher } from './engine/event-pattern-matcher';
import { IamEventPattern } from './iam-event-pattern';
import { invalidInput } from '../private/invalid-input';
import { buildStatement, DialectName, StatementOptions, STATEMENT_LIMITS } from './private/sql/query-statement';

/**
 * Where the SQL of a `CloudTrailQuery` runs: Amazon Athena over the organization trail's table,
 * CloudTrail Lake over an event data store, or DuckDB over CloudTrail's files on disk.
 */
export class QueryDialect {
  /** Amazon Athena (engine version 3, Trino SQL) over the documented CloudTrail table with partition projection. */
  public static readonly ATHENA = new QueryDialect('athena');
  /** CloudTrail Lake over an event data store of CloudTrail events (Trino SQL; reads `eventjson`). */
  public static readonly CLOUDTRAIL_LAKE = new QueryDialect('cloudtrail-lake');
  /** DuckDB over CloudTrail's log files (`read_json` of `{"Records": [...]}`, gzipped or not). */
  public static readonly DUCKDB = new QueryDialect('duckdb');

  /**
   * The dialect of this name: `athena`, `cloudtrail-lake` or `duckdb`.
   */
  public static of(name: string): QueryDialect {
    const dialect = [QueryDialect.ATHENA, QueryDialect.CLOUDTRAIL_LAKE, QueryDialect.DUCKDB].find((d) => d.name === name);
    if (dialect === undefined) {
      throw invalidInput('QueryDialect.of', `'${name}' is not a query dialect.`, 'use athena, cloudtrail-lake or duckdb.');
    }
    return dialect;
  }

  private constructor(
    /** The dialect's name, as the command line spells it. */
    public readonly name: string) {}
}

/** An event pattern and the name the rows it matches carry. */
export interface NamedEventPattern {
  /** Name of the pattern (a preset or rule name): the `pattern_name` of its rows. */
  readonly name: string;
  /** The event pattern as JSON text, as a rule uses it (`IamEventPattern.toJson()`). */
  readonly pattern: string;
}

/** What to query. */
export interface CloudTrailQueryOptions {
  /** The SQL dialect. */
  readonly dialect: QueryDialect;
  /**
   * Athena: the table (`database.table`); CloudTrail Lake: the event data store id; DuckDB: a path
   * or glob of CloudTrail log files.
   *
   * @default - Athena `cloudtrail_logs`; DuckDB every `.json.gz` file under `AWSLogs/`; required for CloudTrail Lake
   */
  readonly table?: string;
  /**
   * Earliest event time, inclusive: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
   *
   * @default - no lower bound
   */
  readonly since?: string;
  /**
   * Latest event time, exclusive: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ` (UTC).
   *
   * @default - no upper bound
   */
  readonly until?: string;
  /**
   * Only events of these accounts (the envelope's `account`, CloudTrail's `recipientAccountId`).
   *
   * @default - every account
   */
  readonly accounts?: string[];
  /**
   * Only events recorded in these regions (CloudTrail's `awsRegion`).
   *
   * @default - every region
   */
  readonly regions?: string[];
}

/** One statement of a query, and the patterns it answers for. */
export interface CloudTrailQueryStatement {
  /** The SQL statement (same rows as `CloudTrailQueryResult.sql`, for these patterns). */
  readonly sql: string;
  /** The names of the patterns it holds, in the order given. */
  readonly patternNames: string[];
}

/** The generated SQL, and whether it answers exactly as EventBridge. */
export interface CloudTrailQueryResult {
  /**
   * One SQL statement for all the patterns; its rows: eventid, pattern_name, eventtime, eventname,
   * account, region, principal, read_only. It may be longer than the service accepts: run
   * `statements`.
   */
  readonly sql: string;
  /**
   * The same query as statements the service accepts, to run one after the other: each at most the
   * dialect's documented statement length (CloudTrail Lake's StartQuery: 10,000 characters;
   * Athena's StartQueryExecution: 262,144 bytes; DuckDB: no limit), the patterns split among them
   * in the order given, each pattern in exactly one. Just `sql` when it fits.
   */
  readonly statements: CloudTrailQueryStatement[];
  /**
   * Patterns whose statement alone is longer than the dialect accepts (each still has a statement
   * of its own in `statements`, which the service refuses): query them with another dialect.
   * Empty when every statement fits.
   */
  readonly oversizedPatterns: string[];
  /** Whether every pattern is translated exactly (same matches as EventBridge, record for record). */
  readonly exact: boolean;
  /** Why not, one reason per pattern and cause (`<name>: <reason>`); empty when exact. */
  readonly inexactReasons: string[];
}

const DEFAULT_ATHENA_TABLE = 'cloudtrail_logs';
const DEFAULT_DUCKDB_FILES = 'AWSLogs/**/*.json.gz';
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Event patterns as one SQL query over CloudTrail records: the rows are the records each pattern
 * matches, read as EventBridge would deliver them, so one scan backtests every pattern at once.
 *
 * Where a dialect cannot express a pattern exactly (Athena's table lacks a field, for example),
 * the result says so: `exact` is false and `inexactReasons` tells why.
 *
 * @example
 * const query = patterns.CloudTrailQuery.forIamEventPattern('changes', patterns.IamEventPattern.changes(), {
 *   dialect: patterns.QueryDialect.ATHENA, table: 'security.cloudtrail_logs', since: '2024-01-01',
 * });
 * console.log(query.sql);
 */
export class CloudTrailQuery {
  /**
   * The query for several named patterns: one row per record and pattern it matches.
   *
   * @throws when a pattern is invalid, two share a name, or an option is malformed
   */
  public static forPatterns(patterns: NamedEventPattern[], options: CloudTrailQueryOptions): CloudTrailQueryResult {
    const where = 'CloudTrailQuery.forPatterns';
    if (patterns.length === 0) throw invalidInput(where, 'no patterns were given.', 'pass at least one NamedEventPattern.');
    const names = new Set<string>();
    for (const p of patterns) {
      if (names.has(p.name)) throw invalidInput(where, `two patterns are named '${p.name}'.`, 'give each pattern its own name: it is the pattern_name of its rows.');
      names.add(p.name);
      // Same validation as a rule: an invalid pattern fails with EventBridge's reason.
      EventPatternMatcher._compile(p.pattern, { maxPatternLength: Number.MAX_SAFE_INTEGER }, where, `pattern '${p.name}': `);
    }
    const dialect = options.dialect.name as DialectName;
    const statementOptions: StatementOptions = {
      dialect,
      source: tableOf(dialect, options.table, where),
      since: timeOf(options.since, 'since', where),
      until: timeOf(options.until, 'until', where),
      accounts: checked(options.accounts, /^\d{12}$/, 'accounts', 'a 12-digit account id', where),
      regions: checked(options.regions, /^[a-z]{2}(-[a-z]+)+-\d+$/, 'regions', 'a region name such as us-east-1', where),
    };
    const statement = buildStatement(patterns, statementOptions);
    const { statements, oversized } = withinLimit(patterns, statement.sql, statementOptions);
    return {
      sql: statement.sql,
      statements,
      oversizedPatterns: oversized,
      exact: statement.inexactReasons.length === 0,
      inexactReasons: statement.inexactReasons,
    };
  }

  /** The query for one pattern, given as JSON text. */
  public static forPattern(name: string, patternJson: string, options: CloudTrailQueryOptions): CloudTrailQueryResult {
    return CloudTrailQuery.forPatterns([{ name, pattern: patternJson }], options);
  }

  /** The query for one `IamEventPattern`. */
  public static forIamEventPattern(name: string, pattern: IamEventPattern, options: CloudTrailQueryOptions): CloudTrailQueryResult {
    return CloudTrailQuery.forPatterns([{ name, pattern: pattern.toJson() }], options);
  }

  private constructor() {}
}

/**
 * The patterns' statements within the dialect's limit: patterns are added in order to a statement
 * while it fits (each addition measured on the statement as written), then a new one begins.
 */
function withinLimit(patterns: readonly NamedEventPattern[], all: string, options: StatementOptions)
  : { statements: CloudTrailQueryStatement[]; oversized: string[] } {
  const limit = STATEMENT_LIMITS[options.dialect];
  const names = (group: readonly NamedEventPattern[]) => group.map((p) => p.name);
  if (limit === undefined || limit.size(all) <= limit.max) return { statements: [{ sql: all, patternNames: names(patterns) }], oversized: [] };
  const statements: CloudTrailQueryStatement[] = [];
  const oversized: string[] = [];
  let group: NamedEventPattern[] = [];
  let groupSql = '';
  for (const p of patterns) {
    const sql = buildStatement([...group, p], options).sql;
    if (limit.size(sql) <= limit.max) {
      group.push(p);
      groupSql = sql;
      continue;
    }
    if (group.length > 0) statements.push({ sql: groupSql, patternNames: names(group) });
    const alone = group.length > 0 ? buildStatement([p], options).sql : sql;
    if (limit.size(alone) <= limit.max) {
      group = [p];
      groupSql = alone;
    } else {
      statements.push({ sql: alone, patternNames: [p.name] });
      oversized.push(p.name);
      group = [];
    }
  }
  if (group.length > 0) statements.push({ sql: groupSql, patternNames: names(group) });
  return { statements, oversized };
}

function tableOf(dialect: DialectName, table: string | undefined, where: string): string {
  switch (dialect) {
    case 'duckdb':
      return table ?? DEFAULT_DUCKDB_FILES;
    case 'athena': {
      const name = table ?? DEFAULT_ATHENA_TABLE;
      if (!/^("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)(\.("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)){0,2}$/.test(name)) {
        throw invalidInput(where, `table '${name}' is not a table name.`, 'give the table as name, database.name or catalog.database.name (quote a name with double quotes).');
      }
      return name;
    }
    default:
      if (table === undefined || !/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(table)) {
        throw invalidInput(where, `CloudTrail Lake needs the event data store id as table, got ${table === undefined ? 'none' : `'${table}'`}.`,
          'pass table: the last part of the event data store ARN (aws cloudtrail list-event-data-stores).');
      }
      return table;
  }
}

/** A time bound as `YYYY-MM-DDTHH:MM:SSZ`, the form CloudTrail writes eventTime in (so strings compare as times). */
function timeOf(value: string | undefined, option: string, where: string): string | undefined {
  if (value === undefined) return undefined;
  const text = DAY.test(value) ? `${value}T00:00:00Z` : value;
  if (!SECOND.test(text) || Number.isNaN(Date.parse(text)) || new Date(Date.parse(text)).toISOString().replace('.000Z', 'Z') !== text) {
    throw invalidInput(where, `${option} '${value}' is not a UTC date or time.`, `write ${option} as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ.`);
  }
  return text;
}

function checked(values: string[] | undefined, pattern: RegExp, option: string, what: string, where: string): string[] | undefined {
  for (const v of values ?? []) {
    if (!pattern.test(v)) throw invalidInput(where, `${option} holds '${v}', which is not ${what}.`, `list only ${what}s in ${option}.`);
  }
  return values;
}
