/**
 * Synthesizes the two templates the emulator test deploys: the central stack (a
 * CrossAccountAlertBus with a member rollout) and the member template that its StackSet rolls
 * out (taken from the StackSet's TemplateBody, exactly what every member account gets).
 *
 * Usage: ts-node test/e2e/synth-cross-account.ts <outdir> <central account> <central region>
 * Writes <outdir>/central.template.json, <outdir>/member.template.json and
 * <outdir>/stackset.json (the StackSet's properties without the template).
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, BootstraplessSynthesizer, Stack } from 'aws-cdk-lib';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';

const [outdir, account, region] = process.argv.slice(2);
if (!outdir || !account || !region) {
  console.error('usage: synth-cross-account.ts <outdir> <central account> <central region>');
  process.exit(2);
}

const app = new App({ outdir: path.join(outdir, 'cdk.out') });
// Bootstrapless: the emulator has no CDK bootstrap stack (no SSM version parameter).
const central = new Stack(app, 'Central', { env: { account, region }, synthesizer: new BootstraplessSynthesizer() });
new CrossAccountAlertBus(central, 'OrgAlerts', {
  organizationId: 'o-e2etest000',
  eventBusName: 'org-iam-alerts',
  // The test subscribes its own queues to the alert and health topics.
  allowNoDestination: true,
  memberRollout: { organizationalUnitIds: ['r-e2e0'] },
});
const template = app.synth().getStackByName('Central').template;
const stackSet = Object.values(template.Resources as Record<string, any>).find(r => r.Type === 'AWS::CloudFormation::StackSet');
if (!stackSet) throw new Error('the central template has no StackSet');

fs.mkdirSync(outdir, { recursive: true });
fs.writeFileSync(path.join(outdir, 'central.template.json'), JSON.stringify(template, null, 1));
fs.writeFileSync(path.join(outdir, 'member.template.json'), JSON.stringify(JSON.parse(stackSet.Properties.TemplateBody), null, 1));
fs.writeFileSync(path.join(outdir, 'stackset.json'), JSON.stringify({ ...stackSet.Properties, TemplateBody: undefined }, null, 1));
