/**
 * Reads an event pattern the way event-ruler's `JsonRuleCompiler` does (with overriding on: a field
 * given twice keeps its last value list), token by token, so that the first problem it meets is the
 * one reported, with event-ruler's own wording.
 *
 * The result is the list of sub-rules event-ruler builds: each `$or` forks the sub-rules collected so
 * far, one copy per branch. A sub-rule maps a flattened field name (`detail.eventName`) to the value
 * tests listed for it.
 */
import { RulerNumber, rulerNumberFromText } from './comparable-number';
import { exactAddressRange, looksLikeIpAddress, parseCidr } from './ip-address';
import { JsonReadError, JsonToken, JsonTokenReader } from './json-token-reader';
import { ValuePattern } from './value-patterns';
import { parseWildcard } from './wildcard';

/** One branch of a pattern: field name to the tests listed for it (any may match). */
export type SubRule = Map<string, readonly ValuePattern[]>;

/** Where a plain exact string appeared (for the `"Add*"` warning). */
export interface ExactStringUse {
  readonly field: string;
  readonly value: string;
}

/** Something event-ruler's compiler accepts and its `Machine` cannot add. */
export interface Unbuildable {
  /** Flattened field name, or '' for the whole pattern. */
  readonly field: string;
  /** What it is. */
  readonly what: string;
  /** The exception `Machine.addPatternRule` throws. */
  readonly exception: string;
}

/** The outcome of reading a pattern that event-ruler accepts. */
export interface CompiledPattern {
  /** Sub-rules, or empty when `orLimit` was exceeded (they are not materialised then). */
  readonly subRules: readonly SubRule[];
  /** How many sub-rules the `$or` expansion produces (saturates at `Number.MAX_SAFE_INTEGER`). */
  readonly orCombinations: number;
  /** Plain strings used as exact values, with their field. */
  readonly exactStrings: readonly ExactStringUse[];
  /**
   * What `JsonRuleCompiler` accepts but event-ruler's `Machine` then throws on while adding the rule
   * (so EventBridge cannot run the pattern).
   */
  readonly unbuildable: readonly Unbuildable[];
  /** Whether non-whitespace text follows the pattern's closing brace (event-ruler ignores it). */
  readonly trailingContent: boolean;
}

/** A pattern event-ruler rejects: its message, and where in the pattern it happened. */
export class PatternSyntaxError extends Error {
  constructor(
    /** event-ruler's message (for Jackson errors, with Jackson's location suffix). */
    readonly reason: string,
    /** Flattened name of the field being read, or '' at the top level. */
    readonly field: string,
    readonly line: number | undefined,
    readonly column: number | undefined) {
    super(reason);
    this.name = 'PatternSyntaxError';
  }
}

const OR_KEYWORD = '$or';
/** Names event-ruler reserves inside `$or` (Constants.RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr', 'html',
  '=', '<', '<=', '>', '>=', 'regex', 'not-wildcard', 'not-equals-ignore-case',
  'date-after', 'date-on-or-after', 'date-before', 'date-on-or-before', 'in-date-range',
  'ip-address-in-range', 'ip-address-not-in-range',
]);

const MAX_DOUBLE = Number.MAX_VALUE;
/** `GenericMachine.MAXIMUM_RULE_SIZE`: fields in one sub-rule. */
const MAX_FIELDS_PER_RULE = 256;

/** Thrown for errors event-ruler raises outside Jackson (no location in its message). */
class PlainError extends Error {}

function isNumberToken(t: JsonToken | undefined): boolean {
  return t === JsonToken.VALUE_NUMBER_INT || t === JsonToken.VALUE_NUMBER_FLOAT;
}

/**
 * `ComparableNumber.generate`: the number event-ruler compares, or an error with its message.
 */
function comparable(text: string): RulerNumber {
  const n = rulerNumberFromText(text);
  if (!n.comparable) {
    throw new PlainError(`Cannot compare number : ${text}`);
  }
  return n;
}

