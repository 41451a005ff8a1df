/**
 * fast-check generators of EventBridge patterns and of events built *near* each pattern, so that
 * both outcomes are frequent: every leaf matcher knows a value that should satisfy it (a witness)
 * and one that should just miss it. Whether they really do is for the two engines to say; the
 * generator only steers the match rate.
 */
import * as fc from 'fast-check';
import { JsonNumber, JsonObject, JsonValue, keepsMeaningUnderJsonParse, num, obj, parseJson, writeJson } from './json-text';

/** A source of choices; backed by fast-check so that one seed replays a whole run. */
export interface Choices {
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

// One unbiased 32-bit draw per choice, reduced to the range here: fast-check's default bias towards
// small and extreme values would skew every probability below (a 0.4% branch came out in one case
// of four), and a single arbitrary keeps fc.gen's per-call lookup cheap.
const WORD = fc.noBias(fc.integer({ min: 0, max: 0xffffffff }));
const word = () => WORD;

class FastCheckChoices implements Choices {
  constructor(private readonly g: fc.GeneratorValue) {}

  int(min: number, max: number): number {
    return min + (this.g(word) % (max - min + 1));
  }

  chance(p: number): boolean {
    return this.int(0, 9999) < p * 10000;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

/** Marks a field the event must leave out (exists:false witness). */
const ABSENT = Symbol('absent');
type EventLeaf = JsonValue | typeof ABSENT;

/** One element of a pattern's value array, with the event values that should hit and miss it. */
interface Matcher {
  readonly op: string;
  readonly json: JsonValue;
  witness(c: Choices): EventLeaf;
  miss(c: Choices): EventLeaf;
}

// Characters chosen for the edges they hit: case folding that changes length or is not
// one-to-one (ß, İ, ı, Σ/ς, Kelvin sign), multi-byte UTF-8, wildcard metacharacters, JSON escapes.
const PLAIN_CHARS = ['a', 'b', 'c', 'x', 'A', 'B', 'C', 'X', '0', '1', '-', '_', '.', '/', ':', ' '];
const EDGE_CHARS = ['é', 'É', 'ß', 'ẞ', 'İ', 'ı', 'Σ', 'σ', 'ς', '\u212A', 'k', 'K', '😀', '"', '\n', '*', '\\', '\u00e9'.normalize('NFD')];
const WORDS = [
  'Create', 'create', 'CREATE', 'User', 'user', 'Policy', 'Put', 'Attach', 'AccessKey', 'iam', 'IAM', 'Role',
  'Delete', 'admin', 'arn:aws:iam::123456789012:user/alice', '123456789012', 'Login', 'aws.iam', 'ab', 'abc',
];
const KEYS = ['a', 'b', 'c', 'source', 'detail', 'eventName', 'x.y', 'a.b', 'arr', 'A', 'é'];
/** The empty key is legal JSON and event-ruler treats it specially; kept rare so it does not dominate. */
const EMPTY_KEY_CHANCE = 0.02;
const NOISE_KEYS = ['z', 'noise', 'a', 'b', 'y'];

function randChars(c: Choices, min: number, max: number, edge: number): string {
  let s = '';
  const n = c.int(min, max);
  for (let i = 0; i < n; i++) {
    s += c.chance(edge) ? c.pick(EDGE_CHARS) : c.pick(PLAIN_CHARS);
  }
  return s;
}

/** A short string built from words (for realistic collisions) and odd characters. */
function randString(c: Choices, edge = 0.15): string {
  if (c.chance(0.04)) {
    return '';
  }
  let s = '';
  const pieces = c.int(1, 3);
  for (let i = 0; i < pieces; i++) {
    s += c.chance(0.6) ? c.pick(WORDS) : randChars(c, 1, 3, edge);
  }
  return s;
}

function flipCase(c: Choices, s: string): string {
  let out = '';
  for (const ch of s) {
    out += c.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
  }
  return out;
}

/** A string close to `s` but (usually) different from it. */
function nearString(c: Choices, s: string): string {
  const chars = [...s];
  switch (c.int(0, 6)) {
    case 0: return s + randChars(c, 1, 1, 0.1);
    case 1: return randChars(c, 1, 1, 0.1) + s;
    case 2: return chars.slice(0, -1).join('');
    case 3: return chars.slice(1).join('');
    case 4: {
      if (chars.length === 0) {
        return 'x';
      }
      const i = c.int(0, chars.length - 1);
      chars[i] = chars[i] === 'x' ? 'y' : 'x';
      return chars.join('');
    }
    case 5: return flipCase(c, s);
    default: return c.chance(0.5) ? s.toUpperCase() : s.toLowerCase();
  }
}

// ---- numbers: generated as decimal text so that spellings can be varied exactly ----

/** A canonical decimal text such as `-12.5`, `300`, `0.000001`. */
function randDecimal(c: Choices): string {
  const sign = c.chance(0.2) ? '-' : '';
  let text: string;
  switch (c.int(0, 9)) {
    case 0: case 1: case 2: case 3: text = String(c.int(0, 10)); break;
    case 4: case 5: text = String(c.int(0, 1000000)); break;
    case 6: case 7: text = `${c.int(0, 1000)}.${String(c.int(1, 999999)).padStart(c.int(1, 6), '0')}`; break;
    case 8: text = c.pick(['5000000000', '4999999999', '1000000000000000', '123456789012', '5000000000.5']); break;
    default: text = `${c.int(0, 10)}.${String(c.int(1, 999999999)).padStart(9, '0')}`;
  }
  text = text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
  return text === '0' ? text : sign + text;
}

/** The decimal text of a JS number, rounded to 6 places (event-ruler's precision). */
function decimalOf(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    return String(n);
  }
  const t = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return t === '-0' ? '0' : t;
}

/** Another spelling of the same decimal value: `300` as `300.0`, `3e2`, `3.0E+2`, `3000e-1`. */
function spell(c: Choices, decimal: string): string {
  const negative = decimal.startsWith('-');
  const sign = negative ? '-' : '';
  const [intPart, fracPart = ''] = decimal.replace('-', '').split('.');
  const all = intPart + fracPart;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '') || '0';
  const exp = digits === '0' ? 0 : intPart.length - lead - 1;
  switch (c.int(0, 5)) {
    case 0: return decimal;
    case 1: return decimal + (fracPart ? '0' : '.0');
    case 2:
    case 3: {
      const mantissa = digits[0] + (digits.length > 1 ? '.' + digits.slice(1) : c.chance(0.5) ? '.0' : '');
      const marker = c.pick(['e', 'E']) + (exp >= 0 && c.chance(0.3) ? '+' : '');
      return `${sign}${mantissa}${marker}${exp}`;
    }
    case 4: {
      const integer = all.replace(/^0+/, '') || '0';
      return `${sign}${integer}e-${fracPart.length}`;
    }
    default: return decimal.includes('.') || decimal === '0' ? decimal : `${decimal}e0`;
  }
}

function spelledNumber(c: Choices, decimal: string): JsonNumber {
  return num(spell(c, decimal));
}

function nearDecimal(c: Choices, decimal: string): string {
  const delta = c.pick([1, 0.5, 0.000001, 0.0000001, 100]);
  return decimalOf(Number(decimal) + (c.chance(0.5) ? delta : -delta));
}

// ---- leaf matchers ----

function exactString(c: Choices): Matcher {
  const s = randString(c);
  return {
    op: 'exact-string',
    json: s,
    witness: () => s,
    miss: (cc) => cc.chance(0.1) && /^-?\d+$/.test(s) ? num(s) : nearString(cc, s),
  };
}

function exactNumber(c: Choices): Matcher {
  const d = randDecimal(c);
  return {
    op: 'exact-number',
    json: spelledNumber(c, d),
    witness: (cc) => spelledNumber(cc, d),
    miss: (cc) => cc.chance(0.2) ? d : spelledNumber(cc, nearDecimal(cc, d)),
  };
}

function literal(op: string, value: JsonValue, misses: JsonValue[]): Matcher {
  return {
    op,
    json: value,
    witness: () => value,
    miss: (cc) => cc.chance(0.2) ? ABSENT : cc.pick(misses),
  };
}

function prefixMatcher(c: Choices, ignoreCase: boolean): Matcher {
  const p = randString(c);
  return {
    op: ignoreCase ? 'prefix-equals-ignore-case' : 'prefix',
    json: obj(['prefix', ignoreCase ? obj(['equals-ignore-case', p]) : p]),
    witness: (cc) => (ignoreCase ? flipCase(cc, p) : p) + (cc.chance(0.3) ? '' : randString(cc)),
    miss: (cc) => nearString(cc, p) + (cc.chance(0.5) ? '' : randString(cc)),
  };
}

function suffixMatcher(c: Choices, ignoreCase: boolean): Matcher {
  const s = randString(c);
  return {
    op: ignoreCase ? 'suffix-equals-ignore-case' : 'suffix',
    json: obj(['suffix', ignoreCase ? obj(['equals-ignore-case', s]) : s]),
    witness: (cc) => (cc.chance(0.3) ? '' : randString(cc)) + (ignoreCase ? flipCase(cc, s) : s),
    miss: (cc) => (cc.chance(0.5) ? '' : randString(cc)) + nearString(cc, s),
  };
}

function equalsIgnoreCase(c: Choices): Matcher {
  const s = randString(c, 0.3);
  return {
    op: 'equals-ignore-case',
    json: obj(['equals-ignore-case', s]),
    witness: (cc) => flipCase(cc, s),
    miss: (cc) => nearString(cc, s),
  };
}

type WildcardToken = { star: true } | { star: false; text: string };

/** A wildcard template: literal runs (which may hold `*` or `\`, escaped) between single stars. */
function wildcardTemplate(c: Choices): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  const n = c.int(1, 4);
  let stars = 0;
  for (let i = 0; i < n; i++) {
    const last = tokens[tokens.length - 1];
    if ((!last || !last.star) && stars < 3 && c.chance(0.45)) {
      tokens.push({ star: true });
      stars++;
    } else {
      tokens.push({ star: false, text: c.chance(0.15) ? c.pick(['*', '\\', 'a*', '\\\\']) : randString(c, 0.1) || 'a' });
    }
  }
  return tokens;
}

