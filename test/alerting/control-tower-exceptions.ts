/**
 * The AWS Control Tower proactive controls (cfn-guard rules bundled with
 * `@cdklabs/cdk-validator-cfnguard`) that the alerting configurations do not meet, each with the
 * reason. All of them concern the trail bucket or the trail that `AlertTrail.create()` makes; an
 * account whose Control Tower enforces them uses `AlertTrail.organizationTrail()` (Control Tower
 * already runs an organization trail) or `AlertTrail.existing()`.
 */
export const CONTROL_TOWER_EXCEPTIONS: ReadonlyArray<{ readonly rule: string; readonly reason: string }> = [
  {
    rule: 'ct-cloudtrail-pr-3',
    reason: 'CT.CLOUDTRAIL.PR.3 asks for CloudWatch Logs delivery, which serves metric-filter alarms. The alerts here come from '
      + 'EventBridge within seconds; a log group would add ingestion cost and a second copy of every event for no alert.',
  },
  {
    rule: 'ct-s3-pr-2',
    reason: 'CT.S3.PR.2 asks for server access logging. The destination is the user\'s choice (serverAccessLogsBucket, used by '
      + 'the customized configuration); a bucket created here to receive the logs would itself fail the control.',
  },
  {
    rule: 'ct-s3-pr-4',
    reason: 'CT.S3.PR.4 asks for S3 event notifications. Nothing consumes object-created events of trail log files; the alerts '
      + 'are built from the EventBridge events CloudTrail sends, not from the files.',
  },
  {
    rule: 'ct-s3-pr-9',
    reason: 'CT.S3.PR.9 asks for S3 Object Lock, which cannot be turned off and fixes a retention nobody can shorten. Log-file '
      + 'validation (digest files) detects any change or deletion, versioning keeps overwritten and deleted logs, and only '
      + 'CloudTrail may write; the retention period is the user\'s decision.',
  },
  {
    rule: 'ct-s3-pr-10',
    reason: 'CT.S3.PR.10 asks for SSE-KMS as the bucket default. CloudTrail encrypts its log files with the trail\'s own KMS key '
      + '(CT.CLOUDTRAIL.PR.1 passes); the bucket default stays SSE-S3 so that writes without encryption headers do not need '
      + 'that key, whose policy admits only this trail\'s CloudTrail encryption context.',
  },
];