class Compiler {
  private readonly reader: JsonTokenReader;
  private readonly path: string[] = [];
  /** Name of the field whose value list is being read, for error locations. */
  private currentField = '';
  private readonly exactStrings: ExactStringUse[] = [];
  private readonly unbuildable: Unbuildable[] = [];
  private rules: SubRule[] = [];
  private ruleCount = 0;
  private materialise = true;

  constructor(text: string, private readonly orLimit: number) {
    this.reader = new JsonTokenReader(text);
  }

  public compile(): CompiledPattern {
    const r = this.reader;
    if (r.nextToken() !== JsonToken.START_OBJECT) {
      r.barf('Filter is not an object');
    }
    this.parseObject(false);
    const seen = new Set<readonly ValuePattern[]>();
    for (const rule of this.rules) {
      for (const [name, values] of rule) {
        const first = values[0];
        if (!seen.has(values) && (first.kind === 'anything-but-prefix' || first.kind === 'anything-but-suffix'
          || first.kind === 'anything-but-ignore-case' || first.kind === 'anything-but-wildcard') && first.values.length === 0) {
          // GenericMachine.addStep chains a field's patterns through one next state, starting from none:
          // an empty anything-but list adds no transition, so leading the list it leaves that state null.
          this.unbuildable.push({ field: name, what: 'an empty anything-but list leads the field\'s list', exception: 'NullPointerException' });
        }
        seen.add(values);
      }
    }
    const largest = this.rules.reduce((n, rule) => Math.max(n, rule.size), 0);
    if (largest > MAX_FIELDS_PER_RULE) {
      this.unbuildable.push({ field: '', what: `${largest} fields in one $or combination, more than the ${MAX_FIELDS_PER_RULE} a rule may have`, exception: 'RuntimeException' });
    }
    return {
      subRules: this.materialise ? this.rules : [],
      orCombinations: Math.max(this.ruleCount, 1),
      exactStrings: this.exactStrings,
      unbuildable: this.unbuildable,
      trailingContent: r.hasTrailingContent(),
    };
  }

  public fieldForErrors(): string {
    return this.currentField || this.path.join('.');
  }

  public location(): { line: number; column: number } {
    return this.reader.location();
  }

  /**
   * event-ruler's `Path.extendedName`: the path joined with dots, then a dot and the step, except that
   * no dot is added when the joined path is empty. So `{"": {"e": [..]}}` names the field `e`, while
   * `{"e": {"": [..]}}` names it `e.`.
   */
  private name(step: string): string {
    const base = this.path.join('.');
    return base === '' ? step : base + '.' + step;
  }

  private parseObject(insideOr: boolean): void {
    const r = this.reader;
    let fieldsPresent = false;
    while (r.nextToken() !== JsonToken.END_OBJECT) {
      fieldsPresent = true;
      const stepName = r.currentName;
      if (stepName === OR_KEYWORD) {
        this.parseOr();
        continue;
      }
      if (insideOr && RESERVED_IN_OR.has(stepName)) {
        r.barf(`${stepName} is Ruler reserved fieldName which cannot be used inside ${OR_KEYWORD}.`);
      }
      switch (r.nextToken()) {
        case JsonToken.START_OBJECT:
          this.path.push(stepName);
          this.parseObject(insideOr);
          this.path.pop();
          break;
        case JsonToken.START_ARRAY:
          this.writeRules(this.name(stepName));
          break;
        default:
          this.currentField = this.name(stepName);
          r.barf(`"${stepName}" must be an object or an array`);
      }
    }
    if (!fieldsPresent) {
      r.barf('Empty objects are not allowed');
    }
  }

