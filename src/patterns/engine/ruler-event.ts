/**
 * An event as event-ruler's `Event` sees it: flattened into field names (the keys of the path joined
 * with dots) each with its values, every value carrying its array membership (array id -> element
 * index, ids counted in document order), read only through the steps the machine uses.
 *
 * This is the exact view: it keeps every value of a key repeated in one object, every number's
 * spelling, and the array ids and membership tables whose order `StructuredFinder` depends on. The
 * matcher uses it when the quick view (`JSON.parse` and a direct walk) could differ.
 */
import { NumberToken } from './comparable-number';
import { IntIntMap } from './int-int-map';
import { JsonReadError, JsonToken, JsonTokenReader } from './json-token-reader';
import { EventScalar } from './value-patterns';

/** Deepest nesting followed in an already-parsed event object (guards against cyclic objects). */
export const MAX_OBJECT_NESTING = 10000;

/** Error for event text that is not a JSON object event-ruler could read. */
export class EventReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventReadError';
  }
}

/** Java's `String.split("\\.")`: trailing empty strings dropped; a string without a dot is itself. */
export function javaSplitOnDots(text: string): string[] {
  if (text.indexOf('.') < 0) {
    return [text];
  }
  const parts = text.split('.');
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') {
    end--;
  }
  return parts.slice(0, end);
}

/**
 * `GenericMachine.isFieldStepUsed` for a machine holding one pattern: the machine records the dot-split
 * parts of every field name of every sub-rule, and reads an event key only if it is one of them, or
 * contains a dot and all its dot-split parts are. So an empty key is read only when some field name has
 * an empty part that `split` keeps (`""`, `".x"`, `"a..b"`, but not `"a."`).
 */
export class UsedSteps {
  private readonly steps = new Set<string>();
  private readonly dotted = new Map<string, boolean>();

  constructor(fieldNames: Iterable<string>) {
    for (const name of fieldNames) {
      for (const step of javaSplitOnDots(name)) {
        this.steps.add(step);
      }
    }
  }

  public isUsed(step: string): boolean {
    if (this.steps.has(step)) {
      return true;
    }
    if (step.indexOf('.') < 0) {
      return false;
    }
    let used = this.dotted.get(step);
    if (used === undefined) {
      used = javaSplitOnDots(step).every((s) => this.steps.has(s));
      this.dotted.set(step, used);
    }
    return used;
  }
}

/** One value of a field with its array membership (`IntIntMap.EMPTY` outside arrays). */
export interface RulerValue {
  readonly value: EventScalar;
  readonly membership: IntIntMap;
}

const enum Container { OBJECT, ARRAY }

interface Frame {
  readonly kind: Container;
  /** Array id (arrays only). */
  readonly id: number;
  /** Next element index (arrays only). */
  index: number;
  /** Whether the container is a key's value, so the path loses that step when it closes. */
  readonly popsStep: boolean;
  /** Array whose membership entry this container (an array element) removes when it closes, or -1. */
  readonly removesMembership: number;
}

/**
 * The values of the wanted field names, in the order event-ruler's `Event` lists them (per name, in
 * document order).
 */
export class RulerEvent {
  /**
   * Read event text exactly as `Event(String, GenericMachine)` does, with Jackson's checks (the whole
   * root object is tokenized, even the parts that are skipped; text after it is ignored).
   *
   * @throws EventReadError with Jackson's reason when event-ruler would refuse the text
   */
  public static fromText(text: string, used: UsedSteps, wanted: ReadonlySet<string>): RulerEvent {
    const event = new RulerEvent(used, wanted);
    const reader = new JsonTokenReader(text);
    try {
      if (reader.nextToken() !== JsonToken.START_OBJECT) {
        throw new EventReadError('Event must be a JSON object');
      }
      event.readTokens(reader);
    } catch (e) {
      if (e instanceof JsonReadError) {
        throw new EventReadError(`Event is not valid JSON: ${e.message}`);
      }
      throw e;
    }
    return event;
  }

  /**
   * The same view of an already-parsed event object (as `Event(JsonNode, GenericMachine)`), keys in
   * the object's own order. Values JSON cannot hold (undefined, functions, symbols, bigints) are skipped.
   */
  public static fromObject(root: Record<string, unknown>, used: UsedSteps, wanted: ReadonlySet<string>): RulerEvent {
    const event = new RulerEvent(used, wanted);
    event.readObject(root);
    return event;
  }

  public readonly fields = new Map<string, RulerValue[]>();
  private readonly membership = new IntIntMap();
  private arrayCount = 0;
  /** Joined path names: `names[i]` is the first i+1 steps joined with dots. */
  private readonly names: string[] = [];

  private constructor(private readonly used: UsedSteps, private readonly wanted: ReadonlySet<string>) {}

  private pushStep(step: string): void {
    const depth = this.names.length;
    this.names.push(depth === 0 ? step : this.names[depth - 1] + '.' + step);
  }

