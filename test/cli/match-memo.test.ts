import { corpus } from './cli-test-support';
import { Backtest } from '../../src/cli/backtest';
import { envelopeForRecord, JsonObject } from '../../src/cli/cloudtrail-envelope';
import { MatchMemo, patternFields } from '../../src/cli/match-memo';
import { PatternChoice, PRESETS, presetPattern } from '../../src/cli/pattern-source';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';

/** Patterns beyond the presets, using what the presets do not: $or at the top, dotted keys, numbers, arrays, case, no source. */
const EXTRA_PATTERNS = [
  '{"$or": [{"source": ["aws.iam"], "detail": {"errorCode": [{"exists": true}]}}, {"source": ["aws.signin"]}]}',
  '{"detail.userIdentity.type": ["Root"], "detail": {"eventName": [{"anything-but": {"prefix": "Get"}}]}}',
  '{"detail": {"eventVersion": [{"numeric": [">=", 1.08]}], "userIdentity": {"sessionContext": {"attributes": {"mfaAuthenticated": [{"equals-ignore-case": "FALSE"}]}}}}}',
  '{"resources": [{"exists": false}], "detail": {"requestParameters": {"userName": [{"wildcard": "*admin*"}]}}}',
  '{"detail": {"responseElements": [null], "readOnly": [false]}}',
  '{"detail": {"sourceIPAddress": [{"cidr": "192.0.2.0/24"}, {"prefix": "075."}]}}',
];

const PATTERNS: PatternChoice[] = [
  ...Object.keys(PRESETS).map((name) => presetPattern(name)),
  ...EXTRA_PATTERNS.map((json, i) => ({ name: `extra-${i}`, json })),
];

/** Corpus envelopes, and variants that put arrays, dotted keys, objects, numbers and odd types where the patterns look. */
function events(): JsonObject[] {
  const base = corpus().map((e) => envelopeForRecord(e.record));
  const variants: JsonObject[] = [];
  base.forEach((event, i) => {
    const detail = event.detail as JsonObject;
    variants.push(event);
    switch (i % 9) {
      case 0: variants.push({ ...event, detail: { ...detail, eventName: [detail.eventName, 'CreateUser'] } }); break;
      case 1: variants.push({ ...event, 'detail.eventName': 'CreateUser' }); break;
      case 2: variants.push({ ...event, detail: { ...detail, 'userIdentity.type': 'Root' } }); break;
      case 3: variants.push({ ...event, detail: { ...detail, eventVersion: Number(detail.eventVersion) } }); break;
      case 4: variants.push({ ...event, detail: { ...detail, eventVersion: -0, readOnly: 0 } }); break;
      case 5: variants.push({ ...event, detail: { ...detail, eventName: { nested: 'CreateUser' }, userIdentity: 'Root' } }); break;
      case 6: variants.push({ ...event, resources: ['arn:aws:iam::1:user/x'], detail: { ...detail, responseElements: null } }); break;
      case 7: variants.push({ ...event, source: ['aws.iam'], detail: { ...detail, errorCode: 'AccessDenied' } }); break;
      default: variants.push({ ...event, detail: { ...detail, eventVersion: '1.08', readOnly: 'false', requestParameters: { userName: 'superadmin' } } });
    }
  });
  return variants;
}

const matchers = PATTERNS.map((p) => EventPatternMatcher.fromJson(p.json));
const direct = (event: JsonObject) => matchers.map((m, i) => (m.matchesEvent(event) ? i : -1)).filter((i) => i >= 0).join(',');

test('every remembered answer equals the engine\'s, over the presets, other patterns and odd events', () => {
  const memo = MatchMemo.forPatterns<string>(PATTERNS.map((p) => p.json))!;
  const all = events();
  let remembered = 0;
  // Two passes: the second finds most answers remembered.
  for (const event of [...all, ...all]) {
    const answer = memo.lookup(event);
    const expected = direct(event);
    if (answer === undefined) {
      memo.remember(expected);
    } else {
      remembered++;
      expect({ event: event.id, answer }).toEqual({ event: event.id, answer: expected });
    }
  }
  expect(remembered).toBeGreaterThan(all.length / 2);
});

