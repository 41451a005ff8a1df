/**
 * Differential provider: every IAM workload pattern against the EventBridge envelope of every
 * CloudTrail record in the fixtures (real IAM, sign-in and root activity).
 */
import { envelopeFor, IAM_WORKLOAD_PATTERNS, loadCloudTrailRecords } from '../cloudtrail-workload';

export function pairs(): Array<{ id: string; pattern: string; event: string }> {
  const events = loadCloudTrailRecords().map((fixture, index) => ({ id: fixture.id, text: JSON.stringify(envelopeFor(fixture, index)) }));
  return IAM_WORKLOAD_PATTERNS.flatMap(({ name, pattern }) => {
    const text = JSON.stringify(pattern);
    return events.map((event) => ({ id: `${name}/${event.id}`, pattern: text, event: event.text }));
  });
}
