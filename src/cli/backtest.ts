import { isJsonObject, isReadOnlyManagementEvent, JsonObject, principalOf } from './cloudtrail-envelope';
import { LogFile, LogFileSet } from './log-files';
import { readEventFile, ReadOptions } from './log-reader';
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

/**
 * Runs rules over events, counting what each rule would alert on. Events come file by file:
 * matches of a file are staged, then committed when the file was read to the end, or dropped
 * when it turned out bad, so that a skipped file counts for nothing. Memory holds the counts
 * (bounded by the number of distinct event names, principals and days) and one file's matches.
 */
export class Backtest {
  private readonly matchers: EventPatternMatcher[];
  private readonly tallies: RuleTally[];
  /** The current file's matches, column by column (one entry per match). */
  private readonly staged = {
    rule: [] as number[],
    eventName: [] as string[],
    principal: [] as string[],
    day: [] as string[],
    readOnly: [] as boolean[],
  };
  private stagedEvents = 0;
  private recordsRead = 0;
  private recordsSkipped = 0;
  private filesRead = 0;
  private filesSkipped = 0;
  private readonly problems: InputProblem[] = [];
  private firstDay: string | undefined;
  private lastDay: string | undefined;

  /**
   * @param rules the patterns to run (each must be a valid pattern)
   * @throws when a pattern is invalid (the engine's message)
   */
  constructor(private readonly rules: readonly PatternChoice[], private readonly options: BacktestOptions = {}) {
    this.matchers = rules.map((r) => EventPatternMatcher.fromJson(r.json));
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
    const time = detail !== undefined && typeof detail.eventTime === 'string' ? detail.eventTime : event.time;
    const day = typeof time === 'string' && DAY.test(time) ? time.slice(0, 10) : UNKNOWN_DAY;
    if (day !== UNKNOWN_DAY) {
      if (this.firstDay === undefined || day < this.firstDay) this.firstDay = day;
      if (this.lastDay === undefined || day > this.lastDay) this.lastDay = day;
    }
    let eventName: string | undefined;
    let principal = '';
    let readOnly = false;
    for (let r = 0; r < this.matchers.length; r++) {
      if (!this.matchers[r].matchesEvent(event)) continue;
      if (eventName === undefined) {
        eventName = detail !== undefined && typeof detail.eventName === 'string' ? detail.eventName : String(event['detail-type']);
        principal = detail !== undefined ? principalOf(detail) : '(no detail)';
        readOnly = isReadOnlyManagementEvent(event);
      }
      const s = this.staged;
      s.rule.push(r);
      s.eventName.push(eventName);
      s.principal.push(principal);
      s.day.push(day);
      s.readOnly.push(readOnly);
    }
  }

  /** Counts the staged matches of a file that was read to the end. */
  public commitFile(skippedEntries = 0): void {
    const s = this.staged;
    for (let i = 0; i < s.rule.length; i++) {
      const t = this.tallies[s.rule[i]];
      t.alerts++;
      if (s.readOnly[i]) t.readOnly++;
      increment(t.byEventName, s.eventName[i]);
      increment(t.byPrincipal, s.principal[i]);
      increment(t.byDay, s.day[i]);
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

  private clearStaged(): void {
    const s = this.staged;
    s.rule.length = 0;
    s.eventName.length = 0;
    s.principal.length = 0;
    s.day.length = 0;
    s.readOnly.length = 0;
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

function increment(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sortedCounts(map: Map<string, number>): Count[] {
  return [...map].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
