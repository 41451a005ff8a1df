/**
 * Case folding as event-ruler's Java does it, not as the running Node.js does.
 *
 * event-ruler's `EqualsIgnoreCaseParser` turns each UTF-16 code unit c of a case-insensitive value
 * into the alternatives `String.valueOf(c).toLowerCase(Locale.ROOT)` and `.toUpperCase(Locale.ROOT)`
 * (one alternative when they are equal; c itself only when it is one of them). Those follow the
 * JVM's Unicode tables; Node.js's `toLowerCase` follows its ICU, which is newer or older depending
 * on the Node.js release (Node.js 20 with Unicode 17 maps U+A7CE to U+A7CF; Java 25, Unicode 16.0,
 * leaves it alone). The table in java-case-mappings.ts is generated from Java 25 by
 * tools/event-ruler/generate-case-mappings.ts, so the answers do not depend on the Node.js version.
 */
import { JAVA_CASE_RUNS, JAVA_CASE_SPECIALS } from './java-case-mappings';

let table: Map<number, readonly [string, string]> | undefined;

function load(): Map<number, readonly [string, string]> {
  const map = new Map<number, readonly [string, string]>();
  for (const line of JAVA_CASE_RUNS.split('\n')) {
    if (line.length === 0) {
      continue;
    }
    const [start, end, stride, dl, du] = line.split(' ').map((n) => parseInt(n, 16));
    for (let unit = start; unit <= end; unit += stride) {
      map.set(unit, [String.fromCharCode(unit + dl), String.fromCharCode(unit + du)]);
    }
  }
  for (const [unit, lower, upper] of JAVA_CASE_SPECIALS) {
    map.set(unit, [lower, upper]);
  }
  return map;
}

/**
 * Java's `[toLowerCase(Locale.ROOT), toUpperCase(Locale.ROOT)]` of the one-unit string of `unit`
 * (a UTF-16 code unit, 0 to 0xFFFF).
 */
export function javaLowerUpper(unit: number): readonly [string, string] {
  table ??= load();
  const mapped = table.get(unit);
  if (mapped) {
    return mapped;
  }
  const same = String.fromCharCode(unit);
  return [same, same];
}
