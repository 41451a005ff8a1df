/**
 * A pull reader over JSON text that behaves like the Jackson streaming parser inside aws/event-ruler.
 *
 * EventBridge reports a bad event pattern with the message of the exception that event-ruler's
 * `JsonRuleCompiler` raised, and that compiler reads the pattern token by token with Jackson. Which
 * error is reported therefore depends on the order in which tokens are read (a semantic error before a
 * syntax error further on wins), so this reader reproduces Jackson's token order, its laziness (string
 * values are decoded only when their text is asked for) and its error texts, locations included.
 */

/** Token kinds, named after Jackson's `JsonToken`. */
export enum JsonToken {
  START_OBJECT = 1,
  END_OBJECT,
  START_ARRAY,
  END_ARRAY,
  FIELD_NAME,
  VALUE_STRING,
  VALUE_NUMBER_INT,
  VALUE_NUMBER_FLOAT,
  VALUE_TRUE,
  VALUE_FALSE,
  VALUE_NULL,
}

/** Jackson's `StreamReadConstraints` defaults, which event-ruler runs with. */
export const JACKSON_MAX_NESTING_DEPTH = 1000;
export const JACKSON_MAX_NUMBER_LENGTH = 1000;
export const JACKSON_MAX_NAME_LENGTH = 50000;
/** Jackson shows at most this many characters of the source in a location. */
const JACKSON_MAX_SOURCE_SNIPPET = 500;

const VALID_VALUE_LIST = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** An error raised while reading JSON text, carrying Jackson's reason and where it happened. */
export class JsonReadError extends Error {
  /** 1-based line and column of the reader's position when the error was raised. */
  public readonly line: number;
  public readonly column: number;
  /** The reason alone, without the location suffix. */
  public readonly reason: string;
  constructor(reason: string, line: number, column: number, sourceDescription: string,
    /** Raised by the reader's caller rather than by the JSON syntax check. */
    public readonly raisedByCaller = false) {
    // Same shape as Jackson's JsonParseException.getMessage(), which event-ruler hands back verbatim.
    super(`${reason}\n at [Source: ${sourceDescription}; line: ${line}, column: ${column}]`);
    this.name = 'JsonReadError';
    this.reason = reason;
    this.line = line;
    this.column = column;
  }
}

const enum ContextType { ROOT, ARRAY, OBJECT }

interface ReadContext {
  readonly type: ContextType;
  /** Offset of the opening bracket (for the "start marker" part of Jackson's messages). */
  readonly startOffset: number;
  /** Number of entries read so far (Jackson's `expectComma()` is `index >= 0` after the first). */
  entries: number;
}

function isJavaIdentifierPart(code: number): boolean {
  // Close enough to Character.isJavaIdentifierPart for the token echo in "Unrecognized token" messages.
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122)
    || code === 95 || code === 36 || (code > 127 && /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}\p{Sc}]/u.test(String.fromCharCode(code)));
}

function isJavaIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36
    || (code > 127 && /[\p{L}\p{Nl}\p{Pc}\p{Sc}]/u.test(String.fromCharCode(code)));
}

/** Jackson's `_getCharDesc`. */
export function describeChar(code: number): string {
  if ((code >= 0 && code < 32) || (code >= 127 && code <= 159)) {
    return `(CTRL-CHAR, code ${code})`;
  }
  const ch = String.fromCharCode(code);
  if (code > 255) {
    return `'${ch}' (code ${code} / 0x${code.toString(16)})`;
  }
  return `'${ch}' (code ${code})`;
}

/**
 * Reads JSON tokens one at a time. `nextToken()` returns `undefined` at the end of input at the root,
 * like Jackson's `null`. Trailing content after the first root value is never looked at unless the
 * caller asks for another token (event-ruler never does).
 */
