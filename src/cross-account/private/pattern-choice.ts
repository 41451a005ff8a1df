import { IConstruct } from 'constructs';
import { ForwardedPattern } from './forwarded-events';
import { IamEventPattern } from '../../patterns/iam-event-pattern';
import { invalidInput } from '../../private/invalid-input';

/** The patterns a cross-account construct works with: `patterns`, or the default `[IamEventPattern.changes()]`. */
export function choosePatterns(scope: IConstruct, props: { readonly patterns?: IamEventPattern[] }): IamEventPattern[] {
  // `pattern` was removed before 1.0. The typed languages refuse it, but a JavaScript caller's
  // leftover `pattern` would otherwise be ignored and the construct silently use the default.
  if ((props as { readonly pattern?: unknown }).pattern !== undefined) {
    throw invalidInput(scope, 'the `pattern` property was removed.', 'give `patterns: [pattern]` instead.');
  }
  const patterns = props.patterns;
  if (patterns !== undefined && patterns.length === 0) {
    throw invalidInput(scope, 'patterns is empty.', 'give at least one pattern, or leave it out for IamEventPattern.changes().');
  }
  const chosen = patterns ?? [IamEventPattern.changes()];
  for (const p of chosen) {
    if (p.includesRegionalEvents) {
      throw invalidInput(scope,
        `pattern '${p.description}' matches events of regional services, which CloudTrail records in every region; `
        + 'the cross-account constructs forward from us-east-1 and the sign-in regions only.',
        'use IamEventPattern.rootUserActivity() (root activity in IAM and console sign-in) or another IAM pattern.');
    }
  }
  return chosen;
}

export function toForwardedPattern(pattern: IamEventPattern): ForwardedPattern {
  // toEventPattern, not toJson: refinements may hold tokens (toJson refuses them), and only the
  // top-level source and detail-type matter here, which are always plain strings.
  const eventPattern = pattern.toEventPattern();
  const { detailType, ...rest } = eventPattern;
  return {
    json: { ...rest, 'detail-type': detailType },
    eventPattern,
    includesConsoleSignIn: pattern.includesConsoleSignIn,
    includesReadOnlyEvents: pattern.includesReadOnlyEvents,
    includesRegionalEvents: pattern.includesRegionalEvents,
    description: pattern.description,
  };
}
