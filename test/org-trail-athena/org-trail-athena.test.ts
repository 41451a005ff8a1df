import { App, CfnParameter, Duration, Size, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { parseDocumentedTable } from './documented-table';
import { PRESETS } from '../../src/cli/pattern-source';
import { OrgTrailAthena, OrgTrailAthenaProps } from '../../src/org-trail-athena';
import { CloudTrailQuery, QueryDialect } from '../../src/patterns/cloudtrail-query';

const ORG = 'o-a1b2c3d4e5';
const MANAGEMENT = '111122223333';
const LOG_ARCHIVE = '222233334444';
const MEMBER = '444455556666';
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT}:trail/org-trail`;
const BUCKET = 'org-trail-logs';
const KEY_ARN = `arn:aws:kms:us-east-1:${LOG_ARCHIVE}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;

function newStack(): Stack {
  return new Stack(new App(), 'LogArchive', { env: { account: LOG_ARCHIVE, region: 'us-east-1' } });
}

function build(props: Partial<OrgTrailAthenaProps> = {}, stack: Stack = newStack()): { stack: Stack; athena: OrgTrailAthena } {
  const athena = new OrgTrailAthena(stack, 'TrailQueries', {
    bucket: s3.Bucket.fromBucketName(stack, 'TrailBucket', BUCKET),
    organizationId: ORG,
    trailArn: TRAIL_ARN,
    accounts: [MANAGEMENT, LOG_ARCHIVE, MEMBER],
    regions: ['us-east-1', 'eu-west-1'],
    firstDay: '2024-01-01',
    ...props,
  });
  return { stack, athena };
}

function onlyResource(template: Template, type: string): any {
  const resources = Object.values(template.findResources(type));
  expect(resources).toHaveLength(1);
  return (resources[0] as any).Properties;
}

