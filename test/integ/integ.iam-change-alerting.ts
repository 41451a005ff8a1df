/**
 * Integration snapshot: IamChangeAlerting in its default configuration, as the README's quick
 * start writes it, in us-east-1 (where IAM events reach EventBridge).
 * `npx projen integ` checks the committed snapshot; `npx projen integ:update` rewrites it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Stack } from 'aws-cdk-lib';
import { IamChangeAlerting } from '../../src';

const app = new App();
const stack = new Stack(app, 'IamChangeAlertingDefault', { env: { region: 'us-east-1' } });
new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] });

new IntegTest(app, 'IamChangeAlertingDefaultTest', {
  testCases: [stack],
  regions: ['us-east-1'],
});
app.synth();
