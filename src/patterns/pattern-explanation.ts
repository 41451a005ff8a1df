import { EventPatternMatcher } from './engine/event-pattern-matcher';
import { IamOperation, IamOperations } from './iam-operations';

/**
 * Which IAM API operations an EventBridge event pattern matches, and which changes it misses.
 *
 * `explain` runs the library's EventBridge matcher on one synthetic event per operation of the
 * `IamOperations` catalog: a successful IAM API call via CloudTrail in us-east-1 in which only
 * `detail.eventName` and `detail.readOnly` vary. Conditions on other fields (the caller, the error
 * code, the account, the request parameters) depend on the call, not the operation: they are
 * reported in `conditionalOn`, and an operation counts as matched when the rest lets it through.
 *
 * @example
 * const explanation = patterns.PatternExplanation.explain(JSON.stringify({
 *   'source': ['aws.iam'],
 *   'detail-type': ['AWS API Call via CloudTrail'],
 *   'detail': { eventName: [{ prefix: 'Put' }] },
 * }));
 * explanation.missedMutating; // mutating IAM operations the pattern never matches, e.g. TagRole
 */
export class PatternExplanation {
  /**
   * Explains an EventBridge event pattern against the IAM operations catalog.
   *
   * @param patternJson the event pattern as JSON text, as the console, `aws events put-rule` or
   * `IamEventPattern.toJson()` take it
   * @throws when the pattern is not a valid EventBridge event pattern (the matcher's message)
   */
  public static explain(patternJson: string): PatternExplanation {
    // Compiling the pattern as given first, so that an invalid one fails with the matcher's own findings.
    EventPatternMatcher._compile(patternJson, undefined, 'PatternExplanation.explain', '');
    const pattern = JSON.parse(patternJson) as PatternObject;
    const conditionalOn = new Set<string>();
    const relaxed = relaxPattern(pattern, [], conditionalOn);
    const matchesEverything = relaxed === undefined;
    // The pattern as written when it only constrains modeled fields: the matcher then sees the
    // exact text (number spellings, duplicate keys) rather than a re-serialization.
    const matcher = matchesEverything ? undefined
      : EventPatternMatcher.fromJson(conditionalOn.size === 0 ? patternJson : JSON.stringify(relaxed));
    const matched = IamOperations.all().filter((op) => matcher === undefined || matcher.matchesEvent(syntheticEvent(op)));
    return new PatternExplanation(matched, [...conditionalOn].sort(), unknownEventNames(pattern));
  }

  /**
   * Every catalog operation the pattern matches, sorted by name.
   */
  public readonly matched: string[];

  /**
   * The mutating operations (CloudTrail `readOnly: false`) the pattern matches, sorted by name.
   */
  public readonly matchedMutating: string[];

  /**
   * The read-only operations the pattern matches, sorted by name.
   *
   * Read-only calls reach a rule only when its state is
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`; with `ENABLED` these never arrive.
   *
   * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
   */
  public readonly matchedReadOnly: string[];

  /**
   * The mutating operations the pattern never matches, whoever calls, sorted by name: the gaps of
   * a pattern meant to catch changes.
   */
  public readonly missedMutating: string[];

  /**
   * Fields the pattern filters on besides those explain models (see the class), as dotted paths
   * such as `detail.userIdentity.type`, sorted. When not empty, every match in `matched` happens
   * only for calls whose values of these fields fit the pattern.
   */
  public readonly conditionalOn: string[];

  /**
   * Exact `detail.eventName` values in the pattern that name no IAM API operation (typos, other
   * services' operations, or permission-only actions such as `PassRole`), in pattern order.
   */
  public readonly unknownEventNames: string[];

  private constructor(matched: IamOperation[], conditionalOn: string[], unknownNames: string[]) {
    this.matched = matched.map((op) => op.name);
    this.matchedMutating = matched.filter((op) => !op.readOnly).map((op) => op.name);
    this.matchedReadOnly = matched.filter((op) => op.readOnly).map((op) => op.name);
    const matchedNames = new Set(this.matched);
    this.missedMutating = IamOperations.mutating().map((op) => op.name).filter((name) => !matchedNames.has(name));
    this.conditionalOn = conditionalOn;
    this.unknownEventNames = unknownNames;
  }