describe('the Glue table', () => {
  test('has the columns, SerDe and formats of the Athena User Guide\'s CloudTrail table', () => {
    const { stack } = build();
    const input = onlyResource(Template.fromStack(stack), 'AWS::Glue::Table').TableInput;
    const documented = parseDocumentedTable();
    const columns = input.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => ({ name: c.Name, type: c.Type.replace(/\s+/g, '').toLowerCase() }));
    expect(columns).toEqual(documented.columns);
    expect(input.StorageDescriptor.SerdeInfo).toEqual({ SerializationLibrary: documented.serde });
    expect(input.StorageDescriptor.InputFormat).toBe(documented.inputFormat);
    expect(input.StorageDescriptor.OutputFormat).toBe(documented.outputFormat);
    expect(input.TableType).toBe('EXTERNAL_TABLE');
  });

  test('is the organization-trail table with account, region and day projected from the S3 key', () => {
    const { stack } = build({ prefix: 'org' });
    const input = onlyResource(Template.fromStack(stack), 'AWS::Glue::Table').TableInput;
    const documented = parseDocumentedTable();
    // The organization-trail page adds the organization id to LOCATION and an account partition.
    expect(input.StorageDescriptor.Location).toBe(`s3://${BUCKET}/org/AWSLogs/${ORG}`);
    expect(input.PartitionKeys).toEqual([
      { Name: 'account', Type: 'string' }, { Name: 'region', Type: 'string' }, { Name: 'timestamp', Type: 'string' },
    ]);
    // The documented date projection, with the first day given, and enums for account and region.
    for (const key of ['projection.enabled', 'projection.timestamp.format', 'projection.timestamp.interval', 'projection.timestamp.interval.unit', 'projection.timestamp.type']) {
      expect(input.Parameters[key]).toBe(documented.properties[key]);
    }
    expect(input.Parameters).toMatchObject({
      'EXTERNAL': 'TRUE',
      'projection.timestamp.range': '2024/01/01,NOW',
      'projection.account.type': 'enum',
      'projection.account.values': `${MANAGEMENT},${LOG_ARCHIVE},${MEMBER}`,
      'projection.region.type': 'enum',
      'projection.region.values': 'us-east-1,eu-west-1',
      'storage.location.template': `s3://${BUCKET}/org/AWSLogs/${ORG}/\${account}/CloudTrail/\${region}/\${timestamp}`,
    });
  });

  test('synthesizes without warnings or errors', () => {
    const { stack } = build({ encryptionKey: kms.Key.fromKeyArn(newStack(), 'Key', KEY_ARN) });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('lives in a database of the stack\'s account, named after the organization', () => {
    const { stack, athena } = build();
    const template = Template.fromStack(stack);
    expect(onlyResource(template, 'AWS::Glue::Database')).toEqual({
      CatalogId: LOG_ARCHIVE,
      DatabaseInput: { Name: 'org_trail_o_a1b2c3d4e5', Description: expect.any(String) },
    });
    expect(onlyResource(template, 'AWS::Glue::Table')).toMatchObject({ CatalogId: LOG_ARCHIVE, DatabaseName: 'org_trail_o_a1b2c3d4e5' });
    expect(athena.databaseName).toBe('org_trail_o_a1b2c3d4e5');
    expect(athena.tableName).toBe('cloudtrail_logs');
  });
});

describe('the workgroup', () => {
  test('enforces engine version 3, KMS-encrypted results in its bucket and a bytes-scanned limit', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    const bucket = Object.keys(template.findResources('AWS::S3::Bucket'))[0];
    expect(onlyResource(template, 'AWS::Athena::WorkGroup')).toEqual({
      Name: 'org-trail-o-a1b2c3d4e5',
      Description: expect.any(String),
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 100 * 1024 ** 3,
        RequesterPaysEnabled: false,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/results/']] },
          ExpectedBucketOwner: LOG_ARCHIVE,
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [key, 'Arn'] } },
        },
      },
    });
  });

  test('takes the bytes-scanned limit, Athena\'s minimum included', () => {
    const { stack } = build({ bytesScannedCutoffPerQuery: Size.bytes(10_000_000), workGroupName: 'security.backtests' });
    Template.fromStack(stack).hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'security.backtests',
      WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: 10_000_000 }),
    });
  });

  test('writes results to a private, TLS-only bucket that forgets them', () => {
    const { stack, athena } = build({ resultsRetention: Duration.days(7) });
    const template = Template.fromStack(stack);
    const key = Object.keys(template.findResources('AWS::KMS::Key'))[0];
    expect(onlyResource(template, 'AWS::S3::Bucket')).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ BucketKeyEnabled: true, ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] } } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LifecycleConfiguration: {
        Rules: [{ Id: 'ExpireQueryResults', Status: 'Enabled', ExpirationInDays: 7, NoncurrentVersionExpiration: { NoncurrentDays: 1 }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }],
      },
    });
    const statements = onlyResource(template, 'AWS::S3::BucketPolicy').PolicyDocument.Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
    ]));
    expect(onlyResource(template, 'AWS::KMS::Key')).toMatchObject({ EnableKeyRotation: true });
    expect(athena.resultsBucket.encryptionKey).toBe(athena.resultsKey);
  });

  test('logs access to the results bucket into the bucket given', () => {
    const stack = newStack();
    const logs = s3.Bucket.fromBucketName(stack, 'Logs', 'access-logs-222233334444');
    build({ resultsAccessLogsBucket: logs }, stack);
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: 'access-logs-222233334444' },
    });
  });
});

