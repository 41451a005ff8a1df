/**
 * The JSON path dialect of EventBridge's `InputPathsMap` values: parsing and evaluation.
 *
 * Internal to the input-transformer renderer (not part of the public API).
 *
 * Grammar accepted (Amazon EventBridge User Guide, "Amazon EventBridge input transformation",
 * note on supported JSON path syntax: "dot notation, dashes, underscores, alphanumeric
 * characters, array indices, wildcards (*), forward slashes"; EventBridge API Reference,
 * "InputTransformer": "You must use JSON dot notation, not bracket notation", value at most 256
 * characters):
 *
 *   path     := '$' segment*
 *   segment  := '.' name | '.*' | '[' digits ']' | '[*]'
 *   name     := one or more of A-Z a-z 0-9 _ - /
 *
 * Bracketed member names (`$['detail']`), deep scan (`$..x`), filters and slices are outside the
 * documented subset and are rejected.
 */

/** Longest `InputPathsMap` value the EventBridge API accepts (API Reference, `TargetInputPath`). */
export const MAX_INPUT_PATH_LENGTH = 256;

/** One step of a parsed path. */
export type PathSegment =
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/** Outcome of parsing a path: the segments, or why the text is not a path EventBridge accepts. */
export type ParsedPath =
  | { readonly ok: true; readonly segments: readonly PathSegment[] }
  | { readonly ok: false; readonly reason: string };

/** What a path selects in an event. `found: false` means the path does not exist in it. */
export interface PathResult {
  readonly found: boolean;
  readonly value?: unknown;
}

const NAME_CHAR = /[A-Za-z0-9_\-/]/;

/** Parses an `InputPathsMap` value; never throws. */
export function parseInputPath(path: string): ParsedPath {
  if (path.length === 0) {
    return { ok: false, reason: 'the path is empty; start it with "$", e.g. "$.detail.eventName"' };
  }
  if (path.length > MAX_INPUT_PATH_LENGTH) {
    return { ok: false, reason: `the path is ${path.length} characters long; EventBridge accepts at most ${MAX_INPUT_PATH_LENGTH}` };
  }
  if (path[0] !== '$') {
    return { ok: false, reason: 'a path must start with "$" (the whole event), e.g. "$.detail.eventName"' };
  }
  const segments: PathSegment[] = [];
  let i = 1;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      if (path[i + 1] === '.') {
        return { ok: false, reason: `deep scan ".." at position ${i} is not supported; write each step, e.g. "$.detail.userIdentity.arn"` };
      }
      if (path[i + 1] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 2;
        continue;
      }
      let j = i + 1;
      while (j < path.length && NAME_CHAR.test(path[j])) j++;
      if (j === i + 1) {
        const found = i + 1 < path.length ? `"${path[i + 1]}"` : 'the end of the path';
        return { ok: false, reason: `expected a field name after "." at position ${i}, found ${found}; field names may use letters, digits, "_", "-" and "/"` };
      }
      segments.push({ kind: 'member', name: path.slice(i + 1, j) });
      i = j;
    } else if (c === '[') {
      const close = path.indexOf(']', i);
      if (close < 0) {
        return { ok: false, reason: `"[" at position ${i} is never closed; write array elements as "[0]" or "[*]"` };
      }
      const inner = path.slice(i + 1, close);
      if (inner === '*') {
        segments.push({ kind: 'wildcard' });
      } else if (/^[0-9]+$/.test(inner)) {
        segments.push({ kind: 'index', index: Number(inner) });
      } else {
        return { ok: false, reason: `"[${inner}]" at position ${i} is not an array index; use dot notation for fields ("$.detail.name") and brackets only for indexes ("[0]") or "[*]"` };
      }
      i = close + 1;
    } else {
      return { ok: false, reason: `unexpected "${c}" at position ${i}; fields are written ".name" and array elements "[0]"` };
    }
  }
  return { ok: true, segments };
}

/**
 * Evaluates a parsed path against an event.
 *
 * A definite path (no wildcard) selects one value or nothing. A path with a wildcard selects a
 * list of every match (possibly empty), as JSON path libraries such as Jayway's do for
 * "indefinite" paths; EventBridge does not document this case.
 */
export function evaluateInputPath(segments: readonly PathSegment[], event: unknown): PathResult {
  let matches: unknown[] = [event];
  let definite = true;
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const node of matches) {
      switch (segment.kind) {
        case 'member':
          if (isObject(node) && Object.prototype.hasOwnProperty.call(node, segment.name)) {
            next.push(node[segment.name]);
          }
          break;
        case 'index':
          if (Array.isArray(node) && segment.index < node.length) {
            next.push(node[segment.index]);
          }
          break;
        case 'wildcard':
          definite = false;
          if (Array.isArray(node)) next.push(...node);
          else if (isObject(node)) next.push(...Object.values(node));
          break;
      }
    }
    matches = next;
  }
  if (!definite) return { found: true, value: matches };
  return matches.length === 0 ? { found: false } : { found: true, value: matches[0] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
