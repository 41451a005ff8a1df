import type { IConstruct } from 'constructs';

/**
 * Where a checked value came from: a construct, named by its path (so the user finds the call in a
 * large app), or, for a pure builder that has no construct, the builder's class and method
 * (`IamEventPattern.eventNames`).
 */
export type ValueSource = IConstruct | string;

function sourceName(where: ValueSource): string {
  return typeof where === 'string' ? where : where.node.path;
}

/**
 * The error thrown for input the library cannot work with, by the identifier checks of this
 * folder, by every construct's own checks and by the pure builders of `patterns`: where the value
 * came from, the problem (naming the offending value), then the fix. A message that names
 * properties or methods (`allowNoDestination: true`, `onlyPrincipals()`) ends with their Python
 * spelling, since jsii gives Python users snake_case names.
 */
export function invalidInput(where: ValueSource, problem: string, fix: string): Error {
  return new Error(`${sourceName(where)}: ${problem} Fix: ${withPythonNames(fix, problem)}`);
}

/**
 * The same error for input a check has already described in findings that each read
 * `<problem> Fix: <fix>` (the event-pattern check, whose problems quote aws/event-ruler's own
 * reasons and so cannot be reworded): `<where>: <lead><finding>`, one finding a line. Each fix gets
 * its Python spelling as `invalidInput`'s does.
 */
export function invalidInputFindings(where: ValueSource, lead: string, findings: readonly string[]): Error {
  const described = findings.map((finding) => {
    const at = finding.lastIndexOf(' Fix: ');
    return at < 0 ? finding : `${finding.slice(0, at)} Fix: ${withPythonNames(finding.slice(at + ' Fix: '.length))}`;
  });
  return new Error(`${sourceName(where)}: ${lead}${described.join('\n')}`);
}

/**
 * Code in a fix that a Python user writes differently. Names: a camelCase word (a lower-case
 * start and a capital inside, as jsii's TypeScript names are) becomes snake_case, keeping its class
 * (`IamEventPattern.allApiCalls()`), a call's `()` and a boolean given with `name: true`. Idioms with no name to convert are listed whole.
 */
const CAMEL_CASE = /(?<![\w-])((?:[A-Z]\w*\.)?)([a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+)(\(\)|\(|: (?:true|false)\b)?/g;
const IDIOMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/JSON\.stringify\(([^)]*)\)/, 'json.dumps($1)'],
  [/new (\w+\.[\w.]+)\(([^)]*)\)/, '$1($2)'],
];

/**
 * `fix`, followed by ` (Python: a_b, c_d(), e_f=True)` when a name or idiom in it, or in the
 * problem it answers, is spelled differently in Python. Quoted text is a value, not a name.
 */
export function withPythonNames(fix: string, problem = ''): string {
  const code = `${problem} ${fix}`.replace(/(?<!\w)'[^']*'(?!\w)|"[^"]*"/g, ' ');
  const spellings: string[] = [];
  const add = (spelling: string) => {
    if (!spellings.includes(spelling)) spellings.push(spelling);
  };
  for (const [pattern, python] of IDIOMS) {
    const found = code.match(new RegExp(pattern.source, 'g')) ?? [];
    found.forEach((text) => add(text.replace(pattern, python)));
  }
  for (const [, owner, name, tail] of code.matchAll(CAMEL_CASE)) {
    const snake = owner + name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (tail === undefined) add(snake);
    else if (tail.startsWith('(')) add(`${snake}()`);
    else add(`${snake}=${tail.endsWith('true') ? 'True' : 'False'}`);
  }
  return spellings.length === 0 ? fix : `${fix} (Python: ${spellings.join(', ')})`;
}
