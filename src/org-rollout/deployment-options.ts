import { StackSetDeploymentOptions } from './organization-stack-set';

/**
 * The `StackSetDeploymentOptions` of a rollout's props, and nothing else, for its
 * `OrganizationStackSet`: the one place a rollout lists them.
 */
export function deploymentOptionsOf(options: StackSetDeploymentOptions): StackSetDeploymentOptions {
  return {
    callAs: options.callAs,
    stackSetName: options.stackSetName,
    retainStacksOnAccountRemoval: options.retainStacksOnAccountRemoval,
    maxConcurrentPercentage: options.maxConcurrentPercentage,
    failureTolerancePercentage: options.failureTolerancePercentage,
  };
}
