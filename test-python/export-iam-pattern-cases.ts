/**
 * Writes every IamEventPattern case of the TypeScript suite (test/differential/providers/
 * iam-presets.ts) with its calls and its toJson() text, for test_iam_patterns.py to replay through
 * the Python bindings and compare byte for byte. scripts/test-all.sh runs it before pytest.
 *
 * Usage: ts-node --project tsconfig.dev.json test-python/export-iam-pattern-cases.ts <file>
 */
import { writeFileSync } from 'fs';
import { IAM_PATTERN_CASES } from '../test/differential/providers/iam-presets';

const file = process.argv[2];
if (!file) {
  console.error('usage: export-iam-pattern-cases.ts <file>');
  process.exit(2);
}
const cases = IAM_PATTERN_CASES.map((c) => ({ id: c.id, calls: c.calls, json: c.build().toJson() }));
writeFileSync(file, JSON.stringify(cases, undefined, 1));
console.log(`wrote ${cases.length} IamEventPattern cases to ${file}`);
