/**
 * Greedy shrinking of a disagreeing (pattern, event) pair: drop keys and array elements, unwrap
 * one-element arrays, shorten strings, respell numbers plainly, as long as the two engines still
 * disagree in the same way. Works on the text model, so number spellings and duplicate keys
 * survive unless they do not matter.
 */
import { JsonNumber, JsonObject, JsonValue, num, parseJson, writeJson } from './json-text';

function* variants(value: JsonValue): Generator<JsonValue> {
  if (value instanceof JsonObject) {
    const entries = value.entries;
    for (let i = 0; i < entries.length; i++) {
      yield new JsonObject(entries.filter((_, j) => j !== i));
    }
    for (let i = 0; i < entries.length; i++) {
      for (const v of variants(entries[i][1])) {
        yield new JsonObject(entries.map((e, j): [string, JsonValue] => j === i ? [e[0], v] : e));
      }
    }
    for (let i = 0; i < entries.length; i++) {
      const key = entries[i][0];
      if (key.length > 1 && key !== '$or') {
        yield new JsonObject(entries.map((e, j): [string, JsonValue] => j === i ? [key.slice(0, 1), e[1]] : e));
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield value.filter((_, j) => j !== i);
    }
    if (value.length === 1) {
      yield value[0];
    }
    for (let i = 0; i < value.length; i++) {
      for (const v of variants(value[i])) {
        yield value.map((e, j) => j === i ? v : e);
      }
    }
    return;
  }
  if (typeof value === 'string' && value.length > 0) {
    const chars = [...value];
    yield '';
    if (chars.length > 1) {
      const half = Math.floor(chars.length / 2);
      yield chars.slice(0, half).join('');
      yield chars.slice(half).join('');
      for (let i = 0; i < Math.min(chars.length, 12); i++) {
        yield chars.filter((_, j) => j !== i).join('');
      }
    }
    return;
  }
  if (value instanceof JsonNumber) {
    const plain = String(value.value);
    if (Number.isFinite(value.value) && plain !== value.text) {
      yield num(plain);
    }
  }
}

export interface Minimized {
  readonly pattern: string;
  readonly event: string;
  readonly evaluations: number;
}

/** Shrinks (pattern, event) while `stillFails` holds; at most `budget` evaluations. */
export async function minimize(
  pattern: string,
  event: string,
  stillFails: (pattern: string, event: string) => Promise<boolean>,
  budget = 400,
): Promise<Minimized> {
  let evaluations = 0;
  const tryParse = (text: string): JsonValue | undefined => {
    try {
      return parseJson(text);
    } catch {
      return undefined;
    }
  };
  let patternTree = tryParse(pattern);
  let eventTree = tryParse(event);
  // The model must reproduce the texts' meaning before it can stand in for them.
  if (patternTree !== undefined && !(await stillFails(writeJson(patternTree), event))) {
    patternTree = undefined;
  }
  if (eventTree !== undefined && !(await stillFails(patternTree !== undefined ? writeJson(patternTree) : pattern, writeJson(eventTree)))) {
    eventTree = undefined;
  }
  evaluations += 2;
  const current = () => ({
    pattern: patternTree !== undefined ? writeJson(patternTree) : pattern,
    event: eventTree !== undefined ? writeJson(eventTree) : event,
  });
  let progress = true;
  while (progress && evaluations < budget) {
    progress = false;
    if (patternTree !== undefined) {
      for (const candidate of variants(patternTree)) {
        if (evaluations++ >= budget) {
          break;
        }
        if (await stillFails(writeJson(candidate), current().event)) {
          patternTree = candidate;
          progress = true;
          break;
        }
      }
    }
    if (eventTree !== undefined && evaluations < budget) {
      for (const candidate of variants(eventTree)) {
        if (evaluations++ >= budget) {
          break;
        }
        if (await stillFails(current().pattern, writeJson(candidate))) {
          eventTree = candidate;
          progress = true;
          break;
        }
      }
    }
  }
  return { ...current(), evaluations };
}
