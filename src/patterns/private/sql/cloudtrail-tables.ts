/**
 * The CloudTrail tables the generated SQL reads, as AWS documents them: one place for their column
 * names and types, so the query generator, the Glue table of the Athena construct and the test
 * tables of the Trino proof all agree.
 *
 * - `athena`: the table the Amazon Athena User Guide creates over CloudTrail's S3 files, with
 *   partition projection, for an organization trail: the documented columns
 *   (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html)
 *   and the organization-trail changes (the organization id in the location, an `account` partition:
 *   https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-org-wide-trail.html), with
 *   `account`, `region` and `timestamp` (`yyyy/MM/dd`) projected from the S3 key
 *   `AWSLogs/<org id>/<account>/CloudTrail/<region>/<yyyy>/<MM>/<dd>/`.
 *   `requestparameters`, `responseelements`, `additionaleventdata`, `serviceeventdetails` and
 *   `edgedevicedetails` are STRING columns holding the JSON text of the record's object.
 * - `cloudtrail-lake`: an event data store of CloudTrail events, "Supported schema for CloudTrail
 *   event record fields" (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/query-supported-event-schemas.html);
 *   `eventjson` holds the whole record as JSON text.
 * - `duckdb`: no table; the records are read from CloudTrail's files with `read_json` (see
 *   `duckDbReadRecords`).
 */
import { sqlString } from './sql-dialect';

/** A column type, as a tree (rendered for Hive DDL, Trino DDL or a Glue column). */
export type SqlType =
  | { readonly kind: 'string' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'timestamp' }
  | { readonly kind: 'double' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'map' }
  | { readonly kind: 'array'; readonly element: SqlType }
  | { readonly kind: 'struct'; readonly fields: readonly SqlField[] };

/**
 * A column, or a field of a struct. `name` is the (lower-case) SQL name; `recordKey` the key the
 * CloudTrail record spells it with (`sourceIPAddress`), which is what an event pattern names.
 */
export interface SqlField {
  readonly name: string;
  readonly recordKey: string;
  readonly type: SqlType;
  /**
   * How the record's value is stored: `value` (the column holds the value: a string, or a boolean for
   * a boolean column), `json-text` (a STRING column holding the JSON text of an object),
   * `boolean-text` (a STRING column holding `true`/`false` for a JSON boolean), `map` (a
   * `map<string,string>`: keys and values as text, JSON types lost).
   */
  readonly storage: 'value' | 'json-text' | 'boolean-text' | 'map';
}

const STRING: SqlType = { kind: 'string' };
const BOOLEAN: SqlType = { kind: 'boolean' };
const TIMESTAMP: SqlType = { kind: 'timestamp' };
const MAP: SqlType = { kind: 'map' };

/** A field whose lower-case SQL name is its record key lower-cased. */
function f(recordKey: string, type: SqlType = STRING, storage: SqlField['storage'] = 'value'): SqlField {
  return { name: recordKey.toLowerCase(), recordKey, type, storage };
}

function struct(...fields: SqlField[]): SqlType {
  return { kind: 'struct', fields };
}

/**
 * The columns of Athena's CloudTrail table, in the documented order, with the record keys of the
 * CloudTrail record contents (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).
 * `readonly` is STRING in Athena's DDL while the record holds a JSON boolean (`boolean-text`).
 */
export const ATHENA_COLUMNS: readonly SqlField[] = [
  f('eventVersion'),
  f('userIdentity', struct(
    f('type'),
    f('principalId'),
    f('arn'),
    f('accountId'),
    f('invokedBy'),
    f('accessKeyId'),
    f('userName'),
    f('onBehalfOf', struct(f('userId'), f('identityStoreArn'))),
    f('sessionContext', struct(
      f('attributes', struct(f('mfaAuthenticated'), f('creationDate'))),
      f('sessionIssuer', struct(f('type'), f('principalId'), f('arn'), f('accountId'), f('userName'))),
      f('ec2RoleDelivery'),
      f('webIdFederationData', struct(f('federatedProvider'), f('attributes', MAP, 'map'))),
    )),
  )),
  f('eventTime'),
  f('eventSource'),
  f('eventName'),
  f('awsRegion'),
  f('sourceIPAddress'),
  f('userAgent'),
  f('errorCode'),
  f('errorMessage'),
  f('requestParameters', STRING, 'json-text'),
  f('responseElements', STRING, 'json-text'),
  f('additionalEventData', STRING, 'json-text'),
  f('requestID'),
  f('eventID'),
  f('readOnly', STRING, 'boolean-text'),
  f('resources', { kind: 'array', element: struct(f('ARN'), f('accountId'), f('type')) }),
  f('eventType'),
  f('apiVersion'),
  f('recipientAccountId'),
  f('serviceEventDetails', STRING, 'json-text'),
  f('sharedEventID'),
  f('vpcEndpointId'),
  f('vpcEndpointAccountId'),
  f('eventCategory'),
  f('addendum', struct(f('reason'), f('updatedFields'), f('originalRequestID'), f('originalEventID'))),
  f('sessionCredentialFromConsole'),
  f('edgeDeviceDetails', STRING, 'json-text'),
  f('tlsDetails', struct(f('tlsVersion'), f('cipherSuite'), f('clientProvidedHostHeader'))),
];

