/**
 * The lookups written out as code (field-path-code.ts) answer as `FieldPath`'s generic walk does,
 * for one path (`compileFind`) and for many read together (`compileReader`), on events whose keys
 * are spelled with and without dots, hold arrays of scalars, of objects and of arrays, and values
 * of every JSON type; and where code cannot be made from text, the engine still answers the same.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as fc from 'fast-check';
import { COMPILE_AFTER, FieldPath, holdsContainer, newStamp } from '../../../src/patterns/engine/event-matcher';
import { EventPatternSet } from '../../../src/patterns/engine/event-pattern-set';
import { compileFind, compileReader, FOUND, readerCanRead } from '../../../src/patterns/engine/field-path-code';
import { UsedSteps } from '../../../src/patterns/engine/ruler-event';

/** Field names read, and the keys events are made of: each segment, and the names spelled with dots. */
const NAMES = ['a', 'b', 'a.b', 'a.c', 'b.c', 'a.b.c', 'a.b.c.d', 'c.a.b'];
const KEYS = ['a', 'b', 'c', 'd', 'a.b', 'b.c', 'a.b.c', 'c.d', 'x'];

function pathsFor(names: readonly string[]): FieldPath[] {
  const used = new UsedSteps(names);
  return names.map((name) => new FieldPath(name.split('.'), used));
}

/** The generic walk's answer (the private `find`, as `lookUp` calls it when no code is made). */
function generic(p: FieldPath, event: Record<string, unknown>): { found: number; value: unknown } {
  p.value = undefined;
  const found = (p as unknown as { find(e: Record<string, unknown>): number }).find(event);
  return { found, value: found === FOUND ? p.value : undefined };
}

const scalar = fc.oneof(fc.constantFrom('x', '', 'CreateUser'), fc.integer(), fc.boolean(), fc.constant(null));
const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.array(fc.oneof(scalar, tie('object'), fc.array(scalar, { maxLength: 2 })), { maxLength: 3 }),
    tie('object')),
  object: fc.dictionary(fc.constantFrom(...KEYS), tie('value'), { maxKeys: 4 }),
})).object as fc.Arbitrary<Record<string, unknown>>;

describe('a path\'s code answers as the generic walk', () => {
  const paths = pathsFor(NAMES);

  test('the paths include both forms of the code (one key per level, and dotted alternatives)', () => {
    expect(paths.some((p) => p.primaryPath !== undefined && !p.hasDottedKeys)).toBe(true);
    expect(paths.some((p) => p.hasDottedKeys)).toBe(true);
  });

  test('compileFind, on generated events', () => {
    const finds = paths.map((p) => compileFind(p)!);
    fc.assert(fc.property(eventArb, (event) => {
      paths.forEach((p, i) => {
        const expected = generic(p, event);
        p.value = undefined;
        const found = finds[i](p, event, holdsContainer);
        expect({ name: NAMES[i], found, value: found === FOUND ? p.value : undefined }).toEqual({ name: NAMES[i], ...expected });
      });
    }), { numRuns: 3000, seed: 20261206 });
  });

  test('compileReader, all paths in one function, on generated events', () => {
    const read = compileReader(paths)!;
    fc.assert(fc.property(eventArb, (event) => {
      const expected = paths.map((p) => generic(p, event));
      paths.forEach((p) => { p.value = undefined; });
      const stamp = newStamp();
      read(event, stamp, holdsContainer);
      paths.forEach((p, i) => {
        expect(p.stamp).toBe(stamp);
        expect({ name: NAMES[i], found: p.found, value: p.found === FOUND ? p.value : undefined }).toEqual({ name: NAMES[i], ...expected[i] });
      });
    }), { numRuns: 3000, seed: 20261207 });
  });

  test('the cases that decide an answer, each named', () => {
    const [a, , ab, , , abc] = paths;
    const read = compileReader(paths)!;
    const answer = (p: FieldPath, event: Record<string, unknown>) => {
      read(event, newStamp(), holdsContainer);
      return p.found === FOUND ? { found: p.found, value: p.value } : { found: p.found };
    };
    // NOTHING 0, FOUND 1, UNDECIDED 2.
    expect(answer(ab, { a: { b: 'x' } })).toEqual({ found: 1, value: 'x' });
    expect(answer(ab, { 'a.b': 'y' })).toEqual({ found: 1, value: 'y' });
    expect(answer(ab, { 'a': { b: 'x' }, 'a.b': 'y' })).toEqual({ found: 2 });
    expect(answer(abc, { a: { 'b.c': 'x' } })).toEqual({ found: 1, value: 'x' });
    expect(answer(abc, { 'a.b': { c: 'x' } })).toEqual({ found: 1, value: 'x' });
    expect(answer(abc, { a: { 'b': { c: 'x' }, 'b.c': 'y' } })).toEqual({ found: 2 });
    expect(answer(ab, { a: [{ b: 'x' }] })).toEqual({ found: 2 });
    expect(answer(ab, { a: ['x'] })).toEqual({ found: 0 });
    expect(answer(ab, { a: 'x' })).toEqual({ found: 0 });
    expect(answer(ab, { a: null })).toEqual({ found: 0 });
    expect(answer(ab, { a: { b: ['x', 1] } })).toEqual({ found: 1, value: ['x', 1] });
    expect(answer(ab, { a: { b: [['x']] } })).toEqual({ found: 2 });
    expect(answer(ab, { a: { b: [{ c: 1 }] } })).toEqual({ found: 0 });
    expect(answer(ab, { a: { b: { c: 1 } } })).toEqual({ found: 0 });
    expect(answer(a, { a: false })).toEqual({ found: 1, value: false });
  });

  test('keys are written as string literals, whatever they hold', () => {
    const names = ['q"uote.back\\slash', '\u2028line.sep', '\ud800lone.x', '${x}.`y`', '0.1'];
    const paths2 = pathsFor(names);
    const read = compileReader(paths2)!;
    const event = { 'q"uote': { 'back\\slash': 1 }, '\u2028line': { sep: 2 }, '\ud800lone': { x: 3 }, '${x}': { '`y`': 4 }, '0': { 1: 5 } };
    read(event, newStamp(), holdsContainer);
    expect(paths2.map((p) => [p.found, p.value])).toEqual([[1, 1], [1, 2], [1, 3], [1, 4], [1, 5]]);
    paths2.forEach((p) => {
      expect(compileFind(p)!(p, event, holdsContainer)).toBe(FOUND);
      expect(generic(p, event).found).toBe(FOUND);
    });
  });

  test('a key naming an Object.prototype member keeps the generic walk (own properties only), however often looked up', () => {
    // In code, `e["__proto__"]["__proto__"]` of {} is Object.prototype's prototype, null: FOUND.
    const [guarded, own] = pathsFor(['__proto__.__proto__', 'a.constructor']);
    expect(guarded.guarded && own.guarded).toBe(true);
    expect(compileFind(guarded)).toBeUndefined();
    expect([readerCanRead(guarded), readerCanRead(own)]).toEqual([false, false]);
    for (let i = 0; i < 2 * COMPILE_AFTER; i++) {
      expect([guarded.lookUp({}, newStamp()), own.lookUp({ a: {} }, newStamp())]).toEqual([0, 0]);
    }
    expect(own.lookUp({ a: { constructor: 'x' } }, newStamp())).toBe(FOUND);
    expect(own.value).toBe('x');
  });

  test('a path of many segments keeps the generic walk (its code would grow with the cube of them)', () => {
    const names = [Array.from({ length: 33 }, () => 'a').join('.'), Array.from({ length: 32 }, () => 'a').join('.')];
    const [long, longest] = pathsFor(names);
    expect(compileFind(long)).toBeUndefined();
    expect(compileFind(longest)).toBeInstanceOf(Function);
    const nested = (n: number): Record<string, unknown> => (n === 0 ? { a: 'x' } : { a: nested(n - 1) });
    for (let i = 0; i < 2 * COMPILE_AFTER; i++) {
      expect([long.lookUp(nested(32), newStamp()), long.value]).toEqual([FOUND, 'x']);
    }
  });
});

