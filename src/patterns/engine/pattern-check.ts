/**
 * Validation of an event pattern against everything EventBridge enforces: event-ruler's grammar (with
 * its messages), and the service limits event-ruler itself does not check (pattern length, `$or`
 * combinations, wildcard complexity, scored on event-ruler's machine for the pattern). Also the
 * warnings for patterns that are valid but almost certainly not what was meant, and for the shapes
 * whose answer in event-ruler depends on the order of `$or` branches or values
 * (private/order-dependence.ts; README.md, "Order-dependent patterns").
 */
import { CompiledPattern, PatternSyntaxError, SubRule, compilePattern } from './pattern-compiler';
import { OrderDependence, orderDependence } from './private/order-dependence';
import { RulerMachine } from './private/ruler-machine';
import { scorePattern } from './wildcard-complexity';

/** EventBridge's default quota for the length of an event pattern, in characters. */
export const DEFAULT_MAX_PATTERN_LENGTH = 2048;
/** EventBridge rejects a pattern whose `$or` operators expand to more than this many combinations. */
export const MAX_OR_COMBINATIONS = 1000;
/**
 * Wildcard complexity (event-ruler `MachineComplexityEvaluator` units) from which we reject a pattern.
 *
 * AWS does not document its cap. It has been seen to reject a pattern scoring 11 (`*a*a*a*a*a*`) and
 * to accept one scoring 7 (`*a*a*a*`), so the cap lies between 8 and 11. We reject only what AWS is
 * known to reject (11 and more) and warn from 8 to 10, where AWS may or may not accept: a false
 * rejection would block a deployment that works, a false acceptance only defers the error to it.
 */
export const WILDCARD_COMPLEXITY_REJECTED = 11;
/** Wildcard complexity from which we warn (see `WILDCARD_COMPLEXITY_REJECTED`). */
export const WILDCARD_COMPLEXITY_UNCERTAIN = 8;

const PATTERNS_DOC = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html';

/** The result of checking a pattern. */
export interface PatternCheckOutcome {
  readonly errors: string[];
  readonly warnings: string[];
  /** Present when there are no errors. */
  readonly compiled?: CompiledPattern;
  /**
   * The places where event-ruler's answer depends on the order of `$or` branches or listed values
   * (each also in `warnings`, with its warning id), when there are no errors.
   */
  readonly orderDependence?: readonly OrderDependence[];
}

const FIXES: ReadonlyArray<readonly [RegExp, string]> = [
  [/^Filter is not an object/, 'An event pattern is a JSON object, for example {"source": ["aws.iam"]}.'],
  [/^Empty objects are not allowed/, 'Give every object in the pattern at least one field, or remove it.'],
  [/^Empty arrays are not allowed/, 'List at least one value to match, for example ["value"] or [{"exists": true}].'],
  [/must be an object or an array$/, 'Put the value in an array, for example ["value"]: every leaf of a pattern is an array of values to match.'],
  [/^Match value must be/, 'Use strings, numbers, true, false, null or operator objects in a field\'s array; arrays cannot be nested.'],
  [/^Match expression name not found/, 'An operator object needs one key, for example {"prefix": "Create"}.'],
  [/^Unrecognized match type/, 'Use one of the operators prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, exists or cidr.'],
  [/^Only one key allowed in match expression/, 'Put each operator in its own object: [{"prefix": "a"}, {"suffix": "b"}].'],
  [/^Too many (elements|terms) in numeric/, 'Give an operator object exactly one key, and a numeric range at most one lower and one upper bound.'],
  [/^Cannot compare number/, 'Use a number that a double holds exactly (at most 15 significant digits, magnitude between about 1e-307 and 1e308).'],
  [/^Bottom must be less than top/, 'Write the lower bound first and make it smaller than the upper bound, for example [">", 0, "<=", 10].'],
  [/^(Unrecognized|Bad) numeric range operator|^Invalid member in numeric match|^Bad value in numeric range/, 'Write numeric conditions as operator/number pairs: ["=", 5], [">", 0, "<", 10]; operators are =, <, <=, >, >=.'],
  [/^Value of .* must be numeric/, 'Follow each numeric operator with a number (not a string).'],
  [/^Value of numeric must be an array/, 'Give numeric an array, for example {"numeric": [">", 0]}.'],
  [/^Consecutive wildcard characters/, 'Use a single * where you have two in a row; one * already matches any run of characters.'],
  [/^Invalid escape character/, 'In a wildcard the only escapes are \\* (a literal star) and \\\\ (a backslash); in JSON text they are written "\\\\*" and "\\\\\\\\".'],
  [/There must have at least 2 Objects|It must be an Array followed with \$or|Only JSON object is allowed in array of \$or/, 'Give $or an array of two or more pattern objects: {"$or": [{"a": ["x"]}, {"b": ["y"]}]}.'],
  [/is Ruler reserved fieldName/, 'Inside $or, operator names cannot be field names; put operators inside a field\'s array.'],
  [/CIDR|mask bits|IP address/, 'Write a CIDR block as address/bits, for example 10.0.0.0/8 (IPv4 bits below 32, IPv6 below 128).'],
  [/^Inside anything[- ]but/, 'List only strings or only numbers in anything-but (and only strings in its equals-ignore-case form).'],
  [/^Null prefix\/suffix not allowed/, 'Give anything-but a non-empty prefix or suffix.'],
  [/^Unsupported (anything-but|prefix|suffix) pattern|expression name not found/, 'Inside anything-but use prefix, suffix, wildcard or equals-ignore-case; inside prefix or suffix only equals-ignore-case.'],
  [/must be a string/, 'Give the operator a string value.'],
  [/^exists match pattern/, 'Use {"exists": true} or {"exists": false}.'],
  [/^Value of anything-but/, 'Give anything-but a string, a number, an array of them, or an object such as {"prefix": "x"}.'],
  [/^(Unexpected|Unrecognized|Illegal|Invalid numeric|Non-standard|Number value length|Document nesting)/, 'Fix the JSON at the line and column shown.'],
];

