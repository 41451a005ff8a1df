/**
 * Enum-like classes (a class whose static factories return the class itself: `AlertTrail`,
 * `AlertTopic`, `AlertMessage`, `PipelineHealth`, `IamEventPattern`, ...) must have no public
 * initializer in any jsii language: from Python, `AlertTrail()` used to construct an object the
 * constructs then failed on (`_bind is not a function`). A `private constructor` is the only
 * shape jsii exposes no initializer for; `protected` still gives Python, Java, C# and Go one.
 *
 * The classes are found automatically, not from a hand list: every class exported from
 * src/index.ts (patterns.* included) with a public static method returning its own type, except
 * constructs, whose `(scope, id, props)` constructor is their public API. Two checks:
 *
 * - the TypeScript sources, through the compiler API: always run, no build needed. Every
 *   constructor declared must be `private` (none declared means an implicit public one), and the
 *   class must not be abstract (abstract members would ask other languages to subclass it);
 * - the jsii assembly `.jsii` at the repository root, which the jsii compile writes: no
 *   `initializer` key (jsii omits it for a private constructor) and not abstract. This relies on
 *   the compile that runs before jest in CI (scripts/test-all.sh runs `npx projen compile` before
 *   `npx projen test`, and `npx projen build` compiles before testing). When `.jsii` is missing or
 *   older than a file in src/ that src/index.ts imports, this part is skipped with a message: run
 *   `npx projen compile`.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..', '..');
const INDEX = path.join(ROOT, 'src', 'index.ts');
const ASSEMBLY = path.join(ROOT, '.jsii');

/** The classes the issue named: the automatic search must find at least these. */
const KNOWN_ENUM_LIKE = ['AlertMessage', 'AlertTopic', 'AlertTrail', 'PipelineHealth'];

interface EnumLikeClass {
  /** Name as exported, with its submodule: `AlertTrail`, `patterns.IamEventPattern`. */
  readonly name: string;
  /** Its static methods that return the class itself. */
  readonly factories: string[];
  /** Why other languages could construct or subclass it; empty when they cannot. */
  readonly problems: string[];
}

