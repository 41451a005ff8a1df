import { Fn, Size, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { checkAccountId } from '../../identifiers/organizations';
import { checkRegion } from '../../identifiers/regions';
import { invalidInput } from '../../private/invalid-input';

/**
 * Checks of the values `OrgTrailAthena` builds the Glue table, the Athena workgroup and the named
 * queries from. Every check lets unresolved CDK tokens through.
 */

/**
 * Athena's smallest per-query data usage limit: `BytesScannedCutoffPerQuery` has a minimum of
 * 10,000,000 bytes (Athena API Reference, WorkGroupConfiguration; the console says 10 MB).
 * @see https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/workgroups-setting-control-limits-cloudwatch.html
 */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

/** Athena's workgroup names: 1 to 128 letters, digits, `.`, `_` or `-` (API Reference, CreateWorkGroup). */
const WORKGROUP_NAME = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * Database and table names Athena can query: lower-case letters, digits and `_`, at most 255
 * characters ("Name databases, tables, and columns" in the Athena User Guide).
 * @see https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html
 */
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;

/** `YYYY-MM-DD`. */
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Throws unless the cutoff is at least Athena's minimum; returns it in bytes (a token: `Size.bytes(parameter.valueAsNumber)`). */
export function checkBytesScannedCutoff(where: IConstruct, cutoff: Size): number {
  const bytes = cutoff.toBytes();
  if (Token.isUnresolved(bytes)) return bytes;
  if (bytes < MIN_BYTES_SCANNED_CUTOFF) {
    throw invalidInput(where,
      `bytesScannedCutoffPerQuery is ${bytes} bytes; Athena's smallest per-query limit is ${MIN_BYTES_SCANNED_CUTOFF} bytes (10 MB).`,
      'give at least Size.mebibytes(10), or leave it out for the default (100 GiB).');
  }
  return bytes;
}

/** Throws unless `value` is a Glue database or table name Athena can query. */
export function checkCatalogName(where: IConstruct, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!GLUE_NAME.test(value)) {
    const suggestion = value.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 255);
    throw invalidInput(where,
      `${what} '${value}' is not a name Athena can query (lower-case letters, digits and '_', at most 255 characters).`,
      `write it as '${suggestion || 'cloudtrail_logs'}'.`);
  }
}

/** Throws unless `value` is an Athena workgroup name. */
export function checkWorkGroupName(where: IConstruct, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!WORKGROUP_NAME.test(value)) {
    const suggestion = value.replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 128);
    throw invalidInput(where,
      `workGroupName '${value}' is not an Athena workgroup name (1 to 128 letters, digits, '.', '_' or '-').`,
      `write it as '${suggestion || 'org-trail'}'.`);
  }
}

/**
 * Throws unless `values` is a non-empty list of distinct entries that each pass `check`. An
 * unresolved list (a CloudFormation list parameter) is let through whole.
 */
function checkList(where: IConstruct, what: string, values: string[], example: string, check: (entry: string) => void): void {
  if (Token.isUnresolved(values)) return;
  if (values.length === 0) {
    throw invalidInput(where, `${what} is empty: the table would have no ${what === 'accounts' ? 'account' : 'region'} to read.`,
      `list the ${what} whose logs to query, for example [${example}].`);
  }
  const seen = new Set<string>();
  for (const value of values) {
    check(value);
    if (Token.isUnresolved(value)) continue;
    if (seen.has(value)) {
      throw invalidInput(where, `${what} lists '${value}' twice.`, 'list each once.');
    }
    seen.add(value);
  }
}

/** Throws unless `accounts` lists distinct 12-digit account ids. */
export function checkAccounts(where: IConstruct, accounts: string[]): void {
  checkList(where, 'accounts', accounts, "'111122223333', '444455556666'", (account) => checkAccountId(where, 'accounts entry', account));
}

/** Throws unless `regions` lists distinct region names. */
export function checkRegions(where: IConstruct, regions: string[]): void {
  checkList(where, 'regions', regions, "'us-east-1', 'eu-west-1'", (region) => checkRegion(where, 'regions entry', region));
}

/**
 * Throws unless `value` is a calendar day `YYYY-MM-DD`; returns it as the date projection writes
 * days, `yyyy/MM/dd` (a CloudFormation value is rewritten by CloudFormation: `Fn::Join` of
 * `Fn::Split`).
 */
export function checkFirstDay(where: IConstruct, value: string): string {
  if (Token.isUnresolved(value)) return Fn.join('/', Fn.split('-', value));
  const match = ISO_DAY.exec(value);
  const [year, month, date] = match ? [Number(match[1]), Number(match[2]) - 1, Number(match[3])] : [NaN, NaN, NaN];
  const day = new Date(Date.UTC(year, month, date));
  if (!match || day.getUTCFullYear() !== year || day.getUTCMonth() !== month || day.getUTCDate() !== date) {
    throw invalidInput(where, `firstDay '${value}' is not a day written YYYY-MM-DD.`,
      "write the first day of logs to query, for example '2024-01-01'.");
  }
  return `${match[1]}/${match[2]}/${match[3]}`;
}
