import { ArnFormat, Duration, Fn, Names, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  checkAccounts, checkBytesScannedCutoff, checkCatalogName, checkFirstDay, checkRegions, checkWorkGroupName,
} from './private/athena-checks';
import { presetNamedQueries } from './private/preset-queries';
import { queryStatements } from './private/query-statements';
import { trailTableInput } from './private/trail-table';
import { checkBucketName, checkOrganizationTrail } from '../access-analyzer/service-role-checks';
import { organizationLogsPath } from '../access-analyzer/trail-log-paths';
import { denyGrantsExceptForAwsServices } from '../alerting/private/key-policy-statements';

/** Where the workgroup writes query results in its bucket. */
const RESULTS_PATH = 'results/';

/** The Athena engine the generated SQL is written for (Trino). */
const ENGINE_VERSION = 'Athena engine version 3';

/**
 * Properties of `OrgTrailAthena`.
 */
export interface OrgTrailAthenaProps {
  /** The bucket the organization trail writes its log files to. */
  readonly bucket: s3.IBucket;

  /**
   * Id of the AWS Organizations organization (`o-` followed by 10 to 32 lower-case letters or
   * digits): the trail writes to `[prefix/]AWSLogs/<organizationId>/<account>/CloudTrail/<region>/`.
   */
  readonly organizationId: string;

  /**
   * ARN of the organization trail: `arn:<partition>:cloudtrail:<home region>:<management account>:trail/<name>`.
   *
   * With an `encryptionKey`, the query principal may decrypt only what this trail encrypted (the
   * `kms:EncryptionContext:aws:cloudtrail:arn` condition). Must be in the stack's partition.
   */
  readonly trailArn: string;

  /**
   * The accounts whose logs the table shows: the values of its `account` partition projection.
   * Add an account here when it joins the organization.
   */
  readonly accounts: string[];

  /**
   * The regions whose logs the table shows: the values of its `region` partition projection (the
   * regions the trail records; IAM's events are in us-east-1).
   */
  readonly regions: string[];

  /**
   * The first day the table shows, `YYYY-MM-DD` (the start of its date projection): the day the
   * trail started writing, or the first day worth querying.
   */
  readonly firstDay: string;

  /**
   * The KMS key the trail encrypts its log files with (the trail's `KmsKeyId`).
   *
   * @default - the log files are not encrypted with a KMS key of the trail
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The trail's S3 key prefix (its `S3KeyPrefix`), without leading or trailing `/`.
   *
   * @default - the trail has no prefix
   */
  readonly prefix?: string;

  /**
   * A role (or any grantable) that may run queries in the workgroup: `grantQuery` is called for it.
   *
   * @default - nobody: call `grantQuery` yourself
   */
  readonly principal?: iam.IGrantable;

  /**
   * The most a query may scan; Athena cancels a query that reads more. At least 10 MB (Athena's
   * minimum); at $5 per TB scanned, the default caps a query at about $0.54.
   *
   * @default Size.gibibytes(100)
   */
  readonly bytesScannedCutoffPerQuery?: Size;

  /**
   * The IamEventPattern presets that get a named query in the workgroup, by factory name
   * (`changes`, `authChanges`, ...; `auth_changes` from Python works too). The query is named
   * after the preset.
   *
   * @default - every preset
   */
  readonly presets?: string[];

  /**
   * Name of the Glue database (lower-case letters, digits and `_`).
   *
   * @default - `org_trail_` and the organization id (`org_trail_o_a1b2c3d4e5`)
   */
  readonly databaseName?: string;

  /**
   * Name of the table (lower-case letters, digits and `_`).
   *
   * @default 'cloudtrail_logs'
   */
  readonly tableName?: string;

  /**
   * Name of the Athena workgroup.
   *
   * @default - `org-trail-` and the organization id (`org-trail-o-a1b2c3d4e5`)
   */
  readonly workGroupName?: string;

  /**
   * How long query results are kept in the results bucket.
   *
   * @default Duration.days(30)
   */
  readonly resultsRetention?: Duration;

  /**
   * A bucket for the server access logs of the results bucket.
   *
   * @default - no server access logging
   */
  readonly resultsAccessLogsBucket?: s3.IBucket;
}

/**
 * Makes an organization trail queryable with Amazon Athena, for a backtest over the whole
 * organization: a Glue database and the partition-projected CloudTrail table over the trail's
 * bucket, a workgroup with KMS-encrypted results and enforced settings (engine version 3, a
 * bytes-scanned limit per query), one named query per preset, and `grantQuery` for a principal.
 *
 * @example
 * declare const stack: Stack;
 * declare const trailBucket: s3.IBucket;
 * new OrgTrailAthena(stack, 'TrailQueries', {
 *   bucket: trailBucket, organizationId: 'o-a1b2c3d4e5', trailArn: 'arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail',
 *   accounts: ['111122223333', '444455556666'], regions: ['us-east-1'], firstDay: '2024-01-01',
 * });
 */
export class OrgTrailAthena extends Construct {
  /** The Glue database. */
  public readonly database: glue.CfnDatabase;
  /** The partition-projected CloudTrail table. */
  public readonly table: glue.CfnTable;
  /** The Athena workgroup the queries run in. */
  public readonly workGroup: athena.CfnWorkGroup;
  /** The bucket the workgroup writes query results to. */
  public readonly resultsBucket: s3.Bucket;
  /** The KMS key that encrypts query results. */
  public readonly resultsKey: kms.Key;
  /** One named query per preset, in the order of `presets`. */
  public readonly namedQueries: athena.CfnNamedQuery[];
  /** Name of the Glue database. */
  public readonly databaseName: string;
  /** Name of the table (query it as `"<databaseName>"."<tableName>"`). */
  public readonly tableName: string;
  /** Name of the workgroup. */
  public readonly workGroupName: string;