/** The enum-like classes exported from `rootFile` of `program`, with what is wrong with each. */
function enumLikeClasses(program: ts.Program, rootFile: string): EnumLikeClass[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(rootFile);
  if (source === undefined) throw new Error(`${rootFile} is not in the program`);
  const found: EnumLikeClass[] = [];
  const visit = (module: ts.Symbol, prefix: string) => {
    for (const exported of checker.getExportsOfModule(module)) {
      const symbol = hasBits(exported.flags, ts.SymbolFlags.Alias) ? checker.getAliasedSymbol(exported) : exported;
      if (hasBits(symbol.flags, ts.SymbolFlags.Class)) {
        const result = inspectClass(checker, symbol, prefix + exported.name);
        if (result !== undefined) found.push(result);
      } else if (hasBits(symbol.flags, ts.SymbolFlags.ValueModule)) {
        visit(symbol, `${prefix}${exported.name}.`);
      }
    }
  };
  visit(checker.getSymbolAtLocation(source)!, '');
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

function inspectClass(checker: ts.TypeChecker, symbol: ts.Symbol, name: string): EnumLikeClass | undefined {
  const declaration = symbol.declarations?.find(ts.isClassDeclaration);
  if (declaration === undefined) return undefined;
  const factories = declaration.members
    .filter(ts.isMethodDeclaration)
    .filter((m) => hasFlag(m, ts.ModifierFlags.Static) && !hasFlag(m, ts.ModifierFlags.Private) && !hasFlag(m, ts.ModifierFlags.Protected))
    .filter((m) => !m.name.getText().startsWith('_'))
    .filter((m) => {
      const signature = checker.getSignatureFromDeclaration(m);
      return signature !== undefined && checker.getReturnTypeOfSignature(signature).getSymbol() === symbol;
    })
    .map((m) => m.name.getText());
  if (factories.length === 0 || isConstruct(checker, checker.getDeclaredTypeOfSymbol(symbol))) return undefined;

  const problems: string[] = [];
  const constructors = declaration.members.filter(ts.isConstructorDeclaration);
  if (constructors.length === 0) problems.push('declares no constructor, so it has an implicit public one');
  for (const c of constructors) {
    if (!hasFlag(c, ts.ModifierFlags.Private)) {
      const line = c.getSourceFile().getLineAndCharacterOfPosition(c.getStart()).line + 1;
      const modifier = hasFlag(c, ts.ModifierFlags.Protected) ? 'protected' : 'public';
      problems.push(`has a ${modifier} constructor (${path.relative(ROOT, c.getSourceFile().fileName)}:${line}); make it private`);
    }
  }
  if (hasFlag(declaration, ts.ModifierFlags.Abstract)) problems.push('is abstract');
  return { name, factories, problems };
}

function hasFlag(node: ts.Declaration, flag: ts.ModifierFlags): boolean {
  return hasBits(ts.getCombinedModifierFlags(node), flag);
}

/** Whether `flags` has the bit `flag` (the compiler API's flags are bit sets). */
function hasBits(flags: number, flag: number): boolean {
  // eslint-disable-next-line no-bitwise
  return (flags & flag) !== 0;
}

/** Whether `type` extends `Construct` from the constructs library, directly or not. */
function isConstruct(checker: ts.TypeChecker, type: ts.Type): boolean {
  const bases = type.isClassOrInterface() ? checker.getBaseTypes(type) : [];
  return bases.some((base) => {
    const declared = base.getSymbol()?.declarations?.[0];
    const fromConstructs = declared !== undefined
      && /[\\/]node_modules[\\/]constructs[\\/]/.test(declared.getSourceFile().fileName);
    return (base.getSymbol()?.getName() === 'Construct' && fromConstructs) || isConstruct(checker, base);
  });
}

function compilerOptions(): ts.CompilerOptions {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.dev.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  return { ...config!.options, noEmit: true };
}

/** A program over one source file that exists only in memory, to check the check itself. */
function inMemoryProgram(text: string): { program: ts.Program; file: string } {
  const file = path.join(ROOT, 'src', '__in-memory-enum-like__.ts');
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, languageVersion, ...rest) => (name === file
    ? ts.createSourceFile(name, text, languageVersion, true)
    : getSourceFile.call(host, name, languageVersion, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  return { program: ts.createProgram([file], options, host), file };
}

const sourceProgram = ts.createProgram([INDEX], compilerOptions());
const sourceClasses = enumLikeClasses(sourceProgram, INDEX);

describe('the TypeScript sources', () => {
  test('the search finds the enum-like classes the issue named', () => {
    expect(sourceClasses.map((c) => c.name)).toEqual(expect.arrayContaining(KNOWN_ENUM_LIKE));
  });

  test.each(sourceClasses.map((c) => [c.name, c] as const))('%s can only come from its static factories', (_name, c) => {
    // The class name is in the message, so a failure says which class and why.
    expect(c.problems.map((p) => `${c.name} ${p}`)).toEqual([]);
  });

  test('the check finds a protected, a public or a missing constructor, and passes a private one', () => {
    const { program, file } = inMemoryProgram(`
      import { Construct } from 'constructs';
      export class Protected { public static a(): Protected { return new Protected(); } protected constructor() {} }
      export class Implicit { public static a(): Implicit { return new Implicit(); } }
      export abstract class Abstract { public static a(): Abstract { return undefined as any; } private constructor() {} }
      export class Good { public static a(): Good { return new Good(1); } private constructor(private readonly n: number) {} }
      export class NotEnumLike { public static a(): string { return ''; } }
      export class AConstruct extends Construct { public static of(s: Construct): AConstruct { return new AConstruct(s, 'x'); } }
      export namespace sub { export class Nested { public static a(): Nested { return new Nested(); } public constructor() {} } }
    `);
    const found = Object.fromEntries(enumLikeClasses(program, file).map((c) => [c.name, c.problems]));
    expect(Object.keys(found).sort()).toEqual(['Abstract', 'Good', 'Implicit', 'Protected', 'sub.Nested']);
    expect(found.Protected).toEqual([expect.stringMatching(/^has a protected constructor/)]);
    expect(found.Implicit).toEqual([expect.stringMatching(/implicit public/)]);
    expect(found.Abstract).toEqual(['is abstract']);
    expect(found['sub.Nested']).toEqual([expect.stringMatching(/^has a public constructor/)]);
    expect(found.Good).toEqual([]);
  });
});

/**
 * Why the `.jsii` assembly cannot be checked, or undefined when it is current: it is missing, or
 * a file of src/ the public API is compiled from (those `sourceProgram` reaches from src/index.ts)
 * changed after it was written.
 */
function assemblyStaleness(): string | undefined {
  if (!fs.existsSync(ASSEMBLY)) return '.jsii does not exist';
  const built = fs.statSync(ASSEMBLY).mtimeMs;
  const src = path.join(ROOT, 'src') + path.sep;
  const changed = sourceProgram.getSourceFiles()
    .map((f) => path.resolve(f.fileName))
    .find((f) => f.startsWith(src) && fs.statSync(f).mtimeMs > built);
  return changed === undefined ? undefined : `${path.relative(ROOT, changed)} changed after .jsii was written`;
}

const staleness = assemblyStaleness();
if (staleness !== undefined) {
  // eslint-disable-next-line no-console
  console.warn(`enum-like-classes: skipping the .jsii checks: ${staleness}; run \`npx projen compile\` first.`);
}
const describeAssembly = staleness === undefined ? describe : describe.skip;

describeAssembly('the jsii assembly (.jsii)', () => {
  interface JsiiType {
    readonly kind: string;
    readonly abstract?: boolean;
    readonly base?: string;
    readonly initializer?: { readonly parameters?: { readonly type?: { readonly fqn?: string } }[] };
    readonly methods?: { readonly name: string; readonly static?: boolean; readonly returns?: { readonly type?: { readonly fqn?: string } } }[];
  }
  const assembly: { name: string; types: Record<string, JsiiType> } = staleness === undefined
    ? JSON.parse(fs.readFileSync(ASSEMBLY, 'utf8'))
    : { name: '', types: {} };
  const isConstructInitializer = (t: JsiiType) =>
    ['constructs.Construct', 'constructs.IConstruct'].includes(t.initializer?.parameters?.[0]?.type?.fqn ?? '');
  const classes = Object.entries(assembly.types)
    .filter(([fqn, t]) => t.kind === 'class'
      && (t.methods ?? []).some((m) => m.static && m.returns?.type?.fqn === fqn)
      && !isConstructInitializer(t))
    .map(([fqn, t]) => ({ name: fqn.slice(assembly.name.length + 1), type: t }));

  test('finds the same enum-like classes as the TypeScript check', () => {
    expect(classes.map((c) => c.name).sort()).toEqual(sourceClasses.map((c) => c.name).sort());
  });

  test.each(classes.map((c) => [c.name, c.type] as const))('%s has no initializer and is not abstract', (name, type) => {
    const problems = [
      ...(type.initializer !== undefined ? [`${name} has an initializer: ${JSON.stringify(type.initializer)}`] : []),
      ...(type.abstract ? [`${name} is abstract`] : []),
    ];
    expect(problems).toEqual([]);
  });
});