function fixFor(reason: string): string {
  // The first line is event-ruler's reason; Jackson appends the location on the next.
  const firstLine = reason.split('\n')[0];
  for (const [re, fix] of FIXES) {
    if (re.test(firstLine)) {
      return fix;
    }
  }
  return `See ${PATTERNS_DOC}.`;
}

function describeSyntaxError(e: PatternSyntaxError): string {
  const where = e.field ? `field "${e.field}"` : 'the top level';
  const position = e.line !== undefined ? ` (line ${e.line}, column ${e.column})` : '';
  return `Event pattern is not valid at ${where}${position}: ${e.reason} Fix: ${fixFor(e.reason)}`;
}

/** Wildcard-looking exact strings: the `"eventName": ["Add*"]` mistake. */
function starWarnings(compiled: CompiledPattern): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const use of compiled.exactStrings) {
    const key = `${use.field}\u0000${use.value}`;
    if (!use.value.includes('*') || seen.has(key)) {
      continue;
    }
    seen.add(key);
    const stars = use.value.split('*').length - 1;
    let suggestion: string;
    const escaped = use.value.replace(/\\/g, '\\\\');
    if (stars === 1 && use.value.endsWith('*') && use.value.length > 1) {
      suggestion = `[{"prefix": ${JSON.stringify(use.value.slice(0, -1))}}] or [{"wildcard": ${JSON.stringify(escaped)}}]`;
    } else if (stars === 1 && use.value.startsWith('*') && use.value.length > 1) {
      suggestion = `[{"suffix": ${JSON.stringify(use.value.slice(1))}}] or [{"wildcard": ${JSON.stringify(escaped)}}]`;
    } else {
      suggestion = `[{"wildcard": ${JSON.stringify(escaped)}}]`;
    }
    out.push(`Field "${use.field}": ${JSON.stringify(use.value)} is an exact match; EventBridge does not treat * as a wildcard in a plain string, so this matches only the literal text. To match a pattern use ${suggestion}.`);
  }
  return out;
}

/** A sub-rule every event satisfies: each field accepts any value and also absence. */
function matchesEveryEvent(subRules: readonly SubRule[]): boolean {
  return subRules.some((rule) => Array.from(rule.values()).every((patterns) =>
    patterns.some((p) => p.kind === 'exists' && p.exists) && patterns.some((p) => p.kind === 'exists' && !p.exists)));
}

function unbuildableFix(what: string): string {
  if (what.includes('anything-but')) {
    return 'give anything-but at least one value, or remove it.';
  }
  if (what.includes('numeric bound')) {
    return 'use a bound inside the double range (below 1.7976931348623157e308 in magnitude).';
  }
  return 'split the pattern into several rules with fewer fields each.';
}

