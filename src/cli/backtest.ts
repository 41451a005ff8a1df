import { isJsonObject, isReadOnlyManagementEvent, JsonObject, principalOf } from './cloudtrail-envelope';
import { LogFile, LogFileSet } from './log-files';
import { readEventFile, ReadOptions } from './log-reader';
import { MatchMemo } from './match-memo';
import { PatternChoice } from './pattern-source';
import { EventPatternMatcher } from '../patterns/engine/event-pattern-matcher';

/** A name and its count. */
export interface Count {
  readonly key: string;
  readonly count: number;
}

/** A principal that causes a large share of a rule's alerts. */
export interface NoisyPrincipal {
  readonly principal: string;
  readonly alerts: number;
  /** Share of the rule's alerts, 0 to 1. */
  readonly share: number;
}

/** What excluding the noisy principals would do. */
export interface SuggestedExclusion {
  /** Code to paste: the preset refined with `exceptPrincipals`. */
  readonly refinement: string;
  readonly principals: string[];
  /** Alerts the exclusion removes from this backtest. */
  readonly alertsRemoved: number;
}

/** The backtest of one rule. */
export interface RuleBacktest {
  readonly name: string;
  readonly pattern: string;
  readonly alerts: number;
  /**
   * Alerts for read-only management events: a rule receives them only with State
   * `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`; with `ENABLED` these never arrive.
   */
  readonly readOnlyAlerts: number;
  /** By `detail.eventName`, most first. */
  readonly byEventName: Count[];
  /** By principal (a role session counts as its role), most first. */
  readonly byPrincipal: Count[];
  /** By day (`YYYY-MM-DD` of the event time, UTC), in date order. */
  readonly daily: Count[];
  readonly noisyPrincipals: NoisyPrincipal[];
  readonly suggestedExclusion?: SuggestedExclusion;
  /** Principals among the noisiest that are not suggested for exclusion, and why. */
  readonly notSuggested: string[];
}

/** A file that could not be used, or entries of a file that were skipped. */
export interface InputProblem {
  readonly file: string;
  /** Why the whole file was skipped. */
  readonly error?: string;
  readonly skippedEntries: number;
  /** The first few skipped entries, with their line or position. */
  readonly entryProblems: string[];
}

/** Totals of what was read. */
export interface BacktestTotals {
  readonly filesRead: number;
  readonly filesSkipped: number;
  /** Files under CloudTrail-Digest or CloudTrail-Insight folders, left out on purpose. */
  readonly nonActivityFiles: number;
  /** Files in the directories whose names are not JSON, left out. */
  readonly otherFiles: number;
  readonly recordsRead: number;
  /** Entries that were not records, JSON lines that did not parse, and records of files that were skipped. */
  readonly recordsSkipped: number;
  /** First and last day of the events read. */
  readonly firstDay?: string;
  readonly lastDay?: string;
}

/** The result of a backtest. */
export interface BacktestResult {
  readonly totals: BacktestTotals;
  readonly problems: InputProblem[];
  readonly rules: RuleBacktest[];
}

/** Options for a backtest. */
export interface BacktestOptions {
  /** A principal is noisy when it causes at least this share of a rule's alerts (0 to 1). @default 0.1 */
  readonly noisyShare?: number;
  /** At most this many noisy principals per rule. @default 5 */
  readonly maxNoisy?: number;
  /** Whether to remember answers for events that agree on every field the patterns name (see MatchMemo). @default true */
  readonly memo?: boolean;
}

const UNKNOWN_DAY = 'unknown';
const DAY = /^\d{4}-\d{2}-\d{2}/;

/** Counts of one rule. */
class RuleTally {
  public alerts = 0;
  public readOnly = 0;
  public readonly byEventName = new Map<string, number>();
  public readonly byPrincipal = new Map<string, number>();
  public readonly byDay = new Map<string, number>();
}

/** Which rules an event matched (one object per distinct set, shared by the events that match it). */
interface Answer {
  readonly rules: readonly number[];
}

/** A count that is raised in place (one Map lookup per event instead of a lookup and a store). */
interface Counter {
  n: number;
}