  private parseOr(): void {
    const r = this.reader;
    const before = this.rules;
    const countBefore = Math.max(this.ruleCount, 1);
    this.rules = [];
    if (r.nextToken() !== JsonToken.START_ARRAY) {
      r.barf(`It must be an Array followed with ${OR_KEYWORD}.`);
    }
    let branches = 0;
    let total = 0;
    let token: JsonToken | undefined;
    const collected: SubRule[] = [];
    while ((token = r.nextToken()) !== JsonToken.END_ARRAY) {
      branches++;
      if (token !== JsonToken.START_OBJECT) {
        r.barf(`Only JSON object is allowed in array of ${OR_KEYWORD} relationship.`);
      }
      // Each branch starts from a copy of the sub-rules collected before the $or.
      this.rules = this.materialise ? (before.length === 0 ? [new Map()] : before.map((m) => new Map(m))) : [];
      this.ruleCount = countBefore;
      this.parseObject(true);
      total = Math.min(Number.MAX_SAFE_INTEGER, total + this.ruleCount);
      if (this.materialise) {
        collected.push(...this.rules);
      }
      this.checkLimit(total);
    }
    if (branches < 2) {
      r.barf(`There must have at least 2 Objects in ${OR_KEYWORD} relationship.`);
    }
    this.ruleCount = total;
    this.rules = this.materialise ? collected : [];
  }

  /** Stop building sub-rules once there are too many (the pattern is then rejected anyway). */
  private checkLimit(count: number): void {
    if (this.materialise && count > this.orLimit) {
      this.materialise = false;
      this.rules = [];
    }
  }

  private writeRules(name: string): void {
    const r = this.reader;
    this.currentField = name;
    const values: ValuePattern[] = [];
    let token: JsonToken | undefined;
    while ((token = r.nextToken()) !== JsonToken.END_ARRAY) {
      switch (token) {
        case JsonToken.START_OBJECT:
          values.push(this.processMatchExpression());
          break;
        case JsonToken.VALUE_STRING: {
          const text = r.text;
          const range = looksLikeIpAddress(text) ? exactAddressRange(text) : undefined;
          if (range) {
            values.push({ kind: 'address', text, range });
          } else {
            values.push({ kind: 'exact-string', value: text });
            this.exactStrings.push({ field: name, value: text });
          }
          break;
        }
        case JsonToken.VALUE_NUMBER_INT:
        case JsonToken.VALUE_NUMBER_FLOAT: {
          const text = r.text;
          const n = rulerNumberFromText(text);
          values.push({ kind: 'exact-number', text, comparable: n.comparable, value: n.value });
          break;
        }
        case JsonToken.VALUE_NULL:
          values.push({ kind: 'exact-literal', value: null });
          break;
        case JsonToken.VALUE_TRUE:
          values.push({ kind: 'exact-literal', value: true });
          break;
        case JsonToken.VALUE_FALSE:
          values.push({ kind: 'exact-literal', value: false });
          break;
        default:
          r.barf('Match value must be String, number, true, false, or null');
      }
    }
    if (values.length === 0) {
      r.barf('Empty arrays are not allowed');
    }
    if (this.materialise) {
      if (this.rules.length === 0) {
        this.rules.push(new Map());
      }
      for (const rule of this.rules) {
        rule.set(name, values);
      }
    }
    this.ruleCount = Math.max(this.ruleCount, 1);
    this.currentField = '';
  }

  private expectEndObject(message: string): void {
    if (this.reader.nextToken() !== JsonToken.END_OBJECT) {
      this.reader.barf(message);
    }
  }

