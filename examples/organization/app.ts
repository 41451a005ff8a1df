/**
 * Organization: one alert bus in a notification account for IAM changes and root-user activity in
 * every account of the organization.
 *
 * Deploy it in the notification (security tooling) account, registered as a StackSets delegated
 * administrator:
 *
 *   aws organizations register-delegated-administrator \
 *     --service-principal member.org.stacksets.cloudformation.amazonaws.com --account-id 111111111111
 *
 * The central side: a custom event bus that accepts IAM events from the organization only, an
 * archive of them, one rule per pattern that publishes a readable alert to an encrypted SNS topic,
 * a dead-letter queue and delivery alarms.
 *
 * The member side (memberRollout): a service-managed StackSet gives every account of the
 * organizational units, including accounts created there later, an IamEventForwarder: rules on its
 * default bus that forward matching events to the central bus (with a role, a retry policy and a
 * dead-letter queue), in us-east-1 for IAM events and in the console sign-in regions for root
 * sign-ins.
 */
import { App, Stack } from 'aws-cdk-lib';
import { CrossAccountAlertBus, patterns } from 'cdk-iam-change-alerts';

const app = new App();
const stack = new Stack(app, 'OrgIamChangeAlerts', {
  env: { account: '111111111111', region: 'us-east-1' },
});

new CrossAccountAlertBus(stack, 'OrgAlerts', {
  organizationId: 'o-a1b2c3d4e5',
  emails: ['security@example.com'],
  patterns: [
    patterns.IamEventPattern.changes(),
    patterns.IamEventPattern.rootUserActivity(),
  ],
  // Your organizational units (`aws organizations list-organizational-units-for-parent`), or the
  // root (r-...) for every account.
  memberRollout: { organizationalUnitIds: ['ou-ab12-cdef3456'] },
});

app.synth();
