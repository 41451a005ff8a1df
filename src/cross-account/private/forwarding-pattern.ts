import { Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { IConstruct } from 'constructs';
import { ForwardedPattern, forwardedSourcesAndDetailTypes } from './forwarded-events';
import { EventPatternMatcher } from '../../patterns/engine/event-pattern-matcher';
import { OVERLAPPING_OR_BRANCHES_ID, TEST_THROUGH_WILDCARD_ID } from '../../patterns/engine/private/order-dependence';

/**
 * The one pattern a member region's forwarding rule uses for all the patterns relevant there.
 *
 * One rule per region, not one per pattern: every rule that matches an event puts its own copy on
 * the central bus, and every central rule then alerts once per copy, so an event two patterns
 * match (a root user's IAM change: `changes()` and `rootUserActivity()`) would alert twice per
 * central rule.
 *
 * The rule's pattern is the `$or` of the patterns, which forwards exactly what the separate rules
 * did, provided EventBridge accepts it (at most 2,048 characters and 1,000 `$or` combinations,
 * checked with the library's engine) and reads it whatever the order of its branches: two presets
 * that share values (`cisPolicyChanges()` and `policyChanges()`) make a union in which EventBridge
 * drops a later branch and stops forwarding some of its events (the engine's README,
 * "Order-dependent patterns"). Otherwise it is the coarser pattern of their sources and
 * detail-types, which forwards every event any of them needs and more; the central rules still
 * alert only on their own patterns.
 */

/** The pattern, state and description of one forwarding rule. */
export interface ForwardingRulePattern {
  /** The pattern for aws-cdk-lib's `Rule`. */
  readonly eventPattern: events.EventPattern;
  /** Whether the rule must be in state `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`. */
  readonly includesReadOnlyEvents: boolean;
  /** What the rule forwards, in words. */
  readonly description: string;
  /** Why the union of the patterns could not be used, when the coarse pattern is. */
  readonly coarseBecause?: string;
}

/**
 * `readOnly` values a rule in the ordinary `ENABLED` state receives: CloudTrail's `false`, and
 * records that have no `readOnly` field. Matches what such a rule would see once the union rule
 * has to be in the all-management-events state for another pattern's sake.
 */
const DELIVERED_WHEN_ENABLED = [false, { exists: false }];

/** The pattern of the rule that forwards, in one region, the events of all these patterns. */
export function forwardingRulePattern(scope: IConstruct, patterns: ForwardedPattern[]): ForwardingRulePattern {
  if (patterns.length === 1) {
    const [only] = patterns;
    return { eventPattern: only.eventPattern, includesReadOnlyEvents: only.includesReadOnlyEvents, description: only.description };
  }
  const includesReadOnlyEvents = patterns.some(p => p.includesReadOnlyEvents);
  const description = patterns.map(p => p.description).join('; ');
  // In the all-management-events state, a pattern written for an ENABLED rule would start
  // forwarding read-only calls it never received: keep it to what it received.
  const union = {
    $or: patterns.map(p => (includesReadOnlyEvents && !p.includesReadOnlyEvents ? withoutReadOnlyCalls(p.json) : p.json)),
  };

  let coarseBecause: string;
  if (holdsUnresolvedTokens(union)) {
    coarseBecause = 'a pattern holds values known only at deployment, so the length of their union cannot be checked';
  } else {
    const check = EventPatternMatcher.check(JSON.stringify(union));
    const orderDependent = check.warnings.filter(w => w.includes(OVERLAPPING_OR_BRANCHES_ID) || w.includes(TEST_THROUGH_WILDCARD_ID));
    if (check.valid && orderDependent.length === 0) {
      return { eventPattern: union as unknown as events.EventPattern, includesReadOnlyEvents, description };
    }
    coarseBecause = check.valid
      ? `EventBridge would answer their union by the order of its branches and could drop events: ${orderDependent.join(' ')}`
      : `EventBridge would reject their union: ${check.errors.join(' ')}`;
  }
  const { sources, detailTypes } = forwardedSourcesAndDetailTypes(scope, patterns);
  return {
    eventPattern: { source: sources, detailType: detailTypes },
    includesReadOnlyEvents,
    description: `every ${detailTypes.join(', ')} event of ${sources.join(', ')}, for: ${description}`,
    coarseBecause,
  };
}

/**
 * The pattern restricted to events that are not read-only calls. The condition goes where it
 * cannot meet another condition on `readOnly` (EventBridge has no rule for a field given twice
 * along one `$or` branch): beside the pattern's own `detail` fields, or, when some `$or` branch
 * already decides `readOnly`, into each branch that does not.
 */
export function withoutReadOnlyCalls(pattern: Record<string, unknown>): Record<string, unknown> {
  const or = pattern.$or;
  if (Array.isArray(or) && or.some(branch => decidesReadOnly(asObject(branch).detail))) {
    return { ...pattern, $or: or.map(branch => withoutReadOnlyCalls(asObject(branch))) };
  }
  return { ...pattern, detail: notReadOnlyDetail(asObject(pattern.detail)) };
}

function notReadOnlyDetail(detail: Record<string, unknown>): Record<string, unknown> {
  if ('readOnly' in detail) return detail;
  const or = detail.$or;
  if (Array.isArray(or) && or.some(decidesReadOnly)) {
    return { ...detail, $or: or.map(branch => notReadOnlyDetail(asObject(branch))) };
  }
  return { ...detail, readOnly: DELIVERED_WHEN_ENABLED };
}

function decidesReadOnly(detail: unknown): boolean {
  const fields = asObject(detail);
  return 'readOnly' in fields || (Array.isArray(fields.$or) && fields.$or.some(decidesReadOnly));
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

function holdsUnresolvedTokens(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsUnresolvedTokens);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => Token.isUnresolved(key) || holdsUnresolvedTokens(inner));
  }
  return Token.isUnresolved(value);
}
