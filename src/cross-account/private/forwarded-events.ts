import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { checkRegion, checkRegionPartition, globalEventsRegion, supportsCrossRegionBusTargets } from '../../identifiers/regions';
import { invalidInput } from '../../private/invalid-input';

/**
 * What the member accounts forward, derived from the chosen patterns: the event sources and
 * detail-types (which narrow the central bus policy) and the regions in which EventBridge
 * delivers the events (where the forwarding rules must live).
 */

/** A pattern as the cross-account constructs need it. */
export interface ForwardedPattern {
  /** The EventBridge pattern JSON. */
  readonly json: Record<string, unknown>;
  /** The same pattern for aws-cdk-lib's `Rule`. */
  readonly eventPattern: events.EventPattern;
  /** Whether it matches console sign-in events, which are recorded in several regions. */
  readonly includesConsoleSignIn: boolean;
  /** Whether it matches read-only calls, delivered only to rules in the all-management-events state. */
  readonly includesReadOnlyEvents: boolean;
  /** Whether it matches events of regional services (recorded in every region). */
  readonly includesRegionalEvents: boolean;
  /** What it matches, in words (rule descriptions, messages). */
  readonly description: string;
}

/**
 * The regions that record console sign-in events made through the global sign-in endpoint, in
 * the commercial partition. Sign-ins through a regional endpoint are recorded in that region:
 * add such regions with the `signInRegions` properties.
 */
export const GLOBAL_SIGN_IN_REGIONS = ['us-east-1', 'us-east-2', 'eu-north-1', 'ap-southeast-2'];

/**
 * Throws unless every entry is a region name, in `partition` (the central bus's) when that is
 * known. Unresolved entries are skipped.
 */
export function checkRegionList(scope: IConstruct, what: string, regions: string[], partition?: string): void {
  for (const region of regions) {
    checkRegion(scope, `${what} entry`, region);
    if (partition !== undefined) {
      checkRegionPartition(scope, `${what} entry`, region, partition, 'the central bus', 'EventBridge cannot deliver across partitions');
    }
  }
}

/**
 * The regions forwarders are deployed in: those the patterns need rules in, except in a partition
 * where a rule cannot target a bus in another region (GovCloud (US), China), which has only the
 * home region (the central bus must be there too).
 */
export function forwardingRegions(patterns: ForwardedPattern[], signInRegions: string[], partition: string): string[] {
  return supportsCrossRegionBusTargets(partition)
    ? regionsForPatterns(patterns, signInRegions, partition)
    : [globalEventsRegion(partition) ?? regionsForPatterns(patterns, signInRegions, partition)[0]];
}

/** The regions the patterns need forwarding rules in, home region first. */
export function regionsForPatterns(patterns: ForwardedPattern[], signInRegions: string[], partition = 'aws'): string[] {
  const home = globalEventsRegion(partition) ?? 'us-east-1';
  const regions = [home];
  if (patterns.some(p => p.includesConsoleSignIn)) {
    for (const region of signInRegions) {
      if (!regions.includes(region)) regions.push(region);
    }
  }
  return regions;
}

function exactStrings(scope: IConstruct, pattern: ForwardedPattern, field: string, value: unknown): string[] {
  const fix = `give every pattern (and every $or branch) a "${field}" list of exact values, e.g. IamEventPattern.changes().`;
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidInput(scope,
      `pattern '${pattern.description}' has no "${field}" list of exact values, which the central bus policy needs to narrow events:${field}.`,
      fix);
  }
  for (const item of value) {
    if (typeof item !== 'string') {
      throw invalidInput(scope,
        `pattern '${pattern.description}' matches "${field}" with ${JSON.stringify(item)}, not an exact value; ` +
        `the central bus policy can only narrow events:${field} to exact values.`,
        fix);
    }
  }
  return value as string[];
}

function branches(json: Record<string, unknown>): Record<string, unknown>[] {
  const or = json.$or;
  if (!Array.isArray(or)) return [json];
  const rest = { ...json };
  delete rest.$or;
  return (or as Record<string, unknown>[]).flatMap(branch => branches({ ...rest, ...branch }));
}

/** The sources and detail-types the patterns can match, sorted, each once. */
export function forwardedSourcesAndDetailTypes(scope: IConstruct, patterns: ForwardedPattern[]): { sources: string[]; detailTypes: string[] } {
  const sources = new Set<string>();
  const detailTypes = new Set<string>();
  for (const pattern of patterns) {
    for (const branch of branches(pattern.json)) {
      exactStrings(scope, pattern, 'source', branch.source).forEach(s => sources.add(s));
      exactStrings(scope, pattern, 'detail-type', branch['detail-type']).forEach(d => detailTypes.add(d));
    }
  }
  return { sources: [...sources].sort(), detailTypes: [...detailTypes].sort() };
}
