/**
 * Reading an EventBridge `InputTemplate`: where its placeholders are and whether each one sits
 * inside a JSON string literal.
 *
 * Internal to the input-transformer renderer (not part of the public API).
 */

/** A run of template text copied to the output unchanged. */
export interface TemplateText {
  readonly kind: 'text';
  readonly text: string;
}

/** A `<name>` placeholder and the context EventBridge fills it in. */
export interface TemplatePlaceholder {
  readonly kind: 'placeholder';
  /** The name between the angle brackets. */
  readonly name: string;
  /** Offset of `<` in the template. */
  readonly offset: number;
  /** True when the placeholder is inside a JSON string literal (`"... <name> ..."`). */
  readonly inString: boolean;
  /**
   * Offset of the first character after the placeholder's context: for a placeholder inside a
   * string literal, the character after the closing quote (the template length if the literal
   * is never closed); otherwise the character after `>`.
   */
  readonly contextEnd: number;
}

export type TemplateSegment = TemplateText | TemplatePlaceholder;

/**
 * A placeholder is `<`, then one or more characters that are neither angle brackets nor
 * whitespace, then `>`. Every name EventBridge can define fits (keys match `[A-Za-z0-9_-]+`,
 * reserved names are `aws.events.*`); other angle brackets, as in `a < b`, stay literal text.
 * EventBridge does not document its own rule (the user guide only says "<" and ">" cannot be
 * escaped).
 */
const PLACEHOLDER = /<([^<>\s]+)>/y;

/**
 * Splits a template into literal text and placeholders.
 *
 * String literals are tracked as JSON defines them: `"` opens and closes one, and inside one a
 * backslash escapes the next character (so `\"` does not close it). The whole template is
 * scanned this way whether or not it is JSON, so a CDK `fromMultilineText` template (one JSON
 * string per line) and a plain-text template are read with the same rule.
 */
export function scanTemplate(template: string): TemplateSegment[] {
  const segments: TemplateSegment[] = [];
  const pending: TemplatePlaceholder[] = []; // placeholders of the string literal being read
  let text = '';
  let inString = false;
  let i = 0;
  const flushText = () => {
    if (text.length > 0) segments.push({ kind: 'text', text });
    text = '';
  };
  while (i < template.length) {
    const c = template[i];
    if (c === '<') {
      PLACEHOLDER.lastIndex = i;
      const m = PLACEHOLDER.exec(template);
      if (m) {
        flushText();
        const end = i + m[0].length;
        const placeholder = { kind: 'placeholder' as const, name: m[1], offset: i, inString, contextEnd: end };
        segments.push(placeholder);
        if (inString) pending.push(placeholder);
        i = end;
        continue;
      }
    }
    text += c;
    if (inString && c === '\\' && i + 1 < template.length) {
      text += template[i + 1];
      i += 2;
      continue;
    }
    if (c === '"') {
      if (inString) closeLiteral(segments, pending, i + 1);
      inString = !inString;
    }
    i++;
  }
  flushText();
  if (inString) closeLiteral(segments, pending, template.length);
  return segments;
}

/** Records where the string literal holding the pending placeholders ends. */
function closeLiteral(segments: TemplateSegment[], pending: TemplatePlaceholder[], end: number): void {
  for (const p of pending) {
    segments[segments.indexOf(p)] = { ...p, contextEnd: end };
  }
  pending.length = 0;
}

/** True when the first character after `offset` that is not JSON whitespace is `:`. */
export function isFollowedByColon(template: string, offset: number): boolean {
  let i = offset;
  while (i < template.length && ' \t\r\n'.includes(template[i])) i++;
  return template[i] === ':';
}
