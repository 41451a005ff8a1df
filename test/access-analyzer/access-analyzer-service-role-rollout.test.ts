import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { DOCUMENTED_TRUST_STATEMENT } from './documented-statements';
import { awsPartitionValues, evaluate } from './template-evaluation';
import { AccessAnalyzerServiceRole } from '../../src/access-analyzer/access-analyzer-service-role';
import {
  AccessAnalyzerServiceRoleRollout, AccessAnalyzerServiceRoleRolloutProps,
} from '../../src/access-analyzer/access-analyzer-service-role-rollout';
import { StackSetCaller } from '../../src/org-rollout/organization-stack-set';

const ORG = 'o-a1b2c3d4e5';
const MANAGEMENT = '111122223333';
const MEMBER = '444455556666';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-trail`;
const BUCKET = 'org-trail-logs';
const PREFIX = 'org';
const KEY_ARN = `arn:aws:kms:eu-west-1:${MANAGEMENT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

/** The management (or delegated administrator) account's stack the rollout is defined in. */
function centralStack(): Stack {
  return new Stack(new App(), 'Central', { env: { account: MANAGEMENT, region: 'eu-west-1' } });
}

const REQUIRED = { organizationalUnitIds: ['r-ab12'], organizationId: ORG, trailArn: TRAIL_ARN, bucketName: BUCKET };

function rollout(props: Partial<AccessAnalyzerServiceRoleRolloutProps> = {}, stack: Stack = centralStack()): AccessAnalyzerServiceRoleRollout {
  return new AccessAnalyzerServiceRoleRollout(stack, 'AnalyzerRoles', { ...REQUIRED, ...props });
}

function stackSetResource(stack: Stack): Record<string, any> {
  const stackSets = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
  expect(stackSets).toHaveLength(1);
  return stackSets[0];
}

function memberTemplate(stack: Stack): Record<string, any> {
  return JSON.parse(stackSetResource(stack).Properties.TemplateBody);
}

/** The StackSet's parameter values, by name, as the member template's `Ref`s see them. */
function parameterValues(stack: Stack): Record<string, string> {
  return Object.fromEntries((stackSetResource(stack).Properties.Parameters as any[]).map(p => [p.ParameterKey, p.ParameterValue]));
}

/** The member template's only role, as deployed in account MEMBER with the StackSet's parameters. */
function deployedMemberRole(stack: Stack): Record<string, any> {
  const roles = Object.values(memberTemplate(stack).Resources).filter((r: any) => r.Type === 'AWS::IAM::Role') as any[];
  expect(roles).toHaveLength(1);
  return evaluate(roles[0].Properties, awsPartitionValues(MEMBER, 'us-east-1', { refs: parameterValues(stack) })) as Record<string, any>;
}

describe('AccessAnalyzerServiceRoleRollout', () => {
  test('is one service-managed, auto-deployed StackSet to the units in one region, with the trail values as parameters', () => {
    const stack = centralStack();
    rollout({ prefix: PREFIX, encryptionKeyArn: KEY_ARN, stackSetName: 'access-analyzer-roles' }, stack);
    expect(stackSetResource(stack).Properties).toEqual({
      StackSetName: 'access-analyzer-roles',
      Description: 'IAM Access Analyzer service role for policy generation from the organization trail (cdk-iam-change-alerts AccessAnalyzerServiceRole)',
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      OperationPreferences: {
        RegionConcurrencyType: 'PARALLEL',
        ConcurrencyMode: 'SOFT_FAILURE_TOLERANCE',
        MaxConcurrentPercentage: 100,
        FailureTolerancePercentage: 10,
      },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1'] }],
      Parameters: [
        { ParameterKey: 'OrganizationId', ParameterValue: ORG },
        { ParameterKey: 'TrailArn', ParameterValue: TRAIL_ARN },
        { ParameterKey: 'TrailBucketName', ParameterValue: BUCKET },
        { ParameterKey: 'TrailPrefix', ParameterValue: PREFIX },
        { ParameterKey: 'TrailKeyArn', ParameterValue: KEY_ARN },
      ],
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      TemplateBody: expect.any(String),
    });
  });

  test('the member template declares the parameters and holds the role and nothing else', () => {
    const stack = centralStack();
    rollout({ prefix: PREFIX, encryptionKeyArn: KEY_ARN }, stack);
    const template = memberTemplate(stack);
    expect(template.Parameters).toEqual({
      OrganizationId: { Type: 'String' },
      TrailArn: { Type: 'String' },
      TrailBucketName: { Type: 'String' },
      TrailPrefix: { Type: 'String' },
      TrailKeyArn: { Type: 'String' },
    });
    expect(Object.values(template.Resources).map((r: any) => r.Type)).toEqual(['AWS::IAM::Role']);
    expect(template.Outputs).toBeUndefined();
  });

  test('by default the member role has exactly the documented trust policy, without a condition', () => {
    const stack = centralStack();
    rollout({}, stack);
    expect(deployedMemberRole(stack).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [DOCUMENTED_TRUST_STATEMENT],
    });
  });

  test('with requireSourceAccount the member role trusts Access Analyzer only acting for its own account, with no extra parameter', () => {
    const stack = centralStack();
    rollout({ requireSourceAccount: true }, stack);
    expect(deployedMemberRole(stack).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'access-analyzer.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': MEMBER } },
      }],
    });
    expect(Object.keys(parameterValues(stack))).toEqual(['OrganizationId', 'TrailArn', 'TrailBucketName']);
  });

  test('the member role is /service-role/AccessAnalyzerMonitorServiceRole with exactly the least-privilege statements', () => {
    const stack = centralStack();
    rollout({ prefix: PREFIX, encryptionKeyArn: KEY_ARN }, stack);
    const role = deployedMemberRole(stack);
    expect(role.RoleName).toBe('AccessAnalyzerMonitorServiceRole');
    expect(role.Path).toBe('/service-role/');
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(role.Policies).toEqual([{
      PolicyName: 'PolicyGeneration',
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'ReadTrailSettings', Effect: 'Allow', Action: 'cloudtrail:GetTrail', Resource: TRAIL_ARN },
          {
            Sid: 'GenerateServiceLastAccessedDetails',
            Effect: 'Allow',
            Action: 'iam:GenerateServiceLastAccessedDetails',
            Resource: [`arn:aws:iam::${MEMBER}:role/*`, `arn:aws:iam::${MEMBER}:user/*`],
          },
          { Sid: 'GetServiceLastAccessedDetails', Effect: 'Allow', Action: 'iam:GetServiceLastAccessedDetails', Resource: '*' },
          { Sid: 'ListTrailBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` },
          {
            Sid: 'ReadOwnAccountLogs',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: `arn:aws:s3:::${BUCKET}/${PREFIX}/AWSLogs/${ORG}/${MEMBER}/*`,
          },
          {
            Sid: 'DecryptOwnAccountLogs',
            Effect: 'Allow',
            Action: 'kms:Decrypt',
            Resource: KEY_ARN,
            Condition: {
              StringEquals: {
                'kms:ViaService': 's3.eu-west-1.amazonaws.com',
                'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN,
              },
            },
          },
        ],
      },
    }]);
  });

  test('the member role, once deployed, is the role AccessAnalyzerServiceRole builds from the same values', () => {
    const values = { organizationId: ORG, trailArn: TRAIL_ARN, bucketName: BUCKET, prefix: PREFIX, encryptionKeyArn: KEY_ARN, roleNameSuffix: '_Org' };
    const stack = centralStack();
    rollout(values, stack);
    const direct = new Stack(new App(), 'Member');
    new AccessAnalyzerServiceRole(direct, 'ServiceRole', values);
    const [directRole] = Object.values(Template.fromStack(direct).findResources('AWS::IAM::Role')) as any[];
    expect(deployedMemberRole(stack)).toEqual(evaluate(directRole.Properties, awsPartitionValues(MEMBER, 'us-east-1')));
  });

  test('without prefix or key, neither is a parameter, and the role reads AWSLogs/ and has no KMS permission', () => {
    const stack = centralStack();
    rollout({}, stack);
    expect(Object.keys(parameterValues(stack))).toEqual(['OrganizationId', 'TrailArn', 'TrailBucketName']);
    const statements = deployedMemberRole(stack).Policies[0].PolicyDocument.Statement as any[];
    expect(statements.map(s => s.Sid)).not.toContain('DecryptOwnAccountLogs');
    expect(statements.find(s => s.Sid === 'ReadOwnAccountLogs').Resource).toBe(`arn:aws:s3:::${BUCKET}/AWSLogs/${ORG}/${MEMBER}/*`);
  });

  test('the suffix names the role in every account', () => {
    const stack = centralStack();
    const analyzerRoles = rollout({ roleNameSuffix: '_OrgTrail' }, stack);
    expect(analyzerRoles.roleName).toBe('AccessAnalyzerMonitorServiceRole_OrgTrail');
    expect(deployedMemberRole(stack).RoleName).toBe('AccessAnalyzerMonitorServiceRole_OrgTrail');
  });

  test('deploys to us-east-1 by default, whatever the central region', () => {
    const analyzerRoles = rollout();
    expect(analyzerRoles.region).toBe('us-east-1');
  });

  test('deploys to the one region given', () => {
    const stack = centralStack();
    const analyzerRoles = rollout({ region: 'eu-central-1' }, stack);
    expect(analyzerRoles.region).toBe('eu-central-1');
    expect(stackSetResource(stack).Properties.StackInstancesGroup[0].Regions).toEqual(['eu-central-1']);
  });

  test('deploys to us-gov-west-1 by default for a GovCloud (US) trail', () => {
    const stack = new Stack(new App(), 'Central');
    const analyzerRoles = rollout({ trailArn: `arn:aws-us-gov:cloudtrail:us-gov-west-1:${MANAGEMENT}:trail/org-trail` }, stack);
    expect(analyzerRoles.region).toBe('us-gov-west-1');
  });

  test('passes the StackSet settings on', () => {
    const stack = centralStack();
    rollout({
      callAs: StackSetCaller.SELF,
      retainStacksOnAccountRemoval: true,
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 5,
      organizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'],
    }, stack);
    const props = stackSetResource(stack).Properties;
    expect(props.CallAs).toBe('SELF');
    expect(props.AutoDeployment).toEqual({ Enabled: true, RetainStacksOnAccountRemoval: true });
    expect(props.OperationPreferences).toMatchObject({ MaxConcurrentPercentage: 25, FailureTolerancePercentage: 5 });
    expect(props.StackInstancesGroup[0].DeploymentTargets).toEqual({ OrganizationalUnitIds: ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'] });
  });

  test('passes CloudFormation values of the central stack as parameter values', () => {
    const stack = centralStack();
    const bucketName = new CfnParameter(stack, 'BucketName').valueAsString;
    const keyArn = new CfnParameter(stack, 'KeyArn').valueAsString;
    rollout({ bucketName, encryptionKeyArn: keyArn }, stack);
    const values = parameterValues(stack);
    expect(values.TrailBucketName).toEqual({ Ref: 'BucketName' });
    expect(values.TrailKeyArn).toEqual({ Ref: 'KeyArn' });
  });
});

