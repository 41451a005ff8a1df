/**
 * Scale of the cross-account constructs for organizations of 10, 100 and 1,000 accounts: synth
 * time and template sizes. A benchmark, not a test: it prints numbers and asserts nothing.
 *
 * - organization: CrossAccountAlertBus with organizationId and a StackSet rollout to the root
 *   (what a 1,000-account organization should use): the sizes do not grow with the accounts.
 * - account list: the same bus with every account listed; the bus policy grows by one principal
 *   per account and the construct refuses a policy over EventBridge's 10,240 characters.
 *
 * Run: ts-node --project tsconfig.dev.json bench/cross-account.ts
 */
import { performance } from 'perf_hooks';
import { App, Stack } from 'aws-cdk-lib';
import { CrossAccountAlertBus } from '../src/cross-account/cross-account-alert-bus';
import { IamEventPattern } from '../src/patterns/iam-event-pattern';

const CENTRAL = { account: '999999999999', region: 'eu-west-1' };
const TEMPLATE_BODY_LIMIT = 51_200;
const TEMPLATE_LIMIT = 1_000_000;

function accounts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => String(100000000000 + i));
}

interface Row { readonly variant: string; readonly accounts: number; readonly result: string }

function measure(variant: string, n: number, build: (stack: Stack) => void): Row {
  const start = performance.now();
  try {
    const app = new App();
    const stack = new Stack(app, 'Central', { env: CENTRAL });
    build(stack);
    const template = app.synth().getStackByName('Central').template;
    const ms = performance.now() - start;
    const resources = Object.values(template.Resources as Record<string, any>);
    const bus = resources.find((r) => r.Type === 'AWS::Events::EventBus');
    const stackSet = resources.find((r) => r.Type === 'AWS::CloudFormation::StackSet');
    const parts = [
      `synth ${ms.toFixed(0)} ms`,
      `central template ${JSON.stringify(template).length} B (limit ${TEMPLATE_LIMIT})`,
      `bus policy ${JSON.stringify(bus.Properties.Policy).length} chars (quota 10240)`,
    ];
    if (stackSet) parts.push(`member template ${Buffer.byteLength(stackSet.Properties.TemplateBody)} B (inline limit ${TEMPLATE_BODY_LIMIT})`);
    return { variant, accounts: n, result: parts.join(', ') };
  } catch (e) {
    return { variant, accounts: n, result: `refused after ${(performance.now() - start).toFixed(0)} ms: ${(e as Error).message}` };
  }
}

const patterns = [IamEventPattern.changes(), IamEventPattern.consoleSignIns()];
const rows: Row[] = [];
for (const n of [10, 100, 1_000]) {
  rows.push(measure('organization', n, (stack) => new CrossAccountAlertBus(stack, 'OrgAlerts', {
    organizationId: 'o-a1b2c3d4e5', patterns, emails: ['security@example.com'], memberRollout: { organizationalUnitIds: ['r-ab12'] },
  })));
  rows.push(measure('account list', n, (stack) => new CrossAccountAlertBus(stack, 'OrgAlerts', { accounts: accounts(n), patterns, emails: ['security@example.com'] })));
}
for (const row of rows) {
  console.log(`${row.variant.padEnd(13)} ${String(row.accounts).padStart(5)} accounts: ${row.result}`);
}
