/**
 * A JSON value model that keeps what `JSON.parse` loses and event-ruler sees: the spelling of
 * numbers (`3.0e2`) and duplicate keys in an object. Generators build these values, the minimizer
 * parses texts into them, and `writeJson` turns them back into exactly the intended text.
 */

/** A number kept as its source text, so `3.0e2` stays `3.0e2`. */
export class JsonNumber {
  constructor(public readonly text: string) {}

  get value(): number {
    return Number(this.text);
  }
}

/** An object kept as its entries in order, so a key may appear twice. */
export class JsonObject {
  constructor(public readonly entries: Array<[string, JsonValue]>) {}

  get(key: string): JsonValue | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i][0] === key) {
        return this.entries[i][1];
      }
    }
    return undefined;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonObject | JsonValue[];

export function num(n: number | string): JsonNumber {
  return new JsonNumber(typeof n === 'number' ? String(n) : n);
}

export function obj(...entries: Array<[string, JsonValue]>): JsonObject {
  return new JsonObject(entries);
}

/** Plain JS data (as from JSON.parse) to the model. */
export function fromPlain(value: unknown): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return num(value);
  }
  if (Array.isArray(value)) {
    return value.map(fromPlain);
  }
  if (typeof value === 'object') {
    return new JsonObject(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromPlain(v)]));
  }
  throw new Error(`not JSON data: ${String(value)}`);
}

export interface WriteOptions {
  /** Indent nested values by this many spaces; 0 writes compact text. */
  readonly indent?: number;
  /** Put a space after `:` and `,` in compact text. */
  readonly spaced?: boolean;
}

export function writeJson(value: JsonValue, options: WriteOptions = {}): string {
  const indent = options.indent ?? 0;
  const colon = indent > 0 || options.spaced ? ': ' : ':';
  const comma = options.spaced && indent === 0 ? ', ' : ',';
  const write = (v: JsonValue, depth: number): string => {
    if (v === null || typeof v === 'boolean') {
      return String(v);
    }
    if (typeof v === 'string') {
      return JSON.stringify(v);
    }
    if (v instanceof JsonNumber) {
      return v.text;
    }
    const pad = indent > 0 ? '\n' + ' '.repeat(indent * (depth + 1)) : '';
    const close = indent > 0 ? '\n' + ' '.repeat(indent * depth) : '';
    if (Array.isArray(v)) {
      if (v.length === 0) {
        return '[]';
      }
      return '[' + v.map((e) => pad + write(e, depth + 1)).join(comma) + close + ']';
    }
    if (v.entries.length === 0) {
      return '{}';
    }
    return '{' + v.entries.map(([k, e]) => pad + JSON.stringify(k) + colon + write(e, depth + 1)).join(comma) + close + '}';
  };
  return write(value, 0);
}

/**
 * Parses JSON text into the model (numbers keep their spelling, duplicate keys stay).
 * Throws on text that is not JSON.
 */
export function parseJson(text: string): JsonValue {
  let pos = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid JSON at ${pos}: ${what}`);
  };
  const skip = () => {
    while (pos < text.length && ' \t\n\r'.includes(text[pos])) {
      pos++;
    }
  };
  const value = (): JsonValue => {
    skip();
    const c = text[pos];
    if (c === '{') {
      pos++;
      const entries: Array<[string, JsonValue]> = [];
      skip();
      if (text[pos] === '}') {
        pos++;
        return new JsonObject(entries);
      }
      for (;;) {
        skip();
        if (text[pos] !== '"') {
          fail('expected a key');
        }
        const key = str();
        skip();
        if (text[pos] !== ':') {
          fail('expected :');
        }
        pos++;
        entries.push([key, value()]);
        skip();
        if (text[pos] === ',') {
          pos++;
        } else if (text[pos] === '}') {
          pos++;
          return new JsonObject(entries);
        } else {
          fail('expected , or }');
        }
      }
    }
    if (c === '[') {
      pos++;
      const items: JsonValue[] = [];
      skip();
      if (text[pos] === ']') {
        pos++;
        return items;
      }
      for (;;) {
        items.push(value());
        skip();
        if (text[pos] === ',') {
          pos++;
        } else if (text[pos] === ']') {
          pos++;
          return items;
        } else {
          fail('expected , or ]');
        }
      }
    }
    if (c === '"') {
      return str();
    }
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as Array<[string, JsonValue]>) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(pos, pos + 400));
    if (!m || m[0].length === 0) {
      return fail('unexpected character');
    }
    pos += m[0].length;
    return new JsonNumber(m[0]);
  };
  const str = (): string => {
    const start = pos;
    pos++;
    while (pos < text.length && text[pos] !== '"') {
      pos += text[pos] === '\\' ? 2 : 1;
    }
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const result = value();
  skip();
  if (pos !== text.length) {
    fail('trailing text');
  }
  return result;
}

/** True when some object in the value has the same key twice (JSON.parse would drop one). */
export function hasDuplicateKeys(value: JsonValue): boolean {
  if (Array.isArray(value)) {
    return value.some(hasDuplicateKeys);
  }
  if (value instanceof JsonObject) {
    const keys = new Set(value.entries.map(([k]) => k));
    return keys.size !== value.entries.length || value.entries.some(([, v]) => hasDuplicateKeys(v));
  }
  return false;
}

/**
 * True when JSON.parse keeps the value's meaning: no duplicate key, and every number has at most
 * 15 significant digits and a finite value (so the parsed double is the written number).
 */
export function keepsMeaningUnderJsonParse(value: JsonValue): boolean {
  const numbersExact = (v: JsonValue): boolean => {
    if (v instanceof JsonNumber) {
      // Generated texts also spell numbers as JSON does not allow (leading zeros), which JSON.parse refuses.
      if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(v.text)) {
        return false;
      }
      const digits = v.text.replace(/^-/, '').replace(/[eE].*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
      return Number.isFinite(v.value) && digits.length <= 15;
    }
    if (Array.isArray(v)) {
      return v.every(numbersExact);
    }
    if (v instanceof JsonObject) {
      return v.entries.every(([, e]) => numbersExact(e));
    }
    return true;
  };
  return !hasDuplicateKeys(value) && numbersExact(value);
}

/** keepsMeaningUnderJsonParse for a text; false when the text is not JSON. */
export function survivesJsonParse(text: string): boolean {
  try {
    return keepsMeaningUnderJsonParse(parseJson(text));
  } catch {
    return false;
  }
}
