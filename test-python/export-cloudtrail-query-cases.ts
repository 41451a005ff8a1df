/**
 * Writes CloudTrailQuery cases (patterns, options) with the SQL TypeScript generates, for
 * test_cloudtrail_query.py to generate again through the Python bindings and compare byte for
 * byte. scripts/test-all.sh runs it before pytest.
 *
 * Usage: ts-node --project tsconfig.dev.json test-python/export-cloudtrail-query-cases.ts <file>
 */
import { writeFileSync } from 'fs';
import { PRESETS } from '../src/cli/pattern-source';
import { CloudTrailQuery, QueryDialect } from '../src/patterns/cloudtrail-query';

const file = process.argv[2];
if (!file) {
  console.error('usage: export-cloudtrail-query-cases.ts <file>');
  process.exit(2);
}
const presets = Object.entries(PRESETS).map(([name, make]) => ({ name, pattern: make().toJson() }));
const custom = [
  { name: 'custom', pattern: JSON.stringify({ detail: { resources: { type: ['AWS::IAM::Role'], ARN: [{ prefix: 'arn:aws:iam::' }] }, requestParameters: { policyArn: [{ 'anything-but': { suffix: 'ReadOnlyAccess' } }] } } }) },
  { name: 'mgmt', pattern: JSON.stringify({ detail: { managementEvent: [false] } }) },
];
const cases = [];
for (const dialect of ['athena', 'cloudtrail-lake', 'duckdb']) {
  const options = {
    dialect,
    table: dialect === 'cloudtrail-lake' ? 'EXAMPLEf852-4e8f' : dialect === 'athena' ? 'security.cloudtrail_logs' : undefined,
    since: '2024-01-01',
    until: '2024-02-01T12:00:00Z',
    accounts: ['111122223333'],
    regions: ['us-east-1'],
  };
  for (const patterns of [presets, custom]) {
    const result = CloudTrailQuery.forPatterns(patterns, { ...options, dialect: QueryDialect.of(dialect) });
    cases.push({
      id: `${dialect}-${patterns.length}`, patterns, options, sql: result.sql, exact: result.exact, inexactReasons: result.inexactReasons,
      statements: result.statements, oversizedPatterns: result.oversizedPatterns,
    });
  }
}
writeFileSync(file, JSON.stringify(cases, undefined, 1));
console.log(`wrote ${cases.length} CloudTrailQuery cases to ${file}`);
