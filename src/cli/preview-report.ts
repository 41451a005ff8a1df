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
  return out.join('\n') + '\n';
}

function ruleLines(rule: RulePreview, c: Palette, limit: number | undefined): string[] {
  const out: string[] = [''];
  const title = `Rule ${rule.logicalId}` + (rule.ruleName ? ` (${rule.ruleName})` : '') + (rule.description ? `: ${rule.description}` : '');
  out.push(c.bold(c.cyan(title)));
  out.push(`  State ${rule.state}, event bus ${rule.eventBus}` + (rule.condition ? `, condition ${rule.condition.name}` : ''));
  for (const t of rule.targets) {
    out.push(`  Target ${t.id} -> ${t.destination}: ${t.eventBus ? 'the event, forwarded unchanged to an event bus' : t.input}`);
  }
  for (const u of rule.unresolved) out.push(c.yellow(`  Unresolved: ${u.path} = ${u.description}`));
  for (const p of rule.problems) out.push(c.red(`  ✗ ${p}`));
  for (const n of rule.notes) out.push(c.dim(`  Note: ${n}`));
  if (rule.eventsChecked === 0 && rule.matched === 0) return out;
  const undelivered = rule.matched - rule.delivered;
  out.push(`  ${rule.matched} of ${rule.eventsChecked} events match` + (undelivered > 0 ? `; ${rule.delivered} delivered, ${undelivered} not` : '') + '.');
  const shown = limit === undefined ? rule.matches : rule.matches.slice(0, limit);
  for (const m of shown) {
    out.push('');
    const head = `${m.summary}  ${c.dim(`[${m.label}]`)}`;
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
