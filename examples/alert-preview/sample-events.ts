import * as fs from 'fs';

/** A CloudTrail record as EventBridge delivers it to a rule. */
export interface SampleEvent {
  /** Where the record comes from (`ct-012` in test/fixtures/cloudtrail-records.json). */
  readonly id: string;
  readonly eventName: string;
  /** The EventBridge event: the envelope with the record as `detail`. */
  readonly event: Record<string, any>;
  /** The event as JSON text, what the engine reads. */
  readonly json: string;
}

/** The services whose events reach EventBridge only in us-east-1, whatever region the record names. */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com']);

const DETAIL_TYPES: Record<string, string> = {
  AwsApiCall: 'AWS API Call via CloudTrail',
  AwsConsoleSignIn: 'AWS Console Sign In via CloudTrail',
  AwsConsoleSignin: 'AWS Console Sign In via CloudTrail',
  AwsServiceEvent: 'AWS Service Event via CloudTrail',
  AwsConsoleAction: 'AWS Console Action via CloudTrail',
};

/**
 * Reads CloudTrail records (a JSON array of `{ id, record }` entries, as in
 * test/fixtures/cloudtrail-records.json, or of bare records) and wraps each in the envelope
 * EventBridge delivers: `source` is `aws.` plus the first label of `eventSource`, `detail-type`
 * follows `eventType`, `account` is the recipient account, `time` the event time, and `region` the
 * record's region (us-east-1 for IAM, a global service).
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 */
export function loadSampleEvents(file: string): SampleEvent[] {
  const entries: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (!Array.isArray(entries)) {
    throw new Error(`${file}: expected a JSON array of CloudTrail records, got ${typeof entries}`);
  }
  return entries.map((entry: any, index) => {
    const record = entry.record ?? entry;
    if (typeof record?.eventSource !== 'string' || typeof record?.eventName !== 'string') {
      throw new Error(`${file}: entry ${index} is not a CloudTrail record (it has no eventSource and eventName)`);
    }
    const event = envelope(record);
    return { id: entry.id ?? `#${index}`, eventName: record.eventName, event, json: JSON.stringify(event) };
  });
}

function envelope(record: Record<string, any>): Record<string, any> {
  const eventSource: string = record.eventSource;
  // Records without eventType (the user guides' oldest samples) are sign-ins or API calls.
  const detailType = DETAIL_TYPES[record.eventType]
    ?? (eventSource === 'signin.amazonaws.com' ? DETAIL_TYPES.AwsConsoleSignIn : DETAIL_TYPES.AwsApiCall);
  return {
    'version': '0',
    'id': record.eventID ?? '00000000-0000-0000-0000-000000000000',
    'detail-type': detailType,
    'source': `aws.${eventSource.split('.')[0]}`,
    'account': record.recipientAccountId ?? record.userIdentity?.accountId ?? '000000000000',
    'time': record.eventTime,
    'region': GLOBAL_SOURCES.has(eventSource) ? 'us-east-1' : record.awsRegion ?? 'us-east-1',
    'resources': [],
    'detail': record,
  };
}