  private add(value: EventScalar): void {
    const name = this.names.length === 0 ? '' : this.names[this.names.length - 1];
    if (!this.wanted.has(name)) {
      return;
    }
    let list = this.fields.get(name);
    if (!list) {
      list = [];
      this.fields.set(name, list);
    }
    list.push({ value, membership: this.membership.size === 0 ? IntIntMap.EMPTY : this.membership.clone() });
  }

  /** Undo what opening a container did (event-ruler does it as its recursion returns). */
  private close(frame: { readonly popsStep: boolean; readonly removesMembership: number }): void {
    if (frame.removesMembership >= 0) {
      this.membership.remove(frame.removesMembership);
    }
    if (frame.popsStep) {
      this.names.pop();
    }
  }

  /** `traverseObject` / `traverseArray`, iteratively (Jackson's depth limit bounds the stack anyway). */
  private readTokens(reader: JsonTokenReader): void {
    const stack: Frame[] = [{ kind: Container.OBJECT, id: -1, index: 0, popsStep: false, removesMembership: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      let token = reader.nextToken();
      if (token === undefined) {
        throw new EventReadError('Event is not valid JSON: unexpected end of input');
      }
      let popsStep = false;
      let removesMembership = -1;
      if (top.kind === Container.OBJECT) {
        if (token === JsonToken.END_OBJECT) {
          stack.pop();
          this.close(top);
          continue;
        }
        const step = reader.currentName;
        token = reader.nextToken()!;
        if (!this.used.isUsed(step)) {
          // ignoreCurrentStep: still tokenized (and so checked), but nothing is recorded.
          reader.skipChildren();
          continue;
        }
        this.pushStep(step);
        popsStep = true;
      } else {
        if (token === JsonToken.END_ARRAY) {
          stack.pop();
          this.close(top);
          continue;
        }
        const index = top.index++;
        if (token === JsonToken.START_OBJECT || token === JsonToken.START_ARRAY) {
          this.membership.put(top.id, index);
          removesMembership = top.id;
        }
      }
      switch (token) {
        case JsonToken.START_OBJECT:
          stack.push({ kind: Container.OBJECT, id: -1, index: 0, popsStep, removesMembership });
          continue;
        case JsonToken.START_ARRAY:
          stack.push({ kind: Container.ARRAY, id: this.arrayCount++, index: 0, popsStep, removesMembership });
          continue;
        case JsonToken.VALUE_STRING:
          this.add(reader.text);
          break;
        case JsonToken.VALUE_NUMBER_INT:
        case JsonToken.VALUE_NUMBER_FLOAT:
          this.add(new NumberToken(reader.text));
          break;
        case JsonToken.VALUE_TRUE:
          this.add(true);
          break;
        case JsonToken.VALUE_FALSE:
          this.add(false);
          break;
        default:
          this.add(null);
      }
      if (popsStep) {
        this.names.pop();
      }
    }
  }

  /** `loadObject` / `loadArray` over a JS value, iteratively (deep or cyclic objects must not overflow). */
  private readObject(root: Record<string, unknown>): void {
    interface ObjectFrame {
      readonly value: object;
      readonly keys: string[] | undefined;
      next: number;
      readonly id: number;
      readonly popsStep: boolean;
      readonly removesMembership: number;
    }
    const stack: ObjectFrame[] = [{ value: root, keys: Object.keys(root), next: 0, id: -1, popsStep: false, removesMembership: -1 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      let child: unknown;
      let popsStep = false;
      let removesMembership = -1;
      if (top.keys !== undefined) {
        if (top.next >= top.keys.length) {
          stack.pop();
          this.close(top);
          continue;
        }
        const step = top.keys[top.next++];
        if (!this.used.isUsed(step)) {
          continue;
        }
        child = (top.value as Record<string, unknown>)[step];
        if (!isJsonValue(child)) {
          continue;
        }
        this.pushStep(step);
        popsStep = true;
      } else {
        const array = top.value as unknown[];
        if (top.next >= array.length) {
          stack.pop();
          this.close(top);
          continue;
        }
        const index = top.next++;
        child = array[index];
        if (!isJsonValue(child)) {
          continue;
        }
        if (typeof child === 'object' && child !== null) {
          this.membership.put(top.id, index);
          removesMembership = top.id;
        }
      }
      if (typeof child === 'object' && child !== null) {
        if (stack.length >= MAX_OBJECT_NESTING) {
          throw new Error(`Event object is nested more than ${MAX_OBJECT_NESTING} deep (or is cyclic)`);
        }
        const isArray = Array.isArray(child);
        stack.push({
          value: child,
          keys: isArray ? undefined : Object.keys(child),
          next: 0,
          id: isArray ? this.arrayCount++ : -1,
          popsStep,
          removesMembership,
        });
        continue;
      }
      this.add(child as EventScalar);
      if (popsStep) {
        this.names.pop();
      }
    }
  }
}

/** Whether a JS value is one JSON could hold (objects and arrays included). */
function isJsonValue(v: unknown): boolean {
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || (t === 'object');
}
