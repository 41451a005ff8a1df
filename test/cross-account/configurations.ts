import { App, Stack } from 'aws-cdk-lib';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventForwarder } from '../../src/cross-account/iam-event-forwarder';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';

/**
 * The configurations of the cross-account constructs that the compliance checks (cdk-nag,
 * cfn-guard, cfn-lint) run over. Each builder adds one stack to `app` (a new App when none is
 * given) and returns it. The organization, accounts and regions are the samples the tests use.
 */

export const ORGANIZATION_ID = 'o-a1b2c3d4e5';
export const CENTRAL_ACCOUNT = '999999999999';
export const CENTRAL_REGION = 'eu-west-1';
export const MEMBER_ACCOUNT = '111111111111';
export const CENTRAL_BUS_NAME = 'org-iam-alerts';
export const CENTRAL_BUS_ARN = `arn:aws:events:${CENTRAL_REGION}:${CENTRAL_ACCOUNT}:event-bus/${CENTRAL_BUS_NAME}`;

/** The notification account: organization-wide bus, IAM changes and console sign-ins, rolled out to the root. */
export function centralOrganizationConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'CentralOrganization', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
  new CrossAccountAlertBus(stack, 'OrgAlerts', {
    organizationId: ORGANIZATION_ID,
    eventBusName: CENTRAL_BUS_NAME,
    emails: ['security@example.com'],
    patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
    memberRollout: { organizationalUnitIds: ['r-ab12'] },
  });
  return stack;
}

/** A central bus for a list of accounts, without an organization or rollout. */
export function centralAccountListConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'CentralAccountList', { env: { account: CENTRAL_ACCOUNT, region: CENTRAL_REGION } });
  new CrossAccountAlertBus(stack, 'OrgAlerts', {
    accounts: [MEMBER_ACCOUNT, '222222222222'],
    eventBusName: CENTRAL_BUS_NAME,
    emails: ['security@example.com'],
  });
  return stack;
}

/** A member account forwarding from us-east-1 to the central bus in another account and region. */
export function memberForwarderConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'MemberForwarder', { env: { account: MEMBER_ACCOUNT, region: 'us-east-1' } });
  new IamEventForwarder(stack, 'Forward', { centralBusArn: CENTRAL_BUS_ARN });
  return stack;
}

/** The environment-agnostic member template a StackSet rolls out (region and account conditions). */
export function memberStackSetTemplateConfiguration(app: App = new App()): Stack {
  const stack = new Stack(app, 'MemberStackSetTemplate');
  new IamEventForwarder(stack, 'Forward', {
    centralBusArn: CENTRAL_BUS_ARN,
    patterns: [IamEventPattern.changes(), IamEventPattern.consoleSignIns()],
  });
  return stack;
}

/** Every configuration, by name (for tools that run over all of them, such as cfn-lint). */
export const CONFIGURATIONS: Record<string, (app?: App) => Stack> = {
  centralOrganization: centralOrganizationConfiguration,
  centralAccountList: centralAccountListConfiguration,
  memberForwarder: memberForwarderConfiguration,
  memberStackSetTemplate: memberStackSetTemplateConfiguration,
};
