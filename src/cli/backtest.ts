import { isJsonObject, isReadOnlyManagementEvent, JsonObject, principalOf } from './cloudtrail-envelope';
import { LogFile, LogFileSet } from './log-files';
import { readEventFile, ReadOptions } from './log-reader';
import type { PatternChoice } from './pattern-source';
import { EventPatternSet } from '../patterns/engine/event-pattern-set';

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

/** Options for a backtest's report. */
export interface BacktestOptions {
  /** A principal is noisy when it causes at least this share of a rule's alerts (0 to 1). @default 0.1 */
  readonly noisyShare?: number;
  /** At most this many noisy principals per rule. @default 5 */
  readonly maxNoisy?: number;
}

/**
 * What one rule alerted on, counted: all a report is built from. Whatever finds the matches (this
 * engine, in one thread or several, or another engine) counts each matched event once per rule: its
 * event name (`detail.eventName`, else the detail-type), its principal (`principalOf`, a role
 * session as its role), its day (`YYYY-MM-DD` of `detail.eventTime`, else of the envelope's time,
 * else `unknown`), and whether it is a read-only management event.
 */
export interface RuleCounts {
  readonly alerts: number;
  readonly readOnlyAlerts: number;
  readonly byEventName: ReadonlyMap<string, number>;
  readonly byPrincipal: ReadonlyMap<string, number>;
  readonly byDay: ReadonlyMap<string, number>;
}

/** What reading files gave, apart from the problems of each file: plain data, so that a worker thread can send it. */
export interface BacktestCounts {
  readonly filesRead: number;
  readonly filesSkipped: number;
  readonly recordsRead: number;
  readonly recordsSkipped: number;
  /** First and last day of the events read (as counted in `RuleCounts.byDay`), if any had a day. */
  readonly firstDay?: string;
  readonly lastDay?: string;
  /** One per rule, in the rules' order. */
  readonly rules: readonly RuleCounts[];
}

const UNKNOWN_DAY = 'unknown';
const DAY = /^\d{4}-\d{2}-\d{2}/;

