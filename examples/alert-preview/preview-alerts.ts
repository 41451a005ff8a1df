/**
 * Previews, offline, the alerts a synthesized app would send: which sample CloudTrail events each
 * EventBridge rule matches, and the exact message each target receives, with the library's engine
 * (`patterns.EventPatternMatcher`) and renderer (`patterns.InputTransformerRenderer`).
 *
 *   npx ts-node preview-alerts.ts --events ../../test/fixtures/cloudtrail-records.json <cdk.out> [<cdk.out> ...]
 *
 * Options: `--emails N` alert messages printed per app (default 3), `--top N` event names in the
 * summary (default 12), `--fail-without-alerts` to fail when an app's rules send no alert at all.
 * Exit code 0; 1 when a construct reported an error, a rule cannot be previewed, or (with
 * `--fail-without-alerts`) an app with rules sends no alert; 2 for bad usage or an unreadable file.
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { AppOutcome, Delivery, RuleOutcome, simulate } from './alert-simulation';
import { loadSampleEvents, SampleEvent } from './sample-events';
import { SynthesizedApp, SynthesizedRule } from './synthesized-rules';

const USAGE = 'usage: npx ts-node preview-alerts.ts --events <CloudTrail records JSON> [--emails N] [--top N] [--fail-without-alerts] <cloud assembly dir>...';

function main(args: string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'events': { type: 'string' },
        'emails': { type: 'string', default: '3' },
        'top': { type: 'string', default: '12' },
        'fail-without-alerts': { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const emails = Number(values.emails);
  const top = Number(values.top);
  if (!values.events || positionals.length === 0 || !Number.isInteger(emails) || !Number.isInteger(top)) {
    console.error(USAGE);
    return 2;
  }

  let events: SampleEvent[];
  let apps: SynthesizedApp[];
  try {
    events = loadSampleEvents(values.events);
    apps = positionals.map((dir) => SynthesizedApp.read(dir));
  } catch (e) {
    // A file that is missing or not what it should be: the message names it.
    console.error((e as Error).message);
    return 2;
  }
  console.log(`${events.length} sample events from ${values.events}, wrapped as EventBridge delivers CloudTrail records.`);
  const failures: string[] = [];
  for (const [i, dir] of positionals.entries()) {
    const app = apps[i];
    const outcome = simulate(app, events);
    printApp(dir, app, outcome, events, emails, top);
    failures.push(...app.stacks.flatMap((stack) => stack.errors.map((error) => `${dir}: error at ${error}`)));
    failures.push(...outcome.outcomes.filter((o) => o.problem).map((o) => `${dir}: rule ${o.rule.logicalId} cannot be previewed`));
    if (values['fail-without-alerts'] && outcome.outcomes.length > 0 && outcome.outcomes.every((o) => o.deliveries.length === 0)) {
      failures.push(`${dir}: none of the sample events raises an alert`);
    }
  }
  if (failures.length > 0) console.error(`\npreview failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  return failures.length === 0 ? 0 : 1;
}

function printApp(dir: string, app: SynthesizedApp, outcome: AppOutcome, events: SampleEvent[], emails: number, top: number): void {
  console.log(`\n▶ ${path.basename(dir)}  (${dir})`);
  for (const stack of app.stacks) {
    console.log(wrap(`stack ${stack.name}${stack.region ? ` (${stack.region})` : ''}: ${describeResources(stack.resources)}`, '  ', '      '));
    for (const annotation of [...stack.errors.map((e) => `error at ${e}`), ...stack.warnings.map((w) => `warning at ${w}`)]) {
      console.log(wrap(annotation, '    ', '      '));
    }
    for (const set of stack.stackSets) {
      console.log(wrap(`member accounts of ${set.organizationalUnits.join(', ')}, in ${set.regions.join(', ')} (StackSet ${set.logicalId}): `
        + describeResources(set.resources), '    ', '      '));
    }
  }
  if (outcome.outcomes.length === 0) {
    console.log('  no EventBridge rules: nothing to preview.');
    return;
  }

  for (const rule of outcome.outcomes) {
    printRule(rule, rule.rule.eventBus ? `${outcome.arrivals.get(rule.rule.eventBus) ?? 0} events that reach its bus` : `${events.length} events`);
  }
  for (const [bus, repeated] of outcome.repeatedOnBus) {
    if (repeated > 0) {
      console.log();
      console.log(wrap(`! ${repeated} events reach bus ${bus} more than once, because several forwarder rules match them: `
        + 'each rule on that bus alerts once per copy.', '  ', '    '));
    }
  }

  const samples = pickSamples(outcome.outcomes, emails);
  if (samples.length > 0) {
    console.log('\n  Alert messages (the SNS message is the email body; SNS adds an unsubscribe footer). A rule without a');
    console.log('  Name is shown by its logical id: CloudFormation names it at deployment.');
  }
  for (const sample of samples) {
    console.log(`\n  ── ${sample.event.id} ${sample.event.eventName} → rule ${sample.rule.logicalId} → ${sample.target.destination}`);
    console.log(sample.text.split('\n').map((line) => `  │ ${line}`).join('\n'));
  }
  printSummary(outcome.outcomes.filter((o) => !o.problem), events.length, top);
}

function printRule(outcome: RuleOutcome, offered: string): void {
  const rule = outcome.rule;
  console.log();
  console.log(wrap(`Rule ${rule.logicalId} in ${rule.deployedIn}, ${rule.eventBus ? `bus ${rule.eventBus}` : 'default bus'}, ${rule.state}`, '  ', '      '));
  if (rule.description) console.log(`    "${rule.description}"`);
  for (const target of rule.targets) {
    const input = target.forwardsToBus ? 'the event, unchanged'
      : target.unrenderable ? `not previewed: ${target.unrenderable}`
        : target.inputTransformer ? 'input transformer' : 'the whole event';
    console.log(`    → ${target.destination} (${input})`);
  }
  if (outcome.problem) {
    console.log(`    cannot be previewed: ${outcome.problem}`);
    return;
  }
  const forwards = rule.targets.some((t) => t.forwardsToBus);
  console.log(`    matches ${outcome.matched} of the ${offered}: ${outcome.delivered.length} ${forwards ? 'forwarded' : 'alerts'}`);
  for (const [reason, count] of outcome.notDelivered) {
    console.log(wrap(`${count} not delivered: ${reason}`, '    ', '      '));
  }
}

/**
 * A few messages worth reading: each rule that alerts in turn, each message for another event name
 * and, while there are any, another kind of principal (IAM user, assumed role, root, ...), a record
 * with an event ID (the oldest documentation samples have none) and no line too long to read in a
 * terminal (request parameters can hold a whole policy document).
 */