/**
 * The partition columns of the organization-trail table, projected from the S3 key (all STRING):
 * `account` (12 digits), `region`, `timestamp` (`yyyy/MM/dd`, the day CloudTrail delivered the file
 * under, UTC).
 */
export const ATHENA_PARTITION_COLUMNS: readonly string[] = ['account', 'region', 'timestamp'];

/** Where the organization trail writes, for the table's LOCATION and projection template. */
export interface AthenaTableLocation {
  /** Bucket name. */
  readonly bucket: string;
  /** The trail's S3 key prefix, without slashes around it; empty for none. */
  readonly prefix?: string;
  /** The organization id (`o-...`). */
  readonly organizationId: string;
  /** Values of the `account` projection (enum): the member accounts. */
  readonly accounts: readonly string[];
  /** Values of the `region` projection (enum). */
  readonly regions: readonly string[];
  /** First day of the `timestamp` projection, `yyyy/MM/dd`. */
  readonly firstDay: string;
}

/** `s3://bucket/[prefix/]AWSLogs/<org id>`: where the organization trail's logs start. */
export function organizationTrailLocation(location: Pick<AthenaTableLocation, 'bucket' | 'prefix' | 'organizationId'>): string {
  const prefix = location.prefix !== undefined && location.prefix !== '' ? `${location.prefix}/` : '';
  return `s3://${location.bucket}/${prefix}AWSLogs/${location.organizationId}`;
}

/**
 * The table properties of the partition projection (the documented single-region properties, plus
 * enum projections of `account` and `region`).
 */
export function athenaProjectionProperties(location: AthenaTableLocation): Record<string, string> {
  return {
    'projection.enabled': 'true',
    'projection.account.type': 'enum',
    'projection.account.values': location.accounts.join(','),
    'projection.region.type': 'enum',
    'projection.region.values': location.regions.join(','),
    'projection.timestamp.type': 'date',
    'projection.timestamp.format': 'yyyy/MM/dd',
    'projection.timestamp.interval': '1',
    'projection.timestamp.interval.unit': 'DAYS',
    'projection.timestamp.range': `${location.firstDay},NOW`,
    'storage.location.template': `${organizationTrailLocation(location)}/\${account}/CloudTrail/\${region}/\${timestamp}`,
  };
}

/** SerDe and formats of the documented DDL. */
export const ATHENA_SERDE = 'org.apache.hive.hcatalog.data.JsonSerDe';
export const ATHENA_INPUT_FORMAT = 'com.amazon.emr.cloudtrail.CloudTrailInputFormat';
export const ATHENA_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

/** A type in Hive DDL (Athena's `CREATE EXTERNAL TABLE`, Glue column types): `STRUCT<a:STRING,...>`. */
export function hiveType(type: SqlType): string {
  switch (type.kind) {
    case 'string': return 'string';
    case 'boolean': return 'boolean';
    case 'timestamp': return 'timestamp';
    case 'double': return 'double';
    case 'integer': return 'int';
    case 'map': return 'map<string,string>';
    case 'array': return `array<${hiveType(type.element)}>`;
    case 'struct': return `struct<${type.fields.map((x) => `${x.name}:${hiveType(x.type)}`).join(',')}>`;
  }
}

/** A type in Trino DDL: `ROW(a VARCHAR, ...)`. */
export function trinoType(type: SqlType): string {
  switch (type.kind) {
    case 'string': return 'VARCHAR';
    case 'boolean': return 'BOOLEAN';
    case 'timestamp': return 'TIMESTAMP(3)';
    case 'double': return 'DOUBLE';
    case 'integer': return 'INTEGER';
    case 'map': return 'MAP(VARCHAR, VARCHAR)';
    case 'array': return `ARRAY(${trinoType(type.element)})`;
    case 'struct': return `ROW(${type.fields.map((x) => `${x.name} ${trinoType(x.type)}`).join(', ')})`;
  }
}

