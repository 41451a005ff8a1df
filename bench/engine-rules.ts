/**
 * Many distinct IAM alerting rules, generated deterministically, for bench/engine.ts: what a
 * security team's bus holds when each team and account adds its own (EventBridge's default quota
 * is 300 rules per bus). The shapes are those of the 16 IAM workload patterns and the library's
 * presets: event names (exact, prefix, wildcard), the caller's identity type and ARN (anything-but
 * prefix), accounts and regions, error codes, console sign-ins, a numeric request parameter, and
 * `$or`. Values come from the IAM API catalog and the CloudTrail fixture, so that the events of
 * the benchmark match a share of them.
 */
import { EventPatternMatcher } from '../src/patterns/engine/event-pattern-matcher';
import { IAM_OPERATION_DATA } from '../src/patterns/iam-operations-data';
import { CloudTrailFixture } from '../test/differential/cloudtrail-workload';

/** mulberry32: a small, fast, seedable generator, so that every run builds the same rules. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IAM_CALL = { 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] };
const SIGN_IN = { 'source': ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'] };
const VERBS = ['Create', 'Delete', 'Put', 'Attach', 'Detach', 'Update', 'Add', 'Remove', 'Set', 'Upload', 'Tag', 'Untag', 'Enable', 'Deactivate', 'Change'];
const IDENTITY_TYPES = ['Root', 'IAMUser', 'AssumedRole', 'FederatedUser', 'AWSService'];
const REGIONS = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ERROR_PREFIXES = ['AccessDenied', 'NoSuchEntity', 'LimitExceeded', 'EntityAlreadyExists', 'Unauthorized', 'PasswordPolicy'];

function distinctStrings(values: Iterable<unknown>): string[] {
  return [...new Set([...values].filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
}

/**
 * `count` distinct valid patterns (JSON text), the same on every run for the same records.
 *
 * @param records the CloudTrail fixture, for names, accounts and principals that events carry
 */
export function generateRules(count: number, records: readonly CloudTrailFixture[], seed = 20240801): string[] {
  const rand = random(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  const some = <T>(items: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + int(max) }, () => pick(items)))];

  const fixtureNames = distinctStrings(records.map((r) => r.record.eventName));
  const catalogNames = IAM_OPERATION_DATA.map((op) => op.name);
  // Names events carry, often; the rest of the catalog, as rules for calls that are rare.
  const eventName = () => (rand() < 0.5 ? pick(fixtureNames) : pick(catalogNames));
  const accounts = distinctStrings(records.map((r) => r.record.recipientAccountId));
  const roleArns = distinctStrings(records.map((r) => (r.record.userIdentity as Record<string, unknown> | undefined)?.arn))
    .filter((arn) => arn.includes(':assumed-role/'));
  const rolePrefix = () => {
    const arn = pick(roleArns);
    // The role, any session: arn:aws:sts::<account>:assumed-role/<role>/
    return arn.slice(0, arn.lastIndexOf('/') + 1);
  };
  const nameWithVerb = () => {
    const name = eventName();
    const verb = VERBS.find((v) => name.startsWith(v));
    return verb === undefined ? undefined : { verb, rest: name.slice(verb.length) };
  };

  const shapes: Array<() => Record<string, unknown> | undefined> = [
    // Event names, exact: the most common rule.
    () => ({ ...IAM_CALL, detail: { eventSource: ['iam.amazonaws.com'], eventName: some([eventName(), eventName(), eventName()], 6) } }),
    () => ({ ...IAM_CALL, detail: { eventName: some([eventName()], 4) } }),
    // A verb, or a verb and a resource, as prefixes.
    () => ({ ...IAM_CALL, detail: { eventName: some(VERBS, 3).map((v) => ({ prefix: v + (rand() < 0.5 ? '' : pick(['User', 'Role', 'Policy', 'Group', 'Access'])) })) } }),
    // Wildcards: Put*Policy, *AccessKey.
    () => {
      const split = nameWithVerb();
      if (split === undefined) return undefined;
      return { ...IAM_CALL, detail: { eventName: [{ wildcard: rand() < 0.5 ? `${split.verb}*${split.rest.slice(-6)}` : `*${split.rest}` }] } };
    },
    // Who: the identity type, or everyone but an automation role.
    () => ({ ...IAM_CALL, detail: { eventName: some([eventName()], 5), userIdentity: { type: some(IDENTITY_TYPES, 2) } } }),
    () => ({ ...IAM_CALL, detail: { eventName: some([eventName()], 5), userIdentity: { arn: [{ 'anything-but': { prefix: rolePrefix() } }] } } }),
    // Where: one account or region.
    () => ({ ...IAM_CALL, account: [pick(accounts)], detail: { eventName: some([eventName()], 5) } }),
    () => ({ ...IAM_CALL, region: some(REGIONS, 2), detail: { eventName: [{ prefix: pick(VERBS) }] } }),
    // Failures.
    () => ({ ...IAM_CALL, detail: { eventSource: ['iam.amazonaws.com'], errorCode: [{ prefix: pick(ERROR_PREFIXES) }] } }),
    () => ({ ...IAM_CALL, detail: { eventName: some([eventName()], 3), errorCode: [{ exists: true }] } }),
    // Console sign-ins.
    () => ({ ...SIGN_IN, detail: { eventName: ['ConsoleLogin'], userIdentity: { type: [pick(IDENTITY_TYPES)] }, responseElements: { ConsoleLogin: [pick(['Failure', 'Success'])] } } }),
    () => ({ ...SIGN_IN, account: [pick(accounts)], detail: { additionalEventData: { MFAUsed: ['No'] }, userIdentity: { type: some(IDENTITY_TYPES, 2) } } }),
    // A numeric request parameter.
    () => ({ ...IAM_CALL, detail: { eventName: [{ prefix: 'List' }, { prefix: 'Get' }], requestParameters: { maxItems: [{ numeric: ['>=', 1 + int(200)] }] } } }),
    // Either of two things.
    () => ({
      $or: [
        { ...IAM_CALL, detail: { eventName: some([eventName()], 4) } },
        { source: ['aws.iam', 'aws.signin'], detail: { userIdentity: { type: ['Root'] }, eventName: some([eventName()], 3) } },
      ],
    }),
  ];

  const out = new Set<string>();
  for (let attempts = 0; out.size < count; attempts++) {
    if (attempts > count * 100) throw new Error(`only ${out.size} distinct rules after ${attempts} attempts`);
    const pattern = pick(shapes)();
    if (pattern === undefined) continue;
    const json = JSON.stringify(pattern);
    if (out.has(json) || !EventPatternMatcher.check(json).valid) continue;
    out.add(json);
  }
  return [...out];
}