function wildcardText(tokens: WildcardToken[]): string {
  return tokens.map((t) => t.star ? '*' : t.text.replace(/[\\*]/g, (m) => '\\' + m)).join('');
}

function wildcardWitness(c: Choices, tokens: WildcardToken[]): string {
  return tokens.map((t) => t.star ? (c.chance(0.3) ? '' : randString(c, 0.2)) : t.text).join('');
}

function wildcardMatcher(c: Choices): Matcher {
  const tokens = wildcardTemplate(c);
  return {
    op: 'wildcard',
    json: obj(['wildcard', wildcardText(tokens)]),
    witness: (cc) => wildcardWitness(cc, tokens),
    miss: (cc) => nearString(cc, wildcardWitness(cc, tokens)),
  };
}

function anythingBut(c: Choices): Matcher {
  switch (c.int(0, 10)) {
    case 0: {
      const s = randString(c);
      return {
        op: 'anything-but-string',
        json: obj(['anything-but', s]),
        witness: (cc) => cc.chance(0.15) ? spelledNumber(cc, randDecimal(cc)) : nearString(cc, s),
        miss: (cc) => cc.chance(0.15) ? ABSENT : s,
      };
    }
    case 1: {
      const d = randDecimal(c);
      return {
        op: 'anything-but-number',
        json: obj(['anything-but', spelledNumber(c, d)]),
        witness: (cc) => cc.chance(0.2) ? d : spelledNumber(cc, nearDecimal(cc, d)),
        miss: (cc) => spelledNumber(cc, d),
      };
    }
    case 2: {
      const list = Array.from({ length: c.int(1, 3) }, () => randString(c));
      return {
        op: 'anything-but-string-list',
        json: obj(['anything-but', list]),
        witness: (cc) => nearString(cc, cc.pick(list)),
        miss: (cc) => cc.pick(list),
      };
    }
    case 3: {
      const list = Array.from({ length: c.int(1, 3) }, () => randDecimal(c));
      return {
        op: 'anything-but-number-list',
        json: obj(['anything-but', list.map((d) => spelledNumber(c, d))]),
        witness: (cc) => spelledNumber(cc, nearDecimal(cc, cc.pick(list))),
        miss: (cc) => spelledNumber(cc, cc.pick(list)),
      };
    }
    case 4: case 5: {
      const suffix = c.chance(0.5);
      const s = randString(c) || 'a';
      const list = c.chance(0.2);
      const key = suffix ? 'suffix' : 'prefix';
      const hit = (cc: Choices) => suffix ? randString(cc) + s : s + randString(cc);
      return {
        op: `anything-but-${key}${list ? '-list' : ''}`,
        json: obj(['anything-but', obj([key, list ? [s] : s])]),
        witness: (cc) => nearString(cc, hit(cc)),
        miss: hit,
      };
    }
    case 6: case 7: {
      const list = c.chance(0.4) ? Array.from({ length: c.int(1, 3) }, () => randString(c, 0.3)) : undefined;
      const one = randString(c, 0.3);
      const values = list ?? [one];
      return {
        op: `anything-but-equals-ignore-case${list ? '-list' : ''}`,
        json: obj(['anything-but', obj(['equals-ignore-case', list ?? one])]),
        witness: (cc) => nearString(cc, cc.pick(values)),
        miss: (cc) => flipCase(cc, cc.pick(values)),
      };
    }
    default: {
      const templates = Array.from({ length: c.chance(0.3) ? c.int(1, 2) : 1 }, () => wildcardTemplate(c));
      const texts = templates.map(wildcardText);
      return {
        op: `anything-but-wildcard${templates.length > 1 ? '-list' : ''}`,
        json: obj(['anything-but', obj(['wildcard', templates.length > 1 ? texts : texts[0]])]),
        witness: (cc) => nearString(cc, wildcardWitness(cc, cc.pick(templates))),
        miss: (cc) => wildcardWitness(cc, cc.pick(templates)),
      };
    }
  }
}

