import { readFileSync } from 'fs';
import * as path from 'path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { backtestText } from './backtest-report';
import { coreCount, maxWorkers, PARALLEL_MIN_BYTES, readLogs } from './backtest-workers';
import { envelopeForRecord, JsonObject } from './cloudtrail-envelope';
import { duckDbBacktest } from './duckdb-backtest';
import { findLogFiles, LogFileSet } from './log-files';
import { readEventFile } from './log-reader';
import { analysePattern, DEFAULT_MAX_PATTERN_LENGTH, explainText, lintText, PatternReport, reportJson } from './pattern-report';
import { PatternChoice, patternFromFile, POST_PRESETS, PRESETS, presetPattern, UsageError } from './pattern-source';
import { PreviewInputs, previewText } from './preview-report';
import { queryCommand, QueryCommandOptions } from './query-command';
import { PreviewEvent, previewRules, RulePreview } from './rule-preview';
import { SAMPLE_RECORDS } from './sample-events';
import { LoadedTemplate, loadTemplates } from './template-files';
import { CliIo, paletteFor, progressFor } from './terminal';

/** Exit codes: conventional for command-line tools. */
export enum ExitCode {
  /** Done, nothing wrong. */
  OK = 0,
  /** Done, and found something wrong: an invalid pattern or target, input that had to be skipped. */
  FINDINGS = 1,
  /** Not done: the command line or a named file is wrong. */
  USAGE = 2,
}

/** `preview` reads at most this many events; larger inputs are what `backtest` is for. */
export const MAX_PREVIEW_EVENTS = 10000;

const PROGRAM = 'cdk-iam-change-alerts';

