/**
 * The port of event-ruler's IntIntMap keeps Java's table order, which decides some array-consistency
 * answers. Expected orders were recorded by running the same operations on event-ruler 2.1.0's
 * IntIntMap (p = put key:value, r = remove key, c = clone).
 */
import { IntIntMap } from '../../../src/patterns/engine/int-int-map';

const RECORDED: ReadonlyArray<readonly [string, string]> = [
  ['r3 c p25:0 p23:2 c p12:1 c p0:3 p13:1 p21:0 p6:0 p5:2 c p13:3 r25', '0:3 21:0 13:3 12:1 23:2 5:2 6:0'],
  ['r7 p13:0 p20:0 p21:3 p2:1 p8:4 p10:1 p13:3 p5:3 r23 p9:4 r27 p29:3 c p26:3 p12:4', '10:1 21:3 20:0 8:4 13:3 9:4 12:4 5:3 26:3 2:1 29:3'],
  ['p26:0 r4 p0:1 r9 r13 p3:3 p2:3 c p8:0 p13:3 p23:4 c p23:2 r5 p19:0 p21:4 p20:0 p9:4 r14 p21:2 p22:1 p19:4 c p15:2 p3:1 c p29:4 p24:4 c p8:4 c r1 c p13:3 p25:4 p13:0 r23', '0:1 20:0 22:1 21:2 19:4 26:0 24:4 3:1 9:4 8:4 13:0 15:2 25:4 2:3 29:4'],
  ['p6:4 r20 r2 p25:1 p19:4 c p9:3 p2:0 p14:3 p13:0 p25:4 r18 c', '9:3 13:0 19:4 14:3 6:4 25:4 2:0'],
  ['r18 p7:3 p27:2 c r5 p14:2 r6 p14:4 p16:3', '27:2 7:3 14:4 16:3'],
  ['p27:3 p29:3 p13:3 c p13:0 p4:0 p7:4 p9:4 r15', '4:0 27:3 7:4 13:0 29:3 9:4'],
  ['p22:1 p3:3 r16 p7:4 r22 p4:3', '4:3 7:4 3:3'],
  ['p3:0 p25:4 r29 p27:3 r15 p11:4 r17', '11:4 27:3 25:4 3:0'],
];

function replay(ops: string): IntIntMap {
  let map = new IntIntMap();
  for (const op of ops.split(' ')) {
    if (op === 'c') {
      map = map.clone();
    } else if (op[0] === 'r') {
      map.remove(Number(op.slice(1)));
    } else {
      const [key, value] = op.slice(1).split(':').map(Number);
      map.put(key, value);
    }
  }
  return map;
}

function entries(map: IntIntMap): string {
  const out: string[] = [];
  map.some((key, value) => {
    out.push(`${key}:${value}`);
    return false;
  });
  return out.join(' ');
}

test.each(RECORDED)('%s', (ops, javaOrder) => {
  const map = replay(ops);
  expect(entries(map)).toBe(javaOrder);
  expect(map.size).toBe(javaOrder.split(' ').length);
});

test('get finds every entry and reports absent keys as -1', () => {
  const map = replay(RECORDED[0][0]);
  for (const entry of RECORDED[0][1].split(' ')) {
    const [key, value] = entry.split(':').map(Number);
    expect(map.get(key)).toBe(value);
  }
  expect(map.get(29)).toBe(-1);
});

test('a clone is independent of the original', () => {
  const map = replay('p1:1 p2:2');
  const copy = map.clone();
  copy.put(3, 3);
  expect(entries(map)).not.toContain('3:3');
  expect(copy.get(3)).toBe(3);
});
