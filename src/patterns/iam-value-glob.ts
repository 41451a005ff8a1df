/**
 * Globs over event names and principal ARNs, and their EventBridge matchers.
 *
 * A glob is a value with `*` standing for any run of characters. EventBridge applies a plain
 * string as an exact match only, so each glob compiles to the cheapest operator with the same
 * meaning: no star -> exact, one trailing star -> `prefix`, one leading star -> `suffix`, anything
 * else -> `wildcard` (which counts against the 30-rules-with-wildcards quota of a bus).
 *
 * Internal to the patterns module: not exported from the barrel.
 */

/** How a glob compiles to an EventBridge operator. */
export enum GlobKind {
  EXACT = 'exact',
  PREFIX = 'prefix',
  SUFFIX = 'suffix',
  WILDCARD = 'wildcard',
}

/** One EventBridge matcher inside a field's array. */
export type FieldMatcher = string | { readonly [operator: string]: unknown };

/** A parsed glob: what it matches and how EventBridge expresses it. */
export class ValueGlob {
  /** An exact value (no star). */
  public static exact(value: string): ValueGlob {
    return new ValueGlob(GlobKind.EXACT, value, value);
  }

  /** Every value that begins with `literal`. */
  public static prefix(literal: string): ValueGlob {
    return new ValueGlob(GlobKind.PREFIX, `${literal}*`, literal);
  }

  /**
   * Parses glob text that the caller has already validated: no `**`, not a bare `*`, and no
   * character that needs escaping in an EventBridge wildcard (`\`).
   */
  public static parse(text: string): ValueGlob {
    const stars = countStars(text);
    if (stars === 0) return new ValueGlob(GlobKind.EXACT, text, text);
    if (stars === 1 && text.endsWith('*')) return new ValueGlob(GlobKind.PREFIX, text, text.slice(0, -1));
    if (stars === 1 && text.startsWith('*')) return new ValueGlob(GlobKind.SUFFIX, text, text.slice(1));
    return new ValueGlob(GlobKind.WILDCARD, text, text);
  }

  private readonly regex: RegExp;

  private constructor(
    /** How EventBridge expresses this glob. */
    public readonly kind: GlobKind,
    /** The glob as a user writes it (`Create*`). */
    public readonly text: string,
    /** The operator's operand: the exact value, the prefix, the suffix, or the wildcard text. */
    public readonly literal: string,
  ) {
    this.regex = new RegExp(`^${text.split('*').map(escapeRegExp).join('.*')}$`, 's');
  }

  /** Whether `value` matches this glob (case-sensitive, as EventBridge compares strings). */
  public matches(value: string): boolean {
    return this.regex.test(value);
  }

  /** The matcher for a field array: `"CreateUser"`, `{"prefix": "Create"}`, ... */
  public toMatcher(): FieldMatcher {
    switch (this.kind) {
      case GlobKind.EXACT: return this.literal;
      case GlobKind.PREFIX: return { prefix: this.literal };
      case GlobKind.SUFFIX: return { suffix: this.literal };
      case GlobKind.WILDCARD: return { wildcard: this.literal };
    }
  }

  /**
   * Whether some value beginning with `prefix` could match this glob. Exact for exact and prefix
   * globs; for suffix and wildcard globs it answers false, because nearly every prefix can be
   * followed by a matching tail: callers judge those against a catalog instead.
   */
  public overlapsPrefixDecidably(prefix: string): boolean {
    switch (this.kind) {
      case GlobKind.EXACT: return this.literal.startsWith(prefix);
      case GlobKind.PREFIX: return this.literal.startsWith(prefix) || prefix.startsWith(this.literal);
      default: return false;
    }
  }
}

/** `{"anything-but": ...}` excluding every value any of `globs` matches (one operator: EventBridge ORs a field's array, so two anything-buts would exclude nothing). */
export function anythingButMatcher(globs: readonly ValueGlob[]): FieldMatcher {
  if (globs.length === 0) throw new Error('internal: anythingButMatcher needs at least one glob');
  if (globs.every((g) => g.kind === GlobKind.EXACT)) {
    return { 'anything-but': globs.map((g) => g.literal) };
  }
  if (globs.length === 1) {
    const [g] = globs;
    return { 'anything-but': { [g.kind]: g.literal } };
  }
  // Mixed kinds: one wildcard list says them all. Star-free values are exact wildcards; the
  // callers' validation guarantees no value holds a literal `*` or `\` that would need escaping.
  return { 'anything-but': { wildcard: globs.map((g) => g.text) } };
}