const LOWER_OPS = ['>', '>='];
const UPPER_OPS = ['<', '<='];

function numericMatcher(c: Choices): Matcher {
  const a = Number(randDecimal(c));
  const deltas = [0.000001, 0.5, 1, 1000];
  const satisfies: Array<(x: number) => boolean> = [];
  const terms: JsonValue[] = [];
  const bounds: number[] = [];
  const kind = c.int(0, 4);
  if (kind === 0) {
    terms.push('=', spelledNumber(c, decimalOf(a)));
    satisfies.push((x) => x === a);
    bounds.push(a);
  } else if (kind <= 2) {
    const op = c.pick([...LOWER_OPS, ...UPPER_OPS]);
    terms.push(op, spelledNumber(c, decimalOf(a)));
    satisfies.push(compare(op, a));
    bounds.push(a);
  } else {
    const b = a + c.pick([0.000001, 0.5, 1, 10, 1000000]);
    const lo = c.pick(LOWER_OPS);
    const hi = c.pick(UPPER_OPS);
    const loTerm: JsonValue[] = [lo, spelledNumber(c, decimalOf(a))];
    const hiTerm: JsonValue[] = [hi, spelledNumber(c, decimalOf(b))];
    // event-ruler accepts the upper bound first as well; cover both orders.
    terms.push(...(c.chance(0.8) ? [...loTerm, ...hiTerm] : [...hiTerm, ...loTerm]));
    satisfies.push(compare(lo, a), compare(hi, b));
    bounds.push(a, b);
  }
  const ok = (x: number) => satisfies.every((f) => f(x));
  const candidates = (cc: Choices) => {
    const base = cc.pick(bounds);
    return [base, base + cc.pick(deltas), base - cc.pick(deltas), (bounds[0] + bounds[bounds.length - 1]) / 2];
  };
  return {
    op: kind === 0 ? 'numeric-equals' : kind <= 2 ? 'numeric-one-sided' : 'numeric-range',
    json: obj(['numeric', terms]),
    witness: (cc) => {
      const hit = candidates(cc).filter(ok);
      return spelledNumber(cc, decimalOf(hit.length > 0 ? cc.pick(hit) : bounds[0]));
    },
    miss: (cc) => {
      if (cc.chance(0.1)) {
        return decimalOf(bounds[0]);
      }
      const out = candidates(cc).filter((x) => !ok(x));
      return spelledNumber(cc, decimalOf(out.length > 0 ? cc.pick(out) : bounds[0] - 1));
    },
  };
}

