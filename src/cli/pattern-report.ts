import { PatternChoice } from './pattern-source';
import { Palette } from './terminal';
import { EventPatternMatcher } from '../patterns/engine/event-pattern-matcher';
import { DEFAULT_MAX_PATTERN_LENGTH } from '../patterns/engine/pattern-check';
import { IamOperations } from '../patterns/iam-operations';
import { PatternExplanation } from '../patterns/pattern-explanation';

/** EventBridge's default quota for an event pattern, in characters. */
export { DEFAULT_MAX_PATTERN_LENGTH };

/** Which IAM operations a pattern matches (PatternExplanation, as data). */
export interface ExplanationData {
  readonly matched: string[];
  readonly matchedMutating: string[];
  readonly matchedReadOnly: string[];
  readonly missedMutating: string[];
  readonly conditionalOn: string[];
  readonly unknownEventNames: string[];
  readonly catalogSize: number;
}

/** The engine's check of a pattern, and its explanation when valid. */
export interface PatternReport {
  readonly name: string;
  readonly pattern: string;
  readonly valid: boolean;
  readonly errors: string[];
  readonly warnings: string[];
  readonly length: number;
  readonly maxLength: number;
  readonly explanation?: ExplanationData;
  /** The explanation as text (PatternExplanation.toText()). */
  readonly explanationText?: string;
}

/** Checks a pattern with the engine and, when valid, explains it against the IAM operations catalog. */
export function analysePattern(choice: PatternChoice, maxLength = DEFAULT_MAX_PATTERN_LENGTH): PatternReport {
  const check = EventPatternMatcher.check(choice.json, { maxPatternLength: maxLength });
  const base = {
    name: choice.name,
    pattern: choice.json,
    valid: check.valid,
    errors: check.errors,
    warnings: check.warnings,
    length: choice.json.length,
    maxLength,
  };
  if (!check.valid) return base;
  const explanation = PatternExplanation.explain(choice.json);
  return {
    ...base,
    explanation: {
      matched: explanation.matched,
      matchedMutating: explanation.matchedMutating,
      matchedReadOnly: explanation.matchedReadOnly,
      missedMutating: explanation.missedMutating,
      conditionalOn: explanation.conditionalOn,
      unknownEventNames: explanation.unknownEventNames,
      catalogSize: IamOperations.all().length,
    },
    explanationText: explanation.toText(),
  };
}

/** `lint` output: errors and warnings, then a one-paragraph summary of what the pattern matches and misses. */
export function lintText(report: PatternReport, c: Palette): string {
  const lines = [c.bold(report.name)];
  lines.push(...checkLines(report, c));
  const e = report.explanation;
  if (e) {
    lines.push(`  Matches ${e.matched.length} of ${e.catalogSize} IAM API operations: ${e.matchedMutating.length} mutating, ${e.matchedReadOnly.length} read-only.`);
    if (e.matchedReadOnly.length > 0) {
      lines.push('  Read-only operations reach a rule only with State ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS.');
    }
    if (e.matchedMutating.length > 0 && e.missedMutating.length > 0) {
      const shown = e.missedMutating.slice(0, 12).join(', ');
      lines.push(`  Misses ${e.missedMutating.length} mutating operations: ${shown}${e.missedMutating.length > 12 ? ', …' : ''} (explain lists them all).`);
    }
    if (e.conditionalOn.length > 0) lines.push(`  Matches only for calls whose ${e.conditionalOn.join(', ')} also fit.`);
    if (e.unknownEventNames.length > 0) lines.push(c.yellow(`  Event names that are no IAM API operation: ${e.unknownEventNames.join(', ')}.`));
  }
  return lines.join('\n') + '\n';
}

/** `explain` output: the check, then the full explanation. */
export function explainText(report: PatternReport, c: Palette): string {
  const lines = [c.bold(report.name), ...checkLines(report, c)];
  if (report.explanationText !== undefined) {
    lines.push('', ...report.explanationText.trimEnd().split('\n'));
  }
  return lines.join('\n') + '\n';
}

/** The report as JSON data (the `--json` output of lint and explain). */
export function reportJson(report: PatternReport): object {
  // The text repeats the data; JSON.stringify leaves undefined fields out.
  return { ...report, explanationText: undefined };
}

function checkLines(report: PatternReport, c: Palette): string[] {
  const lines: string[] = [];
  if (report.valid) {
    lines.push(c.green(`  Valid EventBridge pattern (${report.length} of ${report.maxLength} characters).`));
  } else {
    lines.push(c.red(`  EventBridge would reject this pattern (${report.errors.length} error${report.errors.length === 1 ? '' : 's'}):`));
    for (const error of report.errors) lines.push(...indent(error, '    ', c.red('✗ ')));
  }
  for (const warning of report.warnings) lines.push(...indent(warning, '    ', c.yellow('! ')));
  return lines;
}

function indent(text: string, prefix: string, mark: string): string[] {
  return text.split('\n').map((line, i) => `${prefix}${i === 0 ? mark : '  '}${line}`);
}