  /**
   * The explanation as text for a terminal: counts, the matched and missed operations, and the
   * caveats that apply (read-only delivery, conditions on other fields, unknown names).
   */
  public toText(): string {
    const total = IamOperations.all().length;
    const lines: string[] = [
      `Matches ${this.matched.length} of ${total} IAM API operations: ${this.matchedMutating.length} mutating, ${this.matchedReadOnly.length} read-only.`,
    ];
    if (this.matchedMutating.length > 0) {
      lines.push('', `Mutating operations matched (${this.matchedMutating.length}):`, ...wrapNames(this.matchedMutating));
    }
    if (this.matchedReadOnly.length > 0) {
      lines.push('', `Read-only operations matched (${this.matchedReadOnly.length}):`, ...wrapNames(this.matchedReadOnly),
        '  These reach a rule only when its state is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS;',
        '  with ENABLED, EventBridge does not deliver read-only CloudTrail events.');
    }
    // Missed changes matter only for a pattern that catches some changes at all.
    if (this.matchedMutating.length > 0 && this.missedMutating.length > 0) {
      lines.push('', `Mutating operations missed (${this.missedMutating.length}):`, ...wrapNames(this.missedMutating));
    }
    if (this.conditionalOn.length > 0) {
      lines.push('', `Conditional on other fields: ${this.conditionalOn.join(', ')}.`,
        '  Explain varies only detail.eventName and detail.readOnly; the matches above happen only',
        '  for calls whose values of these fields also fit the pattern.');
    }
    if (this.unknownEventNames.length > 0) {
      lines.push('', `Event names that are no IAM API operation: ${this.unknownEventNames.join(', ')}.`);
    }
    lines.push('', `Catalog: ${IamOperations.OPERATIONS_SOURCE} ${IamOperations.OPERATIONS_SOURCE_VERSION}, `
      + `access levels from ${IamOperations.ACCESS_LEVEL_SOURCE} ${IamOperations.ACCESS_LEVEL_SOURCE_VERSION}.`);
    return lines.join('\n') + '\n';
  }
}

type PatternObject = { [key: string]: unknown };

/**
 * The fields explain gives values to, as dotted paths. Every other field a pattern filters on
 * depends on the call and is reported as a condition.
 */
const MODELED_FIELDS = new Set([
  'version', 'detail-type', 'source', 'region', 'resources',
  'detail.eventSource', 'detail.eventName', 'detail.readOnly', 'detail.eventType',
  'detail.managementEvent', 'detail.eventCategory', 'detail.awsRegion',
]);

/**
 * The pattern without its conditions on fields outside MODELED_FIELDS (their paths are added
 * to `removed`), or undefined when nothing is left, meaning it matches every event.
 */
function relaxPattern(pattern: PatternObject, prefix: string[], removed: Set<string>): PatternObject | undefined {
  // No prototype, so that a key named __proto__ stays an ordinary key.
  const kept: PatternObject = Object.create(null);
  for (const [key, value] of Object.entries(pattern)) {
    if (key === '$or' && Array.isArray(value)) {
      const branches = value.map((branch) => relaxPattern(branch as PatternObject, prefix, removed));
      // A branch left without conditions lets every event through, and so does the whole $or.
      if (branches.every((branch) => branch !== undefined)) kept[key] = branches;
      continue;
    }
    // A dotted key {"a.b": …} means the same as nested keys (event-ruler flattens both).
    const path = [...prefix, ...key.split('.')];
    if (Array.isArray(value)) {
      if (MODELED_FIELDS.has(path.join('.'))) {
        kept[key] = value;
      } else {
        removed.add(path.join('.'));
      }
    } else if (typeof value === 'object' && value !== null) {
      const nested = relaxPattern(value as PatternObject, path, removed);
      if (nested !== undefined) kept[key] = nested;
    }
  }
  return Object.keys(kept).length === 0 ? undefined : kept;
}

/** Plain-string `detail.eventName` values anywhere in the pattern that the catalog lacks. */
function unknownEventNames(pattern: PatternObject): string[] {
  const names: string[] = [];
  const visit = (node: PatternObject, prefix: string[]) => {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) {
        value.forEach((branch) => visit(branch as PatternObject, prefix));
        continue;
      }
      const path = [...prefix, ...key.split('.')];
      if (Array.isArray(value)) {
        if (path.join('.') !== 'detail.eventName') continue;
        for (const name of value) {
          if (typeof name === 'string' && !IamOperations.isKnown(name) && !names.includes(name)) names.push(name);
        }
      } else if (typeof value === 'object' && value !== null) {
        visit(value as PatternObject, path);
      }
    }
  };
  visit(pattern, []);
  return names;
}

/** The EventBridge event for a successful call of `op` by an IAM user. */
function syntheticEvent(op: IamOperation): object {
  return {
    'version': '0',
    'id': '6f2b9c4e-0000-4000-8000-000000000000',
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    'account': '123456789012',
    'time': '2024-01-01T00:00:00Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': {
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEEXPLAIN000',
        arn: 'arn:aws:iam::123456789012:user/explain',
        accountId: '123456789012',
        userName: 'explain',
      },
      eventTime: '2024-01-01T00:00:00Z',
      eventSource: 'iam.amazonaws.com',
      eventName: op.name,
      awsRegion: 'us-east-1',
      sourceIPAddress: '192.0.2.1',
      userAgent: 'explain',
      requestParameters: null,
      responseElements: null,
      eventID: '6f2b9c4e-0000-4000-8000-000000000001',
      readOnly: op.readOnly,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '123456789012',
      eventCategory: 'Management',
    },
  };
}

function wrapNames(names: string[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const name of names) {
    const next = line === '' ? `  ${name}` : `${line}, ${name}`;
    if (next.length + 1 > 100 && line !== '') {
      lines.push(`${line},`);
      line = `  ${name}`;
    } else {
      line = next;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
