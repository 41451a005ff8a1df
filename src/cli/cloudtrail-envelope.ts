/**
 * How EventBridge delivers a CloudTrail record: as the `detail` of an envelope.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-structure.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html
 */

export const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
/** The spelling of delivered sign-in events (one docs page writes "Signin"; patterns should match both). */
export const SIGN_IN_DETAIL_TYPE = 'AWS Console Sign In via CloudTrail';
const SERVICE_EVENT_DETAIL_TYPE = 'AWS Service Event via CloudTrail';
const CONSOLE_ACTION_DETAIL_TYPE = 'AWS Console Action via CloudTrail';

/** Services whose events reach EventBridge only in us-east-1, whatever region the record names. */
const GLOBAL_EVENT_SOURCES = new Set(['iam.amazonaws.com', 'organizations.amazonaws.com']);

/** Account used when a record names none (hand-written samples); real CloudTrail records always carry `recipientAccountId`. */
const UNKNOWN_ACCOUNT = '000000000000';

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a value is a CloudTrail record (as CloudTrail writes it to S3 or CloudTrail Lake
 * exports it): an object with `eventSource` and `eventName` strings and no EventBridge envelope
 * fields.
 */
export function isCloudTrailRecord(value: unknown): value is JsonObject {
  return isJsonObject(value)
    && typeof value.eventSource === 'string'
    && typeof value.eventName === 'string'
    && !('detail-type' in value);
}

/** Whether a value is an EventBridge event: an object with `detail-type`, `source` and `detail`. */
export function isEventBridgeEvent(value: unknown): value is JsonObject {
  return isJsonObject(value) && typeof value['detail-type'] === 'string' && typeof value.source === 'string' && 'detail' in value;
}

/**
 * The EventBridge event that carries a CloudTrail record, as a rule receives it.
 *
 * `source` is `aws.` plus the first label of `eventSource` (`iam.amazonaws.com` -> `aws.iam`,
 * `signin.amazonaws.com` -> `aws.signin`); `detail-type` follows `eventType`; `account` is the
 * `recipientAccountId`; `time` the `eventTime`; `id` the record's `eventID` (EventBridge assigns
 * its own id: the record's keeps the event traceable). `region` is the record's `awsRegion`,
 * except for IAM and Organizations, whose events reach EventBridge only in us-east-1.
 */
export function envelopeForRecord(record: JsonObject): JsonObject {
  const eventSource = String(record.eventSource);
  const region = GLOBAL_EVENT_SOURCES.has(eventSource) ? 'us-east-1'
    : typeof record.awsRegion === 'string' ? record.awsRegion : 'us-east-1';
  const id = typeof record.eventID === 'string' ? record.eventID : '00000000-0000-0000-0000-000000000000';
  const detailType = detailTypeOf(record);
  const source = sourceOf(eventSource);
  const account = accountOf(record);
  // Two literals rather than a spread: this runs once per record of a backtest. A record without
  // eventTime (hand-made samples only) gets no time rather than an invented one.
  return typeof record.eventTime === 'string'
    ? { 'version': '0', id, 'detail-type': detailType, source, account, 'time': record.eventTime, region, 'resources': [], 'detail': record }
    : { 'version': '0', id, 'detail-type': detailType, source, account, region, 'resources': [], 'detail': record };
}

const SOURCES = new Map<string, string>();

/** `iam.amazonaws.com` -> `aws.iam`, remembered (a log holds few event sources). */
function sourceOf(eventSource: string): string {
  let source = SOURCES.get(eventSource);
  if (source === undefined) {
    source = `aws.${eventSource.split('.')[0]}`;
    if (SOURCES.size < 10000) SOURCES.set(eventSource, source);
  }
  return source;
}

function accountOf(record: JsonObject): string {
  if (typeof record.recipientAccountId === 'string') return record.recipientAccountId;
  const identity = record.userIdentity;
  return isJsonObject(identity) && typeof identity.accountId === 'string' ? identity.accountId : UNKNOWN_ACCOUNT;
}

function detailTypeOf(record: JsonObject): string {
  switch (record.eventType) {
    case 'AwsApiCall': return API_CALL_DETAIL_TYPE;
    case 'AwsConsoleSignIn':
    case 'AwsConsoleSignin': return SIGN_IN_DETAIL_TYPE;
    case 'AwsServiceEvent': return SERVICE_EVENT_DETAIL_TYPE;
    case 'AwsConsoleAction': return CONSOLE_ACTION_DETAIL_TYPE;
    // Old records (the user guides' 2014 samples) have no eventType.
    default: return record.eventSource === 'signin.amazonaws.com' ? SIGN_IN_DETAIL_TYPE : API_CALL_DETAIL_TYPE;
  }
}

/**
 * Whether EventBridge treats the event as a read-only management event delivered by CloudTrail:
 * those reach a rule only when its state is `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail-management.html
 */
export function isReadOnlyManagementEvent(event: JsonObject): boolean {
  const detail = event.detail;
  if (!isJsonObject(detail) || typeof event['detail-type'] !== 'string' || !event['detail-type'].endsWith('via CloudTrail')) {
    return false;
  }
  return (detail.readOnly === true || detail.readOnly === 'true') && detail.managementEvent !== false;
}

/**
 * Who made a call, as one string to count alerts by: for a role session, the role that issued
 * it (sessions of one role differ by name, the role is what an exclusion names); else the
 * identity's ARN; for an AWS service, the service (`invokedBy`); else the identity type.
 */
export function principalOf(record: JsonObject): string {
  const identity = isJsonObject(record.userIdentity) ? record.userIdentity : undefined;
  if (!identity) return '(no userIdentity)';
  const session = isJsonObject(identity.sessionContext) ? identity.sessionContext : undefined;
  const issuer = session && isJsonObject(session.sessionIssuer) ? session.sessionIssuer : undefined;
  if (identity.type === 'AssumedRole' && issuer && typeof issuer.arn === 'string' && issuer.arn !== '') return issuer.arn;
  if (typeof identity.arn === 'string' && identity.arn !== '') return identity.arn;
  if (typeof identity.invokedBy === 'string') return identity.invokedBy;
  return typeof identity.type === 'string' ? `(${identity.type})` : '(unknown)';
}