/** Counts of the current file's events that matched one set of rules. */
class StagedCounts {
  public alerts = 0;
  public readOnly = 0;
  public readonly byEventName = new Map<string, Counter>();
  public readonly byPrincipal = new Map<string, Counter>();
  public readonly byDay = new Map<string, Counter>();
}

const NO_MATCH: Answer = { rules: [] };

/**
 * Runs rules over events, counting what each rule would alert on. Events come file by file:
 * matches of a file are staged, then committed when the file was read to the end, or dropped
 * when it turned out bad, so that a skipped file counts for nothing. Memory holds the counts
 * (bounded by the number of distinct event names, principals and days) and one file's matches.
 */
export class Backtest {
  private readonly matchers: EventPatternMatcher[];
  private readonly tallies: RuleTally[];
  private readonly index: RulesBySource;
  private readonly memo: MatchMemo<Answer> | undefined;
  /** One Answer per distinct set of matched rules, by the rule list (`0,3,`). */
  private readonly answers = new Map<string, Answer>();
  /** The current file's counts, by the set of rules matched. */
  private readonly staged = new Map<Answer, StagedCounts>();
  private stagedEvents = 0;
  private recordsRead = 0;
  private recordsSkipped = 0;
  private filesRead = 0;
  private filesSkipped = 0;
  private readonly problems: InputProblem[] = [];
  private firstDay: string | undefined;
  private lastDay: string | undefined;
  /** The day of the previous event: consecutive events mostly share it, and reusing the string spares a copy. */
  private previousDay = UNKNOWN_DAY;

  /**
   * @param rules the patterns to run (each must be a valid pattern)
   * @throws when a pattern is invalid (the engine's message)
   */
  constructor(private readonly rules: readonly PatternChoice[], private readonly options: BacktestOptions = {}) {
    this.matchers = rules.map((r) => EventPatternMatcher.fromJson(r.json));
    this.tallies = rules.map(() => new RuleTally());
    this.index = new RulesBySource(rules.map((r) => r.json));
    this.memo = options.memo === false ? undefined : MatchMemo.forPatterns<Answer>(rules.map((r) => r.json));
  }

  /** Events read so far, including those of the file being read. */
  public get eventsRead(): number {
    return this.recordsRead + this.stagedEvents;
  }

  /** Matches one event against every rule (staged until `commitFile`). */
  public add(event: JsonObject): void {
    this.stagedEvents++;
    const detail = isJsonObject(event.detail) ? event.detail : undefined;
    // The day of the call: CloudTrail's eventTime (the envelope's time is when EventBridge got it).
    const day = this.dayOf(detail !== undefined && typeof detail.eventTime === 'string' ? detail.eventTime : event.time);
    let answer = this.memo?.lookup(event);
    if (answer === undefined) {
      answer = this.match(event);
      this.memo?.remember(answer);
    }
    if (answer === NO_MATCH) return;
    let counts = this.staged.get(answer);
    if (counts === undefined) {
      counts = new StagedCounts();
      this.staged.set(answer, counts);
    }
    counts.alerts++;
    if (isReadOnlyManagementEvent(event)) counts.readOnly++;
    countOne(counts.byEventName, detail !== undefined && typeof detail.eventName === 'string' ? detail.eventName : String(event['detail-type']));
    countOne(counts.byPrincipal, detail !== undefined ? principalOf(detail) : '(no detail)');
    countOne(counts.byDay, day);
  }

  /** Counts the staged matches of a file that was read to the end. */
  public commitFile(skippedEntries = 0): void {
    for (const [answer, counts] of this.staged) {
      for (const r of answer.rules) {
        const t = this.tallies[r];
        t.alerts += counts.alerts;
        t.readOnly += counts.readOnly;
        for (const [k, c] of counts.byEventName) increment(t.byEventName, k, c.n);
        for (const [k, c] of counts.byPrincipal) increment(t.byPrincipal, k, c.n);
        for (const [k, c] of counts.byDay) increment(t.byDay, k, c.n);
      }
    }
    this.filesRead++;
    this.recordsRead += this.stagedEvents;
    this.recordsSkipped += skippedEntries;
    this.clearStaged();
  }

