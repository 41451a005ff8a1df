import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { cli, corpusRecord, FIXTURES, tempDir, truncateFile, writeCloudTrailLog, writeText } from './cli-test-support';
import { IamChangeAlerting } from '../../src/alerting/iam-change-alerting';
import { PROGRESS_MIN_BYTES, progressFor } from '../../src/cli/terminal';

const dir = tempDir();
const ESC = '\u001b[';
const ALICE = 'arn:aws:iam::111122223333:user/alice';

let assembly: string;
let logs: string;
beforeAll(() => {
  assembly = path.join(dir, 'cdk.out');
  const app = new App({ outdir: assembly });
  const stack = new Stack(app, 'IamAlerts', { env: { account: '111111111111', region: 'us-east-1' } });
  new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });
  app.synth();

  logs = path.join(dir, 'AWSLogs');
  const record = (eventName: string, day: string) => ({
    ...corpusRecord('ct-005'),
    eventName,
    eventTime: `${day}T08:00:00Z`,
    userIdentity: { type: 'IAMUser', arn: ALICE, accountId: '111122223333' },
  });
  writeCloudTrailLog(path.join(logs, '111122223333', 'CloudTrail', 'us-east-1', '2024', '05', '01', 'a.json.gz'),
    [record('CreateUser', '2024-05-01'), record('GetUser', '2024-05-01'), record('AttachUserPolicy', '2024-05-01')]);
  writeCloudTrailLog(path.join(logs, '111122223333', 'CloudTrail', 'us-east-1', '2024', '05', '02', 'b.json.gz'),
    [record('PutUserPolicy', '2024-05-02')]);
});

describe('help and usage', () => {
  test.each(['preview', 'backtest', 'lint', 'explain'])('%s --help prints its usage and exits 0', async (command) => {
    const run = await cli([command, '--help']);
    expect([run.code, run.stdout.startsWith(`Usage: cdk-iam-change-alerts ${command} [options]`)]).toEqual([0, true]);
  });

  test('--help lists the commands and the exit codes', async () => {
    const run = await cli(['--help']);
    expect([run.code, /preview .*backtest .*lint .*explain/s.test(run.stdout), run.stdout.includes('Exit codes: 0')]).toEqual([0, true, true]);
  });

  test('--version exits 0', async () => {
    expect((await cli(['--version'])).code).toBe(0);
  });

  test('an unknown command is a usage error (exit 2)', async () => {
    const run = await cli(['prevue']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining("unknown command 'prevue'")]);
  });

  test('an unknown option is a usage error (exit 2)', async () => {
    const run = await cli(['lint', '--preset', 'changes', '--colour']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining("unknown option '--colour'")]);
  });

  test('a bad number is a usage error (exit 2)', async () => {
    expect((await cli(['backtest', logs, '--top', 'ten'])).code).toBe(2);
  });
});

describe('lint', () => {
  test('a valid preset exits 0 with what it matches and misses', async () => {
    const run = await cli(['lint', '--preset', 'authChanges']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^authChanges\n {2}Valid EventBridge pattern \(\d+ of 2048 characters\)\.\n {2}Matches \d+ of \d+ IAM API operations: \d+ mutating, 0 read-only\.\n {2}Misses \d+ mutating operations: .*AddUserToGroup/);
  });

  test('an invalid pattern file exits 1 with EventBridge\'s reason', async () => {
    const run = await cli(['lint', path.join(FIXTURES, 'invalid-pattern.json')]);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('prefix match pattern must be a string')]);
  });

  test('a pattern over the length quota exits 1', async () => {
    const run = await cli(['lint', '--preset', 'changes', '--max-length', '100']);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('EventBridge would reject this pattern')]);
  });

  test('a warning alone exits 0', async () => {
    const run = await cli(['lint', '-'], { stdin: '{"detail": {"eventName": ["Create*"]}}' });
    expect([run.code, run.stdout]).toEqual([0, expect.stringContaining('is an exact match')]);
  });

  test('--json gives the check and the explanation as data', async () => {
    const run = await cli(['lint', '--json', '--preset', 'changes', path.join(FIXTURES, 'invalid-pattern.json')]);
    const output = JSON.parse(run.stdout);
    expect(output.results.map((r: any) => [r.name, r.valid, Object.keys(r).sort()])).toEqual([
      ['changes', true, ['errors', 'explanation', 'length', 'maxLength', 'name', 'pattern', 'valid', 'warnings']],
      [path.join(FIXTURES, 'invalid-pattern.json'), false, ['errors', 'length', 'maxLength', 'name', 'pattern', 'valid', 'warnings']],
    ]);
    expect(Object.keys(output.results[0].explanation).sort())
      .toEqual(['catalogSize', 'conditionalOn', 'matched', 'matchedMutating', 'matchedReadOnly', 'missedMutating', 'unknownEventNames']);
  });

  test('nothing to lint is a usage error', async () => {
    const run = await cli(['lint']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('give a pattern file (or - for standard input) or --preset NAME')]);
  });

  test('an unknown preset is a usage error listing the presets', async () => {
    const run = await cli(['lint', '--preset', 'change']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining("unknown preset 'change'; presets: allApiCalls, changes, authChanges")]);
  });

  test('a missing file is a usage error naming it', async () => {
    const run = await cli(['lint', path.join(dir, 'nope.json')]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('nope.json: cannot read the pattern file')]);
  });
});

