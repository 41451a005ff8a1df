import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  MANAGEMENT_ACCOUNT, ORGANIZATION_ID, TRAIL_ARN, TRAIL_BUCKET_NAME, TRAIL_PREFIX, TRAIL_REGION,
  memberServiceRoleConfiguration, ownedTrailBucketConfiguration,
} from './configurations';
import { awsPartitionValues, evaluate } from './template-evaluation';

/**
 * The bucket and key policies that OrgTrailAnalyzerAccess synthesizes, and the permissions of
 * AccessAnalyzerServiceRole, evaluated by an IAM policy simulator (@cloud-copilot/iam-simulate)
 * against requests such as Access Analyzer makes with the member account's service role.
 *
 * The simulator resolves policy variables such as `${aws:PrincipalAccount}` from the request
 * context, checks the condition operators, and applies the cross-account rule (the identity policy
 * and the resource policy must both allow). It takes the request context as given, so every request
 * here builds `aws:PrincipalArn`, `aws:PrincipalAccount` and `aws:PrincipalOrgID` from one principal.
 */

type Policy = { Version: string; Statement: Record<string, unknown>[] };
type Decision = 'Allowed' | 'ImplicitlyDenied' | 'ExplicitlyDenied';

const MEMBER = '444455556666';
const OTHER_MEMBER = '777788889999';
const OTHER_ORGANIZATION = 'o-zz9988776655';
const SERVICE_ROLE = (account: string) => `arn:aws:iam::${account}:role/service-role/AccessAnalyzerMonitorServiceRole`;
const BUCKET_ARN = `arn:aws:s3:::${TRAIL_BUCKET_NAME}`;
const KEY_ARN = `arn:aws:kms:${TRAIL_REGION}:${MANAGEMENT_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const logFile = (account: string) =>
  `${BUCKET_ARN}/${TRAIL_PREFIX}/AWSLogs/${ORGANIZATION_ID}/${account}/CloudTrail/us-east-1/2024/03/01/${account}_CloudTrail_us-east-1_20240301T0000Z_abc.json.gz`;

/** The policies as CloudFormation deploys them: the log-archive stack in the management account. */
function logArchivePolicies(): { bucketPolicy: Policy; keyPolicy: Policy } {
  const stack = ownedTrailBucketConfiguration();
  const template = Template.fromStack(stack);
  const bucketLogicalId = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
  const keyLogicalId = Object.keys(template.findResources('AWS::KMS::Key'))[0];
  const values = awsPartitionValues(MANAGEMENT_ACCOUNT, TRAIL_REGION, {
    refs: { [bucketLogicalId]: TRAIL_BUCKET_NAME },
    attributes: { [`${bucketLogicalId}.Arn`]: BUCKET_ARN, [`${keyLogicalId}.Arn`]: KEY_ARN },
  });
  const bucketPolicy = Object.values(template.findResources('AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument;
  const keyPolicy = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
  return { bucketPolicy: evaluate(bucketPolicy, values) as Policy, keyPolicy: evaluate(keyPolicy, values) as Policy };
}

/** The service role's permissions as deployed in `account`. */
function serviceRolePolicy(account: string): Policy {
  const stack: Stack = memberServiceRoleConfiguration();
  const role = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0];
  return evaluate(role.Properties.Policies[0].PolicyDocument, awsPartitionValues(account, 'us-west-2')) as Policy;
}

/** Identity permissions broad enough that only the resource policy can deny. */
const BROAD_IDENTITY_POLICY: Policy = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:*', 'kms:*'], Resource: '*' }],
};

interface Caller {
  /** ARN of the IAM role or user (the `aws:PrincipalArn`). */
  readonly arn: string;
  readonly organizationId: string;
  readonly identityPolicy: Policy;
}

function callerOf(arn: string, identityPolicy: Policy = BROAD_IDENTITY_POLICY, organizationId = ORGANIZATION_ID): Caller {
  return { arn, organizationId, identityPolicy };
}

async function decide(
  caller: Caller, action: string, resource: string, resourcePolicy: Policy, context: Record<string, string> = {},
): Promise<Decision> {
  const account = caller.arn.split(':')[4];
  const simulation: Simulation = {
    request: {
      principal: caller.arn,
      action,
      resource: { resource, accountId: MANAGEMENT_ACCOUNT },
      contextVariables: {
        'aws:PrincipalArn': caller.arn,
        'aws:PrincipalAccount': account,
        'aws:PrincipalOrgID': caller.organizationId,
        'aws:SecureTransport': 'true',
        ...context,
      },
    },
    identityPolicies: [{ name: 'identity', policy: caller.identityPolicy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy,
    // The trail bucket blocks all public access: the statement must not count as public.
    additionalSettings: { s3: { blockPublicAccess: true } },
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(`simulation rejected: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult as Decision;
}

