import { Annotations as CoreAnnotations, App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { documentedBucketStatement, documentedKeyStatement, DOCUMENTED_TRUST_STATEMENT } from './documented-statements';
import { awsPartitionValues, DeploymentValues, evaluate } from './template-evaluation';
import { OrgTrailAnalyzerAccess, OrgTrailAnalyzerAccessProps } from '../../src/access-analyzer/org-trail-analyzer-access';

const ORG = 'o-a1b2c3d4e5';
const ACCOUNT = '111122223333';
const MEMBER = '444455556666';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;
const BUCKET_NAME = 'org-trail-logs';
const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const WARNING = 'cdk-iam-change-alerts:orgTrailAnalyzerAccess';

interface Fixture {
  readonly stack: Stack;
  readonly bucket: s3.Bucket;
  readonly key: kms.Key;
}

function fixture(stackProps: { region?: string } = {}, bucketProps: s3.BucketProps = {}): Fixture {
  // With a region, partition literals are on, so the stack's partition is known at synthesis.
  const stack = stackProps.region
    ? new Stack(new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } }), 'LogArchive', { env: { account: ACCOUNT, region: stackProps.region } })
    : new Stack(new App(), 'LogArchive');
  const key = new kms.Key(stack, 'TrailKey', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'TrailBucket', { bucketName: BUCKET_NAME, ...bucketProps });
  return { stack, bucket, key };
}

function access(f: Fixture, props: Partial<OrgTrailAnalyzerAccessProps> = {}): OrgTrailAnalyzerAccess {
  return new OrgTrailAnalyzerAccess(f.stack, 'AnalyzerAccess', {
    bucket: f.bucket,
    organizationId: ORG,
    trailArn: TRAIL_ARN,
    encryptionKey: f.key,
    ...props,
  });
}

/** The deployment values of the fixture's stack in the aws partition: the bucket's ARN by name. */
function deployed(stack: Stack, bucket: s3.Bucket, more: Partial<DeploymentValues> = {}): DeploymentValues {
  const logicalId = stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket);
  return awsPartitionValues(ACCOUNT, 'us-east-1', {
    attributes: { [`${logicalId}.Arn`]: `arn:aws:s3:::${BUCKET_NAME}` },
    ...more,
  });
}

function bucketPolicyStatements(stack: Stack): Record<string, unknown>[] {
  const policies = Template.fromStack(stack).findResources('AWS::S3::BucketPolicy');
  return Object.values(policies).flatMap(policy => (policy as any).Properties.PolicyDocument.Statement);
}

function keyPolicyStatements(stack: Stack): Record<string, unknown>[] {
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  return Object.values(keys).flatMap(key => (key as any).Properties.KeyPolicy.Statement);
}