test('where code cannot be made from text, the engine answers the same', () => {
  const patterns = [
    '{"detail":{"eventName":["CreateUser"]}}',
    '{"detail":{"userIdentity":{"type":["Root"]}},"source":["aws.iam"]}',
    '{"detail.eventName":[{"suffix":"User"}]}',
    '{"detail":{"items":{"name":["a"]}}}',
  ];
  const events = [
    '{"source":"aws.iam","detail":{"eventName":"CreateUser","userIdentity":{"type":"Root"}}}',
    '{"detail":{"eventName":"GetUser"},"detail.eventName":"CreateRole"}',
    '{"detail":{"eventName":"DeleteUser"}}',
    '{"detail":{"items":[{"name":"a"},{"name":"b"}]}}',
  ];
  // Each event many times over: code is made only after COMPILE_AFTER lookups.
  const rounds = 2 * COMPILE_AFTER;
  const answersOf = (set: EventPatternSet) => {
    const answers: string[][][] = [];
    for (let r = 0; r < rounds; r++) {
      events.forEach((e) => answers.push([set.matchingNames(e), set.matchingNamesOfEvent(JSON.parse(e))]));
    }
    return answers;
  };
  const set = new EventPatternSet();
  patterns.forEach((p, i) => set.add(`p${i}`, p));
  const expected = answersOf(set);
  expect((set as unknown as { index: { reader: unknown } }).index.reader).toBeInstanceOf(Function);
  expect(expected.slice(0, events.length)).toEqual([
    [['p0', 'p1', 'p2'], ['p0', 'p1', 'p2']],
    // The name spelled two ways: both values are the field's (GetUser ends with "User").
    [['p2'], ['p2']],
    [['p2'], ['p2']],
    [['p3'], ['p3']],
  ]);
  const script = `
    const { EventPatternSet } = require(${JSON.stringify(path.join(__dirname, '../../../src/patterns/engine/event-pattern-set'))});
    let refused = false;
    try { new Function('return 1'); } catch { refused = true; }
    const set = new EventPatternSet();
    ${JSON.stringify(patterns)}.forEach((p, i) => set.add('p' + i, p));
    const answers = [];
    for (let r = 0; r < ${rounds}; r++) {
      ${JSON.stringify(events)}.forEach((e) => answers.push([set.matchingNames(e), set.matchingNamesOfEvent(JSON.parse(e))]));
    }
    process.stdout.write(JSON.stringify({ refused, answers }));`;
  const run = spawnSync(process.execPath, ['--disallow-code-generation-from-strings', '-r', 'ts-node/register/transpile-only', '-e', script],
    { encoding: 'utf8', cwd: path.join(__dirname, '../../..') });
  expect(run.stderr).toBe('');
  expect(JSON.parse(run.stdout)).toEqual({ refused: true, answers: expected });
});