test('an event with an array on a field\'s path has no key', () => {
  const memo = MatchMemo.forPatterns<string>(['{"detail": {"eventName": ["CreateUser"]}}'])!;
  const event = { detail: { eventName: ['CreateUser'] } };
  memo.lookup(event);
  memo.remember('yes');
  expect(memo.lookup(event)).toBeUndefined();
});

test('an event with a dotted key that spells a field has no key', () => {
  const memo = MatchMemo.forPatterns<string>(['{"detail": {"eventName": ["CreateUser"]}}'])!;
  memo.lookup({ detail: {} });
  memo.remember('no');
  expect(memo.lookup({ 'detail': {}, 'detail.eventName': 'CreateUser' })).toBeUndefined();
});

test('values of different types, and -0 and 0, are different keys', () => {
  const memo = MatchMemo.forPatterns<string>(['{"detail": {"n": [0]}}'])!;
  memo.lookup({ detail: { n: 0 } });
  memo.remember('zero');
  expect([memo.lookup({ detail: { n: '0' } }), memo.lookup({ detail: { n: -0 } }), memo.lookup({ detail: { n: 0 } })]).toEqual([undefined, undefined, 'zero']);
});

test('field names with quotes, backslashes and line separators are read like any other', () => {
  const name = 'a"b\\c\u2028d';
  const pattern = JSON.stringify({ detail: { [name]: ['x'] } });
  const memo = MatchMemo.forPatterns<boolean>([pattern])!;
  const matcher = EventPatternMatcher.fromJson(pattern);
  for (const event of [{ detail: { [name]: 'x' } }, { detail: { [name]: 'y' } }, { detail: {} }]) {
    memo.lookup(event);
    memo.remember(matcher.matchesEvent(event));
  }
  expect([memo.lookup({ detail: { [name]: 'x' } }), memo.lookup({ detail: { [name]: 'y' } }), memo.lookup({ detail: {} })]).toEqual([true, false, false]);
});

test('a field name that is an Object.prototype member makes no memo', () => {
  expect(MatchMemo.forPatterns(['{"detail": {"constructor": ["x"]}}'])).toBeUndefined();
});

test('the memo stops when nearly every event differs on the fields', () => {
  const memo = MatchMemo.forPatterns<string>(['{"detail": {"eventID": [{"prefix": "a"}]}}'])!;
  for (let i = 0; i < 20000; i++) {
    memo.lookup({ detail: { eventID: `id-${i}` } });
    memo.remember('no');
  }
  memo.lookup({ detail: { eventID: 'id-1' } });
  memo.remember('no');
  expect(memo.lookup({ detail: { eventID: 'id-1' } })).toBeUndefined();
});

test('pattern fields are the flattened names of every branch', () => {
  expect(patternFields(JSON.parse(EXTRA_PATTERNS[0])).map((f) => f.join('.'))).toEqual(['source', 'detail.errorCode', 'source']);
  expect(patternFields(JSON.parse(EXTRA_PATTERNS[1])).map((f) => f.join('.'))).toEqual(['detail.userIdentity.type', 'detail.eventName']);
});

test('backtest counts equal the engine\'s answer for every rule and event, with the memo and the source index or without the memo', () => {
  const all = events();
  const expected = matchers.map((m) => all.filter((e) => m.matchesEvent(e)).length);
  for (const memo of [true, false]) {
    const backtest = new Backtest(PATTERNS, { memo });
    for (const e of [...all, ...all]) backtest.add(e);
    backtest.commitFile();
    expect(backtest.result().rules.map((r) => r.alerts)).toEqual(expected.map((n) => 2 * n));
  }
});