  private readonly trailArn: string;
  private readonly trailBucket: s3.IBucket;
  private readonly trailKey?: kms.IKey;
  private readonly logsPath: string;

  constructor(scope: Construct, id: string, props: OrgTrailAthenaProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where = this.node.path;

    checkOrganizationTrail(where, props, stack.partition, stack.stackName);
    checkBucketName(where, props.bucket.bucketName);
    checkAccounts(this, props.accounts);
    checkRegions(this, props.regions);
    const firstDay = checkFirstDay(this, props.firstDay);
    const cutoff = checkBytesScannedCutoff(this, props.bytesScannedCutoffPerQuery ?? Size.gibibytes(100));

    const organizationSuffix = Token.isUnresolved(props.organizationId)
      ? Names.uniqueResourceName(this, { maxLength: 40, separator: '_' }).toLowerCase()
      : props.organizationId;
    this.databaseName = props.databaseName ?? `org_trail_${organizationSuffix.replace(/-/g, '_')}`;
    this.tableName = props.tableName ?? 'cloudtrail_logs';
    this.workGroupName = props.workGroupName ?? `org-trail-${organizationSuffix.replace(/_/g, '-')}`;
    checkCatalogName(this, 'databaseName', this.databaseName);
    checkCatalogName(this, 'tableName', this.tableName);
    checkWorkGroupName(this, this.workGroupName);

    this.trailArn = props.trailArn;
    this.trailBucket = props.bucket;
    this.trailKey = props.encryptionKey;
    this.logsPath = organizationLogsPath(props.prefix, props.organizationId);

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'The organization trail, for Athena queries (cdk-iam-change-alerts OrgTrailAthena).',
      },
    });
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: trailTableInput(this.tableName, {
        bucket: props.bucket.bucketName,
        prefix: props.prefix,
        organizationId: props.organizationId,
        accounts: listValues(props.accounts),
        regions: listValues(props.regions),
        firstDay,
      }),
    });
    this.table.addDependency(this.database);

    this.resultsKey = new kms.Key(this, 'ResultsKey', {
      description: `Encrypts the query results of Athena workgroup ${this.workGroupName}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Control Tower's CT.KMS.PR.3: grants only for AWS resources (S3 and Athena use no grant).
    this.resultsKey.addToResourcePolicy(denyGrantsExceptForAwsServices());
    this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.resultsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      serverAccessLogsBucket: props.resultsAccessLogsBucket,
      lifecycleRules: [{
        id: 'ExpireQueryResults',
        expiration: props.resultsRetention ?? Duration.days(30),
        noncurrentVersionExpiration: Duration.days(1),
        // Athena writes results with multipart uploads and leaves those of canceled queries behind
        // (the data usage controls page of the Athena User Guide advises this rule).
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'Backtests of IAM alert patterns over the organization trail (cdk-iam-change-alerts OrgTrailAthena).',
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: cutoff,
        requesterPaysEnabled: false,
        engineVersion: { selectedEngineVersion: ENGINE_VERSION },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/${RESULTS_PATH}`,
          expectedBucketOwner: stack.account,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: this.resultsKey.keyArn },
        },
      },
    });

    const table = `"${this.databaseName}"."${this.tableName}"`;
    this.namedQueries = presetNamedQueries(this, props.presets, table).map((query) => {
      const named = new athena.CfnNamedQuery(this, `Query${query.preset.charAt(0).toUpperCase()}${query.preset.slice(1)}`, {
        name: query.preset,
        description: query.description,
        database: this.databaseName,
        workGroup: this.workGroupName,
        queryString: query.sql,
      });
      named.addDependency(this.workGroup);
      named.addDependency(this.database);
      return named;
    });

    if (props.principal) {
      this.grantQuery(props.principal);
    }
  }

  /**
   * Lets `grantee` run queries in the workgroup: Athena on this workgroup only, Glue reads of the
   * table, listing and reading the organization's log files, query results in the results bucket,
   * and `kms:Decrypt` of the trail's key through S3 for this trail's log files only.
   *
   * The statements go into the grantee's identity policy. The trail's key policy must let the
   * account's IAM policies grant its use (the default key policy does).
   */
  public grantQuery(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    const statements = queryStatements({
      workGroupArn: stack.formatArn({ service: 'athena', resource: 'workgroup', resourceName: this.workGroupName }),
      glueArnPrefix: stack.formatArn({ service: 'glue', resource: '', arnFormat: ArnFormat.NO_RESOURCE_NAME }).replace(/:$/, '') + ':',
      databaseName: this.databaseName,
      tableName: this.tableName,
      trailBucketArn: this.trailBucket.bucketArn,
      logsPath: this.logsPath,
      resultsBucketArn: this.resultsBucket.bucketArn,
      resultsPath: RESULTS_PATH,
      resultsKeyArn: this.resultsKey.keyArn,
      trailKeyArn: this.trailKey?.keyArn,
      trailArn: this.trailArn,
      urlSuffix: stack.urlSuffix,
    });
    return statements
      .map((statement) => iam.Grant.addToPrincipal({
        grantee,
        actions: statement.actions,
        resourceArns: statement.resources,
        conditions: statement.conditions,
      }))
      .reduce((all, one) => all.combine(one));
  }
}

/** The entries of a list for the projection; a CloudFormation list becomes one comma-joined value. */
function listValues(values: string[]): string[] {
  return Token.isUnresolved(values) ? [Fn.join(',', values)] : values;
}
