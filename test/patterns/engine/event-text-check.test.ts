/**
 * The check that decides whether JSON.parse reads event text as event-ruler does. It may only err
 * towards "not faithful" (which costs the exact reading), never the other way.
 */
import { inspectParsed, parseIsFaithful, scanEventText } from '../../../src/patterns/engine/event-text-check';

function faithful(text: string): boolean {
  return parseIsFaithful(scanEventText(text), inspectParsed(JSON.parse(text)));
}

describe('repeated keys', () => {
  test('an event without repeated keys is read faithfully', () => {
    expect(faithful('{"a":"x","b":{"a":"y"},"c":[{"a":1},{"a":2}]}')).toBe(true);
  });

  test('a key repeated at the top level is found', () => {
    expect(faithful('{"a":"x","a":"y"}')).toBe(false);
  });

  test('a key repeated in an object inside an array is found', () => {
    expect(faithful('{"c":[{"a":1,"a":2}]}')).toBe(false);
  });

  test('whitespace between a key and its colon does not hide it', () => {
    expect(faithful('{"a" : "x", "a"\n\t: "y"}')).toBe(false);
  });

  test('escaped quotes and colons inside strings are not keys', () => {
    expect(faithful('{"p":"{\\"a\\":1,\\"a\\":2}","q":"x\\\\","r":":"}')).toBe(true);
  });

  test('a string ending in a backslash ends at the following quote', () => {
    expect(scanEventText('{"a":"\\\\","b":"\\\\\\"x"}')?.keys).toBe(2);
  });
});

describe('Jackson\'s limits', () => {
  test('nesting of 1,000 (the root object counting 1) is within them', () => {
    expect(faithful('{"a":' + '['.repeat(999) + ']'.repeat(999) + '}')).toBe(true);
  });

  test('nesting of 1,001 is not', () => {
    expect(faithful('{"a":' + '['.repeat(1000) + ']'.repeat(1000) + '}')).toBe(false);
  });

  test('a name over 50,000 characters is not', () => {
    expect(faithful(JSON.stringify({ ['k'.repeat(50001)]: 1 }))).toBe(false);
  });

  test('a number over 1,000 characters is not', () => {
    expect(faithful(`{"a":${'9'.repeat(1001)}}`)).toBe(false);
  });
});

describe('numbers whose spelling matters', () => {
  test('16 digits', () => {
    expect(scanEventText('{"a":1234567890.123456}')?.spellingSensitiveNumber).toBe(true);
  });

  test('a three-digit exponent', () => {
    expect(scanEventText('{"a":1e100}')?.spellingSensitiveNumber).toBe(true);
  });

  test('ordinary numbers, and long digit runs inside strings, do not', () => {
    expect(scanEventText('{"a":-12.5e-3,"b":"12345678901234567890","c":[0,1e22]}')?.spellingSensitiveNumber).toBe(false);
  });
});
