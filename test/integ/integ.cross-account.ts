/**
 * Integration snapshot: organization-wide IAM alerts across two accounts and two regions.
 *
 * - The notification account (111111111111) in us-east-1: a CrossAccountAlertBus for the
 *   organization, alerting on IAM changes and console sign-ins, rolled out to the root with a
 *   StackSet (whose member template is part of the snapshot, inline in the StackSet).
 * - A member account (222222222222): IamEventForwarder stacks in us-east-1 (IAM and sign-in
 *   events, to a bus in another account) and in eu-north-1 (a sign-in region: sign-in events only,
 *   to a bus in another account and region).
 *
 * `npx projen integ` checks the committed snapshot, `npx projen integ:update` rewrites it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventForwarder } from '../../src/cross-account/iam-event-forwarder';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

const notificationAccount = '111111111111';
const memberAccount = '222222222222';
const patterns = [IamEventPattern.changes(), IamEventPattern.consoleSignIns()];

const app = new App();

const central = new Stack(app, 'CrossAccountCentral', { env: { account: notificationAccount, region: 'us-east-1' } });
new CrossAccountAlertBus(central, 'OrgAlerts', {
  organizationId: 'o-a1b2c3d4e5',
  eventBusName: 'org-iam-alerts',
  emails: ['security@example.com'],
  patterns,
  memberRollout: { organizationalUnitIds: ['r-ab12'] },
});

// The member stacks take the ARN as text, as an app in another account would: a token of the
// central stack would make a cross-stack reference, which CloudFormation cannot resolve across accounts.
const centralBusArn = `arn:aws:events:us-east-1:${notificationAccount}:event-bus/org-iam-alerts`;
const members = ['us-east-1', 'eu-north-1'].map(region => {
  const member = new Stack(app, `CrossAccountMember-${region}`, { env: { account: memberAccount, region } });
  new IamEventForwarder(member, 'Forward', { centralBusArn, patterns });
  return member;
});

new IntegTest(app, 'CrossAccountTest', {
  testCases: [central, ...members],
  regions: ['us-east-1'],
});
app.synth();
