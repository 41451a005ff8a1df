/**
 * The pure builders of `patterns` reject bad input with the library's one error shape,
 * `<Class>.<method>: <problem> Fix: <fix>`, naming the public method the user called (the
 * constructs use the same shape with their path).
 */
import { readFileSync } from 'fs';
import * as path from 'path';
import { Lazy, Token } from 'aws-cdk-lib';
import { EventPatternMatcher } from '../../src/patterns/engine/event-pattern-matcher';
import { EventPatternSet } from '../../src/patterns/engine/event-pattern-set';
import { InputTransformerRenderer } from '../../src/patterns/engine/input-transformer';
import { IamEventPattern } from '../../src/patterns/iam-event-pattern';
import { PatternExplanation } from '../../src/patterns/pattern-explanation';

const SHAPE = /^[A-Z][A-Za-z]+\.[a-z][A-Za-z]*: .+ Fix: .+/s;

function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, got none');
}

const ROLE = 'arn:aws:iam::111122223333:role/Deploy';

/** A pattern of uncatalogued names just short enough that adding the sign-in branch exceeds the quota. */
function patternAtTheQuota(): IamEventPattern {
  let last: IamEventPattern | undefined;
  for (let n = 1; n < 200; n++) {
    const names = Array.from({ length: n }, (_, i) => `CustomOperationNumber${i}`);
    try {
      last = IamEventPattern.eventNamesNotInCatalog(...names);
    } catch {
      break;
    }
    try {
      last.withConsoleSignIn();
    } catch {
      return last;
    }
  }
  throw new Error(`no pattern at the quota (last: ${last?.description})`);
}

const CASES: Array<[string, () => unknown]> = [
  // IamEventPattern: factories
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames()],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('*')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('Put**Policy')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('iam:CreateUser')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('ConsoleLogin')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('createUser')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('CreateUsr')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('Frobnicate')],
  ['IamEventPattern.eventNames', () => IamEventPattern.eventNames('Frobnicate*')],
  ['IamEventPattern.eventNamesNotInCatalog', () => IamEventPattern.eventNamesNotInCatalog()],
  ['IamEventPattern.eventNamesNotInCatalog', () => IamEventPattern.eventNamesNotInCatalog('tag*')],
  ['IamEventPattern.eventNamesNotInCatalog', () => IamEventPattern.eventNamesNotInCatalog('A*B*C*D*E*F*G*H*I*J*K*L*M*')],
  ['IamEventPattern.eventNamesNotInCatalog', () => IamEventPattern.eventNamesNotInCatalog(...Array.from({ length: 200 }, (_, i) => `CustomOperationNumber${i}`))],
  // IamEventPattern: refinements
  ['IamEventPattern.excludingEventNames', () => IamEventPattern.changes().excludingEventNames()],
  ['IamEventPattern.excludingEventNames', () => IamEventPattern.changes().excludingEventNames('getRole')],
  ['IamEventPattern.excludingEventNames', () => IamEventPattern.accessKeyChanges().excludingEventNames('*AccessKey')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals()],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('*')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('arn:aws:iam::111122223333:role/**')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('Deploy')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('arn:aws:iam::12345:user/alice')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('arn:aws:iam::111122223333:group/admins')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals('arn:aws:iam::111122223333:role/path/')],
  ['IamEventPattern.onlyPrincipals', () => IamEventPattern.changes().onlyPrincipals(ROLE).onlyPrincipals(ROLE)],
  ['IamEventPattern.exceptPrincipals', () => IamEventPattern.changes().exceptPrincipals()],
  ['IamEventPattern.exceptPrincipals', () => IamEventPattern.changes().exceptPrincipals('arn:aws:s3:::bucket')],
  ['IamEventPattern.exceptPrincipals', () => IamEventPattern.changes().onlyPrincipals(ROLE).exceptPrincipals(ROLE)],
  ['IamEventPattern.exceptPrincipals', () => IamEventPattern.changes().exceptPrincipals(...Array.from({ length: 60 }, (_, i) => `arn:aws:iam::111122223333:user/user-number-${i}`))],
  ['IamEventPattern.onlyAccounts', () => IamEventPattern.changes().onlyAccounts()],
  ['IamEventPattern.onlyAccounts', () => IamEventPattern.changes().onlyAccounts('1234')],
  ['IamEventPattern.onlyAccounts', () => IamEventPattern.changes().onlyAccounts('111122223333').onlyAccounts('444455556666')],
  ['IamEventPattern.onlyFailedCalls', () => IamEventPattern.changes().onlySuccessfulCalls().onlyFailedCalls()],
  ['IamEventPattern.onlySuccessfulCalls', () => IamEventPattern.failedConsoleSignIns().onlySuccessfulCalls()],
  ['IamEventPattern.withConsoleSignIn', () => patternAtTheQuota().withConsoleSignIn()],
  ['IamEventPattern.toJson', () => IamEventPattern.changes().exceptPrincipals(Token.asString({ Ref: 'DeployRoleArn' })).toJson()],
  // The engine's public classes
  ['EventPatternMatcher.fromJson', () => EventPatternMatcher.fromJson('{"a": []}')],
  ['EventPatternMatcher.fromJson', () => EventPatternMatcher.fromJson('not json')],
  ['EventPatternMatcher.fromJson', () => EventPatternMatcher.fromJson('{"a": ["x"]}', { maxPatternLength: 5 })],
  ['EventPatternMatcher.matchesEvent', () => EventPatternMatcher.fromJson('{"a": ["x"]}').matchesEvent(null)],
  ['EventPatternMatcher.matchesEvent', () => EventPatternMatcher.fromJson('{"a": ["x"]}').matchesEvent('{"a": "x"}')],
  ['EventPatternSet.add', () => new EventPatternSet().add('x', '{"a": "x"}')],
  ['EventPatternSet.add', () => new EventPatternSet().add('', '{"a": ["x"]}')],
  ['EventPatternSet.matchingNamesOfEvent', () => new EventPatternSet().matchingNamesOfEvent([])],
  ['PatternExplanation.explain', () => PatternExplanation.explain('{"detail": {"eventName": "CreateRole"}}')],
  ['InputTransformerRenderer.render', () => InputTransformerRenderer.render({ inputTemplate: '"x"' }, '{"detail": ')],
  ['InputTransformerRenderer.render', () => InputTransformerRenderer.render({ inputTemplate: '"x"' }, '[]')],
  ['InputTransformerRenderer.render', () => InputTransformerRenderer.render({ inputTemplate: '"<who>"' }, '{}')],
  ['InputTransformerRenderer.render', () => InputTransformerRenderer.render({ inputTemplate: Lazy.string({ produce: () => '"x"' }) }, '{}')],
  ['InputTransformerRenderer.render', () => InputTransformerRenderer.render({ inputTemplate: '"<aws.events.event.ingestion-time>"' }, '{}')],
  ['InputTransformerRenderer.renderEvent', () => InputTransformerRenderer.renderEvent({ inputTemplate: '"x"' }, null)],
  ['InputTransformerRenderer.renderEvent', () => InputTransformerRenderer.renderEvent({ inputTemplate: '"<who>"' }, {})],
  ['InputTransformerRenderer.renderEvent', () => InputTransformerRenderer.renderEvent({ inputTemplate: '"<aws.events.event.ingestion-time>"' }, {})],
];

