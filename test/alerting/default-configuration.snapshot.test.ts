import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ALERTING_CONFIGURATIONS } from './configurations';

// The whole template of the README quick start. It holds no asset hashes; it changes when the
// construct or the default IAM pattern changes, and then the diff is the review.
test('the default configuration synthesizes to the recorded template', () => {
  const stack = ALERTING_CONFIGURATIONS.default(new App());
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});
