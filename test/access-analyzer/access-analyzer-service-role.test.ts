import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DOCUMENTED_TRUST_STATEMENT } from './documented-statements';
import { awsPartitionValues, evaluate } from './template-evaluation';
import { AccessAnalyzerServiceRole, AccessAnalyzerServiceRoleProps } from '../../src/access-analyzer/access-analyzer-service-role';

const ORG = 'o-a1b2c3d4e5';
const MANAGEMENT = '111122223333';
const MEMBER = '444455556666';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-trail`;
const BUCKET = 'org-trail-logs';
const KEY_ARN = `arn:aws:kms:eu-west-1:${MANAGEMENT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function memberStack(app: App = new App()): Stack {
  return new Stack(app, 'Member');
}

function role(props: Partial<AccessAnalyzerServiceRoleProps> = {}, stack: Stack = memberStack()): AccessAnalyzerServiceRole {
  return new AccessAnalyzerServiceRole(stack, 'AnalyzerRole', {
    organizationId: ORG,
    trailArn: TRAIL_ARN,
    bucketName: BUCKET,
    ...props,
  });
}

function roleResource(stack: Stack): Record<string, any> {
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'));
  expect(roles).toHaveLength(1);
  return roles[0].Properties;
}

/** The role's properties as deployed in the member account, in the aws partition. */
function deployedRole(stack: Stack, refs: Record<string, string> = {}): Record<string, any> {
  return evaluate(roleResource(stack), awsPartitionValues(MEMBER, 'us-west-2', { refs })) as Record<string, any>;
}

function permissionStatements(stack: Stack, refs: Record<string, string> = {}): Record<string, unknown>[] {
  const policies = deployedRole(stack, refs).Policies;
  expect(policies).toHaveLength(1);
  return policies[0].PolicyDocument.Statement;
}

describe('AccessAnalyzerServiceRole', () => {
  test('is named AccessAnalyzerMonitorServiceRole on the path /service-role/', () => {
    const stack = memberStack();
    const analyzerRole = role({}, stack);
    const properties = roleResource(stack);
    expect(properties.RoleName).toBe('AccessAnalyzerMonitorServiceRole');
    expect(properties.Path).toBe('/service-role/');
    expect(analyzerRole.roleName).toBe('AccessAnalyzerMonitorServiceRole');
  });

  test('appends the suffix to the name', () => {
    const stack = memberStack();
    role({ roleNameSuffix: '_OrgTrail' }, stack);
    expect(roleResource(stack).RoleName).toBe('AccessAnalyzerMonitorServiceRole_OrgTrail');
  });

  test('by default trusts Access Analyzer with exactly the documented trust policy, without a condition', () => {
    const stack = memberStack();
    role({}, stack);
    expect(deployedRole(stack).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [DOCUMENTED_TRUST_STATEMENT],
    });
  });

  test('requireSourceAccount: false is the default, the documented trust policy', () => {
    const stack = memberStack();
    role({ requireSourceAccount: false }, stack);
    expect(deployedRole(stack).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [DOCUMENTED_TRUST_STATEMENT],
    });
  });

  test('with requireSourceAccount, trusts Access Analyzer only acting for its own account: the documented statement plus aws:SourceAccount', () => {
    const stack = memberStack();
    role({ requireSourceAccount: true }, stack);
    expect(deployedRole(stack).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'access-analyzer.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': MEMBER } },
      }],
    });
  });

  test('allows exactly the documented actions, each on its own resources only', () => {
    const stack = memberStack();
    role({}, stack);
    expect(permissionStatements(stack)).toEqual([
      { Sid: 'ReadTrailSettings', Effect: 'Allow', Action: 'cloudtrail:GetTrail', Resource: TRAIL_ARN },
      {
        Sid: 'GenerateServiceLastAccessedDetails',
        Effect: 'Allow',
        Action: 'iam:GenerateServiceLastAccessedDetails',
        Resource: [`arn:aws:iam::${MEMBER}:role/*`, `arn:aws:iam::${MEMBER}:user/*`],
      },
      { Sid: 'GetServiceLastAccessedDetails', Effect: 'Allow', Action: 'iam:GetServiceLastAccessedDetails', Resource: '*' },
      { Sid: 'ListTrailBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` },
      { Sid: 'ReadOwnAccountLogs', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ORG}/${MEMBER}/*` },
    ]);
  });

  test('reads under the prefix when the trail has one', () => {
    const stack = memberStack();
    role({ prefix: 'cloudtrail/org' }, stack);
    const read = permissionStatements(stack).find(s => s.Sid === 'ReadOwnAccountLogs');
    expect(read!.Resource).toBe(`arn:aws:s3:::${BUCKET}/cloudtrail/org/AWSLogs/${ORG}/${MEMBER}/*`);
  });

  test('with a key, may decrypt with it only through S3 in the key\'s region, for this trail', () => {
    const stack = memberStack();
    role({ encryptionKeyArn: KEY_ARN }, stack);
    expect(permissionStatements(stack).find(s => s.Sid === 'DecryptOwnAccountLogs')).toEqual({
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
    });
  });

  test('takes the key\'s region from a key ARN passed as a parameter (as a StackSet passes it)', () => {
    const stack = memberStack();
    const keyArn = new CfnParameter(stack, 'TrailKeyArn').valueAsString;
    const bucketName = new CfnParameter(stack, 'TrailBucketName').valueAsString;
    role({ encryptionKeyArn: keyArn, bucketName }, stack);
    const statements = permissionStatements(stack, { TrailKeyArn: KEY_ARN, TrailBucketName: BUCKET });
    const decrypt = statements.find(s => s.Sid === 'DecryptOwnAccountLogs') as any;
    expect(decrypt.Resource).toBe(KEY_ARN);
    expect(decrypt.Condition.StringEquals['kms:ViaService']).toBe('s3.eu-west-1.amazonaws.com');
    expect(statements.find(s => s.Sid === 'ListTrailBucket')!.Resource).toBe(`arn:aws:s3:::${BUCKET}`);
  });

  test('holds no account id or region of its own: one template serves every account', () => {
    const stack = memberStack();
    role({ encryptionKeyArn: KEY_ARN }, stack);
    const template = JSON.stringify(Template.fromStack(stack).toJSON());
    const accountIds = new Set(template.match(/\d{12}/g));
    expect([...accountIds]).toEqual([MANAGEMENT]); // the trail's and key's account, nothing else
    expect(template).not.toMatch(/us-west-2|:aws:iam::/);
  });

  test('has no managed policies and no separate policy resources', () => {
    const stack = memberStack();
    role({ encryptionKeyArn: KEY_ARN }, stack);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(roleResource(stack).ManagedPolicyArns).toBeUndefined();
  });

  test('grantStartPolicyGeneration lets a principal pass the role to Access Analyzer only, and run generations', () => {
    const stack = memberStack();
    const analyzerRole = role({}, stack);
    const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal() });
    analyzerRole.grantStartPolicyGeneration(operator);
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).toHaveLength(1);
    const roleArn = `arn:aws:iam::${MEMBER}:role/service-role/AccessAnalyzerMonitorServiceRole`;
    const analyzerRoleLogicalId = stack.getLogicalId(analyzerRole.role.node.defaultChild as iam.CfnRole);
    const statements = (evaluate(policies[0].Properties.PolicyDocument, awsPartitionValues(MEMBER, 'us-west-2', {
      attributes: { [`${analyzerRoleLogicalId}.Arn`]: roleArn },
    })) as any).Statement;
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 'iam:GetRole', Resource: roleArn },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'access-analyzer.amazonaws.com' } },
      },
      {
        Effect: 'Allow',
        Action: [
          'access-analyzer:StartPolicyGeneration',
          'access-analyzer:GetGeneratedPolicy',
          'access-analyzer:ListPolicyGenerations',
          'access-analyzer:CancelPolicyGeneration',
        ],
        Resource: '*',
      },
    ]);
  });
});

describe('AccessAnalyzerServiceRole input checks', () => {
  const build = (props: Partial<AccessAnalyzerServiceRoleProps>) => () => role(props);

  test.each([
    ['a space', 'my suffix', "has characters IAM role names cannot have. Fix: use only letters, digits and \"+=,.@_-\", for example 'mysuffix'"],
    ['a slash', 'team/a', "has characters IAM role names cannot have. Fix: use only letters, digits and \"+=,.@_-\", for example 'teama'"],
    ['33 characters', 'x'.repeat(33), `is 33 characters long; after 'AccessAnalyzerMonitorServiceRole' (32) at most 32 fit in a role name (64). Fix: shorten it, for example to '${'x'.repeat(32)}'`],
  ])('rejects a roleNameSuffix with %s', (_what, roleNameSuffix, message) => {
    expect(build({ roleNameSuffix })).toThrow(`Member/AnalyzerRole: roleNameSuffix '${roleNameSuffix}' ${message}`);
  });

  test('accepts a 32-character suffix: the name is then 64 characters', () => {
    const stack = memberStack();
    role({ roleNameSuffix: 'x'.repeat(32) }, stack);
    expect(roleResource(stack).RoleName).toHaveLength(64);
  });

  test.each([
    ['an ARN', `arn:aws:s3:::${BUCKET}`, `is an ARN. Fix: pass the name alone, '${BUCKET}'`],
    ['upper case', 'Org-Trail-Logs', 'is not an S3 bucket name'],
    ['two characters', 'ab', 'is not an S3 bucket name'],
  ])('rejects a bucketName that is %s', (_what, bucketName, message) => {
    expect(build({ bucketName })).toThrow(`Member/AnalyzerRole: bucketName '${bucketName}' ${message}`);
  });

  test.each([
    ['an alias ARN', `arn:aws:kms:us-east-1:${MANAGEMENT}:alias/org-trail`, 'is not a KMS key ARN. Fix: write the key ARN'],
    ['a key id', '1234abcd-12ab-34cd-56ef-1234567890ab', 'is not a KMS key ARN'],
    ['without an account', 'arn:aws:kms:us-east-1::key/1234abcd', 'is not a KMS key ARN'],
    ['in a partition its region is not in', `arn:aws-cn:kms:us-east-1:${MANAGEMENT}:key/1234abcd`, "names partition 'aws-cn', but region us-east-1 is in partition 'aws'"],
  ])('rejects an encryptionKeyArn that is %s', (_what, encryptionKeyArn, message) => {
    expect(build({ encryptionKeyArn })).toThrow(`Member/AnalyzerRole: encryptionKeyArn '${encryptionKeyArn}' ${message}`);
  });

  test('rejects a bad organization id', () => {
    expect(build({ organizationId: 'o-ABC' })).toThrow("Member/AnalyzerRole: organizationId 'o-ABC' is not an organization id");
  });

  test('rejects a bad trail ARN', () => {
    expect(build({ trailArn: 'org-trail' })).toThrow("Member/AnalyzerRole: trailArn 'org-trail' is not a CloudTrail trail ARN");
  });

  test('rejects a prefix with slashes around it, with the fix', () => {
    expect(build({ prefix: '/org/' })).toThrow("Member/AnalyzerRole: prefix '/org/' starts or ends with '/'. Fix: write 'org'");
  });

  function govCloudStack(): Stack {
    // Partition literals on: a stack with a region then knows its partition at synthesis.
    return new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'Member', { env: { region: 'us-gov-west-1' } });
  }

  test('rejects a trail of another partition than the stack\'s, when the stack\'s is known', () => {
    expect(() => role({}, govCloudStack())).toThrow(
      `Member/AnalyzerRole: trailArn '${TRAIL_ARN}' is in partition 'aws', but stack Member is in partition 'aws-us-gov'.`);
  });

  test('rejects a key of another partition than the stack\'s, when the stack\'s is known', () => {
    const govTrail = `arn:aws-us-gov:cloudtrail:us-gov-west-1:${MANAGEMENT}:trail/org-trail`;
    expect(() => role({ trailArn: govTrail, encryptionKeyArn: KEY_ARN }, govCloudStack())).toThrow(
      `Member/AnalyzerRole: encryptionKeyArn '${KEY_ARN}' is in partition 'aws', but stack Member is in partition 'aws-us-gov'.`);
  });

  test('accepts tokens for every value', () => {
    const stack = memberStack();
    const value = (name: string) => new CfnParameter(stack, name).valueAsString;
    expect(() => role({
      organizationId: value('OrgId'),
      trailArn: value('TrailArn'),
      bucketName: value('Bucket'),
      prefix: value('Prefix'),
      encryptionKeyArn: value('KeyArn'),
      roleNameSuffix: value('Suffix'),
    }, stack)).not.toThrow();
  });
});