/** Check a pattern. Never throws. */
export function checkPatternText(patternJson: string, maxPatternLength: number): PatternCheckOutcome {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (typeof patternJson !== 'string') {
    return { errors: [`Event pattern must be JSON text (a string), got ${patternJson === null ? 'null' : typeof patternJson}. Fix: pass JSON.stringify(pattern).`], warnings };
  }
  if (!Number.isInteger(maxPatternLength) || maxPatternLength < 1) {
    return { errors: [`maxPatternLength must be a positive whole number of characters, got ${maxPatternLength}. Fix: leave it unset for EventBridge's default of ${DEFAULT_MAX_PATTERN_LENGTH}.`], warnings };
  }
  if (patternJson.length > maxPatternLength) {
    errors.push(`Event pattern is ${patternJson.length} characters long; the limit is ${maxPatternLength} (EventBridge's default quota is ${DEFAULT_MAX_PATTERN_LENGTH}). Fix: shorten the pattern (remove whitespace, use prefix/wildcard instead of long value lists, or split it into several rules), or raise maxPatternLength if your account's quota is higher.`);
  }
  let compiled: CompiledPattern;
  try {
    compiled = compilePattern(patternJson, MAX_OR_COMBINATIONS);
  } catch (e) {
    if (e instanceof PatternSyntaxError) {
      errors.push(describeSyntaxError(e));
      return { errors, warnings };
    }
    errors.push(`Event pattern could not be read: ${(e as Error).message}`);
    return { errors, warnings };
  }
  if (compiled.orCombinations > MAX_OR_COMBINATIONS) {
    const count = compiled.orCombinations >= Number.MAX_SAFE_INTEGER ? 'more than 9e15' : String(compiled.orCombinations);
    errors.push(`Event pattern's $or operators expand to ${count} combinations; EventBridge allows at most ${MAX_OR_COMBINATIONS}. Fix: merge branches (list alternative values in one field's array instead of separate $or branches) or split the pattern into several rules.`);
    return { errors, warnings };
  }
  // event-ruler's machine for the pattern: the wildcard complexity EventBridge limits, and the places
  // where the order of branches and values decides event-ruler's answer.
  // Only wildcards score, and only a pattern with a wildcard or with several combinations can depend
  // on order: the others need no machine.
  const hasWildcard = compiled.subRules.some((rule) => Array.from(rule.values()).some((tests) =>
    tests.some((t) => t.kind === 'wildcard' || t.kind === 'anything-but-wildcard')));
  const machine = compiled.unbuildable.length === 0 && (hasWildcard || compiled.subRules.length > 1)
    ? new RulerMachine(compiled.subRules) : undefined;
  // Scored up to the rejection threshold: exploring further only says by how much it is exceeded.
  const complexity = machine ? scorePattern(compiled.subRules, machine, WILDCARD_COMPLEXITY_REJECTED) : 0;
  if (complexity >= WILDCARD_COMPLEXITY_REJECTED) {
    errors.push(`Event pattern's wildcards are too complex (complexity ${WILDCARD_COMPLEXITY_REJECTED} or more, as event-ruler's MachineComplexityEvaluator scores the whole pattern; EventBridge rejects ${WILDCARD_COMPLEXITY_REJECTED} and above). Fix: use fewer * per wildcard and fewer wildcards on one field, keep a field with a wildcard out of patterns with many $or branches (event-ruler builds it again for each), or use prefix/suffix where they suffice.`);
  } else if (complexity >= WILDCARD_COMPLEXITY_UNCERTAIN) {
    warnings.push(`Event pattern's wildcards have complexity ${complexity}; EventBridge accepts 7 and rejects ${WILDCARD_COMPLEXITY_REJECTED}, and its exact limit is not documented, so it may reject this pattern. Use fewer * per wildcard or fewer wildcards on one field to be safe.`);
  }
  warnings.push(...starWarnings(compiled));
  if (matchesEveryEvent(compiled.subRules)) {
    warnings.push('Event pattern matches every event: some branch only has fields that accept both any value ({"exists": true}) and absence ({"exists": false}). Fix: constrain at least one field, for example "source".');
  }
  for (const u of compiled.unbuildable) {
    const where = u.field ? `field "${u.field}"` : 'the top level';
    errors.push(`Event pattern cannot be run at ${where}: ${u.what}. event-ruler's rule compiler accepts this, but its Machine throws (${u.exception}) while adding the rule, so EventBridge cannot evaluate it. Fix: ${unbuildableFix(u.what)}`);
  }
  if (compiled.trailingContent) {
    warnings.push('Event pattern has text after its closing brace; event-ruler ignores it, but it is almost certainly a mistake (EventBridge may reject it). Fix: remove it.');
  }
  if (errors.length > 0) {
    return { errors, warnings };
  }
  const order = machine ? orderDependence(compiled.subRules, machine) : [];
  warnings.push(...order.map((o) => o.message));
  return { errors, warnings, compiled, orderDependence: order };
}
