/**
 * The README says what the code does: every complete TypeScript program in it (a block that
 * starts with an import) type-checks against the library and runs, the constructs ones
 * synthesizing; and the explain lists it publishes are the ones the catalog gives today.
 * test-python/test_readme.py does the same for the Python blocks.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as library from '../../src';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { PatternExplanation } from '../../src/patterns/pattern-explanation';

const ROOT = path.join(__dirname, '..', '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function codeBlocks(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...README.matchAll(fence)].map((m) => m[1]);
}

const programs = codeBlocks('ts').filter((code) => code.startsWith('import '));

test('the README has complete TypeScript programs for the quick start, patterns, engine and organization', () => {
  expect(programs.length).toBeGreaterThanOrEqual(5);
  expect(programs.some((p) => p.includes("new IamChangeAlerting(stack, 'IamAlerts', { emails: ['security@example.com'] })"))).toBe(true);
});

test('every complete TypeScript program type-checks against the library', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-'));
  const files = programs.map((code, i) => {
    const file = path.join(dir, `snippet${i}.ts`);
    fs.writeFileSync(file, code);
    return file;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [path.join(ROOT, 'node_modules', '@types')],
    // The snippets live in a temporary folder: the package name resolves to this repository's
    // source, and everything else to its node_modules.
    paths: {
      'cdk-iam-change-alerts': [path.join(ROOT, 'src', 'index.ts')],
      '*': [path.join(ROOT, 'node_modules', '*')],
    },
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file ? `${path.basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
  expect(diagnostics).toEqual([]);
});

describe.each(programs.map((code, i) => [i, code] as const))('README program %i', (_i, code) => {
  test('runs (and synthesizes, where it builds an app)', () => {
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    }).outputText;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the snippet's own imports
    const requireFromReadme = (id: string) => (id === 'cdk-iam-change-alerts' ? library : require(id));
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const previous = process.env.CDK_OUTDIR;
    process.env.CDK_OUTDIR = outdir;
    try {
      const module = { exports: {} };
      new Function('require', 'module', 'exports', js)(requireFromReadme, module, module.exports);
    } finally {
      log.mockRestore();
      if (previous === undefined) delete process.env.CDK_OUTDIR; else process.env.CDK_OUTDIR = previous;
    }
    if (code.includes('app.synth()')) {
      const templates = fs.readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
      expect(templates.length).toBeGreaterThan(0);
    }
  });
});

test.each([
  ['changes', IamEventPattern.changes()],
  ['authChanges', IamEventPattern.authChanges()],
] as const)('the README lists what %s() misses, as the catalog computes it', (name, pattern) => {
  const published = new RegExp(`<!-- explain:${name} -->([^<]*)<!-- /explain -->`).exec(README)?.[1];
  const missed = PatternExplanation.explain(pattern.toJson()).missedMutating.join(', ');
  expect(published).toEqual(missed);
});
