import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { newStack, onlyResource, statementsOf } from './test-stacks';
import { HardenedTrail } from '../../src/alerting/hardened-trail';

function trailIn(stack: Stack, props = {}): { trail: HardenedTrail; template: Template } {
  const trail = new HardenedTrail(stack, 'Trail', props);
  return { trail, template: Template.fromStack(stack) };
}

describe('HardenedTrail', () => {
  test('records read and write management events in every region, with global service events and log-file validation', () => {
    const { template } = trailIn(newStack());
    const { resource } = onlyResource(template, 'AWS::CloudTrail::Trail');
    expect(resource.Properties).toMatchObject({
      IsLogging: true,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    expect(resource.Properties.IsOrganizationTrail).toBeUndefined();
  });

  test('encrypts the logs with its own key, which has rotation on', () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack);
    const { id: keyId, resource: key } = onlyResource(template, 'AWS::KMS::Key');
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.KMSKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(stack.resolve(trail.encryptionKey.keyArn)).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
  });

  test('names the trail from its construct path and builds its ARN from that name', () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack);
    const name = onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.TrailName;
    expect(name).toMatch(/^TestStackTrail[A-F0-9]{8}$/);
    expect(trail.trailName).toBe(name);
    expect(stack.resolve(trail.trailArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:cloudtrail:us-east-1:111111111111:trail/${name}`]],
    });
  });

  test('uses a given trail name', () => {
    const { template } = trailIn(newStack(), { trailName: 'iam-change-alerts' });
    expect(onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.TrailName).toBe('iam-change-alerts');
  });

  test('lets CloudTrail encrypt with the key only for this trail, under the CloudTrail encryption context', () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack, { trailName: 'alerts' });
    expect(statementsOf(template, 'AWS::KMS::Key')).toContainEqual({
      Sid: 'AllowCloudTrailToEncryptLogs',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Resource: '*',
      Condition: {
        StringEquals: { 'aws:SourceArn': stack.resolve(trail.trailArn) },
        StringLike: {
          'kms:EncryptionContext:aws:cloudtrail:arn': {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:111111111111:trail/*']],
          },
        },
      },
    });
  });

  test('lets CloudTrail describe the key only for this trail', () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack);
    expect(statementsOf(template, 'AWS::KMS::Key')).toContainEqual({
      Sid: 'AllowCloudTrailToDescribeKey',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:DescribeKey',
      Resource: '*',
      Condition: { StringEquals: { 'aws:SourceArn': stack.resolve(trail.trailArn) } },
    });
  });

  test('denies grants on the key except for AWS services', () => {
    const { template } = trailIn(newStack());
    expect(statementsOf(template, 'AWS::KMS::Key')).toContainEqual({
      Sid: 'DenyGrantsExceptForAwsServices',
      Effect: 'Deny',
      Principal: '*',
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('gives CloudTrail no key permission without a condition', () => {
    const { template } = trailIn(newStack());
    const cloudTrailStatements = statementsOf(template, 'AWS::KMS::Key')
      .filter((statement) => statement.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(cloudTrailStatements).toHaveLength(2);
    for (const statement of cloudTrailStatements) {
      expect(statement.Condition?.StringEquals?.['aws:SourceArn']).toBeDefined();
    }
  });

  test('blocks all public access, disables ACLs, versions objects and encrypts the bucket', () => {
    const { template } = trailIn(newStack());
    const { resource } = onlyResource(template, 'AWS::S3::Bucket');
    expect(resource.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    expect(resource.DeletionPolicy).toBe('Retain');
  });

  test('expires logs after a year by default, old versions after 90 days and stalled uploads after 7', () => {
    const { template } = trailIn(newStack());
    expect(onlyResource(template, 'AWS::S3::Bucket').resource.Properties.LifecycleConfiguration).toEqual({
      Rules: [{
        Id: 'ExpireTrailLogs',
        Status: 'Enabled',
        ExpirationInDays: 365,
        NoncurrentVersionExpiration: { NoncurrentDays: 90 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      }],
    });
  });

  test('keeps logs for the given retention', () => {
    const { template } = trailIn(newStack(), { logRetention: Duration.days(2555) });
    expect(onlyResource(template, 'AWS::S3::Bucket').resource.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(2555);
  });

  test('denies every request to the bucket that does not use TLS', () => {
    const { template } = trailIn(newStack());
    const { id: bucketId } = onlyResource(template, 'AWS::S3::Bucket');
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(statementsOf(template, 'AWS::S3::BucketPolicy')).toContainEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 's3:*',
      Resource: [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  test("lets CloudTrail check the bucket's ACL only for this trail", () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack);
    const { id: bucketId } = onlyResource(template, 'AWS::S3::Bucket');
    expect(statementsOf(template, 'AWS::S3::BucketPolicy')).toContainEqual({
      Sid: 'AllowCloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      Condition: { StringEquals: { 'aws:SourceArn': stack.resolve(trail.trailArn) } },
    });
  });

  test("lets CloudTrail write only this account's logs, only for this trail, with the owner in full control", () => {
    const stack = newStack();
    const { trail, template } = trailIn(stack);
    const { id: bucketId } = onlyResource(template, 'AWS::S3::Bucket');
    expect(statementsOf(template, 'AWS::S3::BucketPolicy')).toContainEqual({
      Sid: 'AllowCloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/AWSLogs/111111111111/*']] },
      Condition: {
        StringEquals: {
          'aws:SourceArn': stack.resolve(trail.trailArn),
          's3:x-amz-acl': 'bucket-owner-full-control',
        },
      },
    });
  });

  test('has no bucket statement beyond TLS enforcement and the two scoped CloudTrail grants', () => {
    const { template } = trailIn(newStack());
    expect(statementsOf(template, 'AWS::S3::BucketPolicy')).toHaveLength(3);
  });

  test('puts the key prefix into the trail and into the write grant', () => {
    const { template } = trailIn(newStack(), { s3KeyPrefix: 'cloudtrail' });
    expect(onlyResource(template, 'AWS::CloudTrail::Trail').resource.Properties.S3KeyPrefix).toBe('cloudtrail');
    const write = statementsOf(template, 'AWS::S3::BucketPolicy').find((statement) => statement.Sid === 'AllowCloudTrailWrite');
    expect(write.Resource['Fn::Join'][1][1]).toBe('/cloudtrail/AWSLogs/111111111111/*');
  });

  test('is created after the bucket policy, which CloudTrail checks on creation', () => {
    const { template } = trailIn(newStack());
    const { id: policyId } = onlyResource(template, 'AWS::S3::BucketPolicy');
    expect(onlyResource(template, 'AWS::CloudTrail::Trail').resource.DependsOn).toContain(policyId);
  });

  test('sends server access logs to the given bucket', () => {
    const stack = newStack();
    const accessLogs = s3.Bucket.fromBucketName(stack, 'AccessLogs', 'access-logs-bucket');
    const { template } = trailIn(stack, { serverAccessLogsBucket: accessLogs, serverAccessLogsPrefix: 'trail/' });
    expect(onlyResource(template, 'AWS::S3::Bucket').resource.Properties.LoggingConfiguration).toEqual({
      DestinationBucketName: 'access-logs-bucket',
      LogFilePrefix: 'trail/',
    });
  });

  describe('rejects', () => {
    test.each([
      ['too short', 'ab', 'is 2 characters long'],
      ['too long', 'a'.repeat(129), 'is 129 characters long'],
      ['with a space', 'my trail', 'contains characters other than'],
      ['starting with a hyphen', '-trail', 'does not start and end with a letter or digit'],
      ['ending with an underscore', 'trail_', 'does not start and end with a letter or digit'],
      ['with two hyphens in a row', 'my--trail', 'has adjacent'],
      ['with a hyphen next to an underscore', 'my-_trail', 'has adjacent'],
      ['shaped like an IP address', '192.168.5.4', 'looks like an IP address'],
    ])('a trail name %s, naming the path, the value and the fix', (_label, name, problem) => {
      expect(() => new HardenedTrail(newStack(), 'Trail', { trailName: name }))
        .toThrow(new RegExp(`^TestStack/Trail: trailName '${escape(name)}' ${problem}.*Fix: use 3 to 128 letters`));
    });

    test.each([Duration.hours(36), Duration.days(0)])('log retention %s', (retention) => {
      expect(() => new HardenedTrail(newStack(), 'Trail', { logRetention: retention }))
        .toThrow(/^TestStack\/Trail: logRetention is .* not a whole number of days of at least one\. Fix: pass logRetention as whole days/);
    });

    test.each([
      ['with a leading slash', '/cloudtrail'],
      ['with a trailing slash', 'cloudtrail/'],
      ['that is empty', ''],
      ['longer than 200 characters', 'x'.repeat(201)],
    ])('a key prefix %s', (_label, prefix) => {
      expect(() => new HardenedTrail(newStack(), 'Trail', { s3KeyPrefix: prefix }))
        .toThrow(/^TestStack\/Trail: s3KeyPrefix '.*' must be 1 to 200 characters without a leading or trailing '\/'\. Fix:/);
    });
  });

  test('accepts an unresolved trail name', () => {
    const stack = newStack();
    const name = Token.asString({ Ref: 'TrailNameParameter' });
    expect(() => new HardenedTrail(stack, 'Trail', { trailName: name })).not.toThrow();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