describe('the bucket policy, evaluated', () => {
  const { bucketPolicy } = logArchivePolicies();

  test('lets the service role of a member account read its own log files', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 's3:GetObject', logFile(MEMBER), bucketPolicy)).toBe('Allowed');
  });

  test('lets it list the bucket', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 's3:ListBucket', BUCKET_ARN, bucketPolicy)).toBe('Allowed');
  });

  test('lets a service role with a suffix, as the IAM console names them, read its own log files', async () => {
    const role = `${SERVICE_ROLE(MEMBER)}_XELK4E2HVP`;
    expect(await decide(callerOf(role), 's3:GetObject', logFile(MEMBER), bucketPolicy)).toBe('Allowed');
  });

  test('denies it another account\'s log files', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 's3:GetObject', logFile(OTHER_MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });

  test('denies the service role of another organization', async () => {
    const caller = callerOf(SERVICE_ROLE(MEMBER), BROAD_IDENTITY_POLICY, OTHER_ORGANIZATION);
    expect(await decide(caller, 's3:GetObject', logFile(MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });

  test('denies another role of the member account', async () => {
    expect(await decide(callerOf(`arn:aws:iam::${MEMBER}:role/service-role/PolicyGenerationReader`), 's3:GetObject', logFile(MEMBER), bucketPolicy))
      .toBe('ImplicitlyDenied');
  });

  test('denies a role with the right name on another path', async () => {
    expect(await decide(callerOf(`arn:aws:iam::${MEMBER}:role/AccessAnalyzerMonitorServiceRole`), 's3:GetObject', logFile(MEMBER), bucketPolicy))
      .toBe('ImplicitlyDenied');
  });

  test('denies a user instead of the role, even one named like it', async () => {
    expect(await decide(callerOf(`arn:aws:iam::${MEMBER}:user/service-role/AccessAnalyzerMonitorServiceRole`), 's3:GetObject', logFile(MEMBER), bucketPolicy))
      .toBe('ImplicitlyDenied');
  });

  test.each(['s3:PutObject', 's3:DeleteObject'])('denies the service role a write: %s', async action => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), action, logFile(MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });

  test('denies a request without TLS (the bucket\'s own TLS-only statement)', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 's3:GetObject', logFile(MEMBER), bucketPolicy, { 'aws:SecureTransport': 'false' }))
      .toBe('ExplicitlyDenied');
  });
});

