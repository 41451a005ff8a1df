import * as glue from 'aws-cdk-lib/aws-glue';
import {
  ATHENA_COLUMNS, ATHENA_INPUT_FORMAT, ATHENA_OUTPUT_FORMAT, ATHENA_PARTITION_COLUMNS, ATHENA_SERDE,
  athenaProjectionProperties, AthenaTableLocation, hiveType, organizationTrailLocation,
} from '../../patterns/private/sql/cloudtrail-tables';

/**
 * The Glue table of the organization trail: the Athena User Guide's CloudTrail table with partition
 * projection, with the organization-trail changes (the organization id in the location, an
 * `account` partition), as a Glue `TableInput`. Its columns are those the query generator reads
 * (one list: src/patterns/private/sql/cloudtrail-tables.ts), so the named queries and the table
 * agree by construction.
 *
 * `CREATE EXTERNAL TABLE ... ROW FORMAT SERDE ... STORED AS INPUTFORMAT ... OUTPUTFORMAT ...
 * LOCATION ... TBLPROPERTIES (...)` becomes, in Glue's terms: an `EXTERNAL_TABLE` with the
 * parameter `EXTERNAL=TRUE`, a storage descriptor with the columns, SerDe, formats and location,
 * the partition keys, and the table properties as parameters.
 *
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-partition-projection.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/create-cloudtrail-table-org-wide-trail.html
 * @see https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html
 * @see https://docs.aws.amazon.com/glue/latest/webapi/API_TableInput.html
 */
export function trailTableInput(name: string, location: AthenaTableLocation): glue.CfnTable.TableInputProperty {
  return {
    name,
    description: 'CloudTrail records of the organization trail (partition projection: account, region, day).',
    tableType: 'EXTERNAL_TABLE',
    parameters: {
      EXTERNAL: 'TRUE',
      ...athenaProjectionProperties(location),
    },
    partitionKeys: ATHENA_PARTITION_COLUMNS.map((column) => ({ name: column, type: 'string' })),
    storageDescriptor: {
      columns: ATHENA_COLUMNS.map((column) => ({ name: column.name, type: hiveType(column.type) })),
      location: organizationTrailLocation(location),
      inputFormat: ATHENA_INPUT_FORMAT,
      outputFormat: ATHENA_OUTPUT_FORMAT,
      serdeInfo: { serializationLibrary: ATHENA_SERDE },
    },
  };
}