function compare(op: string, bound: number): (x: number) => boolean {
  switch (op) {
    case '>': return (x) => x > bound;
    case '>=': return (x) => x >= bound;
    case '<': return (x) => x < bound;
    default: return (x) => x <= bound;
  }
}

function anyValue(c: Choices): JsonValue {
  switch (c.int(0, 6)) {
    case 0: return null;
    case 1: return c.chance(0.5);
    case 2: return spelledNumber(c, randDecimal(c));
    case 3: return [randString(c)];
    default: return randString(c);
  }
}

function existsMatcher(c: Choices): Matcher {
  const exists = c.chance(0.5);
  const some = (cc: Choices) => anyValue(cc);
  const none = (cc: Choices): EventLeaf => cc.chance(0.15) ? [] : ABSENT;
  return {
    op: exists ? 'exists-true' : 'exists-false',
    json: obj(['exists', exists]),
    witness: exists ? some : none,
    miss: exists ? none : some,
  };
}

const TWO_32 = 4294967296;

function ipv4Text(n: number): string {
  const parts: number[] = [];
  let rest = n;
  for (let i = 0; i < 4; i++) {
    parts.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return parts.join('.');
}

function cidrV4(c: Choices): Matcher {
  const bits = c.pick([0, 8, 12, 16, 24, 30, 31, 32, c.int(1, 32)]);
  const size = 2 ** (32 - bits);
  const base = c.pick([167772160, 3232235776, 2886729728, c.int(0, TWO_32 - 1)]); // 10/8, 192.168/16, 172.16/12
  const network = Math.floor(base / size) * size;
  // Host bits left set in the pattern sometimes: event-ruler masks them.
  const patternIp = c.chance(0.2) ? network + c.int(0, size - 1) : network;
  return {
    op: 'cidr-v4',
    json: obj(['cidr', `${ipv4Text(patternIp)}/${bits}`]),
    witness: (cc) => ipv4Text(network + cc.int(0, size - 1)),
    miss: (cc) => {
      const outside = [network - 1, network + size].filter((x) => x >= 0 && x < TWO_32);
      return outside.length > 0 && cc.chance(0.8) ? ipv4Text(cc.pick(outside)) : cc.pick(['not-an-ip', '::1', '10.0.0']);
    },
  };
}

const TWO_128 = BigInt(2) ** BigInt(128);

function ipv6Text(c: Choices, n: bigint): string {
  const groups: string[] = [];
  let rest = n;
  for (let i = 0; i < 8; i++) {
    groups.unshift((rest % BigInt(65536)).toString(16));
    rest = rest / BigInt(65536);
  }
  let text = groups.join(':');
  if (c.chance(0.7)) {
    // Compress the longest run of two or more zero groups, as most writers do.
    let best = -1;
    let bestLength = 1;
    for (let i = 0; i < 8; i++) {
      let j = i;
      while (j < 8 && groups[j] === '0') {
        j++;
      }
      if (j - i > bestLength) {
        best = i;
        bestLength = j - i;
      }
    }
    if (best >= 0) {
      text = groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLength).join(':');
    }
  }
  return c.chance(0.2) ? text.toUpperCase() : text;
}

function cidrV6(c: Choices): Matcher {
  const bits = c.pick([0, 10, 32, 48, 64, 96, 120, 127, 128, c.int(1, 128)]);
  const size = BigInt(2) ** BigInt(128 - bits);
  const bases = [BigInt('0x20010db8000000000000000000000000'), BigInt('0xfe800000000000000000000000000000'), BigInt(1)];
  const base = c.pick(bases) + BigInt(c.int(0, 65535)) * (BigInt(2) ** BigInt(c.pick([0, 16, 64, 80])));
  const network = (base % TWO_128) / size * size;
  const offset = (cc: Choices) => size === BigInt(1) ? BigInt(0) : BigInt(cc.int(0, 1000000)) % size;
  return {
    op: 'cidr-v6',
    json: obj(['cidr', `${ipv6Text(c, network)}/${bits}`]),
    witness: (cc) => ipv6Text(cc, network + offset(cc)),
    miss: (cc) => {
      const outside = [network - BigInt(1), network + size].filter((x) => x >= BigInt(0) && x < TWO_128);
      return outside.length > 0 && cc.chance(0.85) ? ipv6Text(cc, cc.pick(outside)) : '10.0.0.1';
    },
  };
}

function leafMatcher(c: Choices): Matcher {
  switch (c.int(0, 21)) {
    case 0: case 1: case 2: return exactString(c);
    case 3: return exactNumber(c);
    case 4: return c.pick([
      literal('null', null, ['null', '', 'x']),
      literal('empty-string', '', [' ', null, 'x']),
      literal('boolean', true, ['true', false, num(1)]),
      literal('boolean', false, ['false', true, null]),
    ]);
    case 5: case 6: return prefixMatcher(c, c.chance(0.35));
    case 7: case 8: return suffixMatcher(c, c.chance(0.35));
    case 9: return equalsIgnoreCase(c);
    case 10: case 11: return wildcardMatcher(c);
    case 12: case 13: case 14: return anythingBut(c);
    case 15: case 16: return numericMatcher(c);
    case 17: case 18: return existsMatcher(c);
    case 19: return cidrV4(c);
    case 20: return cidrV6(c);
    default: return exactNumber(c);
  }
}

// ---- pattern structure ----

