/**
 * A port of event-ruler's `IntIntMap` (open addressing, linear probing, phi-mixed hash), which holds
 * array memberships (array id -> element index) while matching.
 *
 * It is ported rather than replaced by a `Map` because event-ruler's `StructuredFinder` walks a
 * membership map's entries in table order and acts on the first array that a field has values in;
 * that order decides some answers, so it must be the same here.
 */

/** `IntIntMap.NO_VALUE`: what `get` returns for an absent key. */
export const NO_VALUE = -1;

const EMPTY_CELL = -1;
const INITIAL_CAPACITY = 8;
const LOAD_FACTOR = 0.75;

/** `IntIntMap.phiMix`: multiply by the golden ratio (32-bit), fold the high half down. */
function phiMix(key: number): number {
  const h = Math.imul(key, 0x9e3779b9);
  return h ^ (h >> 16);
}

/** Keys and values are non-negative 31-bit integers (array ids and element indexes). */
export class IntIntMap {
  /** Shared empty map for values outside any array (never modified). */
  public static readonly EMPTY = new IntIntMap();

  private keys: Int32Array;
  private values: Int32Array;
  private mask: number;
  private threshold: number;
  private count = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.keys = new Int32Array(capacity).fill(EMPTY_CELL);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.threshold = Math.trunc(capacity * LOAD_FACTOR);
  }

  public get size(): number {
    return this.count;
  }

  /** Number of slots (the layout, with `keyAt`/`valueAt`, is what memo keys record). */
  public get capacity(): number {
    return this.keys.length;
  }

  /** The key in a slot, or -1 when the slot is empty. */
  public keyAt(slot: number): number {
    return this.keys[slot];
  }

  public valueAt(slot: number): number {
    return this.values[slot];
  }

  public get(key: number): number {
    let idx = phiMix(key) & this.mask;
    for (;;) {
      const k = this.keys[idx];
      if (k === EMPTY_CELL) {
        return NO_VALUE;
      }
      if (k === key) {
        return this.values[idx];
      }
      idx = (idx + 1) & this.mask;
    }
  }

  public put(key: number, value: number): number {
    let idx = phiMix(key) & this.mask;
    for (;;) {
      const k = this.keys[idx];
      if (k === EMPTY_CELL) {
        this.keys[idx] = key;
        this.values[idx] = value;
        // As in event-ruler: the size is counted by the rehash when one happens.
        if (this.count >= this.threshold) {
          this.rehash(this.keys.length * 2);
        } else {
          this.count++;
        }
        return NO_VALUE;
      }
      if (k === key) {
        const old = this.values[idx];
        this.values[idx] = value;
        return old;
      }
      idx = (idx + 1) & this.mask;
    }
  }

  public remove(key: number): number {
    let idx = phiMix(key) & this.mask;
    for (;;) {
      const k = this.keys[idx];
      if (k === EMPTY_CELL) {
        return NO_VALUE;
      }
      if (k === key) {
        const old = this.values[idx];
        this.count--;
        this.shiftKeys(idx);
        return old;
      }
      idx = (idx + 1) & this.mask;
    }
  }

  public clone(): IntIntMap {
    const copy = new IntIntMap(this.keys.length);
    copy.keys.set(this.keys);
    copy.values.set(this.values);
    copy.count = this.count;
    return copy;
  }

  /** Calls `visit(key, value)` for each entry in table order until it returns true. */
  public some(visit: (key: number, value: number) => boolean): boolean {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] !== EMPTY_CELL && visit(keys[i], this.values[i])) {
        return true;
      }
    }
    return false;
  }

  private shiftKeys(index: number): void {
    const keys = this.keys;
    const mask = this.mask;
    let pos = index;
    for (;;) {
      const last = pos;
      let moved = false;
      for (;;) {
        pos = (pos + 1) & mask;
        if (keys[pos] === EMPTY_CELL) {
          keys[last] = EMPTY_CELL;
          return;
        }
        const start = phiMix(keys[pos]) & mask;
        if (last < pos) {
          if (last >= start || start > pos) {
            moved = true;
          }
        } else if (last >= start && start > pos) {
          moved = true;
        }
        if (moved) {
          break;
        }
      }
      keys[last] = keys[pos];
      this.values[last] = this.values[pos];
    }
  }

  private rehash(capacity: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(capacity).fill(EMPTY_CELL);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
    this.threshold = Math.trunc(capacity * LOAD_FACTOR);
    this.count = 0;
    for (let i = oldKeys.length - 1; i >= 0; i--) {
      if (oldKeys[i] !== EMPTY_CELL) {
        this.put(oldKeys[i], oldValues[i]);
      }
    }
  }
}