/**
 * Runs the command line with these arguments (without `node` and the script) and returns the
 * exit code. All output goes through `io`, so tests run it in-process.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = buildProgram(io, (code) => { exitCode = code; });
  try {
    await program.parseAsync([...args], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with code 0; everything else commander rejects is usage.
      return e.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    }
    io.stderr.write(`${PROGRAM}: ${(e as Error).message}\n`);
    return ExitCode.USAGE;
  }
  return exitCode;
}

function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command(PROGRAM)
    .description('Preview, backtest, lint and explain the EventBridge rules of cdk-iam-change-alerts, offline: no AWS account needed.')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showHelpAfterError('(add --help for usage)')
    .addHelpText('after', `
Exit codes: 0 done and nothing wrong; 1 something wrong was found (lint or explain: an invalid
pattern; preview: a pattern or target EventBridge would reject, or input skipped; backtest: input
skipped, or none found); 2 usage error (unknown option, missing file).
Colour is off when the output is not a terminal, or NO_COLOR is set.`);

  program.command('preview')
    .description('For each AWS::Events::Rule of a synthesized template: which events match, and the exact message each target receives.')
    .argument('<templates...>', 'synthesized templates (*.template.json) or cloud assembly folders (cdk.out): every *.template.json in them, '
      + 'and the inline member template of each StackSet. Events a rule forwards to a custom bus of another of them reach that bus\'s rules')
    .option('-e, --events <path>', 'events to try: a JSON file of one event, an array, JSON lines, or CloudTrail records '
      + '({"Records": [...]}, gzipped or not, or a folder of them); repeatable (default: the bundled sample events)', collect, [])
    .option('-r, --resolve <name=value>', 'a value for an intrinsic the template leaves open: a parameter or pseudo parameter '
      + '(AWS::Region), a logical ID (its Ref), LogicalId.Attribute (its Fn::GetAtt), or a condition (true/false); repeatable', collect, [])
    .option('--rule <text>', 'only rules whose logical ID or name contains this text')
    .option('--limit <n>', 'matching events shown per rule, 0 for counts only (the counts cover all)', wholeNumber)
    .option('--json', 'print the result as JSON (every match, every message)')
    .option('--no-color', 'no colour')
    .addHelpText('after', `
Matching uses the library's EventBridge engine and renders messages with its input-transformer
renderer. A rule in ENABLED state does not receive read-only management events, a rule on the
default bus only events of its region (for a StackSet member rule, the StackSet's regions where
its condition holds): such matches are shown as not delivered. A rule whose target is a custom
event bus of the given templates forwards what it is delivered: the rules on that bus receive
those copies (once per forwarding rule), as a central bus receives what member accounts forward.
The output ends with a table of delivered events per rule by event name.
Values the template leaves to deployment (Fn::GetAtt, Ref of a resource, a pseudo parameter the
cloud assembly does not fix) are listed as unresolved and compared as the text "[unresolved: ...]",
which no event carries; --resolve gives them values.

Examples:
  $ npx ${PROGRAM} preview cdk.out
  $ npx ${PROGRAM} preview cdk.out/MyStack.template.json --events my-events.jsonl --rule IamAlerts
  $ npx ${PROGRAM} preview cdk.out --resolve AWS::Region=us-east-1 --json
  $ npx ${PROGRAM} preview member/cdk.out central/cdk.out --limit 1`)
    .action(async (templates: string[], options: PreviewCommandOptions) => setExit(await previewCommand(io, templates, options)));

  program.command('backtest')
    .description('Runs patterns over archived CloudTrail logs and reports what each would have alerted on.')
    .argument('<paths...>', 'CloudTrail log files as S3 delivers them (*.json.gz holding {"Records": [...]}), folders of them '
      + '(a whole AWSLogs/ tree), or JSON lines of records or events')
    .option('-p, --preset <name>', `an IamEventPattern preset; repeatable (default: ${POST_PRESETS.join(', ')}, the IAM-alerts post's three)`, collect, [])
    .option('--pattern <file>', 'an event pattern file (JSON, as for aws events put-rule --event-pattern); repeatable', collect, [])
    .option('-x, --except-principal <arn>', 'apply exceptPrincipals(arn) to every preset, to see what an exclusion changes; repeatable', collect, [])
    .option('--top <n>', 'rows per table', positiveInteger, 10)
    .option('--noisy-share <percent>', 'a principal is noisy when it causes at least this share of a rule\'s alerts', percentage, 10)
    .option('--json', 'print the result as JSON')
    .option('--workers <n>', `worker threads reading files in parallel (default: the number of cores, ${coreCount()} here; `
      + `inputs under ${PARALLEL_MIN_BYTES / 2 ** 20} MiB are read in one thread); the result is the same for any number`, workerCount)
    .option('--engine <name>', 'native (the library\'s engine) or duckdb (DuckDB runs the generated SQL on every core; '
      + 'needs npm install @duckdb/node-api); the report is the same', engineName, 'native')
    .option('--no-progress', 'no progress bar (it shows only on a terminal, for inputs over 8 MiB)')
    .option('--no-color', 'no colour')
    .addHelpText('after', `
Files are streamed: gzip is decompressed as it is read and each file parsed on its own, so memory
stays flat however many files there are. Files are shared out to worker threads, one per core, each
holding one file at a time; the counts, tables and --json are the same as with --workers 1. A
truncated gzip, invalid JSON or a file of another shape is reported with its name and skipped, as a
whole; the totals count files and records read and skipped. CloudTrail-Digest and CloudTrail-Insight
folders are left out.

Presets: ${Object.keys(PRESETS).join(', ')}.

Examples:
  $ aws s3 sync s3://my-trail-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/ logs/
  $ npx ${PROGRAM} backtest logs/
  $ npx ${PROGRAM} backtest logs/ --preset changes --except-principal arn:aws:iam::111122223333:role/Deploy
  $ npx ${PROGRAM} backtest logs/ --pattern my-pattern.json --json > result.json`)
    .action(async (paths: string[], options: BacktestCommandOptions) => setExit(await backtestCommand(io, paths, options)));

  program.command('query')
    .description('Prints SQL that finds what patterns match in CloudTrail records where they lie: Athena, CloudTrail Lake, or DuckDB on local files.')
    .option('-p, --preset <name>', `an IamEventPattern preset; repeatable (default, with no --pattern or --template: ${POST_PRESETS.join(', ')})`, collect, [])
    .option('--pattern <file>', 'an event pattern file (JSON); repeatable', collect, [])
    .option('--template <path>', 'every rule of a synthesized template (or cdk.out folder); repeatable', collect, [])
    .option('-d, --dialect <name>', 'athena, cloudtrail-lake or duckdb', 'athena')
    .option('--table <name>', 'athena: the table (default cloudtrail_logs); cloudtrail-lake: the event data store id; duckdb: a path or glob of log files')
    .option('--since <time>', 'earliest event time, inclusive: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)')
    .option('--until <time>', 'latest event time, exclusive: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC)')
    .option('--account <id>', 'only this account; repeatable', collect, [])
    .option('--region <name>', 'only events recorded in this region; repeatable', collect, [])
    .option('--accept-inexact', 'print the SQL even where the dialect cannot match exactly as EventBridge (the differences head it as comments)')
    .addHelpText('after', `
Each result row is one CloudTrail record and one pattern it matches: eventid, pattern_name (the preset,
file or rule name), eventtime, eventname, account, region, principal, read_only. One scan answers for all
patterns. The record is read as EventBridge delivers it (source aws.<service>, detail-type, account,
region, detail), with EventBridge's semantics for every operator. Where the dialect cannot express a
pattern exactly (Athena's table has no column for a field, for example), no SQL is printed unless
--accept-inexact is given. When one statement would be longer than the service accepts (CloudTrail Lake:
10,000 characters), several are printed, separated by ';', and stderr says which patterns each holds.
--since, --until, --account and --region become partition filters in Athena.

Examples:
  $ npx ${PROGRAM} query --preset changes --dialect athena --table security.cloudtrail_logs --since 2024-01-01
  $ npx ${PROGRAM} query --template cdk.out --dialect cloudtrail-lake --table EXAMPLE-f852-4e8f-8bd1
  $ npx ${PROGRAM} query --preset authChanges --dialect duckdb --table 'AWSLogs/**/*.json.gz' | duckdb`)
    .action(async (options: QueryCommandOptions) => setExit(await queryCommand(io, options) === 'ok' ? ExitCode.OK : ExitCode.FINDINGS));

  for (const name of ['lint', 'explain'] as const) {
    program.command(name)
      .description(name === 'lint'
        ? 'Checks event patterns as EventBridge would (errors, warnings) and summarizes the IAM operations they match and miss.'
        : 'Lists the IAM API operations event patterns match, and the changes they miss.')
      .argument('[files...]', 'event pattern files (JSON); - reads standard input')
      .option('-p, --preset <name>', 'an IamEventPattern preset; repeatable', collect, [])
      .option('--max-length <n>', `pattern length quota in characters (EventBridge default ${DEFAULT_MAX_PATTERN_LENGTH}; adjustable)`, positiveInteger, DEFAULT_MAX_PATTERN_LENGTH)
      .option('--json', 'print the result as JSON')
      .option('--no-color', 'no colour')
      .addHelpText('after', `
Presets: ${Object.keys(PRESETS).join(', ')}.

Examples:
  $ npx ${PROGRAM} ${name} --preset changes
  $ aws events describe-rule --name my-rule --query EventPattern --output text | npx ${PROGRAM} ${name} -`)
      .action(async (files: string[], options: PatternCommandOptions) => setExit(await patternCommand(io, name, files, options)));
  }
  return program;
}

