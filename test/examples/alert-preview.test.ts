/**
 * examples/alert-preview: which events reach which rule (state, read-only calls, region, forwarding
 * to a custom bus), on small apps synthesized here and on the bundled CloudTrail records.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { simulate } from '../../examples/alert-preview/alert-simulation';
import { loadSampleEvents, SampleEvent } from '../../examples/alert-preview/sample-events';
import { SynthesizedApp } from '../../examples/alert-preview/synthesized-rules';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const RECORDS = path.join(__dirname, '..', 'fixtures', 'cloudtrail-records.json');
const samples = loadSampleEvents(RECORDS);

function synthesized(build: (app: App) => void): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'alert-preview-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  return SynthesizedApp.read(outdir);
}

function sample(build: (record: Record<string, any>) => void): SampleEvent[] {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'records-')), 'records.json');
  const record: Record<string, any> = {
    eventVersion: '1.08',
    eventSource: 'iam.amazonaws.com',
    eventName: 'CreateUser',
    eventType: 'AwsApiCall',
    readOnly: false,
    awsRegion: 'us-east-1',
    recipientAccountId: '123456789012',
    eventTime: '2024-05-01T10:00:00Z',
    eventID: 'e-1',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice' },
    requestParameters: { userName: 'bob' },
  };
  build(record);
  fs.writeFileSync(file, JSON.stringify([{ id: 'sample', record }]));
  return loadSampleEvents(file);
}

function ruleToTopic(stack: Stack, id: string, props: events.RuleProps): events.Rule {
  const rule = new events.Rule(stack, id, props);
  rule.addTarget(new targets.SnsTopic(new sns.Topic(stack, `${id}Topic`), {
    message: events.RuleTargetInput.fromText(`${events.EventField.fromPath('$.detail.eventName')} by ${events.EventField.fromPath('$.detail.userIdentity.arn')}`),
  }));
  return rule;
}

const changes = { eventPattern: IamEventPattern.changes().toEventPattern() };

describe('records as EventBridge delivers them', () => {
  test('every bundled record becomes one event, IAM ones on aws.iam in us-east-1', () => {
    const records = JSON.parse(fs.readFileSync(RECORDS, 'utf8'));
    expect(samples).toHaveLength(records.length);
    for (const s of samples.filter((e) => e.event.detail.eventSource === 'iam.amazonaws.com')) {
      expect(s.event).toMatchObject({ 'source': 'aws.iam', 'region': 'us-east-1', 'detail-type': expect.stringMatching(/ via CloudTrail$/) });
    }
  });

  test('a sign-in record is delivered with source aws.signin and the Sign In detail-type', () => {
    const [event] = sample((r) => Object.assign(r, { eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', eventType: 'AwsConsoleSignIn', awsRegion: 'eu-north-1' }));
    expect(event.event).toMatchObject({ 'source': 'aws.signin', 'detail-type': 'AWS Console Sign In via CloudTrail', 'region': 'eu-north-1' });
  });
});

describe('delivery to a rule on the default bus', () => {
  const app = synthesized((a) => ruleToTopic(new Stack(a, 'Alerts', { env: { region: 'us-east-1' } }), 'Changes', changes));

  test('the target receives the rendered text of each matching event', () => {
    const [outcome] = simulate(app, sample(() => undefined)).outcomes;
    expect(outcome.deliveries.map((d) => d.text)).toEqual(['"CreateUser by arn:aws:iam::123456789012:user/alice"']);
  });

  test('a read-only call that matches is not delivered to a rule in state ENABLED', () => {
    const [outcome] = simulate(app, sample((r) => { r.readOnly = true; })).outcomes;
    expect(outcome.matched).toBe(1);
    expect(outcome.delivered).toHaveLength(0);
    expect([...outcome.notDelivered.keys()]).toEqual([expect.stringContaining('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS')]);
  });

  test('a rule in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS receives read-only calls', () => {
    const allEvents = synthesized((a) => {
      const rule = ruleToTopic(new Stack(a, 'Alerts', { env: { region: 'us-east-1' } }), 'All', { eventPattern: IamEventPattern.allApiCalls().toEventPattern() });
      (rule.node.defaultChild as events.CfnRule).state = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';
    });
    const [outcome] = simulate(allEvents, sample((r) => { r.eventName = 'GetRole'; r.readOnly = true; })).outcomes;
    expect(outcome.delivered).toHaveLength(1);
  });

  test('a disabled rule receives nothing', () => {
    const disabled = synthesized((a) => ruleToTopic(new Stack(a, 'Alerts', { env: { region: 'us-east-1' } }), 'Off', { ...changes, enabled: false }));
    const [outcome] = simulate(disabled, sample(() => undefined)).outcomes;
    expect(outcome.delivered).toHaveLength(0);
    expect([...outcome.notDelivered.keys()]).toEqual(['the rule is disabled']);
  });

  test('a rule in another region does not see IAM events, which reach EventBridge in us-east-1', () => {
    const elsewhere = synthesized((a) => ruleToTopic(new Stack(a, 'Alerts', { env: { region: 'eu-west-1' } }), 'Changes', changes));
    const [outcome] = simulate(elsewhere, sample(() => undefined)).outcomes;
    expect(outcome.delivered).toHaveLength(0);
  });

  test('on the bundled records, the alerts are the matching events that are not read-only', () => {
    const matcher = EventPatternMatcher.fromJson(IamEventPattern.changes().toJson());
    const expected = samples.filter((s) => matcher.matches(s.json) && s.event.detail.readOnly !== true).map((s) => s.id);
    const [outcome] = simulate(app, samples).outcomes;
    expect(outcome.deliveries.map((d) => d.event.id)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
  });
});

describe('forwarding to a custom bus', () => {
  /** Two forwarders on the default bus to one custom bus, and an alert rule on that bus. */
  const app = synthesized((a) => {
    const stack = new Stack(a, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
    const bus = new events.EventBus(stack, 'Bus', { eventBusName: 'central' });
    for (const [id, pattern] of [['ForwardChanges', IamEventPattern.changes()], ['ForwardUsers', IamEventPattern.eventNames('CreateUser')]] as const) {
      new events.Rule(stack, id, { eventPattern: pattern.toEventPattern(), targets: [new targets.EventBus(bus)] });
    }
    ruleToTopic(stack, 'Alert', { ...changes, eventBus: bus });
  });

  test('the bus rule alerts once per copy, and the copies are counted', () => {
    const result = simulate(app, sample(() => undefined));
    const alert = result.outcomes.find((o) => o.rule.logicalId.startsWith('Alert'))!;
    expect(alert.deliveries).toHaveLength(2);
    expect(result.arrivals.get('central')).toBe(2);
    expect(result.repeatedOnBus.get('central')).toBe(1);
  });

  test('an event no forwarder matches never reaches the bus', () => {
    const result = simulate(app, sample((r) => { r.eventName = 'GetRole'; }));
    expect(result.arrivals.get('central')).toBe(0);
    expect(result.outcomes.every((o) => o.deliveries.length === 0)).toBe(true);
  });

  test('rules run in the order events reach them: the default bus first', () => {
    const result = simulate(app, []);
    expect(result.outcomes.map((o) => o.rule.eventBus ?? 'default')).toEqual(['default', 'default', 'central']);
  });
});