  /** Drops the staged matches of a file that turned out bad. */
  public discardFile(skippedEntries = 0): void {
    this.filesSkipped++;
    this.recordsSkipped += this.stagedEvents + skippedEntries;
    this.clearStaged();
  }

  /** Reads one file into the backtest, committing or discarding it. */
  public async readFile(file: LogFile, options: ReadOptions = {}): Promise<void> {
    const result = await readEventFile(file.path, (event) => this.add(event), options);
    if (result.error !== undefined) {
      this.discardFile(result.skippedEntries);
      this.problems.push({ file: file.path, error: result.error, skippedEntries: result.skippedEntries, entryProblems: result.entryProblems });
      return;
    }
    this.commitFile(result.skippedEntries);
    if (result.skippedEntries > 0) {
      this.problems.push({ file: file.path, skippedEntries: result.skippedEntries, entryProblems: result.entryProblems });
    }
  }

  /** Reads every file of the set, in order. */
  public async readAll(set: LogFileSet, options: ReadOptions = {}): Promise<BacktestResult> {
    for (const file of set.files) await this.readFile(file, options);
    return this.result(set);
  }

  /** The result so far. */
  public result(set?: Pick<LogFileSet, 'nonActivityFiles' | 'otherFiles'>): BacktestResult {
    return {
      totals: {
        filesRead: this.filesRead,
        filesSkipped: this.filesSkipped,
        nonActivityFiles: set?.nonActivityFiles ?? 0,
        otherFiles: set?.otherFiles ?? 0,
        recordsRead: this.recordsRead,
        recordsSkipped: this.recordsSkipped,
        ...(this.firstDay !== undefined ? { firstDay: this.firstDay, lastDay: this.lastDay } : {}),
      },
      problems: this.problems,
      rules: this.rules.map((rule, i) => this.ruleResult(rule, this.tallies[i])),
    };
  }

  /** The rules that match the event, asked directly (those that can match its source). */
  private match(event: JsonObject): Answer {
    let matched = '';
    const candidates = this.index.rulesFor(event);
    for (let i = 0; i < candidates.length; i++) {
      if (this.matchers[candidates[i]].matchesEvent(event)) matched += `${candidates[i]},`;
    }
    if (matched === '') return NO_MATCH;
    let answer = this.answers.get(matched);
    if (answer === undefined) {
      answer = { rules: matched.slice(0, -1).split(',').map(Number) };
      this.answers.set(matched, answer);
    }
    return answer;
  }

  /** `YYYY-MM-DD` of an ISO time, or `unknown`; notes the first and last day seen. */
  private dayOf(time: unknown): string {
    if (typeof time !== 'string') return UNKNOWN_DAY;
    // previousDay is a valid day or 'unknown', which no time starts with.
    if (time.startsWith(this.previousDay)) return this.previousDay;
    if (!DAY.test(time)) return UNKNOWN_DAY;
    const day = time.slice(0, 10);
    this.previousDay = day;
    if (this.firstDay === undefined || day < this.firstDay) this.firstDay = day;
    if (this.lastDay === undefined || day > this.lastDay) this.lastDay = day;
    return day;
  }

  private clearStaged(): void {
    this.staged.clear();
    this.stagedEvents = 0;
  }

