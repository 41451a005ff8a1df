import * as fs from 'fs';
import * as path from 'path';

interface CorpusEntry {
  readonly id: string;
  readonly record: any;
}

const corpus: CorpusEntry[] = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'cloudtrail-records.json'), 'utf8'));

/** The CloudTrail record with the given corpus id (test/fixtures/cloudtrail-records.json). */
export function cloudTrailRecord(id: string): any {
  const entry = corpus.find((candidate) => candidate.id === id);
  if (!entry) {
    throw new Error(`no record ${id} in test/fixtures/cloudtrail-records.json`);
  }
  return entry.record;
}

/**
 * The EventBridge event CloudTrail delivers for a record: the envelope EventBridge documents for
 * `AWS API Call via CloudTrail` events, with the record as `detail`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */
export function eventBridgeEventFor(record: any): any {
  const signIn = record.eventSource === 'signin.amazonaws.com';
  return {
    'version': '0',
    'id': '6f2c1a9e-8d3b-4c1e-9a51-2f0b7c3d4e5f',
    'detail-type': signIn ? 'AWS Console Sign In via CloudTrail' : 'AWS API Call via CloudTrail',
    'source': signIn ? 'aws.signin' : `aws.${record.eventSource.split('.')[0]}`,
    'account': record.recipientAccountId ?? record.userIdentity.accountId,
    'time': record.eventTime,
    'region': 'us-east-1',
    'resources': [],
    'detail': record,
  };
}