test('a StackSet member rule under a condition on AWS::Region is previewed only in the regions where it holds', () => {
  const app = synthesized((a) => {
    const stack = new Stack(a, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
    new CrossAccountAlertBus(stack, 'OrgAlerts', {
      organizationId: 'o-a1b2c3d4e5',
      patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
      memberRollout: { organizationalUnitIds: ['r-ab12'] },
    });
  });
  const member = app.rules.filter((r) => r.deployedIn.startsWith('member accounts'));
  expect(member.map((r) => r.regions)).toEqual([['us-east-1'], ['us-east-2', 'eu-north-1', 'ap-southeast-2']]);
});

test('a custom bus no rule of the app forwards to receives every sample event once', () => {
  const app = synthesized((a) => {
    const stack = new Stack(a, 'Central', { env: { account: '111111111111', region: 'us-east-1' } });
    ruleToTopic(stack, 'Alert', { ...changes, eventBus: new events.EventBus(stack, 'Bus', { eventBusName: 'central' }) });
  });
  const result = simulate(app, sample(() => undefined));
  expect(result.arrivals.get('central')).toBe(1);
  expect(result.outcomes[0].deliveries).toHaveLength(1);
});

describe('preview-alerts.ts', () => {
  const script = path.join(__dirname, '..', '..', 'examples', 'alert-preview', 'preview-alerts.ts');
  const run = (...args: string[]) => spawnSync('npx', ['ts-node', '--transpile-only', script, ...args], { encoding: 'utf8' });

  test('a folder that is not a cloud assembly is a usage error that names it (exit code 2)', () => {
    const notAnAssembly = fs.mkdtempSync(path.join(os.tmpdir(), 'not-an-assembly-'));
    const result = run('--events', RECORDS, notAnAssembly);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${notAnAssembly} is not a cloud assembly`);
  }, 60_000);

  test('with --fail-without-alerts, an app whose rules alert on none of the events fails (exit code 1)', () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'quiet-app-'));
    const cdkApp = new App({ outdir: app });
    ruleToTopic(new Stack(cdkApp, 'Quiet', { env: { region: 'us-east-1' } }), 'Nothing', { eventPattern: IamEventPattern.eventNames('DeleteAccountAlias').toEventPattern() });
    cdkApp.synth();
    const result = run('--events', RECORDS, '--fail-without-alerts', app);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('none of the sample events raises an alert');
  }, 60_000);
});
