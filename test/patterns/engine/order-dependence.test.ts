/**
 * Warnings for patterns whose answer in event-ruler (and so EventBridge) depends on the order of `$or`
 * branches or of a field's values. For every flagged pattern the witness event's answer was checked
 * with event-ruler 2.1.0 (tools/event-ruler harness, Java 25): event-ruler gives the other answer than
 * the one AWS documents, and gives the documented one with the order changed. The differential run
 * repeats that check on every generated pattern the engine flags.
 */
import { EventPatternMatcher } from '../../../src/patterns/engine/event-pattern-matcher';
import { checkPatternText } from '../../../src/patterns/engine/pattern-check';
import {
  OVERLAPPING_OR_BRANCHES_ID,
  TEST_THROUGH_WILDCARD_ID,
  witnessEvent,
} from '../../../src/patterns/engine/private/order-dependence';

function findings(pattern: object) {
  const outcome = checkPatternText(JSON.stringify(pattern), 2048);
  expect(outcome.errors).toEqual([]);
  return (outcome.orderDependence ?? []).map((o) => ({ id: o.id, witness: witnessEvent(o.witness), documented: o.documented }));
}

describe('overlapping $or branches: event-ruler drops a later branch that repeats a value of an earlier one', () => {
  test.each([
    // [pattern, the event it loses (event-ruler: no match)]
    [{ $or: [{ detail: { eventName: ['CreateUser'] } }, { detail: { eventName: ['CreateUser', 'DeleteUser'] } }] }, { detail: { eventName: 'DeleteUser' } }],
    [{ source: ['aws.iam'], $or: [{ a: ['x'] }, { a: ['x', 'z'] }] }, { source: 'aws.iam', a: 'z' }],
    [{ $or: [{ a: ['x', 'y'] }, { a: ['y', 'z'] }] }, { a: 'z' }],
    [{ $or: [{ a: ['x', 'y'], b: ['p'] }, { a: ['y'], b: ['p', 'q'] }] }, { a: 'y', b: 'q' }],
    [{ $or: [{ a: [1] }, { a: [1, 2] }] }, { a: 2 }],
    [{ $or: [{ a: [{ prefix: 'x' }] }, { a: [{ prefix: 'x' }, 'q'] }] }, { a: 'q' }],
  ])('%j loses %j', (pattern, lost) => {
    expect(findings(pattern)).toEqual([{ id: OVERLAPPING_OR_BRANCHES_ID, witness: lost, documented: true }]);
    // The engine answers as documented: the later branch matches.
    expect(EventPatternMatcher.fromJson(JSON.stringify(pattern)).matchesEvent(lost)).toBe(true);
  });

  test('when the shared value is not listed first, the drop depends on Java\'s hash order: still flagged', () => {
    // event-ruler keeps it in a fresh JVM; with the list as ["x", "z"] it drops it every time.
    expect(findings({ $or: [{ a: ['x'] }, { a: ['z', 'x'] }] })).toEqual([{ id: OVERLAPPING_OR_BRANCHES_ID, witness: { a: 'z' }, documented: true }]);
  });

  test('the warning names the branches, the lost event and the merged list, with its id', () => {
    const { warnings } = EventPatternMatcher.check(JSON.stringify({ $or: [{ detail: { eventName: ['CreateUser'] } }, { detail: { eventName: ['CreateUser', 'DeleteUser'] } }] }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('{"detail":{"eventName":"DeleteUser"}} does not match');
    expect(warnings[0]).toContain('Fix: merge the two branches into one whose "detail.eventName" lists the values of both, ["CreateUser", "DeleteUser"]');
    expect(warnings[0]).toContain(OVERLAPPING_OR_BRANCHES_ID);
  });

  test.each([
    ['the earlier branch lists every value of the later one', { $or: [{ a: ['x', 'y'] }, { a: ['x'] }] }],
    ['identical branches', { $or: [{ a: ['x'] }, { a: ['x'] }] }],
    ['disjoint value lists', { $or: [{ a: ['x'] }, { a: ['y'] }] }],
    ['different fields', { $or: [{ a: ['x'] }, { b: ['x'] }] }],
    ['a shared value in one field but not the other', { $or: [{ a: ['x'], b: ['p'] }, { a: ['x'], b: ['q'] }] }],
    ['one branch has one more field', { $or: [{ a: ['x'] }, { a: ['x', 'y'], b: ['p'] }] }],
    ['the same value as exact and as equals-ignore-case', { $or: [{ a: ['x'] }, { a: [{ 'equals-ignore-case': 'x' }, 'y'] }] }],
    ['a lost combination another branch still matches', { $or: [{ a: ['x'] }, { a: ['y'] }, { a: ['x', 'y'] }] }],
  ])('not flagged: %s', (_, pattern) => {
    expect(findings(pattern)).toEqual([]);
  });
});

describe('a test built through a wildcard\'s *: the wildcard comes first on the field', () => {
  test.each([
    // [pattern, the witness event, the documented answer (event-ruler gives the other)]
    [{ a: [{ wildcard: '*User' }, { 'equals-ignore-case': 'x' }] }, { a: 'x#' }, false],
    [{ $or: [{ a: [{ wildcard: '*User' }] }, { a: [{ 'equals-ignore-case': 'x' }] }] }, { a: 'x#' }, false],
    [{ a: [{ wildcard: '*User' }, { 'anything-but': { 'equals-ignore-case': 'x' } }] }, { a: 'x#' }, true],
    [{ a: [{ wildcard: '*User' }, { prefix: { 'equals-ignore-case': 'xy' } }] }, { a: 'x#y' }, false],
    [{ a: [{ wildcard: '*User' }, { suffix: { 'equals-ignore-case': 'xy' } }] }, { a: 'xy#' }, false],
    [{ a: [{ wildcard: '1*User' }, { 'equals-ignore-case': '1x' }] }, { a: '1x#' }, false],
    [{ a: [{ 'anything-but': { wildcard: '*User' } }, { 'equals-ignore-case': 'x' }] }, { a: 'User' }, false],
    [{ a: [{ wildcard: '*User' }, { 'equals-ignore-case': '\u00e9' }] }, { a: '\u00e9#' }, false],
  ])('%j: %j', (pattern, witness, documented) => {
    expect(findings(pattern)).toEqual([{ id: TEST_THROUGH_WILDCARD_ID, witness, documented }]);
    expect(EventPatternMatcher.fromJson(JSON.stringify(pattern)).matchesEvent(witness)).toBe(documented);
  });

  test('event-ruler\'s own example: *User and equals-ignore-case "x" match GetRole', () => {
    const { warnings } = EventPatternMatcher.check(JSON.stringify({ a: [{ wildcard: '*User' }, { 'equals-ignore-case': 'x' }] }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Fix: list {"equals-ignore-case":"x"} before {"wildcard":"*User"}');
    expect(warnings[0]).toContain(TEST_THROUGH_WILDCARD_ID);
  });

  test.each([
    ['equals-ignore-case listed first', { a: [{ 'equals-ignore-case': 'x' }, { wildcard: '*User' }] }],
    ['the $or branch with the wildcard last', { $or: [{ a: [{ 'equals-ignore-case': 'x' }] }, { a: [{ wildcard: '*User' }] }] }],
    ['on different fields', { a: [{ wildcard: '*User' }], b: [{ 'equals-ignore-case': 'x' }] }],
    ['a value starting with a character without case', { a: [{ wildcard: '*User' }, { 'equals-ignore-case': '1' }] }],
    ['text before the star the value does not start with', { a: [{ wildcard: 'G*User' }, { 'equals-ignore-case': 'Gx' }] }],
    ['a star later than where the value differs', { a: [{ wildcard: 'ab*' }, { 'equals-ignore-case': 'x' }] }],
    ['a bare * already matches everything the damaged test adds', { a: [{ wildcard: '*' }, { 'equals-ignore-case': 'x' }] }],
    ['exact strings after a wildcard', { a: [{ wildcard: '*User' }, 'GetRole', 'x'] }],
    ['prefix and suffix after a wildcard', { a: [{ wildcard: '*User' }, { prefix: 'Get' }, { suffix: 'Role' }] }],
    ['several wildcards', { a: [{ wildcard: '*User' }, { wildcard: 'Get*' }, { wildcard: '*Role*' }] }],
  ])('not flagged: %s', (_, pattern) => {
    expect(findings(pattern)).toEqual([]);
  });
});

describe('ordinary patterns are not flagged', () => {
  test.each([
    { 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'], 'detail': { eventName: ['CreateUser', 'DeleteUser'] } },
    { source: ['aws.iam'], detail: { eventName: [{ prefix: 'Create' }, { prefix: 'Delete' }], userIdentity: { type: ['Root'] } } },
    { detail: { $or: [{ eventName: ['ConsoleLogin'] }, { eventName: ['CreateUser'], errorCode: [{ exists: false }] }] } },
    { detail: { eventName: [{ 'anything-but': ['GetUser', 'ListUsers'] }], userIdentity: { arn: [{ wildcard: 'arn:aws:iam::*:role/admin-*' }] } } },
    { $or: [{ source: ['aws.iam'] }, { source: ['aws.sts'], detail: { eventName: ['AssumeRole'] } }] },
    { detail: { eventName: [{ 'equals-ignore-case': 'createuser' }], requestParameters: { userName: [{ wildcard: '*-admin' }] } } },
  ])('%j', (pattern) => {
    expect(findings(pattern)).toEqual([]);
  });
});
