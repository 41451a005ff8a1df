/**
 * CloudTrail records loaded into Trino tables of the documented schemas, as the services store
 * them, so the generated athena and cloudtrail-lake SQL runs on what it would read in AWS:
 *
 * - `athena`: the columns of Athena's CloudTrail table (src/patterns/private/sql/cloudtrail-tables.ts)
 *   as Hive's JsonSerDe fills them from a record: a STRING column holds a JSON string as is and any
 *   other JSON value as its JSON text (objects in `requestparameters` & co. are JSON text, a boolean
 *   `readonly` is `true`/`false`); a STRUCT holds an object's fields by (case-insensitive) name; a
 *   MAP<STRING,STRING> holds an object's values as text; a value of another shape, null or a missing
 *   key is NULL. The partition columns are what the record's S3 key would say: `account` (the
 *   envelope's account: `recipientAccountId`), `region` (`awsRegion`) and `timestamp` (`yyyy/MM/dd`
 *   of `eventTime`, UTC).
 * - `cloudtrail-lake`: the event data store columns, with `eventjson` the whole record as JSON text
 *   and `eventtime` a TIMESTAMP.
 *
 * Rows go in as JSON text cast to the table's ROW type (Trino matches JSON keys to ROW fields by
 * name, case-insensitively).
 */
import { TrinoClient } from './trino-client';
import {
  ATHENA_COLUMNS, ATHENA_PARTITION_COLUMNS, CLOUDTRAIL_LAKE_COLUMNS, CLOUDTRAIL_LAKE_RECORD_COLUMN, SqlField, SqlType,
  trinoCreateTableSql, trinoType,
} from '../../src/patterns/private/sql/cloudtrail-tables';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A record's value as Hive's JsonSerDe stores it in a column of `type` (undefined and null: NULL). */
function stored(value: unknown, type: SqlType): Json {
  if (value === undefined || value === null) return null;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : JSON.stringify(value);
    case 'boolean':
      return typeof value === 'boolean' ? value : value === 'true' ? true : value === 'false' ? false : null;
    case 'double':
    case 'integer':
      return typeof value === 'number' ? value : null;
    case 'timestamp':
      return typeof value === 'string' ? value : null;
    case 'map': {
      if (!isObject(value)) return null;
      const map: Record<string, Json> = {};
      for (const [key, v] of Object.entries(value)) map[key] = stored(v, { kind: 'string' });
      return map;
    }
    case 'array':
      return Array.isArray(value) ? value.map((element) => stored(element, type.element)) : null;
    case 'struct':
      return isObject(value) ? structValue(value, type.fields) : null;
  }
}

/** An object's fields by SQL name; the record's key is matched case-insensitively, as the SerDe does. */
function structValue(value: Record<string, unknown>, fields: readonly SqlField[]): { [key: string]: Json } {
  const byLowerKey = new Map<string, unknown>();
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    if (!byLowerKey.has(lower)) byLowerKey.set(lower, v);
  }
  const row: { [key: string]: Json } = {};
  for (const field of fields) {
    row[field.name] = stored(byLowerKey.get(field.recordKey.toLowerCase()), field.type);
  }
  return row;
}

/**
 * Whether the table can hold the record as CloudTrail writes it: an object (or null) where the
 * table has a STRUCT, an array (or null) where it has an ARRAY, an object (or null) where it has a
 * MAP, at every level (Athena's SerDe cannot read anything else into those types), and a JSON
 * boolean in `readonly`, a STRING of `true`/`false` in the documented table (a string "true"
 * would be stored the same, so the table could not tell them apart), and a string where the table
 * has a STRING column of the record's values (the SerDe stores any other JSON value as its JSON
 * text, which then reads as a string: `12`, `[...]` and `{...}` would be tested as text). No
 * CloudTrail record breaks this (`userIdentity` is always an object, `readOnly` a boolean,
 * `sourceIPAddress` and the other STRING fields strings); generated records may, and the athena
 * proof leaves them out.
 */
export function fitsAthenaTable(record: Record<string, unknown>): boolean {
  return fitsFields(record, ATHENA_COLUMNS);
}

