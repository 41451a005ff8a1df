import * as fs from 'fs';
import * as path from 'path';
import { costs, renderCosts } from './costs';
import { buildWorld, checkSignal, FAILURE_MODES, renderMatrix, Signal, World } from './failure-modes';

let world: World;
beforeAll(() => {
  world = buildWorld();
});

describe('every way the pipeline can break reaches a person', () => {
  test.each(FAILURE_MODES.map(m => [`${m.deployment}: ${m.failure}`, m.signals] as const))('%s', (_name, signals) => {
    expect(signals.length).toBeGreaterThan(0);
    for (const signal of signals) {
      expect(() => checkSignal(world, signal)).not.toThrow();
    }
  });

  test('the matrix covers every failure the issue lists, in both deployments where they apply', () => {
    const failures = FAILURE_MODES.map(m => `${m.deployment}: ${m.failure}`).join('\n');
    for (const listed of [
      /Single account: Trail stopped/, /Single account: Event selectors exclude management events/, /Single account: Trail deleted/,
      /Single account: Alert rule disabled/, /Single account: Alert rule deleted/, /Single account: Alert target removed/,
      /Single account: Alert topic deleted/, /Single account: Email subscription removed/, /Single account: Alert topic key disabled/,
      /Single account: Alert topic key scheduled for deletion/, /Single account: Heartbeat schedule/,
      /Organization: Member trail stopped/, /Organization: Central bus policy refuses a member/, /Organization: Central bus deleted/,
      /Organization: Member forwarder role deleted/, /Organization: Member dead-letter queue filling/, /Organization: Member heartbeat schedule/,
      /Organization: Central alert rule disabled or deleted/, /Organization: Central alert topic deleted/,
    ]) {
      expect(failures).toMatch(listed);
    }
  });
});

describe('the checks can fail', () => {
  test('a call on a resource the pipeline does not own raises no tamper alert', () => {
    const signal: Signal = {
      kind: 'tamper alert',
      where: 'single',
      topic: 'health topic',
      call: { source: 'aws.cloudtrail', eventName: 'StopLogging', requestParameters: { name: 'someone-elses-trail' } },
    };
    expect(() => checkSignal(world, signal)).toThrow(/no rule on the default bus of single matches StopLogging/);
  });

  test('a tamper call is not claimed for the wrong topic', () => {
    const row = FAILURE_MODES.find(m => m.failure.startsWith('Trail stopped'))!;
    const tamper = row.signals.find(s => s.kind === 'tamper alert')!;
    expect(() => checkSignal(world, { ...tamper, topic: 'alert topic' } as Signal)).toThrow(/publishes to the alert topic/);
  });

  test('a call the tamper rules do not watch (StartLogging) raises nothing', () => {
    const row = FAILURE_MODES.find(m => m.failure.startsWith('Trail stopped'))!;
    const tamper = row.signals.find(s => s.kind === 'tamper alert') as Extract<Signal, { kind: 'tamper alert' }>;
    expect(() => checkSignal(world, { ...tamper, call: { ...tamper.call, eventName: 'StartLogging' } })).toThrow();
  });
});

describe('the README', () => {
  test('prints the matrix under "What tells you the pipeline is broken"', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## What tells you the pipeline is broken'));
    expect(section.length).toBeLessThan(readme.length);
    expect(section).toContain(renderMatrix());
  });
});

describe('what pipeline health costs', () => {
  test('the README prints the cost table computed from the templates and the published prices', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(renderCosts(world));
  });

  test('a member account costs under a dollar a month, so 1,000 members stay under $1,000', () => {
    const c = costs(world);
    expect(c.member.alarms).toBe(3);
    expect(c.member.total).toBeLessThan(1);
  });
});