/** Counts of one rule. */
class RuleTally implements RuleCounts {
  public alerts = 0;
  public readOnlyAlerts = 0;
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
 * The rules are matched together, as one `EventPatternSet`: an event's fields are read once for
 * all of them.
 */
export class Backtest {
  private readonly set = new EventPatternSet();
  private readonly tallies: RuleTally[];
  /** One Answer per distinct set of matched rules, by the rule list (`0,3`). */
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
   * @param rules the patterns to run (each must be a valid pattern); only `name` and `json` are
   *   read here, the rest by the report
   * @throws when a pattern is invalid (the engine's message)
   */
  constructor(private readonly rules: readonly PatternChoice[], private readonly options: BacktestOptions = {}) {
    // Named by position: names of files and presets may repeat.
    rules.forEach((rule, i) => this.set.add(String(i), rule.json));
    this.tallies = rules.map(() => new RuleTally());
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
    const answer = this.match(event);
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
        t.readOnlyAlerts += counts.readOnly;
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

  /**
   * Reads one file into the backtest, committing or discarding it.
   *
   * @returns what was wrong with the file, if anything (also kept for `result`)
   */
  public async readFile(file: LogFile, options: ReadOptions = {}): Promise<InputProblem | undefined> {
    const result = await readEventFile(file.path, (event) => this.add(event), options);
    let problem: InputProblem | undefined;
    if (result.error !== undefined) {
      this.discardFile(result.skippedEntries);
      problem = { file: file.path, error: result.error, skippedEntries: result.skippedEntries, entryProblems: result.entryProblems };
    } else {
      this.commitFile(result.skippedEntries);
      if (result.skippedEntries > 0) {
        problem = { file: file.path, skippedEntries: result.skippedEntries, entryProblems: result.entryProblems };
      }
    }
    if (problem !== undefined) this.problems.push(problem);
    return problem;
  }

  /** Reads every file of the set, in order. */
  public async readAll(set: LogFileSet, options: ReadOptions = {}): Promise<BacktestResult> {
    for (const file of set.files) await this.readFile(file, options);
    return this.result(set);
  }

  /** The counts so far (files read to the end only). */
  public counts(): BacktestCounts {
    return {
      filesRead: this.filesRead,
      filesSkipped: this.filesSkipped,
      recordsRead: this.recordsRead,
      recordsSkipped: this.recordsSkipped,
      ...(this.firstDay !== undefined ? { firstDay: this.firstDay, lastDay: this.lastDay } : {}),
      rules: this.tallies,
    };
  }

  /** The result so far. */
  public result(set?: Pick<LogFileSet, 'nonActivityFiles' | 'otherFiles'>): BacktestResult {
    return backtestResult(this.rules, this.counts(), this.problems, set, this.options);
  }

  /** The rules that match the event: one Answer object per distinct list. */
  private match(event: JsonObject): Answer {
    const names = this.set.matchingNamesOfEvent(event);
    if (names.length === 0) return NO_MATCH;
    const key = names.length === 1 ? names[0] : names.join(',');
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = { rules: names.map(Number) };
      this.answers.set(key, answer);
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
}

/** Sums counts of disjoint sets of files (the shares of worker threads). */
export function mergeCounts(a: BacktestCounts, b: BacktestCounts): BacktestCounts {
  const first = [a.firstDay, b.firstDay].filter((d): d is string => d !== undefined).sort()[0];
  const last = [a.lastDay, b.lastDay].filter((d): d is string => d !== undefined).sort().pop();
  const sum = (x: ReadonlyMap<string, number>, y: ReadonlyMap<string, number>) => {
    const out = new Map(x);
    y.forEach((count, key) => out.set(key, (out.get(key) ?? 0) + count));
    return out;
  };
  return {
    filesRead: a.filesRead + b.filesRead,
    filesSkipped: a.filesSkipped + b.filesSkipped,
    recordsRead: a.recordsRead + b.recordsRead,
    recordsSkipped: a.recordsSkipped + b.recordsSkipped,
    ...(first !== undefined ? { firstDay: first, lastDay: last } : {}),
    rules: a.rules.map((r, i) => ({
      alerts: r.alerts + b.rules[i].alerts,
      readOnlyAlerts: r.readOnlyAlerts + b.rules[i].readOnlyAlerts,
      byEventName: sum(r.byEventName, b.rules[i].byEventName),
      byPrincipal: sum(r.byPrincipal, b.rules[i].byPrincipal),
      byDay: sum(r.byDay, b.rules[i].byDay),
    })),
  };
}

/**
 * The backtest's result from counts, whatever found the matches: tables sorted, noisy principals
 * and the exclusion to paste (for presets). `problems` in the order of the files.
 *
 * @param rules the rules, in the order of `counts.rules`
 * @param files what the search for files left out, for the totals
 */
export function backtestResult(rules: readonly PatternChoice[], counts: BacktestCounts, problems: readonly InputProblem[],
  files: Pick<LogFileSet, 'nonActivityFiles' | 'otherFiles'> | undefined, options: BacktestOptions = {}): BacktestResult {
  return {
    totals: {
      filesRead: counts.filesRead,
      filesSkipped: counts.filesSkipped,
      nonActivityFiles: files?.nonActivityFiles ?? 0,
      otherFiles: files?.otherFiles ?? 0,
      recordsRead: counts.recordsRead,
      recordsSkipped: counts.recordsSkipped,
      ...(counts.firstDay !== undefined ? { firstDay: counts.firstDay, lastDay: counts.lastDay } : {}),
    },
    problems: [...problems],
    rules: rules.map((rule, i) => ruleResult(rule, counts.rules[i], options)),
  };
}

function ruleResult(rule: PatternChoice, tally: RuleCounts, options: BacktestOptions): RuleBacktest {
  const byPrincipal = sortedCounts(tally.byPrincipal);
  const share = options.noisyShare ?? 0.1;
  const maxNoisy = options.maxNoisy ?? 5;
  const noisyPrincipals = byPrincipal
    .filter((c) => tally.alerts > 0 && c.count >= 2 && c.count / tally.alerts >= share)
    .slice(0, maxNoisy)
    .map((c) => ({ principal: c.key, alerts: c.count, share: c.count / tally.alerts }));
  const { suggestion, notSuggested } = suggestExclusion(rule, noisyPrincipals);
  return {
    name: rule.name,
    pattern: rule.json,
    alerts: tally.alerts,
    readOnlyAlerts: tally.readOnlyAlerts,
    byEventName: sortedCounts(tally.byEventName),
    byPrincipal,
    daily: [...tally.byDay].map(([key, count]) => ({ key, count })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    noisyPrincipals,
    ...(suggestion !== undefined ? { suggestedExclusion: suggestion } : {}),
    notSuggested,
  };
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

function sortedCounts(map: ReadonlyMap<string, number>): Count[] {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
