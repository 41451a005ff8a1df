/**
 * The careful way to read event JSON: every number keeps its spelling (`NumberToken`) and a key given
 * twice keeps both values (`RepeatedKey`), the way event-ruler's streaming read of an event sees them.
 * Iterative, so deep nesting cannot overflow the stack; Jackson's own depth limit (1000) applies, as in
 * event-ruler. Content after the closing brace is ignored, as event-ruler ignores it.
 */
import { NumberToken } from './comparable-number';
import { JsonToken, JsonTokenReader } from './json-token-reader';

/** The values of a key that appears more than once in one JSON object, in order. */
export class RepeatedKey {
  constructor(public readonly values: unknown[]) {}
}

/** Error for event text that is not a JSON object event-ruler could read. */
export class EventReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventReadError';
  }
}

interface Frame {
  readonly container: Record<string, unknown> | unknown[];
  readonly isArray: boolean;
}

function addMember(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (Object.prototype.hasOwnProperty.call(obj, key)) {
    const existing = obj[key];
    if (existing instanceof RepeatedKey) {
      existing.values.push(value);
    } else {
      obj[key] = new RepeatedKey([existing, value]);
    }
    return;
  }
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/** Parse event JSON text carefully. Throws `EventReadError` (with Jackson's reason) if it cannot. */
export function readEventCarefully(text: string): Record<string, unknown> {
  const reader = new JsonTokenReader(text);
  try {
    if (reader.nextToken() !== JsonToken.START_OBJECT) {
      throw new EventReadError('Event must be a JSON object');
    }
    const root: Record<string, unknown> = {};
    const stack: Frame[] = [{ container: root, isArray: false }];
    let pendingKey = '';
    while (stack.length > 0) {
      const token = reader.nextToken();
      const frame = stack[stack.length - 1];
      if (token === undefined) {
        throw new EventReadError('Unexpected end of event JSON');
      }
      if (token === JsonToken.END_OBJECT || token === JsonToken.END_ARRAY) {
        stack.pop();
        continue;
      }
      if (token === JsonToken.FIELD_NAME) {
        pendingKey = reader.currentName;
        continue;
      }
      let value: unknown;
      let child: Frame | undefined;
      switch (token) {
        case JsonToken.START_OBJECT:
          value = {};
          child = { container: value as Record<string, unknown>, isArray: false };
          break;
        case JsonToken.START_ARRAY:
          value = [];
          child = { container: value as unknown[], isArray: true };
          break;
        case JsonToken.VALUE_STRING:
          value = reader.text;
          break;
        case JsonToken.VALUE_NUMBER_INT:
        case JsonToken.VALUE_NUMBER_FLOAT:
          value = new NumberToken(reader.text);
          break;
        case JsonToken.VALUE_TRUE:
          value = true;
          break;
        case JsonToken.VALUE_FALSE:
          value = false;
          break;
        default:
          value = null;
      }
      if (frame.isArray) {
        (frame.container as unknown[]).push(value);
      } else {
        addMember(frame.container as Record<string, unknown>, pendingKey, value);
      }
      if (child) {
        stack.push(child);
      }
    }
    return root;
  } catch (e) {
    if (e instanceof EventReadError) {
      throw e;
    }
    throw new EventReadError(`Event is not valid JSON: ${(e as Error).message}`);
  }
}