export class JsonTokenReader {
  private readonly src: string;
  private pos = 0;
  private lineNumber = 1;
  private lineStart = 0;
  private readonly contexts: ReadContext[] = [{ type: ContextType.ROOT, startOffset: 0, entries: 0 }];
  private current: JsonToken | undefined;
  /** Token already decided after a field name (Jackson's `_nextToken`). */
  private pendingValue: JsonToken | undefined;
  private tokenText = '';
  private fieldName = '';
  /** Offset of the opening quote of a string value whose content has not been decoded yet. */
  private incompleteStringStart = -1;
  private sourceDescriptionCache: string | undefined;

  constructor(text: string) {
    this.src = text;
  }

  /** The token last returned. */
  public get currentToken(): JsonToken | undefined {
    return this.current;
  }

  /** Name of the field last read (valid after FIELD_NAME and for its value). */
  public get currentName(): string {
    return this.fieldName;
  }

  /** Text of the current token: string content, number spelling, literal, or punctuation. */
  public get text(): string {
    if (this.current === JsonToken.VALUE_STRING && this.incompleteStringStart >= 0) {
      const start = this.incompleteStringStart;
      this.incompleteStringStart = -1;
      this.pos = start + 1;
      this.tokenText = this.readStringContent(false);
    }
    if (this.current === JsonToken.FIELD_NAME) {
      return this.fieldName;
    }
    return this.tokenText;
  }

  /** Current nesting depth (0 at the root). */
  public get depth(): number {
    return this.contexts.length - 1;
  }

  /** 1-based line/column of the reader's current position, as Jackson's `getCurrentLocation()`. */
  public location(): { line: number; column: number } {
    return { line: this.lineNumber, column: this.pos - this.lineStart + 1 };
  }

  /** Raise an error at the current position with the given reason. */
  public fail(reason: string): never {
    const loc = this.location();
    throw new JsonReadError(reason, loc.line, loc.column, this.sourceDescription());
  }

  /** Raise an error for the reader's caller (event-ruler's `barf`), marked as not a syntax error. */
  public barf(reason: string): never {
    const loc = this.location();
    throw new JsonReadError(reason, loc.line, loc.column, this.sourceDescription(), true);
  }

  /** Jackson's `nextToken()`. */
  public nextToken(): JsonToken | undefined {
    if (this.current === JsonToken.FIELD_NAME) {
      const value = this.pendingValue!;
      this.pendingValue = undefined;
      if (value === JsonToken.START_OBJECT) {
        this.pushContext(ContextType.OBJECT, this.pos - 1);
      } else if (value === JsonToken.START_ARRAY) {
        this.pushContext(ContextType.ARRAY, this.pos - 1);
      }
      this.current = value;
      return value;
    }
    if (this.current === JsonToken.VALUE_STRING && this.incompleteStringStart >= 0) {
      // Skipping an unread string still validates it, as Jackson's _skipString does.
      this.pos = this.incompleteStringStart + 1;
      this.incompleteStringStart = -1;
      this.readStringContent(false);
    }
    const ctx = this.contexts[this.contexts.length - 1];
    let ch = this.skipWhitespace();
    if (ch < 0) {
      return this.handleEof(ctx);
    }
    if (ch === 0x5d /* ] */ || ch === 0x7d /* } */) {
      this.closeScope(ch, ctx);
      return this.current;
    }
    if (ctx.entries > 0) {
      if (ch !== 0x2c /* , */) {
        this.unexpectedChar(ch, `was expecting comma to separate ${this.typeDesc(ctx)} entries`);
      }
      this.pos++;
      ch = this.skipWhitespace();
      if (ch < 0) {
        this.fail(`Unexpected end-of-input within/between ${this.typeDesc(ctx)} entries`);
      }
    }
    ctx.entries++;
    if (ctx.type === ContextType.OBJECT) {
      if (ch !== 0x22 /* " */) {
        this.unexpectedChar(ch, 'was expecting double-quote to start field name');
      }
      this.pos++;
      this.fieldName = this.readStringContent(true);
      if (this.fieldName.length > JACKSON_MAX_NAME_LENGTH) {
        this.fail(`Name length (${this.fieldName.length}) exceeds the maximum allowed (${JACKSON_MAX_NAME_LENGTH}, from \`StreamReadConstraints.getMaxNameLength()\`)`);
      }
      ch = this.skipWhitespace();
      if (ch !== 0x3a /* : */) {
        if (ch < 0) {
          this.fail('Unexpected end-of-input within/between Object entries');
        }
        this.unexpectedChar(ch, 'was expecting a colon to separate field name and value');
      }
      this.pos++;
      ch = this.skipWhitespace();
      if (ch < 0) {
        this.fail('Unexpected end-of-input within/between Object entries');
      }
      // Jackson decides (and for numbers and literals, fully reads) the value together with the name.
      this.pendingValue = this.startValue(ch, true);
      this.current = JsonToken.FIELD_NAME;
      return this.current;
    }
    const token = this.startValue(ch, false);
    this.current = token;
    return token;
  }

