import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The identity-policy statements a principal needs to run the organization trail's queries in the
 * workgroup, and nothing more: start, watch and read its own queries in this workgroup; read the one
 * Glue table; list and read the organization's log files; write and read query results; decrypt
 * through S3 only.
 *
 * @see https://docs.aws.amazon.com/athena/latest/ug/example-policies-workgroup.html ("Example policy for running queries in a specified workgroup")
 * @see https://docs.aws.amazon.com/athena/latest/ug/fine-grained-access-to-glue-resources.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/security-iam-awsmanpol.html (AmazonAthenaFullAccess: the S3 actions on query results)
 * @see https://docs.aws.amazon.com/athena/latest/ug/encryption.html ("Permissions to encrypted data in Amazon S3")
 * @see https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html ("Grant decrypt permissions")
 */

/** The workgroup actions of the Athena User Guide's "running queries in a specified workgroup", less the named-query writes. */
export const WORKGROUP_QUERY_ACTIONS = [
  'athena:BatchGetNamedQuery',
  'athena:BatchGetQueryExecution',
  'athena:GetNamedQuery',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:GetWorkGroup',
  'athena:ListNamedQueries',
  'athena:ListQueryExecutions',
  'athena:StartQueryExecution',
  'athena:StopQueryExecution',
];

/** What the statements are built from (ARNs, names and paths, possibly CDK tokens). */
export interface QueryStatementInputs {
  readonly workGroupArn: string;
  /** `arn:<partition>:glue:<region>:<account>:` */
  readonly glueArnPrefix: string;
  readonly databaseName: string;
  readonly tableName: string;
  readonly trailBucketArn: string;
  /** The organization's folder of the trail: `[prefix/]AWSLogs/<organization id>/`. */
  readonly logsPath: string;
  readonly resultsBucketArn: string;
  /** Where the workgroup writes results in the results bucket, with a trailing `/`. */
  readonly resultsPath: string;
  readonly resultsKeyArn: string;
  /** The trail's KMS key, when its log files are encrypted with one. */
  readonly trailKeyArn?: string;
  readonly trailArn: string;
  /** The partition's endpoint suffix (`amazonaws.com`). */
  readonly urlSuffix: string;
}

/** The statements, in the order of the class comment above. */
export function queryStatements(inputs: QueryStatementInputs): iam.PolicyStatement[] {
  const glue = inputs.glueArnPrefix;
  const throughS3 = { 'kms:ViaService': `s3.*.${inputs.urlSuffix}` };
  const statements = [
    new iam.PolicyStatement({
      actions: WORKGROUP_QUERY_ACTIONS,
      resources: [inputs.workGroupArn],
    }),
    // Athena reads the `default` database of the catalog too ("access to the default database and
    // catalog per Region" in the page on Glue resources).
    new iam.PolicyStatement({
      actions: ['glue:GetDatabase'],
      resources: [`${glue}catalog`, `${glue}database/default`, `${glue}database/${inputs.databaseName}`],
    }),
    new iam.PolicyStatement({
      actions: ['glue:GetTable', 'glue:GetPartitions'],
      resources: [`${glue}catalog`, `${glue}database/${inputs.databaseName}`, `${glue}table/${inputs.databaseName}/${inputs.tableName}`],
    }),
    new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [inputs.trailBucketArn],
      conditions: { StringLike: { 's3:prefix': [`${inputs.logsPath}*`] } },
    }),
    new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation'],
      resources: [inputs.trailBucketArn],
    }),
    new iam.PolicyStatement({
      actions: ['s3:GetObject'],
      resources: [`${inputs.trailBucketArn}/${inputs.logsPath}*`],
    }),
    new iam.PolicyStatement({
      actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [inputs.resultsBucketArn],
    }),
    new iam.PolicyStatement({
      actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject'],
      resources: [`${inputs.resultsBucketArn}/${inputs.resultsPath}*`],
    }),
    new iam.PolicyStatement({
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [inputs.resultsKeyArn],
      conditions: { StringLike: throughS3 },
    }),
  ];
  if (inputs.trailKeyArn !== undefined) {
    statements.push(new iam.PolicyStatement({
      actions: ['kms:Decrypt'],
      resources: [inputs.trailKeyArn],
      conditions: {
        StringEquals: { 'kms:EncryptionContext:aws:cloudtrail:arn': inputs.trailArn },
        StringLike: throughS3,
      },
    }));
  }
  return statements;
}
