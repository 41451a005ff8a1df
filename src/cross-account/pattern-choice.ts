import { IConstruct } from 'constructs';
import { ForwardedPattern } from './forwarded-events';
import { invalidInput } from '../identifiers/invalid-input';
import { IamEventPattern } from '../patterns/iam-event-pattern';

/** The patterns a cross-account construct works with: `pattern`, or `patterns`, or the default. */
export function choosePatterns(scope: IConstruct, pattern?: IamEventPattern, patterns?: IamEventPattern[]): IamEventPattern[] {
  if (pattern !== undefined && patterns !== undefined) {
    throw invalidInput(scope, 'both pattern and patterns are given.', 'give one pattern as `pattern`, or several as `patterns`.');
  }
  if (patterns !== undefined && patterns.length === 0) {
    throw invalidInput(scope, 'patterns is empty.', 'give at least one pattern, or leave it out for IamEventPattern.changes().');
  }
  const chosen = patterns ?? [pattern ?? IamEventPattern.changes()];
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