/** The documented `CREATE EXTERNAL TABLE` of the organization trail, with partition projection. */
export function athenaCreateTableDdl(table: string, location: AthenaTableLocation): string {
  const columns = ATHENA_COLUMNS.map((c) => `  ${c.name} ${hiveType(c.type)}`).join(',\n');
  const properties = Object.entries(athenaProjectionProperties(location)).map(([k, v]) => `  '${k}'='${v}'`).join(',\n');
  return `CREATE EXTERNAL TABLE ${table} (\n${columns}\n)\n`
    + `PARTITIONED BY (${ATHENA_PARTITION_COLUMNS.map((p) => `\`${p}\` string`).join(', ')})\n`
    + `ROW FORMAT SERDE '${ATHENA_SERDE}'\n`
    + `STORED AS INPUTFORMAT '${ATHENA_INPUT_FORMAT}'\n`
    + `OUTPUTFORMAT '${ATHENA_OUTPUT_FORMAT}'\n`
    + `LOCATION '${organizationTrailLocation(location)}'\n`
    + `TBLPROPERTIES (\n${properties}\n)`;
}

/**
 * The columns of a CloudTrail Lake event data store of CloudTrail events, in the documented order.
 * The generated SQL reads the record from `eventjson` (the whole record as JSON text) and uses the
 * typed `eventtime`, `recipientaccountid`, `awsregion` and `eventid` for filters and output.
 */
export const CLOUDTRAIL_LAKE_COLUMNS: readonly SqlField[] = [
  f('eventVersion'),
  f('userIdentity', struct(
    f('type'), f('principalId'), f('arn'), f('accountId'), f('accessKeyId'), f('userName'),
    f('sessionContext', struct(
      f('attributes', struct(f('creationDate', TIMESTAMP), f('mfaAuthenticated'))),
      f('sessionIssuer', struct(f('type'), f('principalId'), f('arn'), f('accountId'), f('userName'))),
      f('webIdFederationData', struct(f('federatedProvider'), f('attributes', MAP, 'map'))),
      f('sourceIdentity'), f('ec2RoleDelivery'), f('ec2IssuedInVpc'),
    )),
    f('onBehalfOf', struct(f('userId'), f('identityStoreArn'))),
    // "credentiaisissuedto" is the documented spelling.
    f('inScopeOf', struct(f('sourceArn'), f('sourceAccount'), f('issuerType'), { name: 'credentiaisissuedto', recordKey: 'credentialsIssuedTo', type: STRING, storage: 'value' })),
    f('invokedBy'), f('identityProvider'),
  )),
  f('eventTime', TIMESTAMP),
  f('eventSource'),
  f('eventName'),
  f('awsRegion'),
  f('sourceIPAddress'),
  f('userAgent'),
  f('errorCode'),
  f('errorMessage'),
  f('requestParameters', MAP, 'map'),
  f('responseElements', MAP, 'map'),
  f('additionalEventData', MAP, 'map'),
  f('requestID'),
  f('eventID'),
  f('readOnly', BOOLEAN),
  f('resources', { kind: 'array', element: struct(f('accountId'), f('type'), f('ARN'), f('ARNPrefix')) }),
  f('eventType'),
  f('apiVersion'),
  f('managementEvent', BOOLEAN),
  f('recipientAccountId'),
  f('sharedEventID'),
  f('annotation'),
  f('vpcEndpointId'),
  f('vpcEndpointAccountId'),
  f('serviceEventDetails', MAP, 'map'),
  f('addendum', MAP, 'map'),
  f('edgeDeviceDetails', MAP, 'map'),
  f('insightDetails', MAP, 'map'),
  f('eventCategory'),
  f('tlsDetails', struct(f('tlsVersion'), f('cipherSuite'), f('clientProvidedHostHeader'))),
  f('sessionCredentialFromConsole'),
  { name: 'eventjson', recordKey: '', type: STRING, storage: 'value' },
  { name: 'eventjsonchecksum', recordKey: '', type: STRING, storage: 'value' },
];

/** The CloudTrail Lake column holding the whole record as JSON text. */
export const CLOUDTRAIL_LAKE_RECORD_COLUMN = 'eventjson';

/**
 * How DuckDB reads CloudTrail log files (`{"Records": [...]}`, gzipped or not): `read_json` of the
 * files (paths or globs), one row per file with the records as a list of JSON values, so every
 * record keeps every field, its JSON types and its key order (nothing is dropped by schema
 * inference); with `filename`, a column naming each row's file. `recordType` other than JSON is
 * for measuring the reader alone (bench/query.ts): a statement needs every record whole.
 */
export function duckDbReadRecords(files: readonly string[], filename = false, recordType = 'JSON'): string {
  return `read_json([${files.map(sqlString).join(', ')}], columns = {'Records': '${recordType}[]'}, format = 'auto', `
    + `maximum_object_size = 1073741824${filename ? ', filename = true' : ''})`;
}

/** `CREATE TABLE` in Trino for the Athena columns (and its partitions), for tests on a Trino server. */
export function trinoCreateTableSql(table: string, columns: readonly SqlField[], partitionColumns: readonly string[] = []): string {
  const all = [
    ...columns.map((c) => `  ${c.name} ${trinoType(c.type)}`),
    ...partitionColumns.map((p) => `  "${p}" VARCHAR`),
  ];
  return `CREATE TABLE ${table} (\n${all.join(',\n')}\n)`;
}