type Entry =
  | { kind: 'leaf'; key: string; matchers: Matcher[] }
  | { kind: 'object'; key: string; node: PatternNode }
  | { kind: 'or'; branches: PatternNode[] };

interface PatternNode {
  entries: Entry[];
}

interface Budget {
  ors: number;
  features: Set<string>;
}

function patternNode(c: Choices, depth: number, budget: Budget): PatternNode {
  const entries: Entry[] = [];
  const count = depth === 0 ? c.int(1, 3) : c.int(1, 2);
  for (let i = 0; i < count; i++) {
    const key = c.chance(EMPTY_KEY_CHANCE) ? '' : c.pick(KEYS);
    if (key === '') {
      budget.features.add('empty-key');
    }
    if (key.includes('.')) {
      budget.features.add('dotted-key');
    }
    if (depth < 2 && budget.ors > 0 && c.chance(0.12)) {
      budget.ors--;
      budget.features.add(depth === 0 ? '$or' : '$or-nested');
      const branches = Array.from({ length: c.int(2, 3) }, () => patternNode(c, depth + 1, budget));
      entries.push({ kind: 'or', branches });
    } else if (depth < 2 && c.chance(0.3)) {
      budget.features.add('nested-object');
      entries.push({ kind: 'object', key, node: patternNode(c, depth + 1, budget) });
    } else {
      const n = c.pick([1, 1, 1, 2, 2, 3]);
      entries.push({ kind: 'leaf', key, matchers: Array.from({ length: n }, () => leafMatcher(c)) });
    }
  }
  const keyed = entries.filter((e): e is Exclude<Entry, { kind: 'or' }> => e.kind !== 'or');
  if (keyed.length > 0 && c.chance(0.04)) {
    // A repeated key: event-ruler keeps the last one.
    budget.features.add('duplicate-key');
    const first = c.pick(keyed);
    entries.unshift(first.kind === 'leaf'
      ? { kind: 'leaf', key: first.key, matchers: [leafMatcher(c)] }
      : { kind: 'leaf', key: first.key, matchers: [exactString(c)] });
  }
  return { entries };
}

function patternJson(node: PatternNode): JsonObject {
  return new JsonObject(node.entries.map((e): [string, JsonValue] => {
    switch (e.kind) {
      case 'leaf': return [e.key, e.matchers.map((m) => m.json)];
      case 'object': return [e.key, patternJson(e.node)];
      default: return ['$or', e.branches.map(patternJson)];
    }
  }));
}

function matchersOf(node: PatternNode): Matcher[] {
  return node.entries.flatMap((e) => e.kind === 'leaf' ? e.matchers : e.kind === 'object' ? matchersOf(e.node) : e.branches.flatMap(matchersOf));
}

/** A leaf constraint on a flattened path (`a.b.c`), the way event-ruler sees the pattern. */
interface Constraint {
  readonly path: string;
  readonly matchers: Matcher[];
}

/** The constraints of one $or choice; later entries with the same path replace earlier ones. */
function constraintsOf(c: Choices, node: PatternNode, prefix: string): Constraint[] {
  const byPath = new Map<string, Constraint>();
  const put = (k: Constraint) => {
    byPath.delete(k.path);
    byPath.set(k.path, k);
  };
  for (const e of node.entries) {
    if (e.kind === 'leaf') {
      put({ path: prefix + e.key, matchers: e.matchers });
    } else if (e.kind === 'object') {
      constraintsOf(c, e.node, prefix + e.key + '.').forEach(put);
    } else {
      constraintsOf(c, c.pick(e.branches), prefix).forEach(put);
    }
  }
  return [...byPath.values()];
}

// ---- events ----

interface EventLeafNode {
  kind: 'leaf';
  value: JsonValue;
  decoy: (c: Choices) => JsonValue;
}
interface EventObjectNode {
  kind: 'obj';
  fields: Array<[string, EventNode]>;
}
type EventNode = EventLeafNode | EventObjectNode;

function present(v: EventLeaf, fallback: JsonValue): JsonValue {
  return v === ABSENT ? fallback : v;
}

function insert(c: Choices, root: EventObjectNode, path: string, leaf: EventLeafNode, features: Set<string>) {
  const atoms = path.split('.');
  // Group path atoms into event keys: mostly nested objects, sometimes a dotted key that
  // flattens to the same path.
  const keys: string[] = [atoms[0]];
  for (const atom of atoms.slice(1)) {
    if (c.chance(0.12)) {
      keys[keys.length - 1] += '.' + atom;
      features.add('event-dotted-key');
    } else {
      keys.push(atom);
    }
  }
  let node = root;
  for (let i = 0; i < keys.length - 1; i++) {
    const existing = node.fields.find(([k]) => k === keys[i]);
    if (existing && existing[1].kind === 'obj') {
      node = existing[1];
      continue;
    }
    if (existing) {
      // The key already holds a value: spell the rest as one dotted key at this level.
      node.fields.push([keys.slice(i).join('.'), leaf]);
      features.add('event-dotted-key');
      return;
    }
    const child: EventObjectNode = { kind: 'obj', fields: [] };
    node.fields.push([keys[i], child]);
    node = child;
  }
  node.fields.push([keys[keys.length - 1], leaf]);
}

function leafJson(c: Choices, leaf: EventLeafNode, features: Set<string>): JsonValue {
  const roll = c.int(0, 99);
  if (roll < 10) {
    features.add('event-array');
    const items = [leaf.value, ...Array.from({ length: c.int(0, 2) }, () => leaf.decoy(c))];
    return c.chance(0.5) ? items : items.reverse();
  }
  if (roll < 13) {
    features.add('event-array-of-arrays');
    return [[leaf.value], leaf.decoy(c)];
  }
  return leaf.value;
}

