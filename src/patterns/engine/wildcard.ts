/**
 * The `wildcard` operator: validation with event-ruler's messages, and a linear-time matcher.
 *
 * In a wildcard pattern `*` matches any run of characters (also none), `\*` is a literal star and
 * `\\` a literal backslash; any other backslash, and two stars in a row, are errors. event-ruler checks
 * the pattern with its quotes around it and counts positions in UTF-8 bytes, so "at pos N" in its
 * messages is the byte offset in `"pattern"`.
 */

/** A wildcard pattern split at its unescaped stars, with escapes resolved. */
export interface WildcardSegments {
  /** Literal text between stars; a pattern without stars has one segment. */
  readonly segments: readonly string[];
}

/** UTF-8 length as Java's `String.getBytes(UTF_8)` writes it: a lone surrogate becomes one `?`. */
function utf8Length(codeUnit: number, next: number): number {
  if (codeUnit < 0x80) {
    return 1;
  }
  if (codeUnit < 0x800) {
    return 2;
  }
  if (codeUnit >= 0xd800 && codeUnit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
    return 4;
  }
  if (codeUnit >= 0xd800 && codeUnit <= 0xdfff) {
    return 1;
  }
  return 3;
}

/**
 * Parse a wildcard pattern. Throws an Error with event-ruler's message ("Consecutive wildcard
 * characters at pos N" / "Invalid escape character at pos N") when it is invalid.
 */
export function parseWildcard(pattern: string): WildcardSegments {
  const segments: string[] = [];
  let current = '';
  // Byte position in the quoted value ("pattern"), as event-ruler reports it.
  let bytePos = 1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === 0x2a /* * */) {
      if (pattern.charCodeAt(i + 1) === 0x2a) {
        throw new Error(`Consecutive wildcard characters at pos ${bytePos}`);
      }
      segments.push(current);
      current = '';
      bytePos += 1;
    } else if (c === 0x5c /* \ */) {
      const next = pattern.charCodeAt(i + 1);
      if (next === 0x2a || next === 0x5c) {
        current += pattern[i + 1];
        i++;
        bytePos += 2;
      } else {
        throw new Error(`Invalid escape character at pos ${bytePos}`);
      }
    } else {
      const n = utf8Length(c, pattern.charCodeAt(i + 1));
      if (n === 4) {
        current += pattern.substring(i, i + 2);
        i++;
      } else {
        current += pattern[i];
      }
      bytePos += n;
    }
  }
  segments.push(current);
  return { segments };
}

/** Build a predicate for a parsed wildcard pattern. Greedy leftmost search is exact for star-only globs. */
export function compileWildcard(parsed: WildcardSegments): (value: string) => boolean {
  const segs = parsed.segments;
  if (segs.length === 1) {
    const only = segs[0];
    return (value) => value === only;
  }
  const head = segs[0];
  const tail = segs[segs.length - 1];
  const middle = segs.slice(1, segs.length - 1);
  const fixed = head.length + tail.length;
  if (middle.length === 0) {
    return (value) => value.length >= fixed && value.startsWith(head) && value.endsWith(tail);
  }
  return (value) => {
    if (value.length < fixed || !value.startsWith(head) || !value.endsWith(tail)) {
      return false;
    }
    let pos = head.length;
    const end = value.length - tail.length;
    for (let i = 0; i < middle.length; i++) {
      const seg = middle[i];
      const at = value.indexOf(seg, pos);
      if (at < 0 || at + seg.length > end) {
        return false;
      }
      pos = at + seg.length;
    }
    return true;
  };
}
