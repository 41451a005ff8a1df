import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** The account and region the tests deploy to unless a test is about another environment. */
export const TEST_ENV = { account: '111111111111', region: 'us-east-1' };

/** A fresh app and stack in `TEST_ENV`, or the given environment (`{}`: environment-agnostic). */
export function newStack(env: { account?: string; region?: string } = TEST_ENV): Stack {
  return new Stack(new App(), 'TestStack', { env });
}

/**
 * Every policy statement of every resource of the given type in the template, from
 * `PolicyDocument` (bucket, topic and queue policies) or `KeyPolicy` (KMS keys).
 */
export function statementsOf(template: Template, resourceType: string): any[] {
  return Object.values(template.findResources(resourceType)).flatMap((resource: any) => {
    const document = resource.Properties.PolicyDocument ?? resource.Properties.KeyPolicy;
    return document.Statement;
  });
}

/** The single resource of the given type, failing when there is not exactly one. */
export function onlyResource(template: Template, resourceType: string): { id: string; resource: any } {
  const found = Object.entries(template.findResources(resourceType));
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${resourceType}, found ${found.length}`);
  }
  return { id: found[0][0], resource: found[0][1] };
}