  private processMatchExpression(): ValuePattern {
    const r = this.reader;
    if (r.nextToken() !== JsonToken.FIELD_NAME) {
      r.barf('Match expression name not found');
    }
    const op = r.currentName;
    switch (op) {
      case 'exactly': {
        if (r.nextToken() !== JsonToken.VALUE_STRING) {
          r.barf('exact match pattern must be a string');
        }
        const value = r.text;
        this.expectEndObject('Only one key allowed in match expression');
        this.exactStrings.push({ field: this.currentField, value });
        return { kind: 'exact-string', value };
      }
      case 'prefix':
      case 'suffix': {
        const t = r.nextToken();
        if (t === JsonToken.START_OBJECT) {
          return this.processIgnoreCaseAffix(op);
        }
        if (t !== JsonToken.VALUE_STRING) {
          r.barf(`${op} match pattern must be a string`);
        }
        const value = r.text;
        this.expectEndObject('Only one key allowed in match expression');
        return { kind: op, value, ignoreCase: false };
      }
      case 'numeric': {
        if (r.nextToken() !== JsonToken.START_ARRAY) {
          r.barf('Value of numeric must be an array.');
        }
        const range = this.processNumeric();
        this.expectEndObject('Too many elements in numeric expression');
        return range;
      }
      case 'anything-but':
        return this.processAnythingBut();
      case 'exists': {
        const t = r.nextToken();
        if (t !== JsonToken.VALUE_TRUE && t !== JsonToken.VALUE_FALSE) {
          r.barf('exists match pattern must be either true or false.');
        }
        this.expectEndObject('Only one key allowed in match expression');
        return { kind: 'exists', exists: t === JsonToken.VALUE_TRUE };
      }
      case 'cidr': {
        if (r.nextToken() !== JsonToken.VALUE_STRING) {
          // event-ruler's own wording for this case.
          r.barf('prefix match pattern must be a string');
        }
        const text = r.text;
        let range;
        try {
          range = parseCidr(text);
        } catch (e) {
          throw new PlainError((e as Error).message);
        }
        this.expectEndObject('Only one key allowed in match expression');
        return { kind: 'cidr', text, range };
      }
      case 'equals-ignore-case': {
        if (r.nextToken() !== JsonToken.VALUE_STRING) {
          r.barf('equals-ignore-case match pattern must be a string');
        }
        const value = r.text;
        this.expectEndObject('Only one key allowed in match expression');
        return { kind: 'equals-ignore-case', value };
      }
      case 'wildcard': {
        if (r.nextToken() !== JsonToken.VALUE_STRING) {
          r.barf('wildcard match pattern must be a string');
        }
        const value = r.text;
        try {
          parseWildcard(value);
        } catch (e) {
          r.barf((e as Error).message);
        }
        this.expectEndObject('Only one key allowed in match expression');
        return { kind: 'wildcard', value };
      }
      default:
        return r.barf(`Unrecognized match type ${op}`);
    }
  }

  private processIgnoreCaseAffix(op: 'prefix' | 'suffix'): ValuePattern {
    const r = this.reader;
    const label = op === 'prefix' ? 'Prefix' : 'Suffix';
    if (r.nextToken() !== JsonToken.FIELD_NAME) {
      r.barf(`${label} expression name not found`);
    }
    if (r.currentName !== 'equals-ignore-case') {
      r.barf(`Unsupported ${op} pattern: ${r.currentName}`);
    }
    if (r.nextToken() !== JsonToken.VALUE_STRING) {
      r.barf('equals-ignore-case match pattern must be a string');
    }
    const value = r.text;
    this.expectEndObject('Only one key allowed in match expression');
    this.expectEndObject('Only one key allowed in match expression');
    return { kind: op, value, ignoreCase: true };
  }