function decoyOf(c: Choices, node: EventNode): EventNode {
  if (node.kind === 'leaf') {
    return { kind: 'leaf', value: node.decoy(c), decoy: node.decoy };
  }
  return { kind: 'obj', fields: node.fields.map(([k, v]) => [k, decoyOf(c, v)]) };
}

function leaves(node: EventNode): EventLeafNode[] {
  return node.kind === 'leaf' ? [node] : node.fields.flatMap(([, v]) => leaves(v));
}

/** A copy in which only the leaves in `keep` carry their real value. */
function partialCopy(c: Choices, node: EventNode, keep: Set<EventLeafNode>): EventNode {
  if (node.kind === 'leaf') {
    return keep.has(node) ? node : { kind: 'leaf', value: node.decoy(c), decoy: node.decoy };
  }
  return { kind: 'obj', fields: node.fields.map(([k, v]) => [k, partialCopy(c, v, keep)]) };
}

function eventJson(c: Choices, node: EventNode, depth: number, features: Set<string>): JsonValue {
  if (node.kind === 'leaf') {
    return leafJson(c, node, features);
  }
  const fields: Array<[string, JsonValue]> = [];
  for (const [key, child] of node.fields) {
    if (child.kind === 'obj' && c.chance(0.15)) {
      // An array of objects: the real object among decoys, or its leaves split over two
      // elements so that no single element satisfies the whole pattern (array consistency).
      const all = leaves(child);
      if (all.length >= 2 && c.chance(0.5)) {
        features.add('event-array-consistency');
        const half = new Set(all.filter(() => c.chance(0.5)));
        const other = new Set(all.filter((l) => !half.has(l)));
        fields.push([key, [partialCopy(c, child, half), partialCopy(c, child, other)].map((n) => eventJson(c, n, depth + 1, features))]);
      } else {
        features.add('event-array-of-objects');
        const items = [child, decoyOf(c, child)];
        fields.push([key, (c.chance(0.5) ? items : items.reverse()).map((n) => eventJson(c, n, depth + 1, features))]);
      }
    } else {
      fields.push([key, eventJson(c, child, depth + 1, features)]);
    }
  }
  if (c.chance(depth === 0 ? 0.6 : 0.15)) {
    for (let i = c.int(1, 2); i > 0; i--) {
      const key = c.pick(NOISE_KEYS);
      if (!fields.some(([k]) => k === key)) {
        fields.splice(c.int(0, fields.length), 0, [key, anyValue(c)]);
      }
    }
  }
  if (fields.length > 0 && c.chance(0.025)) {
    // The same key twice: event-ruler sees both values.
    features.add('event-duplicate-key');
    const [key] = c.pick(fields);
    fields.splice(c.int(0, fields.length), 0, [key, anyValue(c)]);
  }
  return new JsonObject(fields);
}

function buildEvent(c: Choices, node: PatternNode, intent: 'match' | 'miss', features: Set<string>): JsonObject {
  const root: EventObjectNode = { kind: 'obj', fields: [] };
  if (c.chance(0.04)) {
    features.add('event-unrelated');
    return eventJson(c, root, 0, features) as JsonObject;
  }
  const constraints = constraintsOf(c, node, '');
  const missed = intent === 'miss' ? new Set([c.pick(constraints), ...constraints.filter(() => c.chance(0.1))]) : new Set<Constraint>();
  for (const k of constraints) {
    const m = c.pick(k.matchers);
    const v = missed.has(k) ? m.miss(c) : m.witness(c);
    if (v === ABSENT) {
      continue;
    }
    const decoy = (cc: Choices) => present(cc.pick(k.matchers).miss(cc), 'decoy');
    insert(c, root, k.path, { kind: 'leaf', value: v, decoy }, features);
  }
  return eventJson(c, root, 0, features) as JsonObject;
}

// ---- invalid and borderline patterns ----