describe('AccessAnalyzerServiceRoleRollout input checks', () => {
  const build = (props: Partial<AccessAnalyzerServiceRoleRolloutProps>) => () => rollout(props);

  test.each([
    ['a malformed unit id', ['ou-xyz'], "organizationalUnitIds entry 'ou-xyz' is not valid. Fix: write organizational unit ids as ou-"],
    ['an organization id', [ORG], `organizationalUnitIds entry '${ORG}' is not valid.`],
    ['an account id', [MANAGEMENT], `organizationalUnitIds entry '${MANAGEMENT}' is not valid.`],
    ['the same unit twice', ['r-ab12', 'r-ab12'], "organizationalUnitIds lists 'r-ab12' twice"],
    ['no unit', [], 'organizationalUnitIds is empty. Fix: give at least one'],
  ])('rejects %s', (_what, organizationalUnitIds, message) => {
    expect(build({ organizationalUnitIds })).toThrow(`Central/AnalyzerRoles/StackSet: ${message}`);
  });

  test('accepts the root and units together', () => {
    expect(build({ organizationalUnitIds: ['r-ab12', 'ou-ab12-cdef3456'] })).not.toThrow();
  });

  test.each([
    ['us-east', "region 'us-east' is not an AWS region name"],
    ['US East (N. Virginia)', "region 'US East (N. Virginia)' is not an AWS region name"],
    ['us-east-1a', "region 'us-east-1a' is not an AWS region name. Fix: write a region code such as us-east-1"],
  ])('rejects region %s', (region, message) => {
    expect(build({ region })).toThrow(`Central/AnalyzerRoles: ${message}`);
  });

  test('rejects a region of another partition than the trail\'s', () => {
    expect(build({ region: 'us-gov-west-1' })).toThrow(
      `Central/AnalyzerRoles: region 'us-gov-west-1' is in partition 'aws-us-gov', but trailArn '${TRAIL_ARN}' is in partition 'aws'. Fix: give a region of partition 'aws'`);
  });

  test('rejects a region of another partition than the stack\'s region, when the trail is a CloudFormation value', () => {
    const stack = centralStack();
    const trailArn = new CfnParameter(stack, 'TrailArn').valueAsString;
    expect(() => rollout({ trailArn, region: 'cn-north-1' }, stack)).toThrow(
      "Central/AnalyzerRoles: region 'cn-north-1' is in partition 'aws-cn', but stack Central (eu-west-1) is in partition 'aws'.");
  });

  test('accepts a region of any partition when neither the trail nor the stack tells the partition', () => {
    const stack = new Stack(new App(), 'Central');
    const trailArn = new CfnParameter(stack, 'TrailArn').valueAsString;
    expect(rollout({ trailArn, region: 'us-gov-west-1' }, stack).region).toBe('us-gov-west-1');
  });

  test('asks for a region where the partition has no default', () => {
    expect(build({ trailArn: `arn:aws-iso:cloudtrail:us-iso-east-1:${MANAGEMENT}:trail/org-trail` })).toThrow(
      "Central/AnalyzerRoles: no default region is known for partition 'aws-iso'. Fix: give region");
  });

  test.each([
    ['a space', 'my suffix', 'has characters IAM role names cannot have'],
    ['33 characters', 'x'.repeat(33), 'is 33 characters long'],
  ])('rejects a roleNameSuffix with %s, naming the rollout', (_what, roleNameSuffix, message) => {
    expect(build({ roleNameSuffix })).toThrow(`Central/AnalyzerRoles: roleNameSuffix '${roleNameSuffix}' ${message}`);
  });

  test.each([
    ['organizationId', { organizationId: 'o-ABC' }, "organizationId 'o-ABC' is not an organization id"],
    ['trailArn', { trailArn: 'org-trail' }, "trailArn 'org-trail' is not a CloudTrail trail ARN"],
    ['bucketName', { bucketName: `arn:aws:s3:::${BUCKET}` }, `bucketName 'arn:aws:s3:::${BUCKET}' is an ARN`],
    ['prefix', { prefix: '/org/' }, "prefix '/org/' starts or ends with '/'. Fix: write 'org'"],
    ['encryptionKeyArn', { encryptionKeyArn: `arn:aws:kms:us-east-1:${MANAGEMENT}:alias/org-trail` }, `encryptionKeyArn 'arn:aws:kms:us-east-1:${MANAGEMENT}:alias/org-trail' is not a KMS key ARN`],
  ])('rejects a bad %s where it is given, before it becomes a parameter', (_what, props, message) => {
    expect(build(props)).toThrow(`Central/AnalyzerRoles: ${message}`);
  });

  test('accepts unresolved tokens for every value', () => {
    const stack = centralStack();
    const value = (name: string) => new CfnParameter(stack, name).valueAsString;
    expect(() => rollout({
      organizationalUnitIds: [value('Unit')],
      region: value('Region'),
      organizationId: value('OrgId'),
      trailArn: value('TrailArn'),
      bucketName: value('Bucket'),
      prefix: value('Prefix'),
      encryptionKeyArn: value('KeyArn'),
      roleNameSuffix: value('Suffix'),
    }, stack)).not.toThrow();
    expect(Object.keys(parameterValues(stack))).toEqual(['OrganizationId', 'TrailArn', 'TrailBucketName', 'TrailPrefix', 'TrailKeyArn', 'RoleNameSuffix']);
    expect(stackSetResource(stack).Properties.StackInstancesGroup).toEqual([{
      DeploymentTargets: { OrganizationalUnitIds: [{ Ref: 'Unit' }] },
      Regions: [{ Ref: 'Region' }],
    }]);
  });
});
