import { Token } from 'aws-cdk-lib';
import { invalidInput, ValueSource } from '../private/invalid-input';

/**
 * AWS Organizations identifiers: organization ids, account ids, and the ids of organizational
 * units and roots. Every check lets an unresolved CDK token through.
 */

/** `o-` and 10 to 32 lower-case letters or digits. */
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The syntax of an account id, without anchors, for building larger patterns such as ARNs. */
export const ACCOUNT_ID_SYNTAX = '\\d{12}';
const ACCOUNT_ID = new RegExp(`^${ACCOUNT_ID_SYNTAX}$`);

/** An organizational unit (`ou-<root part>-<unit part>`) or the root (`r-<id>`). */
export const ORGANIZATIONAL_UNIT_OR_ROOT_ID = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/** Whether `value` is a 12-digit account id. */
export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** Throws unless `value` is an AWS Organizations organization id. */
export function checkOrganizationId(where: ValueSource, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!ORGANIZATION_ID.test(value)) {
    throw invalidInput(where,
      `organizationId '${value}' is not an organization id (${ORGANIZATION_ID.source}).`,
      'pass the id that `aws organizations describe-organization --query Organization.Id` prints (o- and 10 to 32 lower-case letters or digits).');
  }
}

/** Throws unless `value` is a 12-digit account id. `what` names the property in the message. */
export function checkAccountId(where: ValueSource, what: string, value: string): void {
  if (Token.isUnresolved(value)) return;
  if (!isAccountId(value)) {
    throw invalidInput(where,
      `${what} '${value}' is not an AWS account id.`,
      'write the 12 digits, with leading zeros and no dashes or spaces.');
  }
}
