import { corpus } from './cli-test-support';
import { SAMPLE_RECORDS } from '../../src/cli/sample-events';

const entries = new Map(corpus().map((e) => [e.id, e]));

test('every bundled sample record equals its corpus record', () => {
  for (const sample of SAMPLE_RECORDS) {
    expect(JSON.parse(sample.recordJson)).toEqual(entries.get(sample.id)?.record);
  }
});

test('every bundled sample keeps its corpus provenance', () => {
  for (const sample of SAMPLE_RECORDS) {
    const entry = entries.get(sample.id)!;
    expect({ repo: sample.sourceRepo, path: sample.sourcePath, revision: sample.sourceRevision, license: sample.license })
      .toEqual({ repo: entry.source_repo, path: entry.source_path, revision: entry.source_commit ?? entry.source_blob, license: entry.license });
  }
});

test('only Apache-2.0 material is bundled in the package', () => {
  expect(new Set(SAMPLE_RECORDS.map((s) => s.license))).toEqual(new Set(['Apache-2.0']));
});

test('the sample covers IAM changes, a read-only call, a failed call and console sign-ins', () => {
  const records = SAMPLE_RECORDS.map((s) => JSON.parse(s.recordJson));
  expect(records.some((r) => r.eventName === 'CreateUser')).toBe(true);
  expect(records.some((r) => r.readOnly === true)).toBe(true);
  expect(records.some((r) => r.errorCode !== undefined && r.eventSource === 'iam.amazonaws.com')).toBe(true);
  expect(records.filter((r) => r.eventName === 'ConsoleLogin').length).toBeGreaterThanOrEqual(2);
});