describe('explain', () => {
  test('lists every mutating operation the pattern misses', async () => {
    const run = await cli(['explain', '--preset', 'authChanges']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Mutating operations missed \(\d+\):\n(.*\n)*.*AddUserToGroup/);
  });

  test('a pattern file is explained exactly as written', async () => {
    const run = await cli(['explain', path.join(FIXTURES, 'create-user-pattern.json')]);
    expect(run.stdout).toContain('Matches 1 of ');
  });

  test('an invalid pattern exits 1', async () => {
    expect((await cli(['explain', path.join(FIXTURES, 'invalid-pattern.json')])).code).toBe(1);
  });
});

/** The alert rule of `preview --json` output: the one named `<prefix>-alerts` (the others are the health rules). */
function alertRule(output: { rules: any[] }): any {
  const rules = output.rules.filter((r) => r.ruleName?.endsWith('-alerts'));
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('preview', () => {
  test('a cdk.out folder against the bundled sample events exits 0 and shows each message', async () => {
    const run = await cli(['preview', assembly]);
    // The problems, if any, say why it would not exit 0.
    expect([run.code, run.stdout.match(/^ *✗ .*$/gm)]).toEqual([0, null]);
    expect(run.stdout).toContain('20 events from the bundled sample');
    expect(run.stdout).toContain('    │ "IAM change alert: CreateUser in account 229654561268"\n    │ "Who: IAMUser arn:aws:iam::229654561268:user/christophe"\n');
    expect(run.stdout).toContain('    │ "Matched by EventBridge rule: IamAlerts-C9AD2349-alerts"\n');
  });

  test('--json gives every rule, match and message', async () => {
    const run = await cli(['preview', assembly, '--json', '--events', path.join(FIXTURES, 'create-user-event.json')]);
    const output = JSON.parse(run.stdout);
    expect(Object.keys(output).sort()).toEqual(['eventCount', 'eventProblems', 'eventSource', 'rules', 'templateProblems', 'templates']);
    // Only the alert rule matches the CreateUser call: the heartbeat and tamper rules of the stack match none.
    expect(output.rules.map((r: any) => [r.ruleName.replace(/^IamAlerts-C9AD2349-/, ''), r.matches.length]))
      .toEqual([['alerts', 1], ['heartbeat', 0], ['tamper-trail-rules', 0], ['tamper-topics', 0], ['tamper-keys', 0], ['tamper-health', 0]]);
    expect(alertRule(output).matches).toEqual([{
      label: `${path.join(FIXTURES, 'create-user-event.json')}#1`,
      summary: 'CreateUser by arn:aws:iam::229654561268:user/christophe at 2024-08-01T13:33:28Z',
      delivered: true,
      messages: [{ targetId: 'Target0', text: expect.stringMatching(/^"IAM change alert: CreateUser in account 229654561268"\n/) }],
    }]);
  });

  test('CloudTrail records as S3 delivers them are wrapped in their EventBridge envelopes', async () => {
    const run = await cli(['preview', assembly, '--json', '--events', logs]);
    expect(alertRule(JSON.parse(run.stdout)).matches.map((m: any) => m.summary.split(' ')[0])).toEqual(['CreateUser', 'AttachUserPolicy', 'PutUserPolicy']);
  });

  test('an event file that cannot be used is reported and exits 1', async () => {
    const bad = writeText(path.join(dir, 'bad-events.json'), '{"hello": "world"}');
    const run = await cli(['preview', assembly, '--events', bad]);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('bad-events.json: wrong shape')]);
  });

  test('a rule EventBridge would reject exits 1', async () => {
    const run = await cli(['preview', path.join(FIXTURES, 'rules.template.json'), '--rule', 'InvalidPattern']);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('✗ EventBridge would reject the pattern')]);
  });

  test('a template that does not exist is a usage error', async () => {
    const run = await cli(['preview', path.join(dir, 'missing.template.json')]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('missing.template.json: no such file or directory')]);
  });

  test('--resolve without NAME=VALUE is a usage error', async () => {
    const run = await cli(['preview', assembly, '--resolve', 'AWS::Region']);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('--resolve takes NAME=VALUE')]);
  });

  test('--limit 0 shows the counts only', async () => {
    const run = await cli(['preview', assembly, '--limit', '0']);
    expect([run.code, run.stdout.includes(' receives:'), /\d+ of 20 events match/.test(run.stdout)]).toEqual([0, false, true]);
  });

  test('--limit caps the events shown, not the counts', async () => {
    const run = await cli(['preview', assembly, '--limit', '1']);
    expect(run.stdout).toMatch(/(\d+) of 20 events match\.[\s\S]*… \d+ more \(raise --limit, or use --json\)\./);
  });
});