interface PreviewCommandOptions {
  readonly events: string[];
  readonly resolve: string[];
  readonly rule?: string;
  readonly limit?: number;
  readonly json?: boolean;
  readonly color: boolean;
}

async function previewCommand(io: CliIo, templatePaths: string[], options: PreviewCommandOptions): Promise<number> {
  const given = new Map<string, string>();
  for (const pair of options.resolve) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--resolve takes NAME=VALUE (e.g. AWS::Region=us-east-1), got '${pair}'`);
    given.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const templates = { templates: [] as LoadedTemplate[], problems: [] as string[] };
  for (const templatePath of templatePaths) {
    const loaded = await loadTemplates(templatePath).catch((e: Error) => { throw new UsageError(e.message); });
    templates.templates.push(...loaded.templates);
    templates.problems.push(...loaded.problems);
  }
  const events = options.events.length > 0 ? await eventsFromFiles(options.events) : sampleEvents();
  const rules = previewRules(templates.templates, events.events, { given, ruleFilter: options.rule });
  const inputs: PreviewInputs = {
    templates: templates.templates.map((t) => t.name),
    templateProblems: templates.problems,
    eventSource: events.source,
    eventCount: events.events.length,
    eventProblems: events.problems,
  };
  if (options.json) {
    io.stdout.write(JSON.stringify({ ...inputs, rules }, null, 2) + '\n');
  } else {
    io.stdout.write(previewText(inputs, rules, paletteFor(io.stdout, io.env, options.color), { limit: options.limit }));
  }
  const wrong = inputs.templateProblems.length > 0 || inputs.eventProblems.length > 0 || rules.some((r: RulePreview) => r.problems.length > 0);
  return wrong ? ExitCode.FINDINGS : ExitCode.OK;
}

interface LoadedEvents {
  readonly events: PreviewEvent[];
  readonly source: string;
  readonly problems: string[];
}

function sampleEvents(): LoadedEvents {
  return {
    events: SAMPLE_RECORDS.map((s) => ({ event: envelopeForRecord(JSON.parse(s.recordJson) as JsonObject), label: `sample ${s.id}` })),
    source: `the bundled sample (${SAMPLE_RECORDS.length} CloudTrail records from DataDog/stratus-red-team and panther-labs/panther-analysis, Apache-2.0)`,
    problems: [],
  };
}

async function eventsFromFiles(paths: readonly string[]): Promise<LoadedEvents> {
  const set = await findLogFiles(paths).catch((e: Error) => { throw new UsageError(e.message); });
  if (set.files.length === 0) throw new UsageError(`no event files in ${paths.join(', ')}`);
  const events: PreviewEvent[] = [];
  const problems: string[] = [];
  let truncated = false;
  for (const file of set.files) {
    const collected: PreviewEvent[] = [];
    const result = await readEventFile(file.path, (event, line, index, entryId) => {
      if (events.length + collected.length >= MAX_PREVIEW_EVENTS) {
        truncated = true;
        return;
      }
      collected.push({ event, label: entryId ?? `${file.path}${line > 0 ? `:${line}` : ''}#${index + 1}` });
    });
    if (result.error !== undefined) {
      problems.push(`${file.path}: ${result.error}; file skipped`);
      continue;
    }
    events.push(...collected);
    problems.push(...result.entryProblems.map((p) => `${file.path}: ${p}; skipped`));
    if (result.skippedEntries > result.entryProblems.length) problems.push(`${file.path}: ${result.skippedEntries - result.entryProblems.length} more entries skipped`);
  }
  const source = paths.join(', ') + (truncated ? ` (the first ${MAX_PREVIEW_EVENTS}; use backtest for more)` : '');
  return { events, source, problems };
}

