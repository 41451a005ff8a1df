export * as patterns from './patterns';
export * from './alerting';
export * from './cross-account';
export * from './org-rollout';
export * from './access-analyzer';
export * from './org-trail-athena';
export * from './health';
