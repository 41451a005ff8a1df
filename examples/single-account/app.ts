/**
 * Single account: email the security team within seconds of any IAM change in this account.
 *
 * IAM is a global service whose events reach EventBridge only in us-east-1, so the stack is pinned
 * there (IamChangeAlerting refuses any other region at synthesis). Deploy with `npx cdk deploy`;
 * each address then gets an email from SNS asking it to confirm the subscription.
 */
import { App, Stack } from 'aws-cdk-lib';
import { IamChangeAlerting } from 'cdk-iam-change-alerts';

const app = new App();
const stack = new Stack(app, 'IamChangeAlerts', { env: { region: 'us-east-1' } });

// The defaults: a hardened CloudTrail trail, an EventBridge rule for IAM changes (names starting
// Add, Attach, Create, Delete, Put, Update, ...), an SNS topic encrypted with its own key, a
// dead-letter queue and alarms on failed deliveries; and the pipeline watches itself: a heartbeat
// (a harmless IAM call every 15 minutes, alarmed when it stops arriving) and tamper alerts on its
// trail, rules, topics and keys, sent to a second topic (the health topic) with the same subscribers.
new IamChangeAlerting(stack, 'IamAlerts', {
  emails: ['security@example.com'],
});

app.synth();
