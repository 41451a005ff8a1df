import { BacktestResult, Count, RuleBacktest } from './backtest';
import { Palette } from './terminal';

/** Options for the text of a backtest. */
export interface BacktestTextOptions {
  /** Rows shown in each table. @default 10 */
  readonly top?: number;
}

/** More days than this are shown by week. */
const MAX_DAILY_ROWS = 62;
const BAR_WIDTH = 40;

/** `backtest` output for a terminal. */
export function backtestText(result: BacktestResult, c: Palette, options: BacktestTextOptions = {}): string {
  const top = options.top ?? 10;
  const t = result.totals;
  const out: string[] = [];
  const period = t.firstDay !== undefined ? `, ${t.firstDay} to ${t.lastDay}` : '';
  out.push(c.bold(`Read ${n(t.filesRead)} file${t.filesRead === 1 ? '' : 's'} (${n(t.recordsRead)} records${period}); `
    + `skipped ${n(t.filesSkipped)} file${t.filesSkipped === 1 ? '' : 's'} and ${n(t.recordsSkipped)} record${t.recordsSkipped === 1 ? '' : 's'}.`));
  if (t.nonActivityFiles > 0) out.push(c.dim(`Left out ${n(t.nonActivityFiles)} CloudTrail digest or Insights files (no activity records).`));
  if (t.otherFiles > 0) out.push(c.dim(`Left out ${n(t.otherFiles)} files whose names are not *.json, *.jsonl or *.ndjson (optionally .gz).`));
  if (t.filesRead + t.filesSkipped === 0) out.push(c.yellow('No log files found.'));
  for (const p of result.problems) {
    if (p.error !== undefined) out.push(c.red(`✗ ${p.file}: ${p.error}; file skipped`));
    else out.push(c.yellow(`! ${p.file}: ${n(p.skippedEntries)} entr${p.skippedEntries === 1 ? 'y' : 'ies'} skipped`));
    for (const problem of p.entryProblems.filter((text) => text !== p.error)) out.push(c.dim(`    ${problem}`));
    if (p.skippedEntries > p.entryProblems.length) out.push(c.dim(`    … ${n(p.skippedEntries - p.entryProblems.length)} more`));
  }
  for (const rule of result.rules) out.push('', ...ruleLines(rule, c, top));
  return out.join('\n') + '\n';
}

function ruleLines(rule: RuleBacktest, c: Palette, top: number): string[] {
  const out: string[] = [c.bold(c.cyan(`Rule ${rule.name}: ${n(rule.alerts)} alert${rule.alerts === 1 ? '' : 's'}`))];
  if (rule.readOnlyAlerts > 0) {
    out.push(c.dim(`  ${n(rule.readOnlyAlerts)} of them for read-only calls, which reach a rule only with State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS `
      + `(with ENABLED: ${n(rule.alerts - rule.readOnlyAlerts)} alerts).`));
  }
  if (rule.alerts === 0) return out;
  const eventNames = rule.byEventName.slice(0, top);
  out.push(...table(`By event name (top ${eventNames.length} of ${n(rule.byEventName.length)})`, eventNames, rule.alerts));
  out.push(...table(`By principal (top ${Math.min(top, rule.byPrincipal.length)} of ${n(rule.byPrincipal.length)}; a role session counts as its role)`,
    rule.byPrincipal.slice(0, top), rule.alerts));
  if (rule.noisyPrincipals.length > 0) {
    out.push('  Noisiest principals worth excluding:');
    for (const p of rule.noisyPrincipals) out.push(`    ${p.principal}  ${n(p.alerts)} (${percent(p.share)})`);
    for (const why of rule.notSuggested) out.push(c.dim(`    not suggested: ${why}`));
    const s = rule.suggestedExclusion;
    if (s !== undefined) {
      out.push(`  Excluding ${s.principals.length === 1 ? 'it' : 'them'} removes ${n(s.alertsRemoved)} of ${n(rule.alerts)} alerts (${percent(s.alertsRemoved / rule.alerts)}); paste:`);
      out.push(c.green(`    ${s.refinement}`));
      out.push(c.dim('  Exclude only automation you trust (deployment roles, pipelines): an excluded principal can change IAM without an alert.'));
    }
  }
  out.push(...histogram(rule.daily, c));
  return out;
}

function table(title: string, rows: readonly Count[], total: number): string[] {
  const width = Math.min(70, Math.max(...rows.map((r) => r.key.length)));
  const max = Math.max(...rows.map((r) => r.count));
  const countWidth = Math.max(...rows.map((r) => n(r.count).length));
  return [`  ${title}:`, ...rows.map((r) => `    ${fit(r.key, width)}  ${n(r.count).padStart(countWidth)} ${percent(r.count / total).padStart(4)}  ${bar(r.count, max)}`)];
}

/** Alerts per day, or per week (from Monday) when the period is long. */
function histogram(daily: readonly Count[], c: Palette): string[] {
  if (daily.length === 0) return [];
  let rows = daily;
  let title = 'Alerts per day (UTC)';
  if (daily.length > MAX_DAILY_ROWS) {
    const weeks = new Map<string, number>();
    for (const d of daily) {
      const key = weekOf(d.key);
      weeks.set(key, (weeks.get(key) ?? 0) + d.count);
    }
    rows = [...weeks].map(([key, count]) => ({ key, count }));
    title = `Alerts per week (from the Monday shown; ${daily.length} days, --json has each day)`;
  }
  const max = Math.max(...rows.map((r) => r.count));
  const countWidth = Math.max(...rows.map((r) => n(r.count).length));
  return [`  ${title}:`, ...rows.map((r) => `    ${r.key.padEnd(10)}  ${n(r.count).padStart(countWidth)}  ${c.cyan(bar(r.count, max))}`)];
}

function weekOf(day: string): string {
  const time = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(time)) return day;
  const date = new Date(time);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(time - sinceMonday * 86400000).toISOString().slice(0, 10);
}

function bar(count: number, max: number): string {
  return '█'.repeat(Math.max(1, Math.round((count / max) * BAR_WIDTH)));
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
}

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}