interface BacktestCommandOptions {
  readonly preset: string[];
  readonly pattern: string[];
  readonly exceptPrincipal: string[];
  readonly top: number;
  readonly noisyShare: number;
  readonly json?: boolean;
  readonly workers?: number;
  readonly engine: string;
  readonly progress: boolean;
  readonly color: boolean;
}

async function backtestCommand(io: CliIo, paths: string[], options: BacktestCommandOptions): Promise<number> {
  const presets = options.preset.length > 0 || options.pattern.length > 0 ? options.preset : [...POST_PRESETS];
  const choices: PatternChoice[] = presets.map((name) => presetPattern(name, options.exceptPrincipal));
  for (const file of options.pattern) {
    const choice = await patternFromFile(file, io.readStdin);
    const check = analysePattern(choice);
    if (!check.valid) throw new UsageError(`${file}: not a valid event pattern:\n  ${check.errors.join('\n  ')}`);
    choices.push(choice);
  }
  const set = await findLogFiles(paths).catch((e: Error) => { throw new UsageError(e.message); });
  const result = options.engine === 'duckdb'
    // DuckDB reads the whole tree in one query and reports no progress, so no bar is shown.
    ? await duckDbBacktest(choices, set, { noisyShare: options.noisyShare / 100 })
    : await nativeBacktest(io, choices, set, options);
  if (options.json) {
    io.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } else {
    io.stdout.write(backtestText(result, paletteFor(io.stdout, io.env, options.color), { top: options.top }));
  }
  const t = result.totals;
  return t.filesSkipped > 0 || t.recordsSkipped > 0 || t.filesRead === 0 ? ExitCode.FINDINGS : ExitCode.OK;
}

/** The library's engine over the files, on worker threads, with a progress bar on a terminal. */
async function nativeBacktest(io: CliIo, choices: PatternChoice[], set: LogFileSet, options: BacktestCommandOptions) {
  const progress = progressFor(io, set.totalBytes, options.progress);
  return readLogs(choices, set, {
    noisyShare: options.noisyShare / 100,
    workers: options.workers,
    onProgress: (bytes, files, records) => progress.advance(bytes, files, records),
  }).finally(() => progress.stop());
}

interface PatternCommandOptions {
  readonly preset: string[];
  readonly maxLength: number;
  readonly json?: boolean;
  readonly color: boolean;
}

async function patternCommand(io: CliIo, command: 'lint' | 'explain', files: string[], options: PatternCommandOptions): Promise<number> {
  if (files.length === 0 && options.preset.length === 0) {
    throw new UsageError(`${command}: give a pattern file (or - for standard input) or --preset NAME; presets: ${Object.keys(PRESETS).join(', ')}`);
  }
  const choices: PatternChoice[] = options.preset.map((name) => presetPattern(name));
  for (const file of files) choices.push(await patternFromFile(file, io.readStdin));
  const reports: PatternReport[] = choices.map((c) => analysePattern(c, options.maxLength));
  if (options.json) {
    io.stdout.write(JSON.stringify({ results: reports.map(reportJson) }, null, 2) + '\n');
  } else {
    const palette = paletteFor(io.stdout, io.env, options.color);
    io.stdout.write(reports.map((r) => (command === 'lint' ? lintText(r, palette) : explainText(r, palette))).join('\n'));
  }
  return reports.some((r) => !r.valid) ? ExitCode.FINDINGS : ExitCode.OK;
}

function engineName(value: string): string {
  if (value !== 'native' && value !== 'duckdb') throw new InvalidArgumentError('give native or duckdb.');
  return value;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of 1 or more.');
  return n;
}

function workerCount(value: string): number {
  const n = Number(value);
  const max = maxWorkers();
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new InvalidArgumentError(`give a whole number from 1 to ${max} (this machine has ${coreCount()} cores, the default; 1 reads in one thread).`);
  }
  return n;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('give a whole number of 0 or more.');
  return n;
}

function percentage(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new InvalidArgumentError('give a percentage above 0 and at most 100.');
  return n;
}

function packageVersion(): string {
  try {
    // lib/cli/ (published) and src/cli/ (tests) both sit two levels below the package root.
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}
