import { Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalidInput, ValueSource } from '../../private/invalid-input';

// A sane syntax check, not RFC 5322: a dot-atom local part, and a domain of DNS labels ending in a
// top-level domain of letters. It rejects the typos that would leave alerts undelivered
// (missing "@", spaces, "..", a trailing dot, no top-level domain).
const LOCAL_PART = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const DOMAIN = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}';
const EMAIL = new RegExp(`^${LOCAL_PART}@${DOMAIN}$`);

/**
 * Validates email addresses and removes duplicates, comparing case-insensitively and keeping the
 * first spelling. Unresolved tokens are kept as they are.
 */
export function normalizeEmailAddresses(scope: Construct, emails: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const email of emails) {
    if (Token.isUnresolved(email)) {
      result.push(email);
      continue;
    }
    checkEmailAddress(scope, email, 'emails');
    const key = email.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      result.push(email);
    }
  }
  return result;
}

/**
 * Throws when `email` (from `setting`, named in the message) is not a sane email address;
 * unresolved tokens pass.
 */
export function checkEmailAddress(where: ValueSource, email: string, setting: string): void {
  if (Token.isUnresolved(email)) return;
  if (email.length > 254 || !EMAIL.test(email)) {
    throw invalidInput(where,
      `'${email}' in ${setting} is not a valid email address.`,
      "write each address as name@domain.tld, without spaces, display names or angle brackets (for example 'security@example.com').");
  }
}
