/**
 * Principals (IAM users, roles, role sessions, the root user) given by ARN or ARN glob, and the
 * CloudTrail `userIdentity` fields that identify them.
 *
 * A call made with a role's credentials carries the session in `userIdentity.arn`
 * (`arn:aws:sts::111122223333:assumed-role/Deploy/session`, no role path) and the role itself in
 * `userIdentity.sessionContext.sessionIssuer.arn` (`arn:aws:iam::111122223333:role/path/Deploy`).
 * Console sign-ins of federated users may carry the session only. So a role principal is matched
 * on both fields, the session through the glob derived from the role's name.
 *
 * Internal to the patterns module: not exported from the barrel.
 */
import { Token } from 'aws-cdk-lib';
import { GlobKind, ValueGlob } from './iam-value-glob';
import { isAccountId } from '../identifiers/organizations';
import { invalidInput } from '../private/invalid-input';

/** IAM user, role, session and root ARNs of any partition; globs may use `*`. */
const PRINCIPAL_ARN = /^arn:(aws(?:-[a-z]+)*|\*):(iam|sts|\*)::([0-9*]+):([A-Za-z0-9+=,.@_/*-]+)$/;
/**
 * A role ARN written around tokens (`arn:${Partition}:iam::${AccountId}:role/Deploy`): encoded
 * tokens hold no `:`, `/` or `*`, and no role name resolves to text with a `/`.
 */
const TOKENIZED_ROLE_ARN = /^arn:([^:]+):iam::([^:]+):role\/(?:[^:]*\/)?([^:/*]+)$/;
const RESOURCE_TYPES = ['root', 'user/', 'role/', 'assumed-role/', 'federated-user/'];

/** One principal, compiled to the globs of the two identity fields. */
export interface PrincipalMatch {
  /** The principal as the user wrote it. */
  readonly text: string;
  /** Globs for `userIdentity.arn`. */
  readonly identityArn: readonly ValueGlob[];
  /** Globs for `userIdentity.sessionContext.sessionIssuer.arn` (roles, and unresolved tokens). */
  readonly sessionIssuerArn: readonly ValueGlob[];
  /** Whether the value is an unresolved CDK token (known only at deployment). */
  readonly isToken: boolean;
}

/**
 * Validates and compiles one principal ARN or ARN glob.
 *
 * @param method the refinement being called (`IamEventPattern.onlyPrincipals`), named in errors
 */
export function parsePrincipal(text: string, method: string): PrincipalMatch {
  if (Token.isUnresolved(text)) {
    // A role ARN written around tokens still yields its session ARN: the tokens resolve inside
    // the prefix string in the template.
    const role = TOKENIZED_ROLE_ARN.exec(text);
    if (role) {
      const session = ValueGlob.prefix(`arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/`);
      return { text, identityArn: [session], sessionIssuerArn: [ValueGlob.exact(text)], isToken: true };
    }
    // Otherwise (for example `role.roleArn`) it is matched exactly on both fields, since a role
    // ARN appears as the session issuer and a user ARN as the identity.
    return { text, identityArn: [ValueGlob.exact(text)], sessionIssuerArn: [ValueGlob.exact(text)], isToken: true };
  }
  const fix = 'give an IAM principal ARN such as arn:aws:iam::111122223333:role/Deploy, '
    + 'arn:aws:iam::111122223333:user/alice, arn:aws:iam::111122223333:root or '
    + 'arn:aws:sts::111122223333:assumed-role/Deploy/*; "*" may stand for any run of characters.';
  if (/^\**$/.test(text)) {
    throw invalidInput(method, `"${text}" is not a principal: a bare or empty value would match every caller.`, fix);
  }
  if (text.includes('**')) {
    throw invalidInput(method, `"${text}" has consecutive stars, which EventBridge wildcards reject.`, `use a single "*"; ${fix}`);
  }
  const m = PRINCIPAL_ARN.exec(text);
  if (!m) {
    throw invalidInput(method, `"${text}" is not an IAM principal ARN (arn:<partition>:iam|sts::<12-digit account>:<resource>, `
      + 'with only letters, digits, +=,.@_/- and * in the resource).', fix);
  }
  const [, partition, service, account, resource] = m;
  if (!account.includes('*') && !isAccountId(account)) {
    throw invalidInput(method, `"${text}" has account id "${account}", which is not 12 digits.`, fix);
  }
  if (!resource.startsWith('*') && !RESOURCE_TYPES.some((t) => resource === t || resource.startsWith(t))) {
    throw invalidInput(method, `"${text}" names resource "${resource}", which is not a principal `
      + `(expected ${RESOURCE_TYPES.map((t) => `"${t}..."`).join(', ')}).`, fix);
  }
  const glob = ValueGlob.parse(text);
  if (service === 'iam' && resource.startsWith('role/')) {
    // The session ARN drops the role's path: it is assumed-role/<role name>/<session name>.
    // Role names are unique in an account, so an exact name needs no path; a name glob under a
    // given path cannot be carried over (the path would be lost), so such a role is recognised
    // by the session issuer alone.
    const rest = resource.slice('role/'.length);
    const roleName = rest.slice(rest.lastIndexOf('/') + 1);
    if (roleName === '') {
      throw invalidInput(method, `"${text}" names no role after the path.`, fix);
    }
    const hasPath = rest.includes('/');
    const identityArn = hasPath && roleName.includes('*')
      ? []
      : [ValueGlob.parse(`arn:${partition}:sts::${account}:assumed-role/${roleName}/*`)];
    return { text, identityArn, sessionIssuerArn: [glob], isToken: false };
  }
  // A glob that could name roles as well as other principals (e.g. arn:aws:iam::*:*) also
  // applies to the session issuer, where role ARNs appear.
  const couldBeRole = glob.kind !== GlobKind.EXACT && service !== 'sts' && (resource.startsWith('*') || resource.startsWith('role'));
  return { text, identityArn: [glob], sessionIssuerArn: couldBeRole ? [glob] : [], isToken: false };
}

/** Validates an account id list entry (12 digits, or an unresolved token). */
export function validateAccountId(account: string, method: string): void {
  if (Token.isUnresolved(account)) return;
  if (!isAccountId(account)) {
    throw invalidInput(method, `"${account}" is not an AWS account id.`, 'give the 12 digits, for example "111122223333".');
  }
}
