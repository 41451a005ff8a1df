/**
 * Public doc comments stay short: API.md, API.python.md and the Python docstrings show them in
 * full, so a class's comment is a few lines and an example, and design rationale lives in the
 * module READMEs and code comments. Every class, struct and enum-like class the package exports
 * (the `patterns` namespace too) has a doc comment of at most 15 lines.
 */
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const MAX_LINES = 15;

function publicDeclarations(): Array<{ name: string; lines: number; file: string }> {
  const program = ts.createProgram([path.join(ROOT, 'src', 'index.ts')], { target: ts.ScriptTarget.ES2022, strict: true });
  const checker = program.getTypeChecker();
  const found = new Map<string, { name: string; lines: number; file: string }>();
  const visit = (moduleSymbol: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const has = (s: ts.Symbol, flag: ts.SymbolFlags) => (s.flags & flag) !== 0; // eslint-disable-line no-bitwise
      const symbol = has(exported, ts.SymbolFlags.Alias) ? checker.getAliasedSymbol(exported) : exported;
      if (has(symbol, ts.SymbolFlags.ValueModule) || has(symbol, ts.SymbolFlags.NamespaceModule)) {
        visit(symbol, `${prefix}${exported.name}.`);
        continue;
      }
      for (const declaration of symbol.declarations ?? []) {
        if (!ts.isClassDeclaration(declaration) && !ts.isInterfaceDeclaration(declaration)) continue;
        const text = declaration.getSourceFile().getFullText();
        const comments = ts.getLeadingCommentRanges(text, declaration.getFullStart()) ?? [];
        const doc = comments.filter(c => text.slice(c.pos, c.pos + 3) === '/**').pop();
        const body = doc ? text.slice(doc.pos + 3, doc.end - 2).split('\n') : [];
        // Lines between /** and */, the opening and closing lines not counted.
        const lines = doc ? Math.max(0, body.length - (body[0].trim() === '' ? 1 : 0) - (body[body.length - 1].trim() === '' ? 1 : 0)) : 0;
        found.set(`${prefix}${exported.name}`, { name: `${prefix}${exported.name}`, lines, file: path.relative(ROOT, declaration.getSourceFile().fileName) });
      }
    }
  };
  visit(checker.getSymbolAtLocation(program.getSourceFile(path.join(ROOT, 'src', 'index.ts'))!)!, '');
  return [...found.values()];
}

const declarations = publicDeclarations();

test('the public API is found (classes, structs and the patterns namespace)', () => {
  const names = declarations.map(d => d.name);
  expect(names).toEqual(expect.arrayContaining(['IamChangeAlerting', 'CrossAccountAlertBus', 'PipelineHealth', 'patterns.IamEventPattern', 'IamChangeAlertingProps']));
});

test(`every public class and struct has a doc comment of 1 to ${MAX_LINES} lines`, () => {
  const tooLong = declarations.filter(d => d.lines > MAX_LINES).map(d => `${d.name} (${d.file}): ${d.lines} lines`);
  const missing = declarations.filter(d => d.lines === 0).map(d => `${d.name} (${d.file}): no doc comment`);
  expect([...tooLong, ...missing]).toEqual([]);
});
