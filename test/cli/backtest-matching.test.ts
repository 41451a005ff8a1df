/**
 * The backtest matches all its rules as one EventPatternSet; its counts must equal, rule by rule,
 * what each pattern's own matcher says of every event, over the presets, patterns of other shapes
 * and events with arrays, dotted keys, objects, numbers and odd types where the patterns look.
 */
import { corpus } from './cli-test-support';
import { Backtest } from '../../src/cli/backtest';
import { envelopeForRecord, JsonObject } from '../../src/cli/cloudtrail-envelope';
import { PatternChoice, PRESETS, presetPattern } from '../../src/cli/pattern-source';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';

/** Field names that need care when read from an object: quotes, backslashes, line separators, Object.prototype members. */
const ODD_NAME = 'a"b\\c\u2028d';

/** Patterns beyond the presets, using what the presets do not: $or at the top, dotted keys, numbers, arrays, case, no source. */
const EXTRA_PATTERNS = [
  '{"$or": [{"source": ["aws.iam"], "detail": {"errorCode": [{"exists": true}]}}, {"source": ["aws.signin"]}]}',
  '{"detail.userIdentity.type": ["Root"], "detail": {"eventName": [{"anything-but": {"prefix": "Get"}}]}}',
  '{"detail": {"eventVersion": [{"numeric": [">=", 1.08]}], "userIdentity": {"sessionContext": {"attributes": {"mfaAuthenticated": [{"equals-ignore-case": "FALSE"}]}}}}}',
  '{"resources": [{"exists": false}], "detail": {"requestParameters": {"userName": [{"wildcard": "*admin*"}]}}}',
  '{"detail": {"responseElements": [null], "readOnly": [false]}}',
  '{"detail": {"sourceIPAddress": [{"cidr": "192.0.2.0/24"}, {"prefix": "075."}]}}',
  '{"detail": {"n": [0]}}',
  JSON.stringify({ detail: { [ODD_NAME]: ['x'] } }),
  '{"detail": {"constructor": ["x"], "eventName": [{"prefix": "Create"}]}}',
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
    switch (i % 12) {
      case 0: variants.push({ ...event, detail: { ...detail, eventName: [detail.eventName, 'CreateUser'] } }); break;
      case 1: variants.push({ ...event, 'detail.eventName': 'CreateUser' }); break;
      case 2: variants.push({ ...event, detail: { ...detail, 'userIdentity.type': 'Root' } }); break;
      case 3: variants.push({ ...event, detail: { ...detail, eventVersion: Number(detail.eventVersion) } }); break;
      case 4: variants.push({ ...event, detail: { ...detail, eventVersion: -0, readOnly: 0, n: -0 } }); break;
      case 5: variants.push({ ...event, detail: { ...detail, eventName: { nested: 'CreateUser' }, userIdentity: 'Root' } }); break;
      case 6: variants.push({ ...event, resources: ['arn:aws:iam::1:user/x'], detail: { ...detail, responseElements: null } }); break;
      case 7: variants.push({ ...event, source: ['aws.iam'], detail: { ...detail, errorCode: 'AccessDenied' } }); break;
      case 8: variants.push({ ...event, detail: { ...detail, [ODD_NAME]: i % 24 === 8 ? 'x' : 'y', n: '0' } }); break;
      case 9: variants.push({ ...event, detail: { ...detail, constructor: 'x', eventName: 'CreateRole' } }); break;
      case 10: variants.push({ ...event, detail: { ...detail, eventName: [[detail.eventName]], n: [0, 1] } }); break;
      default:
        variants.push({ ...event, detail: { ...detail, eventVersion: '1.08', readOnly: 'false', requestParameters: { userName: 'superadmin' } } });
        variants.push({ ...event, detail: { ...detail, eventName: 'PutRolePermissionsBoundary' } });
    }
  });
  return variants;
}

test('backtest counts equal each pattern\'s own matcher for every rule, over the presets, other patterns and odd events', () => {
  const all = events();
  const matchers = PATTERNS.map((p) => EventPatternMatcher.fromJson(p.json));
  const expected = matchers.map((m) => all.filter((e) => m.matchesEvent(e)).length);
  // Every rule matches something, so that a rule answering wrongly shows.
  expect(PATTERNS.filter((_, i) => expected[i] === 0).map((p) => p.name)).toEqual([]);
  const backtest = new Backtest(PATTERNS);
  for (const e of [...all, ...all]) backtest.add(e);
  backtest.commitFile();
  expect(backtest.result().rules.map((r) => r.alerts)).toEqual(expected.map((n) => 2 * n));
});

test('rules with the same name or pattern are counted apart', () => {
  const rule = presetPattern('changes');
  const backtest = new Backtest([rule, rule, { name: rule.name, json: '{"source": ["aws.signin"]}' }]);
  for (const e of events()) backtest.add(e);
  backtest.commitFile();
  const [a, b, c] = backtest.result().rules.map((r) => r.alerts);
  expect([a === b, a > 0, c > 0, c !== a]).toEqual([true, true, true, true]);
});
