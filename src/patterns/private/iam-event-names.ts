import { invalidInput } from '../../private/invalid-input';
import { IamOperations } from '../iam-operations';
import { parsePrincipal, PrincipalMatch } from '../iam-principal';
import { dedupeGlobs, GlobKind, ValueGlob } from '../iam-value-glob';
import { CONSOLE_LOGIN, EVENT_NAME_GLOB } from './iam-pattern-model';

/**
 * Reading what users give `IamEventPattern`: event names and globs, checked against the IAM
 * operations catalog (with did-you-mean suggestions), and principal ARNs.
 */

export function parseEventNames(names: readonly string[], method: string, rejectSignIn: boolean): ValueGlob[] {
  if (names.length === 0) {
    throw invalidInput(method, 'no event name was given.', 'give at least one event name or glob, for example "CreateUser" or "Put*Policy".');
  }
  return dedupeGlobs(names.map((name) => {
    if (typeof name !== 'string' || name === '') {
      throw invalidInput(method, 'an event name is empty.', 'give an IAM operation name such as "CreateUser" or a glob such as "Create*".');
    }
    if (/^\*+$/.test(name)) {
      throw invalidInput(method, `"${name}" alone would match every call.`,
        'use IamEventPattern.allApiCalls() for that, or give a name or glob such as "Create*".');
    }
    if (name.includes('**')) {
      throw invalidInput(method, `"${name}" has consecutive stars, which EventBridge wildcards reject.`, 'use a single "*".');
    }
    if (!EVENT_NAME_GLOB.test(name)) {
      const bad = [...name].filter((c) => !/[A-Za-z0-9*]/.test(c)).map((c) => JSON.stringify(c));
      throw invalidInput(method, `"${name}" contains ${[...new Set(bad)].join(', ')}, which never occurs in an IAM event name.`,
        'write event names with letters and digits only, and "*" as the glob (for example "Put*Policy").');
    }
    if (rejectSignIn && name.toLowerCase() === CONSOLE_LOGIN.toLowerCase()) {
      throw invalidInput(method, `"${name}" is a sign-in event (aws.signin ${CONSOLE_LOGIN}), not an IAM call.`,
        'use IamEventPattern.consoleSignIns() or withConsoleSignIn().');
    }
    return ValueGlob.parse(name);
  }));
}

/** How strictly event names are held to the catalog. */
export enum CatalogCheck {
  /** Every name must be a catalog name, every glob must match one. */
  KNOWN_OPERATIONS = 'known-operations',
  /** Only names and globs that would match catalog names but for their case are refused. */
  CASE_ONLY = 'case-only',
}

/** How many "did you mean" names an error offers. */
const MAX_SUGGESTIONS = 3;

/**
 * Throws for a name or glob that matches no catalog name but would if compared without case
 * (EventBridge compares case-sensitively, so it would match nothing), and, with
 * `KNOWN_OPERATIONS`, for any name or glob that matches no catalog name at all.
 */
export function checkAgainstCatalog(globs: readonly ValueGlob[], method: string, catalog: readonly string[], check: CatalogCheck): void {
  const hatch = 'for an operation AWS added after the catalog was generated, use IamEventPattern.eventNamesNotInCatalog().';
  const source = `the IAM operations catalog (IamOperations, from ${IamOperations.OPERATIONS_SOURCE} ${IamOperations.OPERATIONS_SOURCE_VERSION})`;
  for (const glob of globs) {
    if (catalog.some((name) => glob.matches(name))) continue;
    const caseFixes = caseCorrections(glob, catalog);
    if (caseFixes.length > 0) {
      const problem = glob.kind === GlobKind.EXACT ? 'is not an event name CloudTrail records' : 'matches no event name CloudTrail records';
      throw invalidInput(method, `"${glob.text}" ${problem}: event names are case-sensitive.`, `correct the case: did you mean ${listAlternatives(caseFixes)}?`);
    }
    if (check === CatalogCheck.CASE_ONLY) continue;
    if (glob.kind !== GlobKind.EXACT) {
      throw invalidInput(method, `"${glob.text}" matches no operation of ${source}, so it would never match an event.`,
        `check the spelling; ${hatch}`);
    }
    const suggestions = closestNames(glob.text, catalog);
    const similar = suggestions.length > 0 ? '.' : ', and no operation there has a similar name.';
    const hint = suggestions.length > 0 ? `did you mean ${listAlternatives(suggestions)}?` : 'check the spelling.';
    throw invalidInput(method, `"${glob.text}" is not an operation of ${source}${similar}`,
      `${hint} Permission-only actions such as PassRole have no CloudTrail event; ${hatch}`);
  }
}

/** The globs, spelt with the catalog's case, that `glob` would be if its case were right. */
function caseCorrections(glob: ValueGlob, catalog: readonly string[]): string[] {
  // The parts are letters and digits (parseEventNames checked them): nothing to escape.
  const insensitive = new RegExp(`^${glob.text.split('*').map((part) => `(${part})`).join('.*')}$`, 'i');
  const fixes: string[] = [];
  for (const name of catalog) {
    const match = insensitive.exec(name);
    if (match === null) continue;
    const fixed = match.slice(1).join('*');
    if (!fixes.includes(fixed)) fixes.push(fixed);
    if (fixes.length === MAX_SUGGESTIONS) break;
  }
  return fixes;
}

/** Up to three catalog names nearest to `name` by edit distance (ignoring case), nearest first; only reasonably near ones. */
function closestNames(name: string, catalog: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return catalog
    .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance || (a.candidate < b.candidate ? -1 : a.candidate > b.candidate ? 1 : 0))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** `A`, `A or B`, `A, B or C`. */
function listAlternatives(items: readonly string[]): string {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

export function parsePrincipals(arns: readonly string[], method: string): PrincipalMatch[] {
  if (arns.length === 0) {
    throw invalidInput(method, 'no principal ARN was given.', 'give at least one principal ARN, for example arn:aws:iam::111122223333:role/Deploy.');
  }
  const distinct = [...new Set(arns)];
  return distinct.map((arn) => parsePrincipal(arn, method));
}

export function iamOperationNames(): string[] {
  return IamOperations.all().map((op) => op.name);
}
