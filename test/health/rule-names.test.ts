import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountAlertBus, IamChangeAlerting, IamEventForwarder } from '../../src';

// EventBridge rule names are at most 64 characters of [.-_A-Za-z0-9]; every rule of a pipeline is
// named with one literal prefix that its tamper rules watch. Long stack names and construct ids
// must still give valid names (the longest purpose once made a name 65 characters long).
const LONG_STACK = `S${'t'.repeat(127)}`;
const LONG_ID = `Alerts${'x'.repeat(94)}`;

function ruleNames(stack: Stack): string[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule')).map((r: any) => r.Properties.Name);
}

function expectValidNames(names: string[]): void {
  expect(names.length).toBeGreaterThan(1);
  for (const name of names) expect(name).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
}

test('IamChangeAlerting in a stack with a 128-character name and a 100-character id names every rule validly, with one prefix', () => {
  const stack = new Stack(new App(), LONG_STACK, { env: { account: '111122223333', region: 'us-east-1' } });
  new IamChangeAlerting(stack, LONG_ID, { emails: ['security@example.com'] });
  const names = ruleNames(stack);
  expectValidNames(names);
  const prefix = names.find(n => n.endsWith('-alerts'))!.slice(0, -'-alerts'.length);
  expect(names.every(n => n.startsWith(`${prefix}-`))).toBe(true);
  expect(names.map(n => n.slice(prefix.length)).sort())
    .toEqual(['-alerts', '-heartbeat', '-tamper-health', '-tamper-keys', '-tamper-topics', '-tamper-trail-rules']);
});

test('CrossAccountAlertBus and IamEventForwarder with long names name every rule validly', () => {
  const app = new App();
  const central = new Stack(app, LONG_STACK, { env: { account: '111122223333', region: 'us-east-1' } });
  new CrossAccountAlertBus(central, LONG_ID, { organizationId: 'o-a1b2c3d4e5', emails: ['security@example.com'] });
  const member = new Stack(app, `M${LONG_STACK}`, {});
  new IamEventForwarder(member, LONG_ID, { centralBusArn: 'arn:aws:events:us-east-1:111122223333:event-bus/central' });
  expectValidNames(ruleNames(central));
  expectValidNames(ruleNames(member));
  expect(ruleNames(member).map(n => n.replace(/^.*-(forward|health)(-signin)?$/, '$1$2')).sort())
    .toEqual(['forward', 'health']);
});

test('two pipelines in one stack get different prefixes, so neither watches the other\'s rules as its own', () => {
  const stack = new Stack(new App(), LONG_STACK, { env: { account: '111122223333', region: 'us-east-1' } });
  new IamChangeAlerting(stack, `${LONG_ID}A`, { emails: ['security@example.com'] });
  new IamChangeAlerting(stack, `${LONG_ID}B`, { emails: ['security@example.com'] });
  const prefixes = new Set(ruleNames(stack).filter(n => n.endsWith('-alerts')).map(n => n.slice(0, -'-alerts'.length)));
  expect(prefixes.size).toBe(2);
  const [a, b] = [...prefixes];
  expect(a.startsWith(b) || b.startsWith(a)).toBe(false);
});
