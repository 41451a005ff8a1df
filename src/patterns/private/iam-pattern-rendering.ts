import { Token } from 'aws-cdk-lib';
import { invalidInput, invalidInputFindings } from '../../private/invalid-input';
import { EventPatternMatcher } from '../engine/event-pattern-matcher';
import { DEFAULT_MAX_PATTERN_LENGTH as MAX_PATTERN_LENGTH } from '../engine/pattern-check';
import { IamOperations } from '../iam-operations';
import { PrincipalMatch } from '../iam-principal';
import { anythingButMatcher, compressExactGlobs, dedupeGlobs, FieldMatcher, GlobKind, subtractGlobs, ValueGlob } from '../iam-value-glob';
import { iamOperationNames } from './iam-event-names';
import { Branch, BranchKind, EffectiveNames, Json, JsonObject, Outcome, PatternState, PrincipalMode, READ_ONLY_NAME, READ_ONLY_VERBS, ReadOnlyReach, Rendered } from './iam-pattern-model';

/**
 * Rendering an `IamEventPattern`'s state into EventBridge pattern JSON: branches, exclusions,
 * principals, outcomes, compression to fit the 2,048-character quota, and the description.
 */

function effectiveNames(branch: Branch, excluded: readonly ValueGlob[]): EffectiveNames {
  if (branch.eventNames === undefined) {
    return { any: true, globs: excluded };
  }
  if (excluded.length === 0) return { any: false, globs: branch.eventNames };
  const catalog = branch.readOnlyReach === ReadOnlyReach.IAM_CATALOG ? iamOperationNames() : [];
  return { any: false, globs: subtractGlobs(branch.eventNames, excluded, catalog) };
}

export function canMatchReadOnly(branch: Branch, names: EffectiveNames): boolean {
  if (branch.mutatingOnly) return false;
  switch (branch.readOnlyReach) {
    case ReadOnlyReach.ANY_SERVICE: return true;
    case ReadOnlyReach.NONE: return false;
    case ReadOnlyReach.IAM_CATALOG: {
      const matches = (name: string) => (names.any
        ? !names.globs.some((x) => x.matches(name))
        : names.globs.some((g) => g.matches(name)));
      if (IamOperations.readOnly().some((op) => matches(op.name))) return true;
      // Names outside the catalog (eventNamesNotInCatalog) follow the catalog's rule for
      // operations the reference does not list yet: Get, List and Describe names read.
      return !names.any && names.globs.some((g) => mayNameUncataloguedReadOnlyCall(g));
    }
  }
}

/** Whether a glob that matches no catalog operation could match a read-only operation AWS adds later. */
function mayNameUncataloguedReadOnlyCall(glob: ValueGlob): boolean {
  if (iamOperationNames().some((name) => glob.matches(name))) return false;
  const head = glob.text.split('*')[0];
  if (READ_ONLY_NAME.test(head)) return true;
  // A glob's star may still supply the rest of a verb and the capital after it ("Ge*", "Get*").
  return glob.kind !== GlobKind.EXACT && READ_ONLY_VERBS.some((verb) => verb.startsWith(head));
}

function outcomeConditions(kind: BranchKind, outcome: Outcome): JsonObject {
  if (kind === BranchKind.API) {
    return { errorCode: [{ exists: outcome === Outcome.FAILED }] };
  }
  return {
    responseElements: {
      ConsoleLogin: outcome === Outcome.FAILED ? ['Failure'] : [{ exists: false }, { 'anything-but': 'Failure' }],
    },
  };
}

function principalConditions(mode: PrincipalMode, principals: readonly PrincipalMatch[]): JsonObject {
  const identity = dedupeGlobs(principals.flatMap((p) => p.identityArn));
  const issuer = dedupeGlobs(principals.flatMap((p) => p.sessionIssuerArn));
  const issuerPath = (matchers: FieldMatcher[]): JsonObject => ({ sessionContext: { sessionIssuer: { arn: matchers as Json[] } } });
  if (mode === PrincipalMode.EXCEPT) {
    // anything-but needs the field to exist: events without it (AWS service calls, IAM users
    // who have no session issuer) must still match.
    const userIdentity: JsonObject = {};
    if (identity.length > 0) userIdentity.arn = [{ exists: false }, anythingButMatcher(identity) as Json];
    if (issuer.length > 0) Object.assign(userIdentity, issuerPath([{ exists: false }, anythingButMatcher(issuer)]));
    return { userIdentity };
  }
  const byIdentity: JsonObject = { arn: identity.map((g) => g.toMatcher()) as Json[] };
  const byIssuer = issuerPath(issuer.map((g) => g.toMatcher()));
  if (issuer.length === 0) return { userIdentity: byIdentity };
  if (identity.length === 0) return { userIdentity: byIssuer };
  return { userIdentity: { $or: [byIdentity, byIssuer] } };
}

