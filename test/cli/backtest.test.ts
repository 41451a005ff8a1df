import * as fs from 'fs';
import * as path from 'path';
import { corpusRecord, tempDir, truncateFile, writeCloudTrailLog, writeGzip } from './cli-test-support';
import { Backtest, BacktestResult, RuleBacktest } from '../../src/cli/backtest';
import { findLogFiles } from '../../src/cli/log-files';
import { PatternChoice, presetPattern } from '../../src/cli/pattern-source';

const dir = tempDir();
const DEPLOY_ROLE = 'arn:aws:iam::111122223333:role/cdk-hnb659fds-cfn-exec-role';
const ALICE = 'arn:aws:iam::111122223333:user/alice';

/** A CloudTrail record of `eventName` by `principal` (a role is called through a session) on `day`. */
function call(eventName: string, principal: string, day: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const base = corpusRecord('ct-005');
  const role = principal.includes(':role/');
  const identity = role
    ? {
      type: 'AssumedRole',
      arn: `arn:aws:sts::111122223333:assumed-role/${principal.split('/').pop()}/session-${day}`,
      accountId: '111122223333',
      sessionContext: { sessionIssuer: { type: 'Role', arn: principal, accountId: '111122223333' } },
    }
    : { type: principal.endsWith(':root') ? 'Root' : 'IAMUser', arn: principal, accountId: '111122223333' };
  return {
    ...base,
    eventName,
    userIdentity: identity,
    eventTime: `${day}T10:00:00Z`,
    recipientAccountId: '111122223333',
    readOnly: eventName.startsWith('Get') || eventName.startsWith('List'),
    ...extra,
  };
}

async function backtest(files: string[], rules: PatternChoice[]): Promise<BacktestResult> {
  return new Backtest(rules).readAll(await findLogFiles(files));
}

function rule(result: BacktestResult, name: string): RuleBacktest {
  return result.rules.find((r) => r.name === name)!;
}

describe('counts per rule', () => {
  let result: BacktestResult;
  beforeAll(async () => {
    const logs = path.join(dir, 'counts', 'AWSLogs');
    writeCloudTrailLog(path.join(logs, '2024', '03', '01', 'a.json.gz'), [
      call('CreateRole', DEPLOY_ROLE, '2024-03-01'),
      call('AttachRolePolicy', DEPLOY_ROLE, '2024-03-01'),
      call('GetRole', DEPLOY_ROLE, '2024-03-01'),
    ]);
    writeCloudTrailLog(path.join(logs, '2024', '03', '02', 'b.json.gz'), [
      call('CreateRole', DEPLOY_ROLE, '2024-03-02'),
      call('CreateUser', ALICE, '2024-03-02'),
      call('DeleteUser', ALICE, '2024-03-02'),
      call('CreateAccessKey', 'arn:aws:iam::111122223333:root', '2024-03-02'),
      call('CreateAccessKey', 'arn:aws:iam::111122223333:root', '2024-03-02'),
      call('TagRole', ALICE, '2024-03-02'),
    ]);
    result = await backtest([logs], ['allApiCalls', 'changes', 'authChanges'].map((p) => presetPattern(p)));
  });

  test('totals say how many files and records were read', () => {
    expect(result.totals).toEqual({
      filesRead: 2,
      filesSkipped: 0,
      nonActivityFiles: 0,
      otherFiles: 0,
      recordsRead: 9,
      recordsSkipped: 0,
      firstDay: '2024-03-01',
      lastDay: '2024-03-02',
    });
  });

  test('alerts by event name, most first', () => {
    expect(rule(result, 'changes').byEventName).toEqual([
      { key: 'CreateAccessKey', count: 2 }, { key: 'CreateRole', count: 2 }, { key: 'AttachRolePolicy', count: 1 }, { key: 'CreateUser', count: 1 },
      { key: 'DeleteUser', count: 1 },
    ]);
  });

  test('alerts by principal, a role session counted as its role', () => {
    expect(rule(result, 'changes').byPrincipal).toEqual([
      { key: DEPLOY_ROLE, count: 3 }, { key: 'arn:aws:iam::111122223333:root', count: 2 }, { key: ALICE, count: 2 },
    ]);
  });

  test('alerts per day', () => {
    expect(rule(result, 'allApiCalls').daily).toEqual([{ key: '2024-03-01', count: 3 }, { key: '2024-03-02', count: 6 }]);
  });

  test('read-only calls are counted apart: an ENABLED rule would not receive them', () => {
    expect([rule(result, 'allApiCalls').alerts, rule(result, 'allApiCalls').readOnlyAlerts]).toEqual([9, 1]);
  });

  test('the noisy deployment role is suggested for exclusion with the refinement to paste; the root user never is', () => {
    const changes = rule(result, 'changes');
    expect(changes.noisyPrincipals.map((p) => p.principal)).toEqual([DEPLOY_ROLE, 'arn:aws:iam::111122223333:root', ALICE]);
    expect(changes.suggestedExclusion).toEqual({
      refinement: `IamEventPattern.changes().exceptPrincipals('${DEPLOY_ROLE}', '${ALICE}')`,
      principals: [DEPLOY_ROLE, ALICE],
      alertsRemoved: 5,
    });
    expect(changes.notSuggested).toEqual(['arn:aws:iam::111122223333:root: the root user; keep alerting on it']);
  });

  test('the suggested refinement removes exactly the alerts it says', async () => {
    const refined = presetPattern('changes', [DEPLOY_ROLE, ALICE]);
    const again = await backtest([path.join(dir, 'counts')], [refined]);
    expect(again.rules[0].alerts).toBe(rule(result, 'changes').alerts - rule(result, 'changes').suggestedExclusion!.alertsRemoved);
  });

  test('a pattern of the post misses what it does not list', () => {
    expect(rule(result, 'authChanges').byEventName.map((c) => c.key)).not.toContain('TagRole');
  });
});