  private processNumeric(): ValuePattern {
    const r = this.reader;
    let token = r.nextToken();
    if (token !== JsonToken.VALUE_STRING) {
      r.barf(`Invalid member in numeric match: ${r.text}`);
    }
    const operator = r.text;
    token = r.nextToken();
    try {
      switch (operator) {
        case '=': {
          if (!isNumberToken(token)) {
            r.barf('Value of equals must be numeric');
          }
          const text = r.text;
          if (r.nextToken() !== JsonToken.END_ARRAY) {
            r.barf('Too many elements in numeric expression');
          }
          return { kind: 'numeric-equals', value: comparable(text).value };
        }
        case '>=':
        case '>': {
          if (!isNumberToken(token)) {
            r.barf(`Value of ${operator} must be numeric`);
          }
          const text = r.text;
          token = r.nextToken();
          if (token === JsonToken.END_ARRAY) {
            const lower = comparable(text).value;
            this.noteUnbuildable(lower === MAX_DOUBLE, `${operator} ${text}`);
            return { kind: 'numeric', lower, lowerOpen: operator === '>', upperOpen: false };
          }
          return this.completeRange(token, text, operator === '>');
        }
        case '<=':
        case '<': {
          if (!isNumberToken(token)) {
            r.barf(`Value of ${operator} must be numeric`);
          }
          const text = r.text;
          if (r.nextToken() !== JsonToken.END_ARRAY) {
            r.barf('Too many elements in numeric expression');
          }
          const upper = comparable(text).value;
          this.noteUnbuildable(upper === -MAX_DOUBLE, `${operator} ${text}`);
          return { kind: 'numeric', upper, upperOpen: operator === '<', lowerOpen: false };
        }
        default:
          return r.barf(`Unrecognized numeric range operator: ${operator}`);
      }
    } catch (e) {
      if (e instanceof PlainError) {
        // JsonRuleCompiler catches IllegalArgumentException here and re-raises it with a location.
        r.barf(e.message);
      }
      throw e;
    }
  }

  /** event-ruler accepts these bounds but throws while adding the rule to a machine. */
  private noteUnbuildable(unbuildable: boolean, description: string): void {
    if (unbuildable) {
      this.unbuildable.push({ field: this.currentField, what: `the numeric bound ${description} is at the edge of the double range`, exception: 'ArrayIndexOutOfBoundsException' });
    }
  }

  private completeRange(token: JsonToken | undefined, bottomText: string, openBottom: boolean): ValuePattern {
    const r = this.reader;
    if (token !== JsonToken.VALUE_STRING) {
      r.barf(`Bad value in numeric range: ${r.text}`);
    }
    const operator = r.text;
    if (operator !== '<' && operator !== '<=') {
      r.barf(`Bad numeric range operator: ${operator}`);
    }
    if (!isNumberToken(r.nextToken())) {
      r.barf(`Value of ${operator} must be numeric`);
    }
    const topText = r.text;
    if (r.nextToken() !== JsonToken.END_ARRAY) {
      r.barf('Too many terms in numeric range expression');
    }
    const lower = comparable(bottomText).value;
    const upper = comparable(topText).value;
    if (!(lower < upper)) {
      throw new PlainError('Bottom must be less than top');
    }
    return { kind: 'numeric', lower, lowerOpen: openBottom, upper, upperOpen: operator === '<' };
  }

  private processAnythingBut(): ValuePattern {
    const r = this.reader;
    type SetKind = 'anything-but-prefix' | 'anything-but-suffix' | 'anything-but-ignore-case' | 'anything-but-wildcard';
    let setKind: SetKind | undefined;
    let token = r.nextToken();
    if (token === JsonToken.START_OBJECT) {
      if (r.nextToken() !== JsonToken.FIELD_NAME) {
        r.barf('Anything-But expression name not found');
      }
      const op = r.currentName;
      switch (op) {
        case 'equals-ignore-case': setKind = 'anything-but-ignore-case'; break;
        case 'prefix': setKind = 'anything-but-prefix'; break;
        case 'suffix': setKind = 'anything-but-suffix'; break;
        case 'wildcard': setKind = 'anything-but-wildcard'; break;
        default: r.barf(`Unsupported anything-but pattern: ${op}`);
      }
      token = r.nextToken();
    }
    if (token !== JsonToken.START_ARRAY && token !== JsonToken.VALUE_STRING && !isNumberToken(token)) {
      r.barf('Value of anything-but must be an array or single string/number value.');
    }
    let result: ValuePattern;
    if (token === JsonToken.START_ARRAY) {
      result = setKind === undefined ? this.anythingButList() : this.anythingButValuesSet(setKind, true);
    } else if (setKind === undefined) {
      if (token === JsonToken.VALUE_STRING) {
        result = { kind: 'anything-but', strings: [r.text], numbers: [] };
      } else {
        // Not caught by JsonRuleCompiler: the message has no location.
        result = { kind: 'anything-but', strings: [], numbers: [comparable(r.text).value] };
      }
    } else {
      result = this.anythingButValuesSet(setKind, false);
    }
    this.expectEndObject('Too many elements in numeric expression');
    if (setKind !== undefined) {
      this.expectEndObject('Too many elements in numeric expression');
    }
    return result;
  }