test.each(CASES)('%s reports bad input as "<Class>.<method>: <problem> Fix: <fix>" (case %#)', (method, build) => {
  const message = messageOf(build);
  expect(message).toMatch(SHAPE);
  expect(message.startsWith(`${method}: `)).toBe(true);
});

test('a pattern rejected for several reasons keeps each of the check\'s findings whole, one a line', () => {
  const message = messageOf(() => EventPatternMatcher.fromJson(`{"a": [${'"x", '.repeat(20)}]}`, { maxPatternLength: 50 }));
  const lines = message.split('\n').filter((line) => / Fix: /.test(line));
  expect(lines.length).toBe(2);
  expect(message).toMatch(/^EventPatternMatcher\.fromJson: Event pattern is \d+ characters long; the limit is 50 .* Fix: /);
});

test('fixes name no TypeScript-only syntax a Python user would not recognise', () => {
  for (const [, build] of CASES) {
    const fix = messageOf(build).split(' Fix: ').slice(1).join(' Fix: ');
    expect(fix).not.toMatch(/\w\('|JSON\.stringify/);
  }
});

/**
 * A later `throw new Error(...)` for user input would bring back the second style: outside the
 * files whose texts are event-ruler's own, the patterns sources throw plain Errors only for
 * internal invariants ("internal: ...").
 */
test('the patterns sources throw plain Errors only for internal invariants', () => {
  const root = path.join(__dirname, '../../src/patterns');
  const files = [
    'iam-event-pattern.ts', 'iam-principal.ts', 'iam-value-glob.ts', 'iam-operations.ts', 'pattern-explanation.ts',
    'engine/event-pattern-matcher.ts', 'engine/event-pattern-set.ts', 'engine/input-transformer.ts',
  ];
  const plain: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    for (const m of text.matchAll(/throw new Error\(\s*(['"`])(.{0,40})/g)) {
      if (!m[2].startsWith('internal: ')) plain.push(`${file}: ${m[0]}`);
    }
  }
  expect(plain).toEqual([]);
});
