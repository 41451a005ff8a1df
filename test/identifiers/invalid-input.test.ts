import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalidInput, invalidInputFindings } from '../../src/private/invalid-input';

test('names a construct by its path, then the problem and the fix', () => {
  const thing = new Construct(new Stack(new App(), 'Stack'), 'Thing');
  expect(invalidInput(thing, "x is 'y'.", 'give z.').message).toBe("Stack/Thing: x is 'y'. Fix: give z.");
});

test('names a pure builder by the name it is given', () => {
  expect(invalidInput('StartPolicyGenerationRequest', "x is 'y'.", 'give z.').message).toBe("StartPolicyGenerationRequest: x is 'y'. Fix: give z.");
});

test('keeps findings that already read "<problem> Fix: <fix>" whole, after the source and a lead, one a line', () => {
  expect(invalidInputFindings('EventPatternSet.fromJson', 'pattern 1 is not valid: ', ['a is wrong. Fix: do b.', 'c is wrong. Fix: do d.']).message)
    .toBe('EventPatternSet.fromJson: pattern 1 is not valid: a is wrong. Fix: do b.\nc is wrong. Fix: do d.');
});
