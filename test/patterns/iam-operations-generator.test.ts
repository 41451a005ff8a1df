import { readFileSync } from 'fs';
import { join } from 'path';
import {
  classifyOperations,
  describeCatalogDrift,
  operationNamesFromSdk,
  primaryAccessLevel,
  renderIamOperationsData,
} from '../../scripts/generate-iam-operations';
import {
  ACCESS_LEVEL_PACKAGE,
  ACCESS_LEVEL_VERSION,
  IAM_OPERATION_DATA,
  OPERATIONS_PACKAGE,
  OPERATIONS_VERSION,
} from '../../src/patterns/iam-operations-data';

describe('generate-iam-operations', () => {
  test('the committed data file is exactly what the generator writes for its rows (no hand edits)', () => {
    const committed = readFileSync(join(__dirname, '../../src/patterns/iam-operations-data.ts'), 'utf8');
    const rendered = renderIamOperationsData({
      operationsPackage: OPERATIONS_PACKAGE,
      operationsVersion: OPERATIONS_VERSION,
      accessLevelPackage: ACCESS_LEVEL_PACKAGE,
      accessLevelVersion: ACCESS_LEVEL_VERSION,
      operations: [...IAM_OPERATION_DATA],
    });
    expect(committed).toBe(rendered);
  });

  test('operation names are the exported <Name>Command classes that the IAM client also offers', () => {
    class IAM {
      createRole() {}
      tagRole() {}
    }
    const sdk = {
      IAM, TagRoleCommand: class {}, CreateRoleCommand: class {}, $Command: class {}, IAMClient: class {}, paginateListRoles: () => undefined,
    };
    expect(operationNamesFromSdk(sdk)).toEqual(['CreateRole', 'TagRole']);
  });

  test('a Command without a client method means the SDK layout changed', () => {
    class IAM {}
    expect(() => operationNamesFromSdk({ IAM, CreateRoleCommand: class {} }))
      .toThrow(/exports CreateRoleCommand but its IAM client has no method createRole/);
  });

  test('a module without an IAM client is rejected', () => {
    expect(() => operationNamesFromSdk({ CreateRoleCommand: class {} })).toThrow(/exports no IAM client class/);
  });

  test('the primary access level is the part before the comma', () => {
    expect(primaryAccessLevel('AttachRolePolicy', 'Permissions management, Write')).toBe('Permissions management');
    expect(primaryAccessLevel('TagRole', 'Tagging, Write')).toBe('Tagging');
    expect(primaryAccessLevel('GetRole', 'Read')).toBe('Read');
  });

  test('an unknown access level fails, naming the action and the value', () => {
    expect(() => primaryAccessLevel('NewThing', 'Admin')).toThrow('gives iam:NewThing the access level "Admin"');
  });

  test('classification: List/Read read-only, other levels mutating, no level falls back to the name', () => {
    const levels = new Map([['ListRoles', 'List'], ['GenerateCredentialReport', 'Read'], ['TagRole', 'Tagging'],
      ['AttachRolePolicy', 'Permissions management'], ['CreateRole', 'Write']]);
    expect(classifyOperations(['TagRole', 'ListRoles', 'GetNewThing', 'AcquireRole', 'GenerateCredentialReport', 'AttachRolePolicy', 'CreateRole'], levels))
      .toEqual([
        { name: 'AcquireRole', readOnly: false },
        { name: 'AttachRolePolicy', readOnly: false, accessLevel: 'Permissions management' },
        { name: 'CreateRole', readOnly: false, accessLevel: 'Write' },
        { name: 'GenerateCredentialReport', readOnly: true, accessLevel: 'Read' },
        { name: 'GetNewThing', readOnly: true },
        { name: 'ListRoles', readOnly: true, accessLevel: 'List' },
        { name: 'TagRole', readOnly: false, accessLevel: 'Tagging' },
      ]);
  });

  test('drift lists added, changed and removed operations', () => {
    const committed = [{ name: 'A', readOnly: true, accessLevel: 'Read' }, { name: 'B', readOnly: false }];
    const fresh = [{ name: 'A', readOnly: false, accessLevel: 'Write' }, { name: 'C', readOnly: false, accessLevel: 'Write' }];
    expect(describeCatalogDrift(committed, fresh)).toEqual([
      'changed A: read-only, access level Read -> mutating, access level Write',
      'added C (mutating, access level Write)',
      'removed B',
    ]);
  });

  test('no drift between identical catalogs', () => {
    expect(describeCatalogDrift(IAM_OPERATION_DATA, [...IAM_OPERATION_DATA])).toEqual([]);
  });
});
