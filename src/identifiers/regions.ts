import { Token } from 'aws-cdk-lib';
import { invalidInput, ValueSource } from '../private/invalid-input';

/**
 * Region names, the partition each region belongs to, and what differs between partitions.
 * Every check lets an unresolved CDK token through.
 */

/** The syntax of a region name, without anchors, for building larger patterns such as ARNs. */
export const REGION_NAME_SYNTAX = '[a-z]{2}(?:-[a-z]+)+-\\d+';
/** A region code such as `us-east-1` or `us-gov-west-1` (not a display name, not an availability zone). */
export const REGION_NAME = new RegExp(`^${REGION_NAME_SYNTAX}$`);

/** `aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, ... */
const PARTITION = /^aws(?:-[a-z]+)*$/;

/**
 * The region whose default bus receives the events of global services (IAM, and root sign-in),
 * per partition. In the commercial partition it is us-east-1; GovCloud (US) and China have their
 * own home regions for global-service events. The home region is never an opt-in region, so every
 * account of the partition has it enabled.
 */
const GLOBAL_EVENTS_REGION: Record<string, string> = {
  'aws': 'us-east-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-cn': 'cn-north-1',
};

/**
 * The domain suffix of service endpoints (CloudFormation's `AWS::URLSuffix`), per partition; the
 * values of aws-cdk-lib's region facts (`RegionInfo.get(region).domainSuffix`).
 */
const URL_SUFFIX: Record<string, string> = {
  'aws': 'amazonaws.com',
  'aws-us-gov': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-iso': 'c2s.ic.gov',
  'aws-iso-b': 'sc2s.sgov.gov',
  'aws-iso-e': 'cloud.adc-e.uk',
  'aws-iso-f': 'csp.hci.ic.gov',
  'aws-eusc': 'amazonaws.eu',
};

/** Partitions in which an event bus in another region is not a valid rule target. */
const NO_CROSS_REGION_BUS_TARGETS = new Set(['aws-us-gov', 'aws-cn']);

/** Partition of a region, from its name. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

/**
 * The domain suffix of service endpoints in `partition` (`amazonaws.com`, `amazonaws.com.cn`, ...),
 * or undefined for a partition not known here. Every partition `partitionOfRegion` returns is known.
 */
export function urlSuffixOfPartition(partition: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(URL_SUFFIX, partition) ? URL_SUFFIX[partition] : undefined;
}

/** Whether `value` is spelled like an AWS partition (`aws` or `aws-*`). */
export function isPartition(value: string): boolean {
  return PARTITION.test(value);
}

/** The home region of global-service events in `partition`, or undefined for a partition not known here. */
export function globalEventsRegion(partition: string): string | undefined {
  return GLOBAL_EVENTS_REGION[partition];
}

/** The home regions of global-service events in every partition (distinct region names). */
export function allGlobalEventsRegions(): string[] {
  return Object.values(GLOBAL_EVENTS_REGION);
}

/** Whether the partition supports event bus targets in another region. */
export function supportsCrossRegionBusTargets(partition: string): boolean {
  return !NO_CROSS_REGION_BUS_TARGETS.has(partition);
}

/** Throws unless `value` names an AWS region (`us-east-1`, `eu-central-2`, `us-gov-west-1`, ...). */
export function checkRegion(where: ValueSource, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!REGION_NAME.test(value)) {
    throw invalidInput(where, `${what} '${value}' is not an AWS region name.`,
      'write a region code such as us-east-1 or eu-central-1 (not a display name, not an availability zone).');
  }
}

/**
 * Throws if `region` is not in `partition`, the partition of `partitionFrom` (the trail, the central
 * bus, the stack, ...); `why` says why the two must agree. An unresolved region or partition skips
 * the check.
 */
export function checkRegionPartition(
  where: ValueSource, what: string, region: string, partition: string, partitionFrom: string, why: string,
): void {
  if (Token.isUnresolved(region) || Token.isUnresolved(partition)) return;
  const actual = partitionOfRegion(region);
  if (actual !== partition) {
    throw invalidInput(where,
      `${what} '${region}' is in partition '${actual}', but ${partitionFrom} is in partition '${partition}'.`,
      `give a region of partition '${partition}': ${why}.`);
  }
}