describe('the service role\'s own permissions with the bucket policy, evaluated', () => {
  const { bucketPolicy } = logArchivePolicies();
  const serviceRole = callerOf(SERVICE_ROLE(MEMBER), serviceRolePolicy(MEMBER));

  test('allow reading its own account\'s log files', async () => {
    expect(await decide(serviceRole, 's3:GetObject', logFile(MEMBER), bucketPolicy)).toBe('Allowed');
  });

  test('allow listing the bucket', async () => {
    expect(await decide(serviceRole, 's3:ListBucket', BUCKET_ARN, bucketPolicy)).toBe('Allowed');
  });

  test('deny another account\'s log files', async () => {
    expect(await decide(serviceRole, 's3:GetObject', logFile(OTHER_MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });

  test('deny writes', async () => {
    expect(await decide(serviceRole, 's3:PutObject', logFile(MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });

  test('deny the same permissions deployed in another account reading the first account\'s files', async () => {
    const otherServiceRole = callerOf(SERVICE_ROLE(OTHER_MEMBER), serviceRolePolicy(OTHER_MEMBER));
    expect(await decide(otherServiceRole, 's3:GetObject', logFile(MEMBER), bucketPolicy)).toBe('ImplicitlyDenied');
  });
});

/**
 * The simulator drops `kms:EncryptionContext:<key>` from the request context (it matches variable
 * condition keys only when they are separated by '/', and this one is separated by ':'), so any
 * statement that tests the encryption context can never allow. The key statement is therefore
 * evaluated without its `kms:EncryptionContext:aws:cloudtrail:arn` condition; the condition itself is
 * asserted, with the rest of the statement, against the IAM User Guide in
 * org-trail-analyzer-access.test.ts.
 */
describe('the key policy, evaluated without its encryption-context condition', () => {
  const ENCRYPTION_CONTEXT_KEY = 'kms:EncryptionContext:aws:cloudtrail:arn';
  const { keyPolicy } = logArchivePolicies();
  const viaS3 = { 'kms:ViaService': `s3.${TRAIL_REGION}.amazonaws.com`, [ENCRYPTION_CONTEXT_KEY]: TRAIL_ARN };

  function withoutEncryptionContext(policy: Policy): Policy {
    return {
      ...policy,
      Statement: policy.Statement.map(statement => {
        const condition = statement.Condition as Record<string, Record<string, unknown>> | undefined;
        if (!condition?.StringEquals?.[ENCRYPTION_CONTEXT_KEY]) return statement;
        const { [ENCRYPTION_CONTEXT_KEY]: _removed, ...stringEquals } = condition.StringEquals;
        return { ...statement, Condition: { ...condition, StringEquals: stringEquals } };
      }),
    };
  }
  const evaluatedKeyPolicy = withoutEncryptionContext(keyPolicy);

  test('the premise holds: the simulator ignores the encryption-context key (remove this workaround once it does not)', async () => {
    const result = await runSimulation({
      request: {
        principal: SERVICE_ROLE(MEMBER),
        action: 'kms:Decrypt',
        resource: { resource: KEY_ARN, accountId: MANAGEMENT_ACCOUNT },
        contextVariables: { [ENCRYPTION_CONTEXT_KEY]: TRAIL_ARN },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: keyPolicy,
    }, {});
    expect(result.resultType).toBe('single');
    expect(result.resultType === 'single' && result.result.ignoredContextKeys).toEqual([ENCRYPTION_CONTEXT_KEY]);
  });

  test('lets the service role of a member account decrypt through S3', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, viaS3)).toBe('Allowed');
  });

  test('denies a direct call, not through S3', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, { [ENCRYPTION_CONTEXT_KEY]: TRAIL_ARN }))
      .toBe('ImplicitlyDenied');
  });

  test('denies a call through another service', async () => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, { ...viaS3, 'kms:ViaService': 'ec2.us-east-1.amazonaws.com' }))
      .toBe('ImplicitlyDenied');
  });

  test('denies the service role of another organization', async () => {
    const caller = callerOf(SERVICE_ROLE(MEMBER), BROAD_IDENTITY_POLICY, OTHER_ORGANIZATION);
    expect(await decide(caller, 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, viaS3)).toBe('ImplicitlyDenied');
  });

  test('denies another role of the member account', async () => {
    expect(await decide(callerOf(`arn:aws:iam::${MEMBER}:role/service-role/PolicyGenerationReader`), 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, viaS3))
      .toBe('ImplicitlyDenied');
  });

  test('denies a user instead of the role', async () => {
    expect(await decide(callerOf(`arn:aws:iam::${MEMBER}:user/service-role/AccessAnalyzerMonitorServiceRole`), 'kms:Decrypt', KEY_ARN, evaluatedKeyPolicy, viaS3))
      .toBe('ImplicitlyDenied');
  });

  test.each(['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom'])('denies the service role %s', async action => {
    expect(await decide(callerOf(SERVICE_ROLE(MEMBER)), action, KEY_ARN, evaluatedKeyPolicy, viaS3)).toBe('ImplicitlyDenied');
  });
});
