/**
 * Your organization and its organization trail: replace these values with your own. The app and the
 * request script both read them.
 */

/** The organization (`aws organizations describe-organization`). */
export const ORGANIZATION_ID = 'o-a1b2c3d4e5';

/** The management account, which owns the organization trail. */
export const MANAGEMENT_ACCOUNT = '111111111111';

/** The log-archive account, which owns the bucket the trail writes to (and its key). */
export const LOG_ARCHIVE_ACCOUNT = '222222222222';

/** The organization trail (`aws cloudtrail describe-trails` in the management account). */
export const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${MANAGEMENT_ACCOUNT}:trail/org-trail`;

/** The bucket the trail writes to, in the log-archive account. */
export const TRAIL_BUCKET_NAME = `org-trail-logs-${LOG_ARCHIVE_ACCOUNT}`;

/** The organizational units whose accounts get the Access Analyzer service role (or the root, r-...). */
export const MEMBER_OUS = ['ou-ab12-cdef3456'];