describe('the named queries', () => {
  test('one per preset, its SQL the athena dialect of CloudTrailQuery over the table', () => {
    const { stack, athena } = build();
    const queries = Object.values(Template.fromStack(stack).findResources('AWS::Athena::NamedQuery')).map((r: any) => r.Properties);
    expect(queries.map(q => q.Name)).toEqual(Object.keys(PRESETS));
    expect(athena.namedQueries).toHaveLength(Object.keys(PRESETS).length);
    for (const query of queries) {
      const preset = PRESETS[query.Name]();
      expect(query).toEqual({
        Name: query.Name,
        Description: `IamEventPattern.${query.Name}(): ${preset.description}`,
        Database: 'org_trail_o_a1b2c3d4e5',
        WorkGroup: 'org-trail-o-a1b2c3d4e5',
        QueryString: CloudTrailQuery.forIamEventPattern(query.Name, preset, { dialect: QueryDialect.ATHENA, table: '"org_trail_o_a1b2c3d4e5"."cloudtrail_logs"' }).sql,
      });
    }
  });

  test('every preset is exact in Athena\'s SQL and fits a named query (262,144 characters, description 1,024)', () => {
    for (const [name, factory] of Object.entries(PRESETS)) {
      const query = CloudTrailQuery.forIamEventPattern(name, factory(), { dialect: QueryDialect.ATHENA, table: `"${'d'.repeat(255)}"."${'t'.repeat(255)}"` });
      expect({ name, reasons: query.inexactReasons }).toEqual({ name, reasons: [] });
      expect(query.sql.length).toBeLessThanOrEqual(262_144);
      expect(`IamEventPattern.${name}(): ${factory().description}`.length).toBeLessThanOrEqual(1024);
    }
  });

  test('presets may be named as Python spells the factories', () => {
    const { stack } = build({ presets: ['root_user_activity', 'auth_changes'] });
    expect(Object.values(Template.fromStack(stack).findResources('AWS::Athena::NamedQuery')).map((r: any) => r.Properties.Name))
      .toEqual(['rootUserActivity', 'authChanges']);
  });

  test('only for the presets listed; none for an empty list', () => {
    const some = build({ presets: ['rootUserActivity', 'changes'] });
    expect(Object.values(Template.fromStack(some.stack).findResources('AWS::Athena::NamedQuery')).map((r: any) => r.Properties.Name))
      .toEqual(['rootUserActivity', 'changes']);
    const none = build({ presets: [] });
    Template.fromStack(none.stack).resourceCountIs('AWS::Athena::NamedQuery', 0);
  });

  test('are created after the workgroup and the database they name', () => {
    const { stack } = build({ presets: ['changes'] });
    const template = Template.fromStack(stack);
    const [workGroup] = Object.keys(template.findResources('AWS::Athena::WorkGroup'));
    const [database] = Object.keys(template.findResources('AWS::Glue::Database'));
    const [query] = Object.values(template.findResources('AWS::Athena::NamedQuery')) as any[];
    expect(query.DependsOn.sort()).toEqual([database, workGroup].sort());
  });
});

