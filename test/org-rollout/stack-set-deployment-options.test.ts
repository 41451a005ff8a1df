import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AccessAnalyzerServiceRoleRollout } from '../../src/access-analyzer/access-analyzer-service-role-rollout';
import { OrgTrailAnalyzerAccess } from '../../src/access-analyzer/org-trail-analyzer-access';
import { CrossAccountAlertBus } from '../../src/cross-account/cross-account-alert-bus';
import { IamEventForwarderRollout } from '../../src/cross-account/iam-event-forwarder-rollout';
import { OrganizationStackSet, StackSetCaller, StackSetDeploymentOptions } from '../../src/org-rollout/organization-stack-set';

const ORG = 'o-a1b2c3d4e5';
const UNITS = ['ou-ab12-cdef3456'];
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail';
const BUS_ARN = 'arn:aws:events:eu-west-1:999999999999:event-bus/org-iam-alerts';

/** Every way of making a StackSet, each given the options the way its users give them. */
const ROLLOUTS: Array<[string, (stack: Stack, options: StackSetDeploymentOptions) => void]> = [
  ['OrganizationStackSet', (stack, options) => {
    const set = new OrganizationStackSet(stack, 'Set', { organizationalUnitIds: UNITS, regions: ['us-east-1'], ...options });
    new sqs.Queue(set.memberStack, 'Queue');
  }],
  ['IamEventForwarderRollout', (stack, options) => {
    new IamEventForwarderRollout(stack, 'Forwarders', { centralBusArn: BUS_ARN, organizationalUnitIds: UNITS, ...options });
  }],
  ['CrossAccountAlertBus.memberRollout', (stack, options) => {
    new CrossAccountAlertBus(stack, 'OrgAlerts', {
      organizationId: ORG, emails: ['security@example.com'], memberRollout: { organizationalUnitIds: UNITS, ...options },
    });
  }],
  ['AccessAnalyzerServiceRoleRollout', (stack, options) => {
    new AccessAnalyzerServiceRoleRollout(stack, 'AnalyzerRoles', {
      organizationalUnitIds: UNITS, organizationId: ORG, trailArn: TRAIL_ARN, bucketName: 'org-trail-logs', ...options,
    });
  }],
  ['OrgTrailAnalyzerAccess.memberRollout', (stack, options) => {
    new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
      bucket: new s3.Bucket(stack, 'TrailBucket'),
      organizationId: ORG,
      trailArn: TRAIL_ARN,
      memberRollout: { organizationalUnitIds: UNITS, ...options },
    });
  }],
];

function stackSetProperties(stack: Stack): Record<string, any> {
  const stackSets = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
  expect(stackSets).toHaveLength(1);
  return stackSets[0].Properties;
}

function central(): Stack {
  return new Stack(new App(), 'Central', { env: { account: '999999999999', region: 'eu-west-1' } });
}

describe.each(ROLLOUTS)('%s', (_name, make) => {
  test('passes every StackSetDeploymentOptions field to its StackSet', () => {
    const stack = central();
    make(stack, {
      callAs: StackSetCaller.SELF,
      stackSetName: 'shared-options',
      retainStacksOnAccountRemoval: true,
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 5,
    });
    const props = stackSetProperties(stack);
    expect(props.CallAs).toBe('SELF');
    expect(props.StackSetName).toBe('shared-options');
    expect(props.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: true });
    expect(props.OperationPreferences).toMatchObject({ MaxConcurrentPercentage: 25, FailureTolerancePercentage: 5 });
  });

  test('has the documented defaults', () => {
    const stack = central();
    make(stack, {});
    const props = stackSetProperties(stack);
    expect(props.CallAs).toBe('DELEGATED_ADMIN');
    expect(props.StackSetName).toMatch(/^[a-zA-Z][a-zA-Z0-9-]{0,127}$/);
    expect(props.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: false });
    expect(props.OperationPreferences).toMatchObject({ MaxConcurrentPercentage: 100, FailureTolerancePercentage: 10 });
  });

  test('checks the options the same way', () => {
    expect(() => make(central(), { stackSetName: '1-starts-with-digit' })).toThrow(/stackSetName '1-starts-with-digit' is not a valid StackSet name/);
    expect(() => make(central(), { maxConcurrentPercentage: 0 })).toThrow(/maxConcurrentPercentage is 0\. Fix: give a whole number from 1 to 100/);
    expect(() => make(central(), { failureTolerancePercentage: 101 })).toThrow(/failureTolerancePercentage is 101\. Fix: give a whole number from 0 to 100/);
  });
});