function fitsFields(value: Record<string, unknown>, fields: readonly SqlField[]): boolean {
  const byLowerKey = new Map(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
  return fields.every((field) => {
    const v = byLowerKey.get(field.recordKey.toLowerCase());
    if (field.storage === 'boolean-text') return v === undefined || v === null || typeof v === 'boolean';
    if (field.storage === 'value' && field.type.kind === 'string') return v === undefined || v === null || typeof v === 'string';
    return fitsType(v, field.type);
  });
}

function fitsType(value: unknown, type: SqlType): boolean {
  if (value === undefined || value === null) return true;
  switch (type.kind) {
    case 'struct': return isObject(value) && fitsFields(value, type.fields);
    case 'array': return Array.isArray(value) && value.every((element) => fitsType(element, type.element));
    case 'map': return isObject(value);
    default: return true;
  }
}

/** The account a record's log file lies under: as the engine's envelope names it. */
export function accountPartition(record: Record<string, unknown>): string {
  if (typeof record.recipientAccountId === 'string') return record.recipientAccountId;
  const identity = record.userIdentity;
  return isObject(identity) && typeof identity.accountId === 'string' ? identity.accountId : '000000000000';
}

/** `yyyy/MM/dd` (UTC) of the record's eventTime; a record without a readable one is filed under 2024/01/01. */
export function dayPartition(record: Record<string, unknown>): string {
  const time = typeof record.eventTime === 'string' ? Date.parse(record.eventTime) : NaN;
  const day = new Date(Number.isNaN(time) ? Date.UTC(2024, 0, 1) : time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${day.getUTCFullYear()}/${pad(day.getUTCMonth() + 1)}/${pad(day.getUTCDate())}`;
}

/** One row of the athena table, as JSON text: the columns, then the partition columns. */
export function athenaRow(record: Record<string, unknown>): string {
  const row = structValue(record, ATHENA_COLUMNS);
  row.account = accountPartition(record);
  row.region = typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1';
  row.timestamp = dayPartition(record);
  return JSON.stringify(row);
}

/** One row of the event data store, as JSON text (`eventtime` as text; the INSERT converts it). */
export function lakeRow(record: Record<string, unknown>): string {
  const fields = CLOUDTRAIL_LAKE_COLUMNS.filter((c) => c.recordKey !== '');
  const row = structValue(record, fields);
  row[CLOUDTRAIL_LAKE_RECORD_COLUMN] = JSON.stringify(record);
  row.eventjsonchecksum = null;
  return JSON.stringify(row);
}

/** A SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * The Trino ROW type the JSON rows are cast to. Timestamps are read as VARCHAR there and converted
 * in the INSERT (Trino cannot cast JSON to TIMESTAMP).
 */
function loadType(columns: readonly SqlField[], partitionColumns: readonly string[]): string {
  const asText = (type: SqlType): SqlType => {
    switch (type.kind) {
      case 'timestamp': return { kind: 'string' };
      case 'array': return { kind: 'array', element: asText(type.element) };
      case 'struct': return { kind: 'struct', fields: type.fields.map((f) => ({ ...f, type: asText(f.type) })) };
      default: return type;
    }
  };
  const fields = [
    ...columns.map((c) => `"${c.name}" ${trinoType(asText(c.type))}`),
    ...partitionColumns.map((p) => `"${p}" VARCHAR`),
  ];
  return `ROW(${fields.join(', ')})`;
}

/** The SELECT list that turns the loaded ROW `r` into the table's columns (timestamps parsed). */
function selectList(columns: readonly SqlField[], partitionColumns: readonly string[]): string {
  const expression = (path: string, type: SqlType): string => {
    switch (type.kind) {
      case 'timestamp':
        return `CAST(try(from_iso8601_timestamp(${path})) AT TIME ZONE 'UTC' AS TIMESTAMP(3))`;
      case 'struct':
        if (!containsTimestamp(type)) return path;
        return `CASE WHEN ${path} IS NULL THEN NULL ELSE CAST(ROW(${type.fields.map((f) => expression(`${path}."${f.name}"`, f.type)).join(', ')}) AS ${trinoType(type)}) END`;
      case 'array':
        if (!containsTimestamp(type)) return path;
        return `transform(${path}, e -> ${expression('e', type.element)})`;
      default:
        return path;
    }
  };
  return [
    ...columns.map((c) => expression(`r."${c.name}"`, c.type)),
    ...partitionColumns.map((p) => `r."${p}"`),
  ].join(', ');
}

function containsTimestamp(type: SqlType): boolean {
  switch (type.kind) {
    case 'timestamp': return true;
    case 'array': return containsTimestamp(type.element);
    case 'struct': return type.fields.some((f) => containsTimestamp(f.type));
    default: return false;
  }
}

/** A table of the proof: its name, columns and how a record becomes a row. */
export interface ProofTable {
  /** Catalog and schema of the proof's tables and views (`memory.cloudtrail`). */
  readonly schema: string;
  /** The table's own name in the schema; the staged rows are in `<name>_staged`. */
  readonly name: string;
  readonly columns: readonly SqlField[];
  readonly partitionColumns: readonly string[];
  readonly row: (record: Record<string, unknown>) => string;
}

export const ATHENA_TABLE: ProofTable = {
  schema: 'memory.cloudtrail',
  name: 'athena_logs',
  columns: ATHENA_COLUMNS,
  partitionColumns: ATHENA_PARTITION_COLUMNS,
  row: athenaRow,
};

export const LAKE_TABLE: ProofTable = {
  schema: 'memory.cloudtrail',
  name: 'event_data_store',
  columns: CLOUDTRAIL_LAKE_COLUMNS,
  partitionColumns: [],
  row: lakeRow,
};

/** The column that says which group of records a staged row belongs to (never in a view). */
const GROUP_COLUMN = 'proof_group';

/** Records that are queried together. */
export interface RecordGroup {
  readonly group: string;
  readonly records: readonly Record<string, unknown>[];
}

/** Creates `<schema>.<name>_staged`: the table's columns and partition columns, plus the group. */
export async function createStaging(trino: TrinoClient, table: ProofTable): Promise<void> {
  const staged = `${table.schema}.${table.name}_staged`;
  await trino.query(`CREATE SCHEMA IF NOT EXISTS ${table.schema}`);
  await trino.query(`DROP TABLE IF EXISTS ${staged}`);
  await trino.query(trinoCreateTableSql(staged, table.columns, [...table.partitionColumns, GROUP_COLUMN]));
}

/** Inserts a group's records into the staging table, `rowsPerInsert` rows per INSERT; returns the rows inserted. */
export async function insertRecords(trino: TrinoClient, table: ProofTable, group: RecordGroup, rowsPerInsert = 500): Promise<number> {
  const staged = `${table.schema}.${table.name}_staged`;
  const partitions = [...table.partitionColumns, GROUP_COLUMN];
  const type = loadType(table.columns, partitions);
  const select = selectList(table.columns, partitions);
  const rows = group.records.map((record) => {
    const row = table.row(record);
    return `${row.slice(0, -1)},${JSON.stringify(GROUP_COLUMN)}:${JSON.stringify(group.group)}}`;
  });
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    const values = rows.slice(start, start + rowsPerInsert).map((row) => `(${literal(row)})`).join(',\n');
    await trino.query(`INSERT INTO ${staged}\nSELECT ${select}\nFROM (SELECT CAST(json_parse(j) AS ${type}) AS r FROM (VALUES ${values}) AS v(j))`);
  }
  const count = await trino.query(`SELECT count(*) FROM ${staged} WHERE ${GROUP_COLUMN} = ${literal(group.group)}`);
  if (Number(count.rows[0][0]) !== rows.length) {
    throw new Error(`${staged}: group ${group.group} has ${String(count.rows[0][0])} rows of ${rows.length}`);
  }
  return rows.length;
}

/**
 * A view named `<schema>.<view>` with exactly the table's documented columns (and partition
 * columns), over the staged rows of `groups`: what the generated SQL reads as the table.
 */
export async function groupView(trino: TrinoClient, table: ProofTable, view: string, groups: readonly string[]): Promise<string> {
  const name = `${table.schema}.${view}`;
  const columns = [...table.columns.map((c) => c.name), ...table.partitionColumns].map((c) => `"${c}"`).join(', ');
  const inGroups = groups.map((g) => literal(g)).join(', ');
  await trino.query(`CREATE OR REPLACE VIEW ${name} AS SELECT ${columns} FROM ${table.schema}.${table.name}_staged WHERE ${GROUP_COLUMN} IN (${inGroups})`);
  return name;
}