  /** Run a step whose errors JsonRuleCompiler catches and re-raises with a second location. */
  private reRaised<T>(step: () => T): T {
    try {
      return step();
    } catch (e) {
      if (e instanceof JsonReadError && !e.raisedByCaller) {
        // Jackson has moved past the offending character by the time the compiler re-raises.
        throw new JsonReadError(e.message, e.line, e.column + 1, this.reader.describeSource());
      }
      if (e instanceof PlainError || e instanceof JsonReadError) {
        this.reader.barf(e.message);
      }
      throw e;
    }
  }

  private anythingButList(): ValuePattern {
    const r = this.reader;
    const strings: string[] = [];
    const numbers: number[] = [];
    this.reRaised(() => {
      let token: JsonToken | undefined;
      while ((token = r.nextToken()) !== JsonToken.END_ARRAY) {
        if (token === JsonToken.VALUE_STRING) {
          strings.push(r.text);
        } else if (isNumberToken(token)) {
          numbers.push(comparable(r.text).value);
        } else {
          r.barf('Inside anything but list, start|null|boolean is not supported.');
        }
      }
    });
    if ((strings.length > 0) === (numbers.length > 0)) {
      r.barf('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return { kind: 'anything-but', strings, numbers };
  }

  private anythingButValuesSet(kind: 'anything-but-prefix' | 'anything-but-suffix' | 'anything-but-ignore-case' | 'anything-but-wildcard', isList: boolean): ValuePattern {
    const r = this.reader;
    const values: string[] = [];
    const readOne = (token: JsonToken | undefined): void => {
      if (token === JsonToken.VALUE_STRING) {
        const text = r.text;
        if ((kind === 'anything-but-prefix' || kind === 'anything-but-suffix') && text.length === 0) {
          r.barf('Null prefix/suffix not allowed');
        }
        values.push(text);
      } else if (kind === 'anything-but-ignore-case') {
        r.barf('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      } else if (kind === 'anything-but-wildcard') {
        r.barf('wildcard match pattern must be a string');
      } else {
        r.barf('prefix/suffix match pattern must be a string');
      }
    };
    if (isList) {
      this.reRaised(() => {
        let token: JsonToken | undefined;
        while ((token = r.nextToken()) !== JsonToken.END_ARRAY) {
          readOne(token);
        }
      });
    } else {
      readOne(r.currentToken);
    }
    if (kind === 'anything-but-wildcard') {
      for (const value of values) {
        try {
          parseWildcard(value);
        } catch (e) {
          r.barf((e as Error).message);
        }
      }
    }
    return { kind, values };
  }
}

/**
 * Compile a pattern. Throws `PatternSyntaxError` with event-ruler's message when event-ruler rejects
 * it. `orLimit` only bounds how many sub-rules are built (beyond it none are returned).
 */
export function compilePattern(text: string, orLimit: number): CompiledPattern {
  const compiler = new Compiler(text, orLimit);
  try {
    return compiler.compile();
  } catch (e) {
    if (e instanceof JsonReadError) {
      throw new PatternSyntaxError(e.message, compiler.fieldForErrors(), e.line, e.column);
    }
    if (e instanceof PlainError) {
      const loc = compiler.location();
      throw new PatternSyntaxError(e.message, compiler.fieldForErrors(), loc.line, loc.column);
    }
    throw e;
  }
}
