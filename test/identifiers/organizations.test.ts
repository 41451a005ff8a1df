import { App, Stack, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkAccountId, checkOrganizationId } from '../../src/identifiers/organizations';

function scope(): Construct {
  return new Construct(new Stack(new App(), 'Stack'), 'Thing');
}

describe('checkOrganizationId', () => {
  test('accepts an organization id', () => {
    expect(() => checkOrganizationId(scope(), 'o-a1b2c3d4e5')).not.toThrow();
  });
  test.each(['o-short', 'O-ABCDEFGHIJ', 'a1b2c3d4e5', 'o-abcdefghij ', `o-${'a'.repeat(33)}`])('rejects %p naming path, value and fix', (value) => {
    expect(() => checkOrganizationId(scope(), value)).toThrow(new RegExp(`^Stack/Thing: organizationId '${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}' .* Fix: .*describe-organization`));
  });
  test('lets an unresolved token through', () => {
    expect(() => checkOrganizationId(scope(), Token.asString({ Ref: 'OrgId' }))).not.toThrow();
  });
});

describe('checkAccountId', () => {
  test('accepts 12 digits', () => {
    expect(() => checkAccountId(scope(), 'accounts entry', '012345678901')).not.toThrow();
  });
  test.each(['12345678901', '1234-5678-9012', 'abcdefghijkl', '1234567890123'])('rejects %p', (value) => {
    expect(() => checkAccountId(scope(), 'accounts entry', value)).toThrow(`Stack/Thing: accounts entry '${value}' is not an AWS account id.`);
  });
});