describe('backtest', () => {
  test('runs the post\'s three presets by default and exits 0', async () => {
    const run = await cli(['backtest', logs]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Read 2 files \(4 records, 2024-05-01 to 2024-05-02\); skipped 0 files and 0 records\.\n/);
    expect(run.stdout.match(/^Rule \w+: \d+ alerts?$/gm)).toEqual(['Rule allApiCalls: 4 alerts', 'Rule changes: 3 alerts', 'Rule authChanges: 3 alerts']);
  });

  test('the text shows the tables, the exclusion to paste and the daily histogram', async () => {
    const run = await cli(['backtest', logs, '--preset', 'changes']);
    expect(run.stdout).toContain('  By event name (top 3 of 3):\n    AttachUserPolicy  1  33%');
    expect(run.stdout).toContain(`    IamEventPattern.changes().exceptPrincipals('${ALICE}')`);
    expect(run.stdout).toMatch(/Alerts per day \(UTC\):\n {4}2024-05-01 {2}2 {2}█+\n {4}2024-05-02 {2}1 {2}█+\n/);
  });

  test('--except-principal applies exceptPrincipals to the presets', async () => {
    const run = await cli(['backtest', logs, '--preset', 'changes', '--except-principal', ALICE, '--json']);
    expect(JSON.parse(run.stdout).rules.map((r: any) => [r.name, r.alerts])).toEqual([['changes except 1 principal(s)', 0]]);
  });

  test('--pattern runs a pattern file', async () => {
    const run = await cli(['backtest', logs, '--pattern', path.join(FIXTURES, 'create-user-pattern.json'), '--json']);
    expect(JSON.parse(run.stdout).rules.map((r: any) => [r.name, r.alerts])).toEqual([[path.join(FIXTURES, 'create-user-pattern.json'), 1]]);
  });

  test('--json gives totals, problems and per-rule counts', async () => {
    const output = JSON.parse((await cli(['backtest', logs, '--json'])).stdout);
    expect(Object.keys(output).sort()).toEqual(['problems', 'rules', 'totals']);
    expect(Object.keys(output.rules[0]).sort()).toEqual(['alerts', 'byEventName', 'byPrincipal', 'daily', 'name', 'noisyPrincipals', 'notSuggested',
      'pattern', 'readOnlyAlerts', 'suggestedExclusion']);
  });

  test('a truncated gzip is named, skipped, counted, and the run exits 1', async () => {
    const mixed = path.join(dir, 'mixed');
    writeCloudTrailLog(path.join(mixed, 'good.json.gz'), [corpusRecord('ct-005')]);
    const cut = writeCloudTrailLog(path.join(mixed, 'cut.json.gz'), [corpusRecord('ct-005'), corpusRecord('ct-003')]);
    truncateFile(cut, 40);
    const run = await cli(['backtest', mixed]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Read 1 file (1 records, 2024-08-01 to 2024-08-01); skipped 1 file and 0 records.');
    expect(run.stdout).toContain(`✗ ${path.join(mixed, 'cut.json.gz')}: truncated or corrupt gzip (unexpected end of file); file skipped`);
  });

  test('an empty folder reads nothing and exits 1', async () => {
    const empty = path.join(dir, 'empty-logs');
    fs.mkdirSync(empty, { recursive: true });
    const run = await cli(['backtest', empty]);
    expect([run.code, run.stdout]).toEqual([1, expect.stringContaining('No log files found.')]);
  });

  test('a path that does not exist is a usage error', async () => {
    expect((await cli(['backtest', path.join(dir, 'no-logs')])).code).toBe(2);
  });

  test('an invalid --pattern file is a usage error', async () => {
    const run = await cli(['backtest', logs, '--pattern', path.join(FIXTURES, 'invalid-pattern.json')]);
    expect([run.code, run.stderr]).toEqual([2, expect.stringContaining('not a valid event pattern')]);
  });

  test('an --except-principal that is no principal ARN is a usage error', async () => {
    expect((await cli(['backtest', logs, '--except-principal', 'alice'])).code).toBe(2);
  });
});

describe('colour and progress', () => {
  test('a terminal gets colour', async () => {
    expect((await cli(['lint', '--preset', 'changes'], { tty: true })).stdout).toContain(ESC);
  });

  test('a pipe gets none', async () => {
    expect((await cli(['lint', '--preset', 'changes'])).stdout).not.toContain(ESC);
  });

  test('NO_COLOR turns it off on a terminal', async () => {
    expect((await cli(['lint', '--preset', 'changes'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(ESC);
  });

  test('--no-color turns it off on a terminal', async () => {
    expect((await cli(['backtest', logs, '--no-color'], { tty: true })).stdout).not.toContain(ESC);
  });

  test('the progress bar draws on a terminal for large inputs', () => {
    let drawn = '';
    const stderr = { isTTY: true, write: (t: string) => { drawn += t; return true; } };
    const progress = progressFor({ stdout: stderr, stderr, env: {} }, PROGRESS_MIN_BYTES, true);
    progress.advance(PROGRESS_MIN_BYTES / 2, 1, 100);
    progress.stop();
    expect(drawn).toContain('reading logs [');
  });

  test.each([
    ['standard error is not a terminal', false, PROGRESS_MIN_BYTES, true],
    ['the input is small', true, PROGRESS_MIN_BYTES - 1, true],
    ['--no-progress is given', true, PROGRESS_MIN_BYTES, false],
  ])('no progress bar when %s', (_why, isTTY, bytes, enabled) => {
    let drawn = '';
    const stderr = { isTTY, write: (t: string) => { drawn += t; return true; } };
    const progress = progressFor({ stdout: stderr, stderr, env: {} }, bytes, enabled);
    progress.advance(bytes, 1, 100);
    progress.stop();
    expect(drawn).toBe('');
  });
});

describe('the bin entry', () => {
  const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');

  test('starts with a node shebang, which the compiled lib/cli/main.js keeps', () => {
    expect(fs.readFileSync(main, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  test('passes the exit code to the process', () => {
    const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true', TS_NODE_PROJECT: path.join(__dirname, '..', '..', 'tsconfig.dev.json') };
    const ok = spawnSync(process.execPath, ['-r', 'ts-node/register', main, 'lint', '--preset', 'changes'], { env, encoding: 'utf8' });
    const bad = spawnSync(process.execPath, ['-r', 'ts-node/register', main, 'lint', path.join(FIXTURES, 'invalid-pattern.json')], { env, encoding: 'utf8' });
    expect([ok.status, ok.stdout.split('\n')[0], bad.status]).toEqual([0, 'changes', 1]);
  }, 60000);
});