  /** Skip the children of the current START_OBJECT / START_ARRAY token (Jackson's `skipChildren`). */
  public skipChildren(): void {
    if (this.current !== JsonToken.START_OBJECT && this.current !== JsonToken.START_ARRAY) {
      return;
    }
    let open = 1;
    while (open > 0) {
      const t = this.nextToken();
      if (t === undefined) {
        return;
      }
      if (t === JsonToken.START_OBJECT || t === JsonToken.START_ARRAY) {
        open++;
      } else if (t === JsonToken.END_OBJECT || t === JsonToken.END_ARRAY) {
        open--;
      }
    }
  }

  /** Whether anything other than whitespace follows the current position. */
  public hasTrailingContent(): boolean {
    if (this.current === JsonToken.VALUE_STRING && this.incompleteStringStart >= 0) {
      return true;
    }
    for (let i = this.pos; i < this.src.length; i++) {
      const c = this.src.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) {
        return true;
      }
    }
    return false;
  }

  private typeDesc(ctx: ReadContext): string {
    return ctx.type === ContextType.ARRAY ? 'Array' : ctx.type === ContextType.OBJECT ? 'Object' : 'root';
  }

  private handleEof(ctx: ReadContext): undefined {
    if (ctx.type === ContextType.ROOT) {
      this.current = undefined;
      return undefined;
    }
    const marker = this.describeLocationOf(ctx.startOffset);
    this.fail(`Unexpected end-of-input: expected close marker for ${this.typeDesc(ctx)} (start marker at ${marker})`);
  }

  private closeScope(ch: number, ctx: ReadContext): void {
    const expected = ctx.type === ContextType.ARRAY ? 0x5d : ctx.type === ContextType.OBJECT ? 0x7d : -1;
    this.pos++;
    if (ch !== expected) {
      if (ctx.type === ContextType.ROOT) {
        this.pos--;
        this.fail(`Unexpected close marker '${String.fromCharCode(ch)}': no open ${ch === 0x5d ? 'Array' : 'Object'} to close`);
      }
      const want = String.fromCharCode(expected);
      const marker = this.describeLocationOf(ctx.startOffset);
      this.pos--;
      this.fail(`Unexpected close marker '${String.fromCharCode(ch)}': expected '${want}' (for ${this.typeDesc(ctx)} starting at ${marker})`);
    }
    this.contexts.pop();
    this.current = ch === 0x5d ? JsonToken.END_ARRAY : JsonToken.END_OBJECT;
    this.tokenText = String.fromCharCode(ch);
  }

  private pushContext(type: ContextType, startOffset: number): void {
    if (this.contexts.length > JACKSON_MAX_NESTING_DEPTH) {
      this.fail(`Document nesting depth (${this.contexts.length}) exceeds the maximum allowed (${JACKSON_MAX_NESTING_DEPTH}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`);
    }
    this.contexts.push({ type, startOffset, entries: 0 });
  }

  /** Decide the token that starts at `ch` (reading numbers and literals fully, strings lazily). */
  private startValue(ch: number, afterName: boolean): JsonToken {
    switch (ch) {
      case 0x22: // "
        // The content is decoded (and checked) only when asked for or skipped, as in Jackson.
        this.incompleteStringStart = this.pos;
        this.pos++;
        this.tokenText = '';
        return JsonToken.VALUE_STRING;
      case 0x7b: // {
        this.pos++;
        if (!afterName) {
          this.pushContext(ContextType.OBJECT, this.pos - 1);
        }
        this.tokenText = '{';
        return JsonToken.START_OBJECT;
      case 0x5b: // [
        this.pos++;
        if (!afterName) {
          this.pushContext(ContextType.ARRAY, this.pos - 1);
        }
        this.tokenText = '[';
        return JsonToken.START_ARRAY;
      case 0x74: // t
        this.matchLiteral('true');
        return JsonToken.VALUE_TRUE;
      case 0x66: // f
        this.matchLiteral('false');
        return JsonToken.VALUE_FALSE;
      case 0x6e: // n
        this.matchLiteral('null');
        return JsonToken.VALUE_NULL;
      case 0x2d: // -
        return this.readNumber(true);
      case 0x2b: // +
        this.pos++;
        this.unexpectedChar(ch, 'in numeric value: JSON spec does not allow numbers to have plus signs: enable `JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS` to allow');
        break;
      default:
        if (ch >= 0x30 && ch <= 0x39) {
          return this.readNumber(false);
        }
    }
    return this.handleOddValue(ch);
  }

  private handleOddValue(ch: number): never {
    if (ch === 0x4e /* N */ && this.src.startsWith('NaN', this.pos)) {
      this.pos += 3;
      this.fail("Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
    }
    if (ch === 0x49 /* I */ && this.src.startsWith('Infinity', this.pos)) {
      this.pos += 8;
      this.fail("Non-standard token 'Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
    }
    if (ch === 0x2f /* / */) {
      this.unexpectedChar(ch, "maybe a (non-standard) comment? (not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)");
    }
    if (isJavaIdentifierStart(ch)) {
      this.invalidToken('');
    }
    // Jackson words a stray closing brace differently from every other odd character.
    this.unexpectedChar(ch, ch === 0x7d ? 'expected a value' : 'expected a valid value ' + VALID_VALUE_LIST);
  }

  private matchLiteral(literal: string): void {
    const start = this.pos;
    for (let i = 0; i < literal.length; i++) {
      if (this.src.charCodeAt(start + i) !== literal.charCodeAt(i)) {
        this.pos = start + i;
        this.invalidToken(literal.substring(0, i));
      }
    }
    this.pos = start + literal.length;
    const next = this.src.charCodeAt(this.pos);
    if (this.pos < this.src.length && isJavaIdentifierPart(next)) {
      this.invalidToken(literal);
    }
    this.tokenText = literal;
  }

  /** Jackson's `_reportInvalidToken`: echo the token (identifier characters) and say what was expected. */
  private invalidToken(matchedPart: string): never {
    let token = matchedPart;
    const tokenStart = this.pos - matchedPart.length;
    while (this.pos < this.src.length && token.length < 256) {
      const c = this.src.charCodeAt(this.pos);
      if (!isJavaIdentifierPart(c)) {
        break;
      }
      token += this.src[this.pos];
      this.pos++;
    }
    const loc = this.location();
    const column = tokenStart - this.lineStart + 1;
    throw new JsonReadError(`Unrecognized token '${token}': was expecting ${VALID_VALUE_LIST}`, loc.line, column, this.sourceDescription());
  }

  private readNumber(negative: boolean): JsonToken {
    const start = this.pos;
    let p = this.pos + (negative ? 1 : 0);
    const src = this.src;
    let c = src.charCodeAt(p);
    if (negative) {
      if (!(c >= 0x30 && c <= 0x39)) {
        if (c === 0x49 /* I */ && src.startsWith('Infinity', p)) {
          this.pos = p + 8;
          this.fail("Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow");
        }
        this.pos = p;
        if (p >= src.length) {
          this.fail('Unexpected end-of-input in a Number value');
        }
        if (c === 0x2e /* . */) {
          this.unexpectedChar(c, 'expected a valid value ' + VALID_VALUE_LIST);
        }
        this.unexpectedChar(c, 'in numeric value: expected digit (0-9) to follow minus sign, for valid numeric value');
      }
    }
    if (c === 0x30) {
      const n = src.charCodeAt(p + 1);
      if (n >= 0x30 && n <= 0x39) {
        this.pos = p + 1;
        this.fail('Invalid numeric value: Leading zeroes not allowed');
      }
    }
    while (p < src.length && (c = src.charCodeAt(p)) >= 0x30 && c <= 0x39) {
      p++;
    }
    let isFloat = false;
    if (p < src.length && src.charCodeAt(p) === 0x2e /* . */) {
      isFloat = true;
      p++;
      const fracStart = p;
      while (p < src.length && (c = src.charCodeAt(p)) >= 0x30 && c <= 0x39) {
        p++;
      }
      if (p === fracStart) {
        this.pos = p - 1;
        if (p >= src.length) {
          this.pos = p;
          this.fail('Unexpected end-of-input in a Number value');
        }
        this.unexpectedChar(src.charCodeAt(p), 'in numeric value: Decimal point not followed by a digit');
      }
    }
    c = src.charCodeAt(p);
    if (p < src.length && (c === 0x65 || c === 0x45) /* e E */) {
      isFloat = true;
      p++;
      c = src.charCodeAt(p);
      if (c === 0x2b || c === 0x2d) {
        p++;
      }
      const expStart = p;
      while (p < src.length && (c = src.charCodeAt(p)) >= 0x30 && c <= 0x39) {
        p++;
      }
      if (p === expStart) {
        this.pos = p;
        if (p >= src.length) {
          this.pos = p;
          this.fail('Unexpected end-of-input in a Number value');
        }
        this.unexpectedChar(src.charCodeAt(p), 'in numeric value: Exponent indicator not followed by a digit');
      }
    }
    this.pos = p;
    if (this.contexts.length === 1 && p < src.length) {
      // Jackson's _verifyRootSpace: a root-level number must be followed by whitespace.
      const next = src.charCodeAt(p);
      if (next !== 0x20 && next !== 0x09 && next !== 0x0a && next !== 0x0d) {
        this.unexpectedChar(next, 'Expected space separating root-level values');
      }
    }
    if (p - start > JACKSON_MAX_NUMBER_LENGTH) {
      this.fail(`Number value length (${p - start}) exceeds the maximum allowed (${JACKSON_MAX_NUMBER_LENGTH}, from \`StreamReadConstraints.getMaxNumberLength()\`)`);
    }
    this.tokenText = src.substring(start, p);
    return isFloat ? JsonToken.VALUE_NUMBER_FLOAT : JsonToken.VALUE_NUMBER_INT;
  }

  /** Decode string content starting at `this.pos` (just after the opening quote), validating it. */
  private readStringContent(isName: boolean): string {
    const src = this.src;
    let p = this.pos;
    let out = '';
    let chunkStart = p;
    for (;;) {
      if (p >= src.length) {
        this.pos = p;
        this.fail(isName ? 'Unexpected end-of-input in field name' : 'Unexpected end-of-input: was expecting closing quote for a string value');
      }
      const c = src.charCodeAt(p);
      if (c === 0x22) {
        out += src.substring(chunkStart, p);
        this.pos = p + 1;
        return out;
      }
      if (c === 0x5c) {
        out += src.substring(chunkStart, p);
        p++;
        if (p >= src.length) {
          this.pos = p;
          this.fail('Unexpected end-of-input in character escape sequence');
        }
        const e = src.charCodeAt(p);
        p++;
        switch (e) {
          case 0x22: out += '"'; break;
          case 0x5c: out += '\\'; break;
          case 0x2f: out += '/'; break;
          case 0x62: out += '\b'; break;
          case 0x66: out += '\f'; break;
          case 0x6e: out += '\n'; break;
          case 0x72: out += '\r'; break;
          case 0x74: out += '\t'; break;
          case 0x75: {
            let value = 0;
            for (let k = 0; k < 4; k++) {
              if (p >= src.length) {
                this.pos = p;
                this.fail('Unexpected end-of-input in character escape sequence');
              }
              const h = src.charCodeAt(p);
              p++;
              const digit = h >= 0x30 && h <= 0x39 ? h - 0x30 : h >= 0x61 && h <= 0x66 ? h - 87 : h >= 0x41 && h <= 0x46 ? h - 55 : -1;
              if (digit < 0) {
                this.pos = p - 1;
                this.unexpectedChar(h, 'expected a hex-digit for character escape sequence');
              }
              value = (value << 4) | digit;
            }
            out += String.fromCharCode(value);
            break;
          }
          default:
            this.pos = p - 1;
            this.fail(`Unrecognized character escape ${describeChar(e)}`);
        }
        chunkStart = p;
        continue;
      }
      if (c < 0x20) {
        this.pos = p + 1;
        this.fail(`Illegal unquoted character (${describeChar(c)}): has to be escaped using backslash to be included in ${isName ? 'name' : 'string value'}`);
      }
      p++;
    }
  }

  private skipWhitespace(): number {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09) {
        this.pos++;
      } else if (c === 0x0a) {
        this.pos++;
        this.lineNumber++;
        this.lineStart = this.pos;
      } else if (c === 0x0d) {
        this.pos++;
        if (src.charCodeAt(this.pos) === 0x0a) {
          this.pos++;
        }
        this.lineNumber++;
        this.lineStart = this.pos;
      } else {
        return c;
      }
    }
    return -1;
  }

  /**
   * Jackson's `_reportUnexpectedChar`. The location reported is wherever `pos` stands (Jackson's own
   * position varies by case; the reason text is what EventBridge users see).
   */
  private unexpectedChar(ch: number, comment: string): never {
    const sep = comment.startsWith('in numeric value') ? ' ' : ': ';
    this.fail(`Unexpected character (${describeChar(ch)})${sep}${comment}`);
  }

  /** Jackson's description of the source, as it appears in locations. */
  public describeSource(): string {
    return this.sourceDescription();
  }

  /** Jackson's source description with `INCLUDE_SOURCE_IN_LOCATION` on, as event-ruler configures it. */
  private sourceDescription(): string {
    if (this.sourceDescriptionCache === undefined) {
      const src = this.src;
      const shown = src.length > JACKSON_MAX_SOURCE_SNIPPET ? src.substring(0, JACKSON_MAX_SOURCE_SNIPPET) : src;
      let quoted = '';
      for (let i = 0; i < shown.length; i++) {
        const c = shown.charCodeAt(i);
        if (((c < 32 && c !== 10 && c !== 13) || (c >= 127 && c <= 159))) {
          quoted += '\\u' + c.toString(16).padStart(4, '0');
        } else {
          quoted += shown[i];
        }
      }
      const truncated = src.length > JACKSON_MAX_SOURCE_SNIPPET ? `[truncated ${src.length - JACKSON_MAX_SOURCE_SNIPPET} chars]` : '';
      this.sourceDescriptionCache = `(String)"${quoted}"${truncated}`;
    }
    return this.sourceDescriptionCache;
  }

  private describeLocationOf(offset: number): string {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      const c = this.src.charCodeAt(i);
      if (c === 0x0a || (c === 0x0d && this.src.charCodeAt(i + 1) !== 0x0a)) {
        line++;
        lineStart = i + 1;
      }
    }
    return `[Source: ${this.sourceDescription()}; line: ${line}, column: ${offset - lineStart + 1}]`;
  }
}
