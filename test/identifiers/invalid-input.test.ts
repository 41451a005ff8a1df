import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalidInput } from '../../src/private/invalid-input';

test('names a construct by its path, then the problem and the fix', () => {
  const thing = new Construct(new Stack(new App(), 'Stack'), 'Thing');
  expect(invalidInput(thing, "x is 'y'.", 'give z.').message).toBe("Stack/Thing: x is 'y'. Fix: give z.");
});

test('names a pure builder by the name it is given', () => {
  expect(invalidInput('StartPolicyGenerationRequest', "x is 'y'.", 'give z.').message).toBe("StartPolicyGenerationRequest: x is 'y'. Fix: give z.");
});