/** Removes globs that another glob of the list already covers, keeping first-seen order. */
export function dedupeGlobs(globs: readonly ValueGlob[]): ValueGlob[] {
  const seen = new Set<string>();
  const unique = globs.filter((g) => {
    const key = `${g.kind}:${g.literal}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.filter((g) => !unique.some((other) => other !== g && covers(other, g)));
}

/**
 * The names `positive` matches minus those `excluded` matches, as globs.
 *
 * EventBridge cannot AND two conditions on one field, so "prefix Create but not CreateUser" must
 * be rewritten. A positive glob no exclusion touches stays as it is. Otherwise the catalog of
 * known names decides: an exact name is kept or dropped; a prefix is split into the longest-lived
 * sub-prefixes that cover exactly the remaining catalog names under it (so names AWS adds later
 * still match when they fall under a kept sub-prefix); a suffix or wildcard becomes the exact
 * list of remaining catalog names. Over the catalog the result has exactly the meaning asked
 * for; an exclusion given as a suffix or wildcard can only be applied to catalog names.
 */
export function subtractGlobs(positive: readonly ValueGlob[], excluded: readonly ValueGlob[], catalog: readonly string[]): ValueGlob[] {
  const out: ValueGlob[] = [];
  for (const glob of positive) {
    if (glob.kind === GlobKind.EXACT) {
      if (!excluded.some((x) => x.matches(glob.literal))) out.push(glob);
      continue;
    }
    const underGlob = catalog.filter((name) => glob.matches(name));
    const touched = excluded.some((x) =>
      underGlob.some((name) => x.matches(name))
      || (glob.kind === GlobKind.PREFIX && x.overlapsPrefixDecidably(glob.literal))
      || (x.kind === GlobKind.EXACT && glob.matches(x.literal)));
    if (!touched) {
      out.push(glob);
      continue;
    }
    const remaining = underGlob.filter((name) => !excluded.some((x) => x.matches(name)));
    if (glob.kind === GlobKind.PREFIX) {
      out.push(...coverWithPrefixes(remaining, glob.literal, catalog, excluded));
    } else {
      out.push(...remaining.map(ValueGlob.exact));
    }
  }
  return dedupeGlobs(out);
}

/**
 * Rewrites exact names as prefixes wherever a prefix matches exactly the same catalog names and
 * no excluded value, to shorten a long list. Non-exact globs are kept.
 */
export function compressExactGlobs(globs: readonly ValueGlob[], excluded: readonly ValueGlob[], catalog: readonly string[]): ValueGlob[] {
  const exact = globs.filter((g) => g.kind === GlobKind.EXACT).map((g) => g.literal);
  const others = globs.filter((g) => g.kind !== GlobKind.EXACT);
  const known = exact.filter((name) => catalog.includes(name));
  const unknown = exact.filter((name) => !catalog.includes(name));
  return dedupeGlobs([...coverWithPrefixes(known, '', catalog, excluded), ...unknown.map(ValueGlob.exact), ...others]);
}

/**
 * The fewest prefixes (each at least `within`, and no longer than needed) that together match
 * exactly `targets` among `catalog`, and never an `excluded` value. A target no prefix can isolate
 * stays exact.
 */
function coverWithPrefixes(targets: readonly string[], within: string, catalog: readonly string[], excluded: readonly ValueGlob[]): ValueGlob[] {
  const wanted = new Set(targets);
  const covered = new Set<string>();
  const out: ValueGlob[] = [];
  for (const target of [...targets].sort()) {
    if (covered.has(target)) continue;
    let chosen = ValueGlob.exact(target);
    for (let length = Math.max(within.length, 1); length <= target.length; length++) {
      const candidate = target.slice(0, length);
      const members = catalog.filter((name) => name.startsWith(candidate));
      if (members.every((name) => wanted.has(name)) && !excluded.some((x) => x.overlapsPrefixDecidably(candidate))) {
        chosen = ValueGlob.prefix(candidate);
        break;
      }
    }
    for (const name of targets) {
      if (chosen.matches(name)) covered.add(name);
    }
    out.push(chosen);
  }
  return out;
}

/** Whether every value `inner` matches is also matched by `outer` (decided for the cheap cases only). */
function covers(outer: ValueGlob, inner: ValueGlob): boolean {
  if (outer.kind === GlobKind.PREFIX) {
    return (inner.kind === GlobKind.EXACT || inner.kind === GlobKind.PREFIX) && inner.literal.startsWith(outer.literal);
  }
  if (outer.kind === GlobKind.SUFFIX) {
    return (inner.kind === GlobKind.EXACT || inner.kind === GlobKind.SUFFIX) && inner.literal.endsWith(outer.literal);
  }
  if (inner.kind === GlobKind.EXACT) return outer.matches(inner.literal);
  return false;
}

function countStars(text: string): number {
  return text.split('*').length - 1;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
