import { analysePattern } from './pattern-report';
import { PatternChoice, patternFromFile, POST_PRESETS, presetPattern, UsageError } from './pattern-source';
import { previewRules } from './rule-preview';
import { loadTemplates } from './template-files';
import { CliIo } from './terminal';
import { CloudTrailQuery, NamedEventPattern, QueryDialect } from '../patterns/cloudtrail-query';
import { DialectName, STATEMENT_LIMITS } from '../patterns/private/sql/query-statement';

/** Options of `query`. */
export interface QueryCommandOptions {
  readonly preset: string[];
  readonly pattern: string[];
  readonly template: string[];
  readonly dialect: string;
  readonly table?: string;
  readonly since?: string;
  readonly until?: string;
  readonly account: string[];
  readonly region: string[];
  readonly acceptInexact?: boolean;
}

/** The outcome: the exit code the caller maps. */
export type QueryOutcome = 'ok' | 'inexact' | 'too-long';

/**
 * `query`: prints the SQL that finds, in CloudTrail records, what each pattern matches (a row per
 * record and pattern, `pattern_name` naming it): one statement, or several separated by `;` when
 * one would be longer than the service accepts (CloudTrail Lake: 10,000 characters), which patterns
 * each holds said on stderr. An inexact translation is refused (its reasons printed) unless
 * `--accept-inexact` is given; then the reasons head the SQL as comments. A pattern whose
 * statement alone is too long is refused, with the dialects that take it.
 */
export async function queryCommand(io: CliIo, options: QueryCommandOptions): Promise<QueryOutcome> {
  const patterns = await namedPatterns(io, options);
  let dialect: QueryDialect;
  try {
    dialect = QueryDialect.of(options.dialect);
  } catch {
    throw new UsageError(`--dialect must be athena, cloudtrail-lake or duckdb, got '${options.dialect}'`);
  }
  let result;
  try {
    result = CloudTrailQuery.forPatterns(patterns, {
      dialect,
      table: options.table,
      since: options.since,
      until: options.until,
      accounts: options.account.length > 0 ? options.account : undefined,
      regions: options.region.length > 0 ? options.region : undefined,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!result.exact && !options.acceptInexact) {
    io.stderr.write(`The ${dialect.name} SQL would not match exactly what EventBridge matches:\n`
      + result.inexactReasons.map((r) => `  - ${r}\n`).join('')
      + 'No SQL printed. Fix: change the pattern, use another --dialect (duckdb and cloudtrail-lake read whole records), '
      + 'or add --accept-inexact to print it with these differences listed at its top.\n');
    return 'inexact';
  }
  // Only a dialect with a limit gives oversized patterns or several statements.
  const limit = STATEMENT_LIMITS[dialect.name as DialectName]?.description;
  if (result.oversizedPatterns.length > 0) {
    io.stderr.write(`The ${dialect.name} SQL of ${result.oversizedPatterns.map((n) => `'${n}'`).join(', ')} is longer than ${limit} `
      + 'even alone. No SQL printed. Fix: query these patterns with --dialect athena (262,144 bytes) or locally with backtest, '
      + 'or split a pattern\'s $or branches into patterns of their own.\n');
    return 'too-long';
  }
  const header = result.exact ? '' : '-- Inexact translation (--accept-inexact): rows may differ from what EventBridge matches, because:\n'
    + result.inexactReasons.map((r) => `--   ${r.replace(/\n/g, ' ')}\n`).join('');
  if (result.statements.length > 1) {
    io.stderr.write(`${result.statements.length} statements, each within ${limit}, to run one after the other; `
      + `the patterns of each:\n${result.statements.map((st, i) => `  ${i + 1}: ${st.patternNames.join(', ')}\n`).join('')}`);
  }
  io.stdout.write(header + result.statements.map((st) => st.sql).join(';\n\n'));
  return 'ok';
}

/** The presets, pattern files and template rules to query, named as their rows will be. */
async function namedPatterns(io: CliIo, options: QueryCommandOptions): Promise<NamedEventPattern[]> {
  const none = options.preset.length === 0 && options.pattern.length === 0 && options.template.length === 0;
  const choices: PatternChoice[] = (none ? [...POST_PRESETS] : options.preset).map((name) => presetPattern(name));
  for (const file of options.pattern) {
    const choice = await patternFromFile(file, io.readStdin);
    const check = analysePattern(choice);
    if (!check.valid) throw new UsageError(`${file}: not a valid event pattern:\n  ${check.errors.join('\n  ')}`);
    choices.push(choice);
  }
  const named: NamedEventPattern[] = choices.map((c) => ({ name: c.name, pattern: c.json }));
  for (const path of options.template) {
    const loaded = await loadTemplates(path).catch((e: Error) => { throw new UsageError(e.message); });
    for (const problem of loaded.problems) io.stderr.write(`${path}: ${problem}\n`);
    for (const rule of previewRules(loaded.templates, [])) {
      const where = `${rule.template} ${rule.logicalId}`;
      if (rule.pattern === undefined || rule.problems.length > 0) {
        io.stderr.write(`${where}: skipped (${rule.problems[0] ?? 'no event pattern'})\n`);
        continue;
      }
      if (rule.unresolved.length > 0) {
        throw new UsageError(`${where}: the pattern holds values known only at deployment (${rule.unresolved.map((u) => u.path).join(', ')}); `
          + 'synthesize with concrete values, or save the deployed pattern (aws events describe-rule) and pass it with --pattern');
      }
      let name = rule.ruleName ?? rule.logicalId;
      if (named.some((n) => n.name === name)) name = `${rule.template}:${name}`;
      named.push({ name, pattern: rule.pattern });
    }
  }
  if (named.length === 0) throw new UsageError('no patterns to query: the templates hold no rule with an event pattern');
  return named;
}
