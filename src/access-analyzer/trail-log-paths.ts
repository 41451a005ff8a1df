import { Token } from 'aws-cdk-lib';
import { invalidInput } from '../private/invalid-input';

/**
 * Where an organization trail writes each account's log files, and the checks of the trail's S3 key
 * prefix that policy ARNs are built from.
 */

/** CloudTrail's limit on `S3KeyPrefix`. */
const MAX_PREFIX_LENGTH = 200;

/**
 * Throws unless `value` is usable as the trail's S3 key prefix inside a policy ARN: no leading
 * or trailing `/`, no empty segment, at most 200 characters, and none of `*`, `?` or `$` (IAM would
 * read them as wildcards or a policy variable, widening the grant).
 */
export function checkS3KeyPrefix(where: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (value.length === 0) {
    throw invalidInput(where, 'prefix is the empty string.',
      'leave prefix out when the trail writes directly under AWSLogs/.');
  }
  if (value.startsWith('/') || value.endsWith('/')) {
    const trimmed = value.replace(/^\/+|\/+$/g, '');
    throw invalidInput(where, `prefix '${value}' starts or ends with '/'.`,
      trimmed.length > 0
        ? `write '${trimmed}': the trail's S3KeyPrefix without slashes (the '/' before AWSLogs/ is added for you).`
        : 'leave prefix out when the trail writes directly under AWSLogs/.');
  }
  if (value.includes('//')) {
    throw invalidInput(where, `prefix '${value}' has an empty segment ('//').`,
      `write '${value.replace(/\/{2,}/g, '/')}', exactly as the trail's S3KeyPrefix (\`aws cloudtrail get-trail --name <trail> --query Trail.S3KeyPrefix\`).`);
  }
  if (/[*?$]/.test(value)) {
    throw invalidInput(where, `prefix '${value}' contains '*', '?' or '$', which IAM reads as a wildcard or a policy variable in the resource ARN.`,
      'use the trail\'s literal S3KeyPrefix; CloudTrail prefixes need none of these characters.');
  }
  if (value.length > MAX_PREFIX_LENGTH) {
    throw invalidInput(where, `prefix '${value}' is ${value.length} characters long; CloudTrail allows at most ${MAX_PREFIX_LENGTH}.`,
      'use the trail\'s S3KeyPrefix as CloudTrail stores it.');
  }
}

/** `[prefix/]AWSLogs/<organization id>/`: where an organization trail writes the logs of all its accounts. */
export function organizationLogsPath(prefix: string | undefined, organizationId: string): string {
  return `${prefix === undefined ? '' : `${prefix}/`}AWSLogs/${organizationId}/`;
}

/** `[prefix/]AWSLogs/<organization id>/<account>/`: where an organization trail writes one account's logs. */
export function accountLogsPath(prefix: string | undefined, organizationId: string, account: string): string {
  return `${organizationLogsPath(prefix, organizationId)}${account}/`;
}