// Replacements for a pattern's value array; most are invalid, a few are valid edge cases
// (empty prefix, bare `*`, `/0` ranges) that an engine might wrongly refuse.
const BAD_VALUE_ARRAYS: string[] = [
  '[]', '"x"', '5', 'null', 'true', '{}', '[[1]]', '[{}]', '[[]]', '[{"prefix":"a","suffix":"b"}]', '[{"foo":1}]',
  '[{"prefix":5}]', '[{"prefix":null}]', '[{"prefix":["a"]}]', '[{"prefix":true}]', '[{"suffix":{}}]', '[{"suffix":null}]',
  '[{"equals-ignore-case":5}]', '[{"equals-ignore-case":["a"]}]', '[{"equals-ignore-case":null}]',
  '[{"wildcard":"a**b"}]', '[{"wildcard":"a\\\\b"}]', '[{"wildcard":"a\\\\"}]', '[{"wildcard":5}]', '[{"wildcard":["a*"]}]',
  '[{"wildcard":"**"}]', '[{"wildcard":"a\\\\**"}]', '[{"wildcard":"\\\\\\\\*"}]',
  '[{"exists":"true"}]', '[{"exists":1}]', '[{"exists":null}]', '[{"exists":[true]}]',
  '[{"cidr":"abc"}]', '[{"cidr":"10.0.0.0/33"}]', '[{"cidr":"10.0.0/8"}]', '[{"cidr":"::1/129"}]', '[{"cidr":5}]',
  '[{"cidr":"10.0.0.0/-1"}]', '[{"cidr":"256.0.0.0/8"}]', '[{"cidr":"10.0.0.0/08"}]', '[{"cidr":"2001:db8::/32"}]',
  '[{"numeric":["<>",1]}]', '[{"numeric":["<","a"]}]', '[{"numeric":[">",1,">",2]}]', '[{"numeric":[">",5,"<",1]}]',
  '[{"numeric":[">",5,"<",5]}]', '[{"numeric":[">=",5,"<=",5]}]',
  '[{"numeric":["=",1,"<",2]}]', '[{"numeric":[]}]', '[{"numeric":5}]', '[{"numeric":[">",1,"<"]}]', '[{"numeric":[">",1e20]}]',
  '[{"numeric":[">",1,"<",2,"=",3]}]', '[{"numeric":["<",-5e9]}]', '[{"numeric":["<",5e9]}]', '[{"numeric":["<",-5000000001]}]',
  '[{"numeric":["=","1"]}]', '[{"numeric":[">",null]}]', '[{"numeric":["=",-0]}]', '[{"numeric":[">",1.0000001]}]',
  '[{"anything-but":[]}]', '[{"anything-but":[null]}]', '[{"anything-but":[true]}]', '[{"anything-but":null}]',
  '[{"anything-but":true}]', '[{"anything-but":{}}]', '[{"anything-but":{"foo":"x"}}]', '[{"anything-but":{"prefix":5}}]',
  '[{"anything-but":{"prefix":""}}]', '[{"anything-but":{"suffix":""}}]', '[{"anything-but":{"suffix":["a"]}}]',
  '[{"anything-but":{"anything-but":"x"}}]', '[{"anything-but":{"numeric":[">",1]}}]', '[{"anything-but":{"exists":true}}]',
  '[{"anything-but":{"wildcard":"a**"}}]', '[{"anything-but":{"equals-ignore-case":[]}}]', '[{"anything-but":["a",1]}]',
  '[{"anything-but":{"prefix":{"equals-ignore-case":"a"}}}]', '[{"anything-but":{"prefix":"a","suffix":"b"}}]',
  '[{"anything-but":{"cidr":"10.0.0.0/8"}}]', '[{"anything-but":[["a"]]}]', '[{"anything-but":{"equals-ignore-case":5}}]',
  '[{"anything-but":{"prefix":["a","b"]}}]', '[{"anything-but":{"wildcard":[]}}]', '[{"anything-but":{"prefix":[]}}]',
  '[{"prefix":{"equals-ignore-case":5}}]', '[{"prefix":{"foo":"a"}}]', '[{"prefix":{"equals-ignore-case":"a","x":1}}]',
  '[{"suffix":{"equals-ignore-case":["a"]}}]', '[{"equals-ignore-case":{"prefix":"a"}}]', '[{"prefix":{}}]',
  '[{"$or":[{"a":[1]},{"b":[2]}]}]', '[{"exists":true},{"exists":false}]', '[{"prefix":""}]', '[{"suffix":""}]',
  '[{"wildcard":""}]', '[{"wildcard":"*"}]', '[{"equals-ignore-case":""}]', '[{"cidr":"10.0.0.1"}]', '[{"cidr":"::/0"}]',
  '[{"cidr":"0.0.0.0/0"}]', '["a",{"prefix":"b"},3,null,true]', '[{"exists":false},"x"]', '[1e400]', '[-0]', '[0.0000001]',
  '[123456789012345678901234567890]', '[{"numeric":[">",0,"<",1e9]}]', '[{"Prefix":"a"}]', '[{"prefix ":"a"}]',
];

const BAD_OBJECT_ENTRIES: string[] = [
  '{"$or":[{"a":[1]}]}', '{"$or":[]}', '{"$or":"x"}', '{"$or":[{"a":[1]},"x"]}', '{"$or":[{"a":[1]},{}]}',
  '{"$or":{"a":[1]}}', '{"$or":[{"a":[1]},{"b":[2]}]}', '{"$or":[{"a":[1]},{"$or":[{"b":[2]},{"c":[3]}]}]}',
  '{"$or":[{"a":[1]},[{"b":[2]}]]}', '{"$or":[{"a":[1]},{"b":[]}]}', '{"k":{}}', '{"k":"x"}', '{"k":[]}', '{"k":{"l":{}}}',
  '{"$or":[{"a":[1]},{"b":[2]}],"$or":[{"c":[3]},{"d":[4]}]}', '{"$or":[{"a":[1]},{"a":[1]}]}', '{"$and":[{"a":[1]},{"b":[2]}]}',
];

const BAD_TEXTS: string[] = ['[1,2]', '"x"', '5', 'null', '{', '', '{"a":[1],}', '{"a":[1]} x', '{"a":[1,]}', '{a:[1]}', '{}', '[]', '{"a":[01]}'];

interface Site {
  replace(value: JsonValue): void;
}

function sites(value: JsonValue, arrays: Site[], objects: JsonObject[]) {
  if (Array.isArray(value)) {
    value.forEach((v) => sites(v, arrays, objects));
    return;
  }
  if (!(value instanceof JsonObject)) {
    return;
  }
  objects.push(value);
  value.entries.forEach((entry) => {
    if (Array.isArray(entry[1])) {
      arrays.push({ replace: (v) => { entry[1] = v; } });
    }
    if (entry[0] === '$or' || entry[1] instanceof JsonObject) {
      sites(entry[1], arrays, objects);
    }
  });
}