function statementWithSid(statements: Record<string, unknown>[], sid: string): Record<string, unknown> {
  const found = statements.filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

function decryptStatement(statements: Record<string, unknown>[]): Record<string, unknown> {
  const found = statements.filter(s => s.Action === 'kms:Decrypt');
  expect(found).toHaveLength(1);
  return found[0];
}

function outputValue(stack: Stack, idPrefix: string): unknown {
  const outputs = Template.fromStack(stack).toJSON().Outputs ?? {};
  const matches = Object.entries(outputs).filter(([id]) => id.startsWith(idPrefix));
  expect(matches).toHaveLength(1);
  return (matches[0][1] as any).Value;
}

describe('OrgTrailAnalyzerAccess on a bucket and key defined in the app', () => {
  test('the bucket policy holds the documented statement, as a whole', () => {
    const f = fixture();
    access(f);
    const statement = statementWithSid(bucketPolicyStatements(f.stack), 'PolicyGenerationBucketPolicy');
    expect(evaluate(statement, deployed(f.stack, f.bucket))).toEqual(documentedBucketStatement(BUCKET_NAME, ORG));
  });

  test('with a prefix, the object path is <prefix>/AWSLogs/<org>/${aws:PrincipalAccount}/*', () => {
    const f = fixture();
    access(f, { prefix: 'cloudtrail/org' });
    const statement = statementWithSid(bucketPolicyStatements(f.stack), 'PolicyGenerationBucketPolicy');
    expect(evaluate(statement, deployed(f.stack, f.bucket))).toEqual(documentedBucketStatement(BUCKET_NAME, ORG, 'cloudtrail/org'));
  });

  test('the key policy holds the documented statement, as a whole', () => {
    const f = fixture();
    access(f);
    const statement = decryptStatement(keyPolicyStatements(f.stack));
    expect(evaluate(statement, deployed(f.stack, f.bucket))).toEqual(documentedKeyStatement(TRAIL_ARN, ORG));
  });

  test('${aws:PrincipalAccount} reaches the template literally, never through Fn::Sub', () => {
    const f = fixture();
    access(f);
    const json = JSON.stringify(Template.fromStack(f.stack).toJSON());
    expect(json).not.toContain('Fn::Sub');
    // Twice in the bucket statement (object path, role pattern), once in the key statement.
    expect(json.split('${aws:PrincipalAccount}').length - 1).toBe(3);
  });

  test('in the aws-cn partition the statements name arn:aws-cn and the amazonaws.com.cn endpoints', () => {
    const f = fixture();
    access(f, { trailArn: `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/org-trail` });
    const china: DeploymentValues = {
      refs: { 'AWS::Partition': 'aws-cn', 'AWS::URLSuffix': 'amazonaws.com.cn' },
      attributes: { [`${f.stack.getLogicalId(f.bucket.node.defaultChild as s3.CfnBucket)}.Arn`]: `arn:aws-cn:s3:::${BUCKET_NAME}` },
    };
    const bucket = evaluate(statementWithSid(bucketPolicyStatements(f.stack), 'PolicyGenerationBucketPolicy'), china) as any;
    const key = evaluate(decryptStatement(keyPolicyStatements(f.stack)), china) as any;
    expect(bucket.Condition.StringLike['aws:PrincipalArn'])
      .toBe('arn:aws-cn:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*');
    expect(bucket.Resource).toEqual([
      `arn:aws-cn:s3:::${BUCKET_NAME}`,
      `arn:aws-cn:s3:::${BUCKET_NAME}/AWSLogs/${ORG}/\${aws:PrincipalAccount}/*`,
    ]);
    expect(key.Condition.StringLike).toEqual({
      'kms:ViaService': 's3.*.amazonaws.com.cn',
      'aws:PrincipalArn': 'arn:aws-cn:iam::${aws:PrincipalAccount}:role/service-role/AccessAnalyzerMonitorServiceRole*',
    });
  });

  test('reports both statements as applied and adds no outputs or warnings', () => {
    const f = fixture();
    const analyzerAccess = access(f);
    expect(analyzerAccess.bucketPolicyApplied).toBe(true);
    expect(analyzerAccess.keyPolicyApplied).toBe(true);
    expect(Template.fromStack(f.stack).toJSON().Outputs).toBeUndefined();
    expect(Annotations.fromStack(f.stack).findWarning('*', Match.anyValue())).toEqual([]);
  });

  test('without encryptionKey no key policy changes and keyPolicyJson() is undefined', () => {
    const f = fixture();
    const analyzerAccess = access(f, { encryptionKey: undefined });
    expect(keyPolicyStatements(f.stack).filter(s => s.Action === 'kms:Decrypt')).toEqual([]);
    expect(analyzerAccess.keyPolicyApplied).toBe(false);
    expect(analyzerAccess.keyPolicyStatement).toBeUndefined();
    expect(analyzerAccess.keyPolicyJson()).toBeUndefined();
  });

  test('sets Object Ownership to BucketOwnerEnforced when the bucket has none', () => {
    const f = fixture();
    access(f);
    Template.fromStack(f.stack).hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  test('keeps BucketOwnerPreferred', () => {
    const f = fixture({}, { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
    access(f);
    Template.fromStack(f.stack).hasResourceProperties('AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
    });
  });

  test('rejects ObjectWriter at synthesis, naming the construct, the bucket and the fix', () => {
    const f = fixture({}, { objectOwnership: s3.ObjectOwnership.OBJECT_WRITER });
    access(f);
    expect(() => Template.fromStack(f.stack)).toThrow(
      /LogArchive\/AnalyzerAccess: bucket LogArchive\/TrailBucket has Object Ownership 'ObjectWriter'.*Fix: set objectOwnership: s3\.ObjectOwnership\.BUCKET_OWNER_ENFORCED/);
  });

  test('warns when the Object Ownership is a CloudFormation value it cannot check', () => {
    const f = fixture();
    const ownership = new CfnParameter(f.stack, 'Ownership').valueAsString;
    (f.bucket.node.defaultChild as s3.CfnBucket).ownershipControls = { rules: [{ objectOwnership: ownership }] };
    access(f);
    Annotations.fromStack(f.stack).hasWarning('/LogArchive/AnalyzerAccess',
      Match.stringLikeRegexp(`make sure it resolves to BucketOwnerEnforced or BucketOwnerPreferred.*\\[ack: ${WARNING}:objectOwnershipUnverified\\]`));
  });

  test('warns when the bucket has a KMS key but no encryptionKey was given', () => {
    const f = fixture({}, { encryptionKey: undefined, encryption: s3.BucketEncryption.KMS });
    access(f, { encryptionKey: undefined });
    Annotations.fromStack(f.stack).hasWarning('/LogArchive/AnalyzerAccess',
      Match.stringLikeRegexp(`pass that key as encryptionKey.*\\[ack: ${WARNING}:encryptionKeyNotGiven\\]`));
  });
});

describe('OrgTrailAnalyzerAccess on an imported bucket and key', () => {
  function importedFixture(): { stack: Stack; analyzerAccess: OrgTrailAnalyzerAccess } {
    const stack = new Stack(new App(), 'LogArchive');
    const analyzerAccess = new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
      bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', BUCKET_NAME),
      organizationId: ORG,
      trailArn: TRAIL_ARN,
      encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`),
    });
    return { stack, analyzerAccess };
  }

  test('changes no policy and reports both statements as not applied', () => {
    const { stack, analyzerAccess } = importedFixture();
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(analyzerAccess.bucketPolicyApplied).toBe(false);
    expect(analyzerAccess.keyPolicyApplied).toBe(false);
  });

  test('the BucketPolicyToApply output holds the documented statement, as a whole', () => {
    const { stack } = importedFixture();
    const policy = JSON.parse(evaluate(outputValue(stack, 'AnalyzerAccessBucketPolicyToApply'), awsPartitionValues(ACCOUNT, 'us-east-1')) as string);
    expect(policy).toEqual({ Version: '2012-10-17', Statement: [documentedBucketStatement(BUCKET_NAME, ORG)] });
  });

  test('the KeyPolicyToApply output holds the documented statement, as a whole', () => {
    const { stack } = importedFixture();
    const policy = JSON.parse(evaluate(outputValue(stack, 'AnalyzerAccessKeyPolicyToApply'), awsPartitionValues(ACCOUNT, 'us-east-1')) as string);
    expect(policy).toEqual({ Version: '2012-10-17', Statement: [documentedKeyStatement(TRAIL_ARN, ORG)] });
  });

  test('bucketPolicyJson() and keyPolicyJson() return what the outputs hold', () => {
    const { stack, analyzerAccess } = importedFixture();
    expect(stack.resolve(analyzerAccess.bucketPolicyJson())).toEqual(outputValue(stack, 'AnalyzerAccessBucketPolicyToApply'));
    expect(stack.resolve(analyzerAccess.keyPolicyJson())).toEqual(outputValue(stack, 'AnalyzerAccessKeyPolicyToApply'));
  });

  test('warns, acknowledgeably, that the bucket policy, the key policy and Object Ownership are the user\'s to apply', () => {
    const { stack } = importedFixture();
    const warnings = Annotations.fromStack(stack).findWarning('/LogArchive/AnalyzerAccess', Match.anyValue())
      .map(w => /\[ack: ([^\]]+)\]/.exec(String(w.entry.data))?.[1]);
    expect(warnings.sort()).toEqual([
      `${WARNING}:bucketPolicyNotApplied`,
      `${WARNING}:keyPolicyNotApplied`,
      `${WARNING}:objectOwnershipUnverified`,
    ]);
  });

  test('an acknowledged warning is no longer reported', () => {
    const { stack, analyzerAccess } = importedFixture();
    CoreAnnotations.of(analyzerAccess).acknowledgeWarning(`${WARNING}:objectOwnershipUnverified`, 'ownership is BucketOwnerEnforced');
    const warnings = Annotations.fromStack(stack).findWarning('/LogArchive/AnalyzerAccess', Match.stringLikeRegexp('Object Ownership'));
    expect(warnings).toEqual([]);
  });
});

describe('OrgTrailAnalyzerAccess on an imported bucket, alone in its stack', () => {
  function importedAlone(props: Partial<OrgTrailAnalyzerAccessProps> = {}): Stack {
    const stack = new Stack(new App(), 'LogArchive');
    new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
      bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', BUCKET_NAME),
      organizationId: ORG,
      trailArn: TRAIL_ARN,
      ...props,
    });
    return stack;
  }

  test('adds a wait condition handle, which creates nothing, so that CloudFormation accepts the stack and its outputs', () => {
    const template = Template.fromStack(importedAlone()).toJSON();
    expect(Object.values(template.Resources)).toEqual([{ Type: 'AWS::CloudFormation::WaitConditionHandle' }]);
    expect(Object.keys(template.Outputs).filter(id => id.startsWith('AnalyzerAccessBucketPolicyToApply'))).toHaveLength(1);
  });

  test('adds none when the stack holds another resource', () => {
    const stack = importedAlone();
    new s3.Bucket(stack, 'Other');
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
  });

  test('adds none when a resource is added to the stack after the construct', () => {
    const stack = importedAlone();
    new kms.Key(stack, 'Later', { enableKeyRotation: true });
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
  });

  test('adds none when the statements were applied and the stack has no outputs to carry', () => {
    const app = new App();
    const trailStack = new Stack(app, 'Trail');
    const bucket = new s3.Bucket(trailStack, 'TrailBucket', { bucketName: BUCKET_NAME });
    const accessStack = new Stack(app, 'Access');
    new OrgTrailAnalyzerAccess(accessStack, 'AnalyzerAccess', { bucket, organizationId: ORG, trailArn: TRAIL_ARN });
    expect(Template.fromStack(accessStack).toJSON().Resources).toBeUndefined();
  });
});

describe('OrgTrailAnalyzerAccess memberRollout', () => {
  function stackSetOf(stack: Stack): Record<string, any> {
    const stackSets = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
    expect(stackSets).toHaveLength(1);
    return (stackSets[0] as any).Properties;
  }

  test('rolls the service role out to the units in us-east-1, passing the bucket\'s name and the key\'s ARN as parameters', () => {
    const f = fixture();
    const analyzerAccess = access(f, { prefix: 'org', memberRollout: { organizationalUnitIds: ['r-ab12'] } });
    const props = stackSetOf(f.stack);
    expect(props.StackInstancesGroup).toEqual([{ DeploymentTargets: { OrganizationalUnitIds: ['r-ab12'] }, Regions: ['us-east-1'] }]);
    expect(props.Parameters).toEqual([
      { ParameterKey: 'OrganizationId', ParameterValue: ORG },
      { ParameterKey: 'TrailArn', ParameterValue: TRAIL_ARN },
      { ParameterKey: 'TrailBucketName', ParameterValue: { Ref: f.stack.getLogicalId(f.bucket.node.defaultChild as s3.CfnBucket) } },
      { ParameterKey: 'TrailPrefix', ParameterValue: 'org' },
      { ParameterKey: 'TrailKeyArn', ParameterValue: { 'Fn::GetAtt': [f.stack.getLogicalId(f.key.node.defaultChild as kms.CfnKey), 'Arn'] } },
    ]);
    expect(analyzerAccess.memberRollout!.roleName).toBe('AccessAnalyzerMonitorServiceRole');
    expect(Object.values(JSON.parse(props.TemplateBody).Resources).map((r: any) => r.Type)).toEqual(['AWS::IAM::Role']);
  });

  test('passes the rollout options on', () => {
    const f = fixture();
    const analyzerAccess = access(f, { memberRollout: { organizationalUnitIds: ['ou-ab12-cdef3456'], region: 'eu-west-1', roleNameSuffix: '_Org', stackSetName: 'analyzer-roles' } });
    const props = stackSetOf(f.stack);
    expect(props.StackSetName).toBe('analyzer-roles');
    expect(props.StackInstancesGroup[0].Regions).toEqual(['eu-west-1']);
    expect(analyzerAccess.memberRollout!.roleName).toBe('AccessAnalyzerMonitorServiceRole_Org');
  });

  /** The trust policy of the rollout's member role, as deployed in account MEMBER. */
  function memberTrustPolicy(stack: Stack): unknown {
    const member = JSON.parse(stackSetOf(stack).TemplateBody);
    const [role] = Object.values(member.Resources) as any[];
    return evaluate(role.Properties.AssumeRolePolicyDocument, awsPartitionValues(MEMBER, 'us-east-1'));
  }

  test('the rolled-out roles have exactly the documented trust policy by default', () => {
    const f = fixture();
    access(f, { memberRollout: { organizationalUnitIds: ['r-ab12'] } });
    expect(memberTrustPolicy(f.stack)).toEqual({ Version: '2012-10-17', Statement: [DOCUMENTED_TRUST_STATEMENT] });
  });

  test('passes requireSourceAccount on: the rolled-out roles then require their own account as aws:SourceAccount', () => {
    const f = fixture();
    access(f, { memberRollout: { organizationalUnitIds: ['r-ab12'], requireSourceAccount: true } });
    expect(memberTrustPolicy(f.stack)).toEqual({
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Principal: { Service: 'access-analyzer.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': MEMBER } },
      }],
    });
  });

  test('without an encryption key, the roles get no key parameter', () => {
    const f = fixture();
    access(f, { encryptionKey: undefined, memberRollout: { organizationalUnitIds: ['r-ab12'] } });
    expect(stackSetOf(f.stack).Parameters.map((p: any) => p.ParameterKey)).toEqual(['OrganizationId', 'TrailArn', 'TrailBucketName']);
  });

  test('makes no StackSet without memberRollout', () => {
    const f = fixture();
    expect(access(f).memberRollout).toBeUndefined();
    Template.fromStack(f.stack).resourceCountIs('AWS::CloudFormation::StackSet', 0);
  });

  test('an imported bucket and key reach the roles by their literal name and ARN, and the StackSet carries the outputs', () => {
    const stack = new Stack(new App(), 'LogArchive');
    new OrgTrailAnalyzerAccess(stack, 'AnalyzerAccess', {
      bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', BUCKET_NAME),
      organizationId: ORG,
      trailArn: TRAIL_ARN,
      encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', KEY_ARN),
      memberRollout: { organizationalUnitIds: ['r-ab12'] },
    });
    const parameters = Object.fromEntries(stackSetOf(stack).Parameters.map((p: any) => [p.ParameterKey, p.ParameterValue]));
    expect(parameters.TrailBucketName).toBe(BUCKET_NAME);
    expect(parameters.TrailKeyArn).toBe(KEY_ARN);
    Template.fromStack(stack).resourceCountIs('AWS::CloudFormation::WaitConditionHandle', 0);
  });

  test('a bad unit id names the rollout inside the construct', () => {
    expect(() => access(fixture(), { memberRollout: { organizationalUnitIds: ['ou-xyz'] } }))
      .toThrow("LogArchive/AnalyzerAccess/MemberRollout/StackSet: organizationalUnitIds entry 'ou-xyz' is not valid.");
  });
});

describe('OrgTrailAnalyzerAccess input checks', () => {
  function build(props: Partial<OrgTrailAnalyzerAccessProps>, region?: string): () => void {
    return () => access(fixture({ region }), props);
  }

  test.each([
    ['o-ABCDEFGHIJ', 'upper case'],
    ['o-abc', 'too short'],
    ['a1b2c3d4e5', 'no o- prefix'],
    [`o-${'a'.repeat(33)}`, 'too long'],
    ['r-abcd', 'a root id'],
  ])('rejects organizationId %s (%s), naming the path, the value and the fix', (organizationId) => {
    expect(build({ organizationId })).toThrow(new RegExp(
      `^LogArchive/AnalyzerAccess: organizationId '${organizationId}' is not an organization id.*Fix: pass the id that \`aws organizations describe-organization`));
  });

  test.each([
    ['arn:aws:cloudtrail:us-east-1:111122223333:org-trail', 'is not a CloudTrail trail ARN'],
    ['org-trail', 'is not a CloudTrail trail ARN'],
    ['arn:aws:s3:::org-trail', 'is not a CloudTrail trail ARN'],
    ['arn:aws:cloudtrail:us-east-1:1111:trail/org-trail', "has '1111' where the 12-digit account id belongs"],
    ['arn:aws:cloudtrail::111122223333:trail/org-trail', "has '' where the trail's home region belongs"],
    ['arn:aws:cloudtrail:us-east-1:111122223333:trail/-org', "has trail name '-org'"],
    ['arn:aws:cloudtrail:us-east-1:111122223333:trail/org--trail', "has trail name 'org--trail'"],
    ['arn:aws:cloudtrail:us-east-1:111122223333:trail/ab', "has trail name 'ab'"],
    ['arn:aws-cn:cloudtrail:us-east-1:111122223333:trail/org-trail', "names partition 'aws-cn', but region us-east-1 is in partition 'aws'"],
    ['arn:azure:cloudtrail:us-east-1:111122223333:trail/org-trail', "names partition 'azure', which is not an AWS partition"],
  ])('rejects trailArn %s', (trailArn, problem) => {
    expect(build({ trailArn })).toThrow(`LogArchive/AnalyzerAccess: trailArn '${trailArn}' ${problem}`);
  });

  test('rejects a trail ARN of another partition than the stack\'s', () => {
    const trailArn = `arn:aws-us-gov:cloudtrail:us-gov-west-1:${ACCOUNT}:trail/org-trail`;
    expect(build({ trailArn }, 'eu-west-1')).toThrow(
      `LogArchive/AnalyzerAccess: trailArn '${trailArn}' is in partition 'aws-us-gov', but stack LogArchive is in partition 'aws'. Fix: use a trailArn in partition 'aws'`);
  });

  test.each([
    ['a leading slash', '/org', "write 'org'"],
    ['a trailing slash', 'org/', "write 'org'"],
    ['slashes on both ends', '/org/', "write 'org'"],
    ['only a slash', '/', 'leave prefix out'],
    ['nothing in it', '', 'leave prefix out'],
    ['an empty segment', 'a//b', "write 'a/b'"],
    ['a wildcard', 'logs/*', "use the trail's literal S3KeyPrefix"],
    ['a policy variable', 'logs/${aws:username}', "use the trail's literal S3KeyPrefix"],
    ['201 characters', 'p'.repeat(201), "use the trail's S3KeyPrefix as CloudTrail stores it"],
  ])('rejects a prefix with %s, with the fix', (_what, prefix, fix) => {
    expect(build({ prefix })).toThrow(new RegExp(`^LogArchive/AnalyzerAccess: prefix .*Fix: ${fix.replace(/[$*{}.]/g, m => `\\${m}`)}`));
  });

  test('accepts unresolved tokens for the organization id, trail ARN and prefix', () => {
    const f = fixture();
    const organizationId = new CfnParameter(f.stack, 'OrgId').valueAsString;
    const trailArn = new CfnParameter(f.stack, 'TrailArn').valueAsString;
    const prefix = new CfnParameter(f.stack, 'Prefix').valueAsString;
    access(f, { organizationId, trailArn, prefix });
    const statement = statementWithSid(bucketPolicyStatements(f.stack), 'PolicyGenerationBucketPolicy');
    const values = deployed(f.stack, f.bucket, { refs: { OrgId: ORG, TrailArn: TRAIL_ARN, Prefix: 'p' } });
    expect(evaluate(statement, values)).toEqual(documentedBucketStatement(BUCKET_NAME, ORG, 'p'));
  });

  test('accepts a trail ARN of any partition while the stack\'s partition is only known at deployment', () => {
    expect(build({ trailArn: `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/org-trail` })).not.toThrow();
  });

  test('accepts a trail ARN of the stack\'s own, known, partition', () => {
    expect(build({ trailArn: `arn:aws-cn:cloudtrail:cn-north-1:${ACCOUNT}:trail/org-trail` }, 'cn-northwest-1')).not.toThrow();
  });
});