  private ruleResult(rule: PatternChoice, tally: RuleTally): RuleBacktest {
    const byPrincipal = sortedCounts(tally.byPrincipal);
    const share = this.options.noisyShare ?? 0.1;
    const maxNoisy = this.options.maxNoisy ?? 5;
    const noisyPrincipals = byPrincipal
      .filter((c) => tally.alerts > 0 && c.count >= 2 && c.count / tally.alerts >= share)
      .slice(0, maxNoisy)
      .map((c) => ({ principal: c.key, alerts: c.count, share: c.count / tally.alerts }));
    const { suggestion, notSuggested } = suggestExclusion(rule, noisyPrincipals);
    return {
      name: rule.name,
      pattern: rule.json,
      alerts: tally.alerts,
      readOnlyAlerts: tally.readOnly,
      byEventName: sortedCounts(tally.byEventName),
      byPrincipal,
      daily: [...tally.byDay].map(([key, count]) => ({ key, count })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
      noisyPrincipals,
      ...(suggestion !== undefined ? { suggestedExclusion: suggestion } : {}),
      notSuggested,
    };
  }
}

/**
 * The `exceptPrincipals` refinement that drops the noisy principals, for presets. Never the root
 * user (its activity is what a security team most needs to see), nor identities without an IAM
 * ARN (AWS services), nor ARNs `exceptPrincipals` does not take.
 */
function suggestExclusion(rule: PatternChoice, noisy: readonly NoisyPrincipal[]): { suggestion?: SuggestedExclusion; notSuggested: string[] } {
  const notSuggested: string[] = [];
  const candidates: NoisyPrincipal[] = [];
  for (const n of noisy) {
    if (/:root$/.test(n.principal)) {
      notSuggested.push(`${n.principal}: the root user; keep alerting on it`);
    } else if (!n.principal.startsWith('arn:')) {
      notSuggested.push(`${n.principal}: not an IAM principal ARN`);
    } else {
      candidates.push(n);
    }
  }
  if (candidates.length === 0) return { notSuggested };
  const accepted: NoisyPrincipal[] = [];
  if (rule.preset !== undefined) {
    for (const c of candidates) {
      try {
        rule.preset.exceptPrincipals(c.principal);
        accepted.push(c);
      } catch (e) {
        notSuggested.push(`${c.principal}: ${(e as Error).message}`);
      }
    }
  } else {
    accepted.push(...candidates);
  }
  if (accepted.length === 0) return { notSuggested };
  const principals = accepted.map((a) => a.principal);
  const args = [...(rule.exceptPrincipals ?? []), ...principals].map((p) => `'${p}'`).join(', ');
  const base = rule.presetName !== undefined ? `IamEventPattern.${rule.presetName}()` : 'IamEventPattern.<preset>()';
  return {
    suggestion: {
      refinement: `${base}.exceptPrincipals(${args})`,
      principals,
      alertsRemoved: accepted.reduce((sum, a) => sum + a.alerts, 0),
    },
    notSuggested,
  };
}

function countOne(map: Map<string, Counter>, key: string): void {
  const counter = map.get(key);
  if (counter !== undefined) counter.n++;
  else map.set(key, { n: 1 });
}

function increment(map: Map<string, number>, key: string, count: number): void {
  map.set(key, (map.get(key) ?? 0) + count);
}

/**
 * Which rules can match an event, by the event's `source`: a rule whose pattern lists exact
 * `source` values (at the top, or in every branch of a top-level `$or`) cannot match an event
 * whose `source` is another string, so it is not asked. Rules without such a list are asked
 * about every event, and every rule about an event whose `source` is not a string. Logs hold
 * events of every service; most IAM rules then skip most events at the cost of one map lookup.
 */
class RulesBySource {
  private readonly bySource = new Map<string, number[]>();
  private readonly anySource: number[] = [];
  private readonly all: number[];

  constructor(patterns: readonly string[]) {
    const sources = patterns.map((json) => requiredSources(JSON.parse(json)));
    this.all = patterns.map((_, i) => i);
    sources.forEach((set, i) => { if (set === undefined) this.anySource.push(i); });
    const known = new Set(sources.flatMap((set) => (set === undefined ? [] : [...set])));
    for (const source of known) {
      this.bySource.set(source, this.all.filter((i) => sources[i] === undefined || sources[i]!.has(source)));
    }
  }

  public rulesFor(event: JsonObject): readonly number[] {
    const source = event.source;
    if (typeof source !== 'string') return this.all;
    return this.bySource.get(source) ?? this.anySource;
  }
}

/** The exact `source` values a pattern requires, or undefined when it accepts others too. */
function requiredSources(pattern: unknown): Set<string> | undefined {
  if (!isJsonObject(pattern)) return undefined;
  const source = pattern.source;
  if (Array.isArray(source) && source.length > 0 && source.every((v) => typeof v === 'string')) {
    return new Set(source as string[]);
  }
  const branches = pattern.$or;
  if (Array.isArray(branches) && branches.length > 0) {
    const sets = branches.map(requiredSources);
    if (sets.every((set) => set !== undefined)) return new Set(sets.flatMap((set) => [...set!]));
  }
  return undefined;
}

function sortedCounts(map: Map<string, number>): Count[] {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
