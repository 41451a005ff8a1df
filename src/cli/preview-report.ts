import * as path from 'path';
import { RulePreview } from './rule-preview';
import { Palette } from './terminal';

/** What `preview` read, besides the rules. */
export interface PreviewInputs {
  readonly templates: string[];
  /** Template files or StackSet members that could not be previewed. */
  readonly templateProblems: string[];
  /** Where the events came from (`bundled sample events` or the files). */
  readonly eventSource: string;
  readonly eventCount: number;
  /** Event files or entries that were skipped. */
  readonly eventProblems: string[];
}

/** Options for the text of a preview. */
export interface PreviewTextOptions {
  /** Matching events shown per rule (the counts cover all). */
  readonly limit?: number;
  /** Event names shown in the summary table. @default 12 */
  readonly top?: number;
}

/** `preview` output for a terminal. */
export function previewText(inputs: PreviewInputs, rules: readonly RulePreview[], c: Palette, options: PreviewTextOptions = {}): string {
  const out: string[] = [];
  out.push(c.dim(`${inputs.eventCount} events from ${inputs.eventSource}; ${rules.length} rule${rules.length === 1 ? '' : 's'} in ${inputs.templates.length} template${inputs.templates.length === 1 ? '' : 's'}.`));
  for (const p of [...inputs.templateProblems, ...inputs.eventProblems]) out.push(c.yellow(`! ${p}`));
  let template: string | undefined;
  for (const rule of rules) {
    if (rule.template !== template) {
      template = rule.template;
      out.push('', c.bold(`Template ${template}`) + (rule.region ? c.dim(` (region ${rule.region})`) : ''));
    }
    out.push(...ruleLines(rule, c, options.limit));
  }
  if (rules.length === 0) out.push('', 'No AWS::Events::Rule resources found.');
  else out.push(...summaryLines(rules, c, options.top ?? 12));
  return out.join('\n') + '\n';
}

/**
 * A table of delivered events per rule by event name: the alerts of an alerting rule, the
 * forwarded events of a forwarder. Each column is a rule that delivered something, named by its
 * logical ID without the hash aws-cdk appends when that keeps the names apart; the rules that
 * delivered nothing (a pipeline's heartbeat and tamper rules, for ordinary IAM events) are named
 * on one line below.
 */
function summaryLines(allRules: readonly RulePreview[], c: Palette, top: number): string[] {
  const rules = allRules.filter((r) => r.delivered > 0);
  const idle = allRules.filter((r) => r.delivered === 0);
  const idleLine = idle.length > 0 ? [c.dim(`  Delivered nothing: ${idle.map((r) => r.ruleName ?? r.logicalId).join(', ')}`)] : [];
  if (rules.length === 0) return ['', c.bold('No rule delivered any of the events.'), ...idleLine];
  const stripped = rules.map((r) => r.logicalId.replace(/[0-9A-F]{8}$/, ''));
  const labels = new Set(stripped).size === stripped.length ? stripped : rules.map((r) => r.logicalId);
  const totals = new Map<string, number>();
  for (const rule of rules) {
    for (const [name, n] of Object.entries(rule.deliveredByEventName)) totals.set(name, (totals.get(name) ?? 0) + n);
  }
  const names = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const shown = names.slice(0, top);
  const rest = names.slice(top);
  const width = Math.max('event name'.length, ...shown.map((n) => n.length), `(${rest.length} more names)`.length) + 2;
  const row = (label: string, values: number[]) => `  ${label.padEnd(width)}${values.map((v, i) => String(v).padStart(labels[i].length + 2)).join('')}`;
  const count = (rule: RulePreview, only: readonly string[]) => only.reduce((sum, name) => sum + (rule.deliveredByEventName[name] ?? 0), 0);
  const out = ['', c.bold('Delivered per rule by event name (an alert, or a forwarded event):'),
    c.dim(`  ${'event name'.padEnd(width)}${labels.map((l) => `  ${l}`).join('')}`)];
  for (const name of shown) out.push(row(name, rules.map((r) => r.deliveredByEventName[name] ?? 0)));
  if (rest.length > 0) out.push(row(`(${rest.length} more names)`, rules.map((r) => count(r, rest))));
  out.push(c.bold(row('total', rules.map((r) => r.delivered))));
  out.push(...idleLine);
  return out;
}

function ruleLines(rule: RulePreview, c: Palette, limit: number | undefined): string[] {
  const out: string[] = [''];
  const title = `Rule ${rule.logicalId}` + (rule.ruleName ? ` (${rule.ruleName})` : '') + (rule.description ? `: ${rule.description}` : '');
  out.push(c.bold(c.cyan(title)));
  out.push(`  State ${rule.state}, event bus ${rule.eventBus}` + (rule.condition ? `, condition ${rule.condition.name}` : '')
    + (rule.regions ? `, in ${rule.regions.length > 0 ? rule.regions.join(', ') : 'no region'}` : ''));
  if (rule.receivesFrom.length > 0) {
    const named = rule.receivesFrom.map((id) => `${id.slice(id.lastIndexOf(' ') + 1)} (${path.basename(id.slice(0, id.lastIndexOf(' ')))})`);
    out.push(`  Receives the events forwarded by ${named.join(', ')}`);
  }
  for (const t of rule.targets) {
    out.push(`  Target ${t.id} -> ${t.destination}: ${t.eventBus ? 'the event, forwarded unchanged to an event bus' : t.input}`);
  }
  for (const u of rule.unresolved) out.push(c.yellow(`  Unresolved: ${u.path} = ${u.description}`));
  for (const p of rule.problems) out.push(c.red(`  ✗ ${p}`));
  for (const n of rule.notes) out.push(c.dim(`  Note: ${n}`));
  if (rule.eventsChecked === 0 && rule.matched === 0) return out;
  const undelivered = rule.matched - rule.delivered;
  out.push(`  ${rule.matched} of ${rule.eventsChecked} ${rule.receivesFrom.length > 0 ? 'forwarded events' : 'events'} match` + (undelivered > 0 ? `; ${rule.delivered} delivered, ${undelivered} not` : '') + '.');
  const shown = limit === undefined ? rule.matches : rule.matches.slice(0, limit);
  for (const m of shown) {
    out.push('');
    const head = `${m.summary}  ${c.dim(`[${m.label}${m.via !== undefined ? `, forwarded by ${m.via.slice(m.via.lastIndexOf(' ') + 1)}` : ''}]`)}`;
    if (!m.delivered) {
      out.push(`  ${c.yellow('○')} ${head}`, c.yellow(`    not delivered: ${m.notDeliveredBecause}`));
      continue;
    }
    out.push(`  ${c.green('●')} ${head}`);
    for (const msg of m.messages) {
      if (msg.text === undefined) {
        out.push(c.red(`    ${msg.targetId}: ${msg.error}`));
        continue;
      }
      out.push(`    ${msg.targetId} receives:`);
      for (const line of msg.text.split('\n')) out.push(`    ${c.dim('│')} ${line}`);
    }
  }
  if (shown.length < rule.matches.length) out.push('', c.dim(`  … ${rule.matches.length - shown.length} more (raise --limit, or use --json).`));
  return out;
}
