/**
 * The inputs of the SQL proof (test/patterns/cloudtrail-query-duckdb.test.ts) and of the Trino
 * proof: CloudTrail records and event patterns, and the engine's answers for them.
 *
 * - Patterns: every preset of the command line (and refinements of them), the IAM workload
 *   patterns of the differential run, the pattern files of test/cli/fixtures, generated envelope
 *   patterns (every operator on source, detail-type, account, region, time, id, version and
 *   typed record fields), and the differential run's fast-check patterns (every operator, `$or`,
 *   nested objects) placed under `detail.requestParameters` and under `detail.resources` (an array
 *   of objects, so array consistency counts), with the events generated near them as the values.
 * - Records: test/fixtures/cloudtrail-records.json, and one generated record per generated event.
 *
 * The reference is the engine on the envelope the command line builds (`envelopeForRecord`, then
 * `EventPatternMatcher.matchesEvent`), as the native backtest runs it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { envelopeForRecord, isCloudTrailRecord } from '../../src/cli/cloudtrail-envelope';
import { PRESETS } from '../../src/cli/pattern-source';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { IAM_WORKLOAD_PATTERNS, loadCloudTrailRecords } from '../differential/cloudtrail-workload';
import { generatePairs } from '../differential/pattern-generators';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ProofPattern {
  readonly name: string;
  readonly pattern: string;
}

export interface ProofBatch {
  readonly patterns: ProofPattern[];
  readonly records: Record<string, Json>[];
}

/** A small seeded generator (Park and Miller's minimal standard), so a seed replays the records. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.abs(Math.floor(seed)) % 2147483646) + 1;
  }

  public next(): number {
    this.state = (this.state * 48271) % 2147483647;
    return (this.state - 1) / 2147483646;
  }

  public int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }

  public pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)];
  }
}

const EVENT_SOURCES = ['iam.amazonaws.com', 'signin.amazonaws.com', 'organizations.amazonaws.com', 's3.amazonaws.com', 'sts.amazonaws.com', 'ec2'];
const EVENT_TYPES: Json[] = ['AwsApiCall', 'AwsConsoleSignIn', 'AwsConsoleSignin', 'AwsServiceEvent', 'AwsConsoleAction', 'Other', 5];
const EVENT_NAMES = ['CreateUser', 'DeleteRolePolicy', 'PutUserPolicy', 'ConsoleLogin', 'GetRole', 'ListUsers', 'AttachRolePolicy', 'createuser', 'Create*'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-east-2'];
const ACCOUNTS = ['111122223333', '444455556666', '123456789012'];
const IDENTITY_TYPES = ['IAMUser', 'AssumedRole', 'Root', 'AWSService', 'FederatedUser'];
const IPS = ['192.0.2.10', '198.51.100.7', '10.1.2.3', '2001:db8::1', 'signin.amazonaws.com', '203.0.113.255', '010.001.002.003'];

/** Whether a value has a key with a dot, or an empty key (outside the SQL's domain: see the README). */
function hasDottedKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDottedKey);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([k, v]) => k === '' || k.includes('.') || hasDottedKey(v));
  }
  return false;
}

