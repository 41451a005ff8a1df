/**
 * The exact reading of an event: event-ruler's field names, used steps, and array memberships.
 */
import { IntIntMap } from '../../../src/patterns/engine/int-int-map';
import { RulerEvent, UsedSteps, javaSplitOnDots } from '../../../src/patterns/engine/ruler-event';

function membership(m: IntIntMap): string {
  const out: string[] = [];
  m.some((array, index) => {
    out.push(`${array}[${index}]`);
    return false;
  });
  return out.join(' ');
}

function read(text: string, names: string[]): Record<string, string[]> {
  const event = RulerEvent.fromText(text, new UsedSteps(names), new Set(names));
  const out: Record<string, string[]> = {};
  for (const [name, values] of event.fields) {
    out[name] = values.map((v) => `${JSON.stringify(v.value)}@${membership(v.membership)}`);
  }
  return out;
}

describe('Java\'s split on dots', () => {
  test.each([
    ['a.b', ['a', 'b']],
    ['a.', ['a']],
    ['.a', ['', 'a']],
    ['a..b', ['a', '', 'b']],
    ['', ['']],
    ['..', []],
  ])('%j', (text, parts) => {
    expect(javaSplitOnDots(text)).toEqual(parts);
  });
});

describe('used steps', () => {
  const used = new UsedSteps(['detail.eventName', 'e.']);

  test('a step of a field name is used', () => {
    expect(used.isUsed('eventName')).toBe(true);
  });

  test('a dotted key is used when all its parts are', () => {
    expect(used.isUsed('detail.eventName')).toBe(true);
  });

  test('the empty step of "e." is dropped by the split, so never used', () => {
    expect(used.isUsed('')).toBe(false);
  });

  test('a key of dots only has no parts, so it is used', () => {
    expect(used.isUsed('..')).toBe(true);
  });
});

describe('reading event text', () => {
  test('every value of a repeated key, in document order', () => {
    expect(read('{"a":"x","b":1,"a":"y"}', ['a'])).toEqual({ a: ['"x"@', '"y"@'] });
  });

  test('numbers keep their spelling', () => {
    expect(read('{"a":1.50e0}', ['a'])).toEqual({ a: ['{"text":"1.50e0","value":1.5,"comparable":true}@'] });
  });

  test('arrays are numbered in document order, only under used keys; a scalar has the membership of the arrays around its array', () => {
    expect(read('{"skip":[[1]],"a":[{"b":"x"},["y"],"z"],"c":[{"b":"w"}]}', ['a.b', 'a', 'c.b'])).toEqual({
      'a.b': ['"x"@0[0]'],
      'a': ['"y"@0[1]', '"z"@'],
      'c.b': ['"w"@2[0]'],
    });
  });

  test('the path and the dotted key give the same name', () => {
    expect(read('{"a":{"b":1},"a.b":2}', ['a.b'])).toEqual({ 'a.b': ['{"text":"1","value":1,"comparable":true}@', '{"text":"2","value":2,"comparable":true}@'] });
  });

  test('text after the root object is ignored, as Jackson leaves it unread', () => {
    expect(read('{"a":"x"} not json', ['a'])).toEqual({ a: ['"x"@'] });
  });

  test('text that is not an object is refused', () => {
    expect(() => read('["a"]', ['a'])).toThrow('Event must be a JSON object');
  });

  test('a parsed object is read the same way', () => {
    const event = RulerEvent.fromObject({ a: [{ b: 'x' }, { b: 'y' }] }, new UsedSteps(['a.b']), new Set(['a.b']));
    expect(event.fields.get('a.b')!.map((v) => `${String(v.value)}@${membership(v.membership)}`)).toEqual(['x@0[0]', 'y@0[1]']);
  });
});
