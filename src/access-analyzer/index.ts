export * from './org-trail-analyzer-access';
export * from './access-analyzer-service-role';
export * from './access-analyzer-service-role-rollout';
export * from './start-policy-generation-request';