/** A CloudTrail record around generated values. */
export function generatedRecord(r: Random, n: number, requestParameters: Json | undefined, resources: Json | undefined): Record<string, Json> {
  const identityType = r.pick(IDENTITY_TYPES);
  const account = r.pick(ACCOUNTS);
  const identity: Record<string, Json> = { type: identityType, principalId: `AIDA${n}`, accountId: account };
  if (r.chance(0.8)) identity.arn = identityType === 'Root' ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user/u${n % 7}`;
  if (r.chance(0.25)) identity.invokedBy = r.pick(['signin.amazonaws.com', 'cloudformation.amazonaws.com', 'AWS Internal']);
  if (identityType === 'AssumedRole' && r.chance(0.8)) {
    identity.sessionContext = { sessionIssuer: { type: 'Role', arn: r.chance(0.9) ? `arn:aws:iam::${account}:role/R${n % 3}` : '' }, attributes: { mfaAuthenticated: r.pick(['true', 'false']) } };
  }
  const record: Record<string, Json> = {
    eventVersion: '1.08',
    userIdentity: r.chance(0.95) ? identity : r.pick<Json>([null, 'x', [identity]]),
    eventTime: `2024-0${r.int(1, 3)}-${String(r.int(10, 28))}T${String(r.int(10, 23))}:0${r.int(0, 9)}:00Z`,
    eventSource: r.pick(EVENT_SOURCES),
    eventName: r.pick(EVENT_NAMES),
    awsRegion: r.pick(REGIONS),
    sourceIPAddress: r.pick(IPS),
    userAgent: 'aws-cli/2.0',
    eventID: `gen-${n}`,
    readOnly: r.pick<Json>([true, false, 'true']),
    eventType: r.pick(EVENT_TYPES),
    managementEvent: r.pick<Json>([true, false, true]),
    recipientAccountId: account,
    eventCategory: 'Management',
  };
  if (r.chance(0.05)) delete record.eventTime;
  if (r.chance(0.05)) delete record.eventType;
  if (r.chance(0.05)) delete record.recipientAccountId;
  if (r.chance(0.05)) delete record.awsRegion;
  if (r.chance(0.05)) delete record.readOnly;
  if (r.chance(0.3)) record.errorCode = r.pick(['AccessDenied', 'NoSuchEntity']);
  if (requestParameters !== undefined) record.requestParameters = requestParameters;
  else if (r.chance(0.3)) record.requestParameters = null;
  if (resources !== undefined) record.resources = resources;
  if (r.chance(0.2)) record.additionalEventData = { MFAUsed: r.pick(['Yes', 'No']) };
  if (r.chance(0.2)) record.responseElements = r.chance(0.5) ? null : { ConsoleLogin: r.pick(['Success', 'Failure']) };
  return record;
}

/** Values of a field for generated envelope patterns, and operators over them. */
const ENVELOPE_FIELDS: Array<{ path: string[]; values: string[] }> = [
  { path: ['source'], values: ['aws.iam', 'aws.signin', 'aws.organizations', 'aws.s3', 'aws.sts', 'aws.ec2'] },
  { path: ['detail-type'], values: ['AWS API Call via CloudTrail', 'AWS Console Sign In via CloudTrail', 'AWS Console Signin via CloudTrail', 'AWS Service Event via CloudTrail', 'AWS Console Action via CloudTrail'] },
  { path: ['account'], values: [...ACCOUNTS, '000000000000'] },
  { path: ['region'], values: REGIONS },
  { path: ['time'], values: ['2024-01-15T12:00:00Z', '2024-02'] },
  { path: ['id'], values: ['gen-1', '00000000-0000-0000-0000-000000000000'] },
  { path: ['version'], values: ['0', '1'] },
  { path: ['resources'], values: ['x'] },
  { path: ['detail', 'eventName'], values: EVENT_NAMES },
  { path: ['detail', 'userIdentity', 'type'], values: IDENTITY_TYPES },
  { path: ['detail', 'userIdentity', 'invokedBy'], values: ['signin.amazonaws.com', 'AWS Internal'] },
  { path: ['detail', 'userIdentity', 'sessionContext', 'sessionIssuer', 'arn'], values: ['arn:aws:iam::111122223333:role/R1', ''] },
  { path: ['detail', 'sourceIPAddress'], values: IPS },
  { path: ['detail', 'readOnly'], values: ['true'] },
  { path: ['detail', 'errorCode'], values: ['AccessDenied'] },
  { path: ['detail', 'requestParameters'], values: ['x'] },
  { path: ['detail', 'responseElements', 'ConsoleLogin'], values: ['Failure', 'Success'] },
];

function envelopeOperator(r: Random, values: string[]): Json {
  const v = r.pick(values);
  const cut = (s: string) => s.slice(0, r.int(0, s.length));
  const tail = (s: string) => s.slice(r.int(0, s.length));
  switch (r.int(0, 17)) {
    case 0: return v;
    case 1: return { prefix: cut(v) };
    case 2: return { suffix: tail(v) };
    case 3: return { 'equals-ignore-case': r.chance(0.5) ? v.toUpperCase() : v.toLowerCase() };
    case 4: return { wildcard: `${cut(v).replace(/[*\\]/g, '')}*${tail(v).replace(/[*\\]/g, '')}` };
    case 5: return { 'anything-but': v };
    case 6: return { 'anything-but': [v, r.pick(values)] };
    case 7: return { 'anything-but': { prefix: cut(v) || 'a' } };
    case 8: return { 'anything-but': { suffix: tail(v) || 'z' } };
    case 9: return { 'anything-but': { 'equals-ignore-case': v.toUpperCase() || 'Q' } };
    case 10: return { 'anything-but': { wildcard: `${cut(v).replace(/[*\\]/g, '')}*` } };
    case 11: return { exists: r.chance(0.5) };
    case 12: return { numeric: ['>', 0] };
    case 13: return null;
    case 14: return { cidr: r.pick(['192.0.2.0/24', '10.0.0.0/8', '198.51.100.7/32', '0.0.0.0/0']) };
    case 15: return { prefix: { 'equals-ignore-case': cut(v).toUpperCase() } };
    case 16: return { suffix: { 'equals-ignore-case': tail(v).toLowerCase() } };
    default: return r.chance(0.5) ? true : 5;
  }
}

function setPath(target: Record<string, Json>, keys: readonly string[], value: Json): void {
  let node = target;
  for (const k of keys.slice(0, -1)) {
    if (typeof node[k] !== 'object' || node[k] === null || Array.isArray(node[k])) node[k] = {};
    node = node[k] as Record<string, Json>;
  }
  node[keys[keys.length - 1]] = value;
}

/** An envelope pattern: a few fields, each with one to three operators, sometimes under `$or`. */
export function envelopePattern(r: Random): string {
  const build = () => {
    const pattern: Record<string, Json> = {};
    const count = r.int(1, 3);
    for (let i = 0; i < count; i++) {
      const field = r.pick(ENVELOPE_FIELDS);
      const ops: Json[] = [];
      for (let j = r.int(1, 3); j > 0; j--) ops.push(envelopeOperator(r, field.values));
      setPath(pattern, field.path, ops);
    }
    return pattern;
  };
  if (r.chance(0.15)) return JSON.stringify({ $or: [build(), build()] });
  return JSON.stringify(build());
}

/** Every pattern of the library: presets (and refinements), the workload patterns, the CLI fixtures. */
export function libraryPatterns(): ProofPattern[] {
  const out: ProofPattern[] = Object.entries(PRESETS).map(([name, make]) => ({ name, pattern: make().toJson() }));
  out.push({ name: 'changes.exceptPrincipals', pattern: IamEventPattern.changes().exceptPrincipals('arn:aws:iam::111122223333:role/R1', 'arn:aws:iam::*:user/u1').toJson() });
  out.push({ name: 'changes.withConsoleSignIn', pattern: IamEventPattern.changes().withConsoleSignIn().toJson() });
  for (const w of IAM_WORKLOAD_PATTERNS) out.push({ name: `workload.${w.name}`, pattern: JSON.stringify(w.pattern) });
  const fixtures = path.join(__dirname, '..', 'cli', 'fixtures');
  for (const file of fs.readdirSync(fixtures).filter((f) => f.endsWith('-pattern.json'))) {
    out.push({ name: `file.${file}`, pattern: fs.readFileSync(path.join(fixtures, file), 'utf8') });
  }
  return out;
}

/**
 * Values where SQL most easily parts from the engine, each in a record's `sourceIPAddress`,
 * `userAgent` and `requestParameters.value`: address spellings event-ruler accepts or refuses
 * (IPv6 compressed, with leading zeros, IPv4-mapped, upper and lower case, too many groups, two
 * `::`, a dotted IPv6, a dotted quad over 15 characters, parts over 255) and strings with line
 * breaks around them (a regular expression's `$` also matches before a final line break).
 */
const EDGE_VALUES: Json[] = [
  '10.0.0.1', '10.0.0.1\n', '\n10.0.0.1', '010.000.000.001', '255.255.255.255', '256.0.0.1', '1.2.3.4.5', '0000001.2.3.4', '1.2.3',
  '2001:db8::1', '2001:DB8::1', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:00000db8::1', '2001:db8:0:0:0:0:0:1:2', '2001:db8::1::2',
  '::', '::1', '1::', ':1', '1:', '::ffff:a00:1', '::FFFF:0A00:0001', '::ffff:10.0.0.1', '12345::1', 'fe80::1%eth0', '2001:db8::',
  '2001:db8:0:0:0:0:0:1', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', 'ff:ff', 'IAM', 'iam\n', '\nIAM', 'iam', 'iAm\nx', 12, 0, 10.5, null, true,
  ['10.0.0.1', 'x'], { nested: '10.0.0.1' },
];

/** Patterns over the edge values: address blocks (IPv4 and IPv6, narrow and wide) and anchored string tests. */
const EDGE_PATTERNS: ProofPattern[] = [
  ['v4-block', [{ cidr: '10.0.0.0/8' }]],
  ['v4-pair', [{ cidr: '10.0.0.0/31' }]],
  ['v4-all', [{ cidr: '0.0.0.0/0' }]],
  ['v6-block', [{ cidr: '2001:db8::/32' }]],
  ['v6-group', [{ cidr: '2001:db8::1:0/112' }]],
  ['v6-all', [{ cidr: '::/0' }]],
  ['v6-narrow', [{ cidr: '2001:db8:0:0:0:0:0:0/127' }]],
  ['both', [{ cidr: '10.0.0.0/8' }, { cidr: '2001:db8::/32' }, 'IAM']],
  ['ignore-case', [{ 'equals-ignore-case': 'iam' }]],
  ['prefix-ignore-case', [{ prefix: { 'equals-ignore-case': 'iam' } }]],
  ['suffix-ignore-case', [{ suffix: { 'equals-ignore-case': 'iam' } }]],
  ['anything-but-ignore-case', [{ 'anything-but': { 'equals-ignore-case': ['iam'] } }]],
].flatMap(([name, test]) => [
  { name: `edge-${String(name)}-ip`, pattern: JSON.stringify({ detail: { sourceIPAddress: test } }) },
  { name: `edge-${String(name)}-nested`, pattern: JSON.stringify({ detail: { requestParameters: { value: test } } }) },
]);

/** The edge batch: every edge value in a record of its own, with the patterns above. */
export function edgeCaseBatch(): ProofBatch {
  const r = new Random(7);
  const records = EDGE_VALUES.map((value, i) => {
    const record = generatedRecord(r, 900_000 + i, { value }, undefined);
    record.eventID = `edge-${i}`;
    record.sourceIPAddress = value;
    return record;
  });
  return { patterns: EDGE_PATTERNS, records };
}

/** The fixture corpus's records. */
export function corpusRecords(): Record<string, Json>[] {
  return loadCloudTrailRecords().map((f) => f.record as Record<string, Json>);
}

/**
 * Batches of generated patterns with their records: `count` patterns in all, a third each of
 * envelope patterns (with the fixture corpus and three generated records each), patterns under
 * `detail.requestParameters` and under `detail.resources` (with one record per event generated
 * near each). A batch holds one kind, `perBatch` patterns at most: the query's work grows with
 * patterns times records, so small batches of near events keep the run short.
 */
export function generatedBatches(seed: number, count: number, perBatch: number, corpus: readonly Record<string, Json>[] = []): ProofBatch[] {
  const r = new Random(seed);
  const pairs = generatePairs(seed, Math.ceil(count * 4.6)).filter((p) => p.group === 'generated' && p.plainEvent);
  const byPattern = new Map<string, Json[]>();
  for (const p of pairs) {
    const event = JSON.parse(p.event) as Json;
    if (hasDottedKey(event)) continue;
    const list = byPattern.get(p.pattern) ?? [];
    list.push(event);
    byPattern.set(p.pattern, list);
  }
  const generated = [...byPattern];
  const kinds: Array<{ name: string; batches: ProofBatch[]; current?: ProofBatch; base: readonly Record<string, Json>[] }> = [
    { name: 'envelope', batches: [], base: corpus },
    { name: 'requestParameters', batches: [], base: [] },
    { name: 'resources', batches: [], base: [] },
  ];
  let n = 0;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 3];
    if (kind.current === undefined) kind.current = { patterns: [], records: [...kind.base] };
    const batch = kind.current;
    if (kind.name === 'envelope' || generated.length === 0) {
      batch.patterns.push({ name: `envelope-${i}`, pattern: envelopePattern(r) });
      batch.records.push(...[0, 1, 2].map(() => generatedRecord(r, n++, undefined, undefined)));
    } else {
      const [text, values] = generated[Math.floor(i / 3) * 2 + (kind.name === 'resources' ? 1 : 0) % generated.length] ?? generated[i % generated.length];
      if (kind.name === 'requestParameters') {
        batch.patterns.push({ name: `requestParameters-${i}`, pattern: `{"detail":{"requestParameters":${text}}}` });
        batch.records.push(...values.map((e) => generatedRecord(r, n++, e, undefined)));
      } else {
        batch.patterns.push({ name: `resources-${i}`, pattern: `{"detail":{"resources":${text}}}` });
        batch.records.push(...values.map((e, k) => generatedRecord(r, n++, undefined, [e, values[(k + 1) % values.length], r.pick(values)])));
      }
    }
    if (batch.patterns.length >= perBatch) {
      kind.batches.push(batch);
      kind.current = undefined;
    }
  }
  for (const kind of kinds) if (kind.current !== undefined) kind.batches.push(kind.current);
  return kinds.flatMap((k) => k.batches);
}

/** `eventID|pattern name` -> how many times the engine matches it (records may share an eventID). */
export function engineMatches(patterns: readonly ProofPattern[], records: readonly Record<string, Json>[]): Map<string, number> {
  const counts = new Map<string, number>();
  const envelopes = records.filter((rec) => isCloudTrailRecord(rec)).map((rec) => envelopeForRecord(rec as Record<string, unknown>));
  for (const p of patterns) {
    const matcher = EventPatternMatcher.fromJson(p.pattern, { maxPatternLength: 1000000 });
    for (const env of envelopes) {
      if (matcher.matchesEvent(env)) {
        const k = `${env.id as string}|${p.name}`;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Writes records as CloudTrail writes them: gzipped `{"Records": [...]}` files of up to `perFile`. */
export function writeLogFiles(dir: string, records: readonly Record<string, Json>[], perFile = 500): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < records.length; i += perFile) {
    const file = path.join(dir, `part-${String(i / perFile).padStart(4, '0')}.json.gz`);
    fs.writeFileSync(file, zlib.gzipSync(JSON.stringify({ Records: records.slice(i, i + perFile) })));
    files.push(file);
  }
  return files;
}

/** Whether a pattern is one EventBridge accepts (the generated ones are, mostly). */
export function isValidPattern(pattern: string): boolean {
  return EventPatternMatcher.check(pattern, { maxPatternLength: 1000000 }).valid;
}