describe('grantQuery', () => {
  function statementsOf(stack: Stack): any[] {
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    return Object.values(policies).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  }

  function arn(service: string, resource: string): unknown {
    return { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:${resource}`]] };
  }

  test('grants the principal the workgroup, the table, the organization\'s logs, the results and the trail key, and nothing else', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const { athena } = build({ principal: role, prefix: 'org', encryptionKey: kms.Key.fromKeyArn(stack, 'TrailKey', KEY_ARN) }, stack);
    const template = Template.fromStack(stack);
    const resultsBucket = { 'Fn::GetAtt': [stack.getLogicalId(athena.resultsBucket.node.defaultChild as s3.CfnBucket), 'Arn'] };
    const resultsKey = { 'Fn::GetAtt': [stack.getLogicalId(athena.resultsKey.node.defaultChild as kms.CfnKey), 'Arn'] };
    const viaS3 = { 'kms:ViaService': { 'Fn::Join': ['', ['s3.*.', { Ref: 'AWS::URLSuffix' }]] } };
    const glue = (resource: string) => arn('glue', `us-east-1:${LOG_ARCHIVE}:${resource}`);
    expect(statementsOf(stack)).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'athena:BatchGetNamedQuery', 'athena:BatchGetQueryExecution', 'athena:GetNamedQuery', 'athena:GetQueryExecution',
          'athena:GetQueryResults', 'athena:GetQueryResultsStream', 'athena:GetWorkGroup', 'athena:ListNamedQueries',
          'athena:ListQueryExecutions', 'athena:StartQueryExecution', 'athena:StopQueryExecution',
        ],
        Resource: arn('athena', `us-east-1:${LOG_ARCHIVE}:workgroup/org-trail-o-a1b2c3d4e5`),
      },
      { Effect: 'Allow', Action: 'glue:GetDatabase', Resource: [glue('catalog'), glue('database/default'), glue('database/org_trail_o_a1b2c3d4e5')] },
      {
        Effect: 'Allow',
        Action: ['glue:GetTable', 'glue:GetPartitions'],
        Resource: [glue('catalog'), glue('database/org_trail_o_a1b2c3d4e5'), glue('table/org_trail_o_a1b2c3d4e5/cloudtrail_logs')],
      },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: arn('s3', `::${BUCKET}`), Condition: { StringLike: { 's3:prefix': [`org/AWSLogs/${ORG}/*`] } } },
      { Effect: 'Allow', Action: 's3:GetBucketLocation', Resource: arn('s3', `::${BUCKET}`) },
      { Effect: 'Allow', Action: 's3:GetObject', Resource: arn('s3', `::${BUCKET}/org/AWSLogs/${ORG}/*`) },
      { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'], Resource: resultsBucket },
      {
        Effect: 'Allow',
        Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [resultsBucket, '/results/*']] },
      },
      { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: resultsKey, Condition: { StringLike: viaS3 } },
      {
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: KEY_ARN,
        Condition: { StringEquals: { 'kms:EncryptionContext:aws:cloudtrail:arn': TRAIL_ARN }, StringLike: viaS3 },
      },
    ]);
    // Nothing reaches the results key's policy or any bucket policy for the principal.
    const keyPolicy = onlyResource(template, 'AWS::KMS::Key').KeyPolicy.Statement;
    expect(JSON.stringify(keyPolicy)).not.toContain('Analyst');
  });

  test('without a trail key, no kms:Decrypt of the logs; without a prefix, the organization\'s folder at the root', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    build({ principal: role }, stack);
    const statements = statementsOf(stack);
    expect(statements.filter(s => s.Action === 'kms:Decrypt')).toEqual([]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 's3:GetObject', Resource: arn('s3', `::${BUCKET}/AWSLogs/${ORG}/*`) });
  });

  test('grantQuery returns a grant that applied', () => {
    const stack = newStack();
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    const { athena } = build({}, stack);
    expect(athena.grantQuery(role).success).toBe(true);
    expect(statementsOf(stack)).toHaveLength(9);
  });
});

describe('bad input fails at synth with the path, the value and a fix', () => {
  const PATH = 'LogArchive/TrailQueries';
  test.each<[string, Partial<OrgTrailAthenaProps>, RegExp]>([
    ['an organization id', { organizationId: 'o-SHORT' }, /organizationId 'o-SHORT' is not an organization id.*Fix:/],
    ['a trail prefix with slashes', { prefix: '/org/' }, /prefix '\/org\/' starts or ends with '\/'.*Fix: write 'org'/],
    ['a trail prefix with a wildcard', { prefix: 'org*' }, /prefix 'org\*' contains '\*'.*Fix:/],
    ['a trail ARN', { trailArn: 'org-trail' }, /trailArn 'org-trail'.*Fix:/],
    ['no account', { accounts: [] }, /accounts is empty.*Fix: list the accounts/],
    ['an account id', { accounts: ['1111-2222-3333'] }, /accounts entry '1111-2222-3333' is not an AWS account id.*Fix:/],
    ['an account twice', { accounts: [MEMBER, MEMBER] }, /accounts lists '444455556666' twice.*Fix:/],
    ['no region', { regions: [] }, /regions is empty.*Fix: list the regions/],
    ['a region', { regions: ['us-east-1a'] }, /regions entry 'us-east-1a' is not an AWS region name.*Fix:/],
    ['a day that does not exist', { firstDay: '2024-02-30' }, /firstDay '2024-02-30' is not a day written YYYY-MM-DD.*Fix:/],
    ['a day in the projection\'s format', { firstDay: '2024/01/01' }, /firstDay '2024\/01\/01' is not a day.*Fix:/],
    ['a bytes-scanned limit below Athena\'s minimum', { bytesScannedCutoffPerQuery: Size.mebibytes(9) }, /bytesScannedCutoffPerQuery is 9437184 bytes; Athena's smallest per-query limit is 10000000 bytes.*Fix: give at least Size.mebibytes\(10\)/],
    ['a database name', { databaseName: 'Org-Trail' }, /databaseName 'Org-Trail' is not a name Athena can query.*Fix: write it as 'org_trail'/],
    ['a table name', { tableName: 'cloudtrail logs' }, /tableName 'cloudtrail logs' is not a name Athena can query.*Fix: write it as 'cloudtrail_logs'/],
    ['a workgroup name', { workGroupName: 'org trail/queries' }, /workGroupName 'org trail\/queries' is not an Athena workgroup name.*Fix: write it as 'org-trail-queries'/],
    ['an unknown preset', { presets: ['iamChanges'] }, /presets lists 'iamChanges', which is not an IamEventPattern preset.*Fix: use the factory names: allApiCalls, changes/],
    ['a preset twice', { presets: ['changes', 'changes'] }, /presets lists 'changes' twice.*Fix:/],
  ])('%s', (_what, props, message) => {
    expect(() => build(props)).toThrow(new RegExp(`^${PATH}: .*${message.source}`, 's'));
  });

  test('a trail ARN of another partition than the stack\'s', () => {
    // With partition literals on, the stack's partition is known at synthesis.
    const app = new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } });
    const stack = new Stack(app, 'LogArchive', { env: { account: LOG_ARCHIVE, region: 'us-east-1' } });
    expect(() => build({ trailArn: 'arn:aws-cn:cloudtrail:cn-north-1:111122223333:trail/org-trail' }, stack))
      .toThrow(/^LogArchive\/TrailQueries: trailArn .*partition 'aws-cn'.*Fix:/s);
  });

  test('a bucket name', () => {
    const stack = newStack();
    expect(() => build({ bucket: s3.Bucket.fromBucketName(stack, 'Bad', 'Org_Trail_Logs') }, stack))
      .toThrow(/^LogArchive\/TrailQueries: bucketName 'Org_Trail_Logs' is not an S3 bucket name.*Fix:/s);
  });
});

describe('CloudFormation values are let through unchecked', () => {
  test('organization id, prefix, accounts, regions, first day and bytes-scanned limit as parameters', () => {
    const stack = newStack();
    const org = new CfnParameter(stack, 'OrganizationId').valueAsString;
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    const accounts = new CfnParameter(stack, 'Accounts', { type: 'CommaDelimitedList' }).valueAsList;
    const region = new CfnParameter(stack, 'Region').valueAsString;
    const firstDay = new CfnParameter(stack, 'FirstDay').valueAsString;
    const cutoff = new CfnParameter(stack, 'Cutoff', { type: 'Number' }).valueAsNumber;
    const { athena } = build({
      organizationId: org, prefix, accounts, regions: [region, 'eu-west-1'], firstDay, bytesScannedCutoffPerQuery: Size.bytes(cutoff),
    }, stack);
    const template = Template.fromStack(stack);
    const parameters = onlyResource(template, 'AWS::Glue::Table').TableInput.Parameters;
    expect(parameters['projection.account.values']).toEqual({ 'Fn::Join': [',', { Ref: 'Accounts' }] });
    expect(parameters['projection.region.values']).toEqual({ 'Fn::Join': ['', [{ Ref: 'Region' }, ',eu-west-1']] });
    expect(parameters['projection.timestamp.range']).toEqual({ 'Fn::Join': ['', [{ 'Fn::Join': ['/', { 'Fn::Split': ['-', { Ref: 'FirstDay' }] }] }, ',NOW']] });
    template.hasResourceProperties('AWS::Athena::WorkGroup', { WorkGroupConfiguration: Match.objectLike({ BytesScannedCutoffPerQuery: { Ref: 'Cutoff' } }) });
    // Names that cannot come from the organization id are derived from the construct's path.
    expect(athena.databaseName).toMatch(/^org_trail_[a-z0-9_]+$/);
    expect(athena.workGroupName).toMatch(/^org-trail-[a-z0-9-]+$/);
  });

  test('a bucket defined in the app', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Trail');
    build({ bucket }, stack);
    const location = onlyResource(Template.fromStack(stack), 'AWS::Glue::Table').TableInput.StorageDescriptor.Location;
    expect(location).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(bucket.node.defaultChild as s3.CfnBucket) }, `/AWSLogs/${ORG}`]] });
  });
});