function pickSamples(outcomes: RuleOutcome[], count: number): Delivery[] {
  const alerting = outcomes.filter((o) => o.deliveries.length > 0);
  const picked: Delivery[] = [];
  const newName = (d: Delivery) => !picked.some((p) => p.event.eventName === d.event.eventName);
  const newPrincipal = (d: Delivery) => !picked.some((p) => p.event.event.detail?.userIdentity?.type === d.event.event.detail?.userIdentity?.type);
  const readable = (d: Delivery) => typeof d.event.event.detail?.eventID === 'string' && d.text.split('\n').every((line) => line.length <= 160);
  const preferences = [
    (d: Delivery) => newName(d) && newPrincipal(d) && readable(d),
    (d: Delivery) => newName(d) && readable(d),
    newName,
  ];
  for (let round = 0; picked.length < count && round < count; round++) {
    for (const outcome of alerting) {
      const next = preferences.map((wanted) => outcome.deliveries.find(wanted)).find((d) => d !== undefined);
      if (next && picked.length < count) picked.push(next);
    }
  }
  return picked;
}

/** Events delivered per rule and event name: alerts for a rule that alerts, forwarded events for a forwarder. */
function printSummary(outcomes: RuleOutcome[], eventCount: number, top: number): void {
  const columns = outcomes.map((o) => ({ label: shortName(o.rule), counts: countByName(o.delivered) }));
  const totals = new Map<string, number>();
  for (const column of columns) {
    for (const [name, n] of column.counts) totals.set(name, (totals.get(name) ?? 0) + n);
  }
  const names = [...totals.keys()].sort((a, b) => totals.get(b)! - totals.get(a)! || a.localeCompare(b));
  const shown = names.slice(0, top);
  const rest = names.slice(top);
  const width = Math.max(28, ...shown.map((n) => n.length + 2));
  const row = (label: string, values: number[]) =>
    `    ${label.padEnd(width)}${values.map((v, i) => String(v).padStart(columns[i].label.length + 2)).join('')}`;

  console.log(`\n  Summary: of ${eventCount} events, delivered to each rule by event name (an alert, or a forwarded event):`);
  console.log(`    ${'event name'.padEnd(width)}${columns.map((c) => `  ${c.label}`).join('')}`);
  for (const name of shown) console.log(row(name, columns.map((c) => c.counts.get(name) ?? 0)));
  if (rest.length > 0) {
    console.log(row(`(${rest.length} more names)`, columns.map((c) => rest.reduce((sum, name) => sum + (c.counts.get(name) ?? 0), 0))));
  }
  console.log(row('total', outcomes.map((o) => o.delivered.length)));
}

function countByName(events: SampleEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) counts.set(event.eventName, (counts.get(event.eventName) ?? 0) + 1);
  return counts;
}

/** The logical id without the hash CDK appends (`IamAlertsRuleB5F8E1B4` -> `IamAlertsRule`). */
function shortName(rule: SynthesizedRule): string {
  return rule.logicalId.replace(/[0-9A-F]{8}$/, '');
}

/** Breaks a long line at spaces to fit 110 columns. */
function wrap(text: string, indent: string, continuation: string): string {
  const lines: string[] = [];
  let line = indent;
  for (const word of text.split(' ')) {
    if (line.trim().length > 0 && line.length + 1 + word.length > 110) {
      lines.push(line);
      line = continuation + word;
    } else {
      line += (line.trim().length > 0 ? ' ' : '') + word;
    }
  }
  return [...lines, line].join('\n');
}

function describeResources(resources: Map<string, number>): string {
  const total = [...resources.values()].reduce((a, b) => a + b, 0);
  const parts = [...resources].map(([type, n]) => `${type.replace(/^AWS::/, '')}${n > 1 ? ` ×${n}` : ''}`);
  return `${total} resource${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

process.exitCode = main(process.argv.slice(2));
