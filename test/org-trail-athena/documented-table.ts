/**
 * The CloudTrail table of the Amazon Athena User Guide, as printed on "Create the table for
 * CloudTrail logs in Athena using partition projection"
 * (https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html;
 * sample code of the AWS documentation, MIT-0), copied here so that the tests compare the Glue
 * table with the page and not with the project's own column list.
 */
export const DOCUMENTED_CREATE_TABLE = `
CREATE EXTERNAL TABLE cloudtrail_logs_pp(
    eventversion STRING,
    useridentity STRUCT<
        type: STRING,
        principalid: STRING,
        arn: STRING,
        accountid: STRING,
        invokedby: STRING,
        accesskeyid: STRING,
        username: STRING,
        onbehalfof: STRUCT<
             userid: STRING,
             identitystorearn: STRING>,
        sessioncontext: STRUCT<
            attributes: STRUCT<
                mfaauthenticated: STRING,
                creationdate: STRING>,
            sessionissuer: STRUCT<
                type: STRING,
                principalid: STRING,
                arn: STRING,
                accountid: STRING,
                username: STRING>,
            ec2roledelivery:string,
            webidfederationdata: STRUCT<
                federatedprovider: STRING,
                attributes: map<string,string>>
        >
    >,
    eventtime STRING,
    eventsource STRING,
    eventname STRING,
    awsregion STRING,
    sourceipaddress STRING,
    useragent STRING,
    errorcode STRING,
    errormessage STRING,
    requestparameters STRING,
    responseelements STRING,
    additionaleventdata STRING,
    requestid STRING,
    eventid STRING,
    readonly STRING,
    resources ARRAY<STRUCT<
        arn: STRING,
        accountid: STRING,
        type: STRING>>,
    eventtype STRING,
    apiversion STRING,
    recipientaccountid STRING,
    serviceeventdetails STRING,
    sharedeventid STRING,
    vpcendpointid STRING,
    vpcendpointaccountid STRING,
    eventcategory STRING,
    addendum STRUCT<
      reason:STRING,
      updatedfields:STRING,
      originalrequestid:STRING,
      originaleventid:STRING>,
    sessioncredentialfromconsole STRING,
    edgedevicedetails STRING,
    tlsdetails STRUCT<
      tlsversion:STRING,
      ciphersuite:STRING,
      clientprovidedhostheader:STRING>
  )
PARTITIONED BY (
   \`timestamp\` string)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'
LOCATION
  's3://amzn-s3-demo-bucket/AWSLogs/account-id/CloudTrail/aws-region'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='2020/01/01,NOW',
  'projection.timestamp.type'='date',
  'storage.location.template'='s3://amzn-s3-demo-bucket/AWSLogs/account-id/CloudTrail/aws-region/\${timestamp}')
`;

/** The parts of the documented statement, each with whitespace removed and lower-cased where SQL is case-insensitive. */
export interface DocumentedTable {
  /** Column name and Hive type (`struct<type:string,...>`), in order. */
  readonly columns: { readonly name: string; readonly type: string }[];
  readonly serde: string;
  readonly inputFormat: string;
  readonly outputFormat: string;
  readonly properties: Record<string, string>;
}

/** Splits at commas outside `<...>`. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of text) {
    if (c === '<') depth++;
    if (c === '>') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}

export function parseDocumentedTable(ddl: string = DOCUMENTED_CREATE_TABLE): DocumentedTable {
  const body = ddl.slice(ddl.indexOf('(') + 1, ddl.indexOf('PARTITIONED BY'));
  const columnText = body.slice(0, body.lastIndexOf(')'));
  const columns = topLevelParts(columnText).map((part) => {
    const trimmed = part.trim();
    const space = trimmed.search(/\s/);
    return { name: trimmed.slice(0, space).toLowerCase(), type: trimmed.slice(space).replace(/\s+/g, '').toLowerCase() };
  });
  const quoted = (after: string) => new RegExp(`${after}\\s*'([^']+)'`).exec(ddl)![1];
  const properties: Record<string, string> = {};
  for (const m of ddl.slice(ddl.indexOf('TBLPROPERTIES')).matchAll(/'([^']+)'='([^']*)'/g)) properties[m[1]] = m[2];
  return {
    columns,
    serde: quoted('ROW FORMAT SERDE'),
    inputFormat: quoted('STORED AS INPUTFORMAT'),
    outputFormat: quoted('OUTPUTFORMAT'),
    properties,
  };
}