/** One mutation of a valid pattern into an invalid or borderline one; returns its text. */
function mutatePattern(c: Choices, pattern: JsonObject, text: string, features: Set<string>): string {
  const arrays: Site[] = [];
  const objects: JsonObject[] = [];
  sites(pattern, arrays, objects);
  const roll = c.int(0, 99);
  if (roll < 8) {
    features.add('invalid-text');
    const base = c.pick(BAD_TEXTS);
    return c.chance(0.3) ? text.slice(0, c.int(0, Math.max(0, text.length - 1))) : base;
  }
  if (roll < 25 && objects.length > 0) {
    features.add('invalid-object');
    const target = c.pick(objects);
    const extra = parseJson(c.pick(BAD_OBJECT_ENTRIES)) as JsonObject;
    for (const entry of extra.entries) {
      target.entries.splice(c.int(0, target.entries.length), 0, entry);
    }
    if (c.chance(0.1)) {
      target.entries.length = 0;
    }
    return writeJson(pattern);
  }
  features.add('invalid-value');
  if (arrays.length === 0) {
    return c.pick(BAD_TEXTS);
  }
  // Splice the replacement in as text, so that 1e400, -0 and the like stay as written.
  const token = '\u0001replacement';
  c.pick(arrays).replace(token);
  return writeJson(pattern).replace(JSON.stringify(token), c.pick(BAD_VALUE_ARRAYS));
}

// ---- service-limit probes (EventBridge limits event-ruler does not enforce) ----

function limitProbe(c: Choices, features: Set<string>): string {
  if (c.chance(0.5)) {
    features.add('limit-pattern-length');
    const values = Array.from({ length: c.int(150, 260) }, (_, i) => `CreateSomethingLong${i}`);
    return writeJson(obj(['detail', obj(['eventName', values])]));
  }
  features.add('limit-or-combinations');
  const groups = c.int(4, 5);
  const node = obj();
  let cursor = node;
  for (let g = 0; g < groups; g++) {
    const branches = Array.from({ length: 6 }, (_, i) => obj([`k${g}`, [`v${i}`]]));
    const next = obj();
    cursor.entries.push(['$or', branches], [`n${g}`, next]);
    next.entries.push(['leaf', ['x']]);
    cursor = next;
  }
  return writeJson(node);
}

// ---- the whole case ----

export interface GeneratedPair {
  readonly id: string;
  readonly pattern: string;
  readonly event: string;
  /** Operators in the pattern and structural features of pattern and event, for coverage. */
  readonly labels: string[];
  /** 'generated' (a valid pattern), 'invalid' (a mutated one) or 'limits' (over a service limit). */
  readonly group: 'generated' | 'invalid' | 'limits';
  /** JSON.parse keeps all the event text says (no duplicate key, no number beyond a double). */
  readonly plainEvent: boolean;
}

export const EVENTS_PER_PATTERN = 4;

function writeVaried(c: Choices, value: JsonValue): string {
  const style = c.int(0, 9);
  return writeJson(value, style < 7 ? {} : style < 9 ? { spaced: true } : { indent: 2 });
}

/** All pairs for one pattern: the pattern text and a few events near it. */
function buildCase(c: Choices, index: number): GeneratedPair[] {
  const budget: Budget = { ors: 2, features: new Set() };
  const node = patternNode(c, 0, budget);
  const patternValue = patternJson(node);
  let pattern = writeVaried(c, patternValue);
  let group: GeneratedPair['group'] = 'generated';
  const roll = c.int(0, 999);
  if (roll < 4) {
    group = 'limits';
    pattern = limitProbe(c, budget.features);
  } else if (roll < 100) {
    group = 'invalid';
    pattern = mutatePattern(c, patternValue, pattern, budget.features);
  }
  const ops = [...new Set(matchersOf(node).map((m) => m.op))];
  const pairs: GeneratedPair[] = [];
  const events = group === 'generated' ? EVENTS_PER_PATTERN : 1;
  for (let e = 0; e < events; e++) {
    const features = new Set(budget.features);
    const event = buildEvent(c, node, c.chance(0.55) ? 'match' : 'miss', features);
    pairs.push({
      id: `gen:${index}:${e}`,
      pattern,
      event: writeVaried(c, event),
      labels: group === 'generated' ? [...ops, ...features] : [...features],
      group,
      plainEvent: keepsMeaningUnderJsonParse(event),
    });
  }
  return pairs;
}

/** Exactly `pairs` generated pairs, reproducible from `seed`. */
export function generatePairs(seed: number, pairs: number): GeneratedPair[] {
  // About 90% of patterns are valid and yield EVENTS_PER_PATTERN events each, the rest one:
  // ask for a few more cases than that average needs, then cut.
  const cases = Math.ceil(pairs / (0.85 * EVENTS_PER_PATTERN + 0.15)) + 1;
  let index = 0;
  const arbitrary = fc.gen().map((g) => buildCase(new FastCheckChoices(g), index++));
  // Sampled in chunks, each with its own seed derived from `seed`: fc.gen keeps the history of
  // every draw until sample() returns, and one sample of 30,000 cases spends a third of its
  // time collecting that garbage.
  const out: GeneratedPair[] = [];
  for (let chunk = 0; index < cases; chunk++) {
    const chunkSeed = (seed + chunk * 7919) % 2147483647;
    for (const pairsOfCase of fc.sample(arbitrary, { seed: chunkSeed, numRuns: Math.min(CHUNK, cases - index) })) {
      out.push(...pairsOfCase);
    }
  }
  return out.slice(0, pairs);
}

const CHUNK = 250;
