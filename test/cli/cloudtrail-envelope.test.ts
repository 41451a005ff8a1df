import { corpusRecord } from './cli-test-support';
import { envelopeForRecord, isReadOnlyManagementEvent, principalOf } from '../../src/cli/cloudtrail-envelope';

test('an IAM record is delivered from aws.iam in us-east-1, whatever region the record names', () => {
  const record = corpusRecord('ct-005');
  expect(envelopeForRecord(record)).toEqual({
    'version': '0',
    'id': record.eventID,
    'detail-type': 'AWS API Call via CloudTrail',
    'source': 'aws.iam',
    'account': '229654561268',
    'time': '2024-08-01T13:33:28Z',
    'region': 'us-east-1',
    'resources': [],
    'detail': record,
  });
});

test('a console sign-in is delivered from aws.signin with the sign-in detail-type, in the region of the record', () => {
  const envelope = envelopeForRecord(corpusRecord('ct-000'));
  expect([envelope.source, envelope['detail-type'], envelope.region]).toEqual(['aws.signin', 'AWS Console Sign In via CloudTrail', 'eu-west-2r']);
});

test('a record without eventTime gets no invented time', () => {
  const { eventTime: _, ...record } = corpusRecord('ct-005');
  expect('time' in envelopeForRecord(record)).toBe(false);
});

test('a role session counts as the role that issued it', () => {
  expect(principalOf(corpusRecord('ct-070'))).toBe('arn:aws:iam::1231231234:role/PAssumedRole-us-east-2');
});

test('an IAM user counts as its ARN', () => {
  expect(principalOf(corpusRecord('ct-005'))).toBe('arn:aws:iam::229654561268:user/christophe');
});

test('a read-only CloudTrail management event is recognised, a change is not', () => {
  expect(isReadOnlyManagementEvent(envelopeForRecord(corpusRecord('ct-070')))).toBe(true);
  expect(isReadOnlyManagementEvent(envelopeForRecord(corpusRecord('ct-005')))).toBe(false);
});

test('a read-only data event is not a management event', () => {
  const record = { ...corpusRecord('ct-070'), managementEvent: false, eventCategory: 'Data' };
  expect(isReadOnlyManagementEvent(envelopeForRecord(record))).toBe(false);
});