function renderBranch(branch: Branch, names: EffectiveNames, outcome: Outcome | undefined, compress: boolean): JsonObject {
  const clause: JsonObject = {};
  if (branch.eventSource !== undefined) clause.eventSource = [branch.eventSource];
  if (branch.eventTypes !== undefined) clause.eventType = [...branch.eventTypes];
  if (names.any) {
    if (names.globs.length > 0) clause.eventName = [anythingButMatcher(names.globs) as Json];
  } else {
    // Compressing an allow list into catalog-proven prefixes keeps its meaning over the catalog
    // and only widens it for operations AWS adds later; a deny list is never compressed, since
    // widening it would silently drop future operations.
    const globs = compress && branch.readOnlyReach === ReadOnlyReach.IAM_CATALOG
      ? compressExactGlobs(names.globs, [], iamOperationNames())
      : names.globs;
    clause.eventName = globs.map((g) => g.toMatcher()) as Json[];
  }
  mergeInto(clause, copyJson(branch.conditions));
  const effectiveOutcome = branch.outcome ?? outcome;
  if (effectiveOutcome !== undefined) mergeInto(clause, outcomeConditions(branch.kind, effectiveOutcome));
  if (branch.mutatingOnly) clause.readOnly = [false];
  return clause;
}

export function render(state: PatternState, compress: boolean): Rendered {
  const survivors = state.branches
    .map((branch) => ({ branch, names: effectiveNames(branch, state.excludedNames) }))
    .filter(({ names }) => names.any || names.globs.length > 0);
  const clauses: JsonObject[] = [];
  const kept: Array<{ branch: Branch; names: EffectiveNames }> = [];
  for (const survivor of survivors) {
    const clause = renderBranch(survivor.branch, survivor.names, state.outcome, compress);
    if (clauses.some((c) => JSON.stringify(c) === JSON.stringify(clause))) continue;
    clauses.push(clause);
    kept.push(survivor);
  }
  const pattern: JsonObject = {};
  if (kept.length > 0 && kept.every(({ branch }) => branch.sources !== undefined)) {
    pattern.source = unique(kept.flatMap(({ branch }) => branch.sources!));
  }
  pattern['detail-type'] = unique(kept.flatMap(({ branch }) => branch.detailTypes));
  if (state.accounts !== undefined) pattern.account = [...state.accounts];
  const common = state.principalMode !== undefined ? principalConditions(state.principalMode, state.principals) : {};
  if (clauses.length === 1) {
    pattern.detail = mergeInto(clauses[0], common);
  } else {
    pattern.detail = { $or: clauses, ...common };
  }
  return { pattern, text: JSON.stringify(pattern), branches: kept };
}

/** @param method the factory or refinement that made the pattern, named in errors */
export function renderWithinQuota(state: PatternState, description: string, method: string): Rendered {
  let rendered = render(state, false);
  if (rendered.branches.length === 0) {
    throw invalidInput(method, `the pattern '${description}' matches nothing: the excluded event names `
      + `${state.excludedNames.map((g) => g.text).join(', ')} remove every name it matched.`, 'exclude fewer names.');
  }
  if (rendered.text.length > MAX_PATTERN_LENGTH) {
    rendered = render(state, true);
  }
  if (rendered.text.length > MAX_PATTERN_LENGTH) {
    throw invalidInput(method, `the pattern '${description}' is ${rendered.text.length} characters long, more than EventBridge's default `
      + `event pattern quota of ${MAX_PATTERN_LENGTH} characters, even with its event names compressed into prefixes.`,
    'give fewer event names, principals or accounts (a glob such as "arn:aws:iam::*:role/cdk-*" can stand for many ARNs), '
      + 'or split it into several patterns.');
  }
  const check = EventPatternMatcher.check(rendered.text, { maxPatternLength: MAX_PATTERN_LENGTH });
  if (!check.valid) {
    // The engine's findings already say what is wrong, where, and the fix, in event-ruler's words.
    throw invalidInputFindings(method, `the pattern '${description}' is not a valid EventBridge pattern: `, check.errors);
  }
  return rendered;
}

export function describe(state: PatternState): string {
  let text = state.baseDescription;
  if (state.withConsoleSignIn) text += ' and console sign-ins';
  if (state.excludedNames.length > 0) text += `, except ${listForHumans(state.excludedNames.map((g) => g.text))}`;
  if (state.principalMode !== undefined) {
    const names = state.principals.map((p) => (p.isToken ? '<principal given at deployment>' : p.text));
    text += state.principalMode === PrincipalMode.ONLY ? `, by ${listForHumans(names)}` : `, not by ${listForHumans(names)}`;
  }
  if (state.accounts !== undefined) {
    const ids = state.accounts.map((a) => (Token.isUnresolved(a) ? '<account given at deployment>' : a));
    text += `, in account${ids.length > 1 ? 's' : ''} ${listForHumans(ids)}`;
  }
  if (state.outcome !== undefined) text += `, ${state.outcome} calls only`;
  if (state.mutatingOnly) text += ', changes only';
  return text;
}

export function listForHumans(items: readonly string[]): string {
  if (items.length <= 3) return items.join(', ');
  return `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

export function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/** Deep-merges `extra` into `target` (nested objects merge, leaves must not collide) and returns `target`. */
function mergeInto(target: JsonObject, extra: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(extra)) {
    const existing = target[key];
    if (existing === undefined) {
      target[key] = value;
    } else if (isObject(existing) && isObject(value)) {
      mergeInto(existing, value);
    } else {
      throw new Error(`internal: two conditions on detail field ${key}`);
    }
  }
  return target;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function copyJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