describe('bad input', () => {
  let result: BacktestResult;
  const logs = path.join(dir, 'bad');
  beforeAll(async () => {
    writeCloudTrailLog(path.join(logs, '1-good.json.gz'), [call('CreateUser', ALICE, '2024-03-01'), call('DeleteUser', ALICE, '2024-03-01')]);
    const truncated = writeCloudTrailLog(path.join(logs, '2-truncated.json.gz'), Array.from({ length: 50 }, () => call('CreateUser', ALICE, '2024-03-02')));
    truncateFile(truncated, Math.floor(fs.statSync(truncated).size * 0.6));
    writeGzip(path.join(logs, '3-invalid.json.gz'), '{"Records": [');
    writeGzip(path.join(logs, '4-shape.json.gz'), JSON.stringify({ Records: 'none' }));
    const lines = [JSON.stringify(call('CreateUser', ALICE, '2024-03-03')), '{not json', JSON.stringify(call('CreateUser', ALICE, '2024-03-03'))];
    writeGzip(path.join(logs, '5-lines.jsonl.gz'), lines.join('\n'));
    result = await backtest([logs], [presetPattern('changes')]);
  });

  test('each bad file is reported with its name and reason, and skipped as a whole', () => {
    expect(result.problems.filter((p) => p.error !== undefined).map((p) => [path.basename(p.file), p.error!.replace(/ \(.*/, '')])).toEqual([
      ['2-truncated.json.gz', 'truncated or corrupt gzip'],
      ['3-invalid.json.gz', 'invalid JSON'],
      ['4-shape.json.gz', 'wrong shape: expected CloudTrail records as S3 delivers them'],
    ]);
  });

  test('a JSON line that does not parse is skipped with its line number; the file counts', () => {
    expect(result.problems.filter((p) => p.error === undefined).map((p) => [path.basename(p.file), p.skippedEntries, p.entryProblems[0]]))
      .toEqual([['5-lines.jsonl.gz', 1, expect.stringMatching(/^line 2: invalid JSON/)]]);
  });

  test('totals count the files and records read and skipped', () => {
    expect(result.totals).toMatchObject({ filesRead: 2, filesSkipped: 3, recordsRead: 4, recordsSkipped: 1 });
  });

  test('nothing of a skipped file is counted', () => {
    expect(result.rules[0].daily.map((d) => d.key)).toEqual(['2024-03-01', '2024-03-03']);
  });
});

describe('memory', () => {
  test('a file\'s matches are staged and dropped when the file turns out bad', () => {
    const b = new Backtest([presetPattern('changes')]);
    const event = { 'source': 'aws.iam', 'detail-type': 'AWS API Call via CloudTrail', 'time': '2024-01-01T00:00:00Z', 'detail': call('CreateUser', ALICE, '2024-01-01') };
    b.add(event);
    b.discardFile();
    b.add(event);
    b.commitFile();
    expect([b.result().rules[0].alerts, b.result().totals.recordsSkipped, b.result().totals.recordsRead]).toEqual([1, 1, 1]);
  });
});

test('a pattern file rule is named by its file and gets no preset refinement', async () => {
  const logs = path.join(dir, 'pattern-file');
  writeCloudTrailLog(path.join(logs, 'a.json.gz'), [call('CreateUser', DEPLOY_ROLE, '2024-03-01'), call('CreateUser', DEPLOY_ROLE, '2024-03-01')]);
  const result = await backtest([logs], [{ name: 'my-pattern.json', json: '{"detail":{"eventName":["CreateUser"]}}' }]);
  expect(result.rules[0].suggestedExclusion?.refinement).toBe(`IamEventPattern.<preset>().exceptPrincipals('${DEPLOY_ROLE}')`);
});
